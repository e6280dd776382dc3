#!/usr/bin/env python3
"""Parses a report page as a browser's tokenizer would (html.parser) and
fails on any element or attribute the renderer never writes: what a policy
string could add if it reached the page unescaped. Also fails on a link
that leaves the page.
Usage: html_allowlist.py PAGE.html  (prints "allowlist: ok, N elements")"""
import html.parser
import sys

TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt",
        "dd", "nav", "a", "span", "main", "section", "p", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
        "ul", "ol", "li", "details", "summary", "div", "strong"}
ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "id", "class", "href", "title", "open",
              "data-path", "data-read", "data-write", "data-rule", "data-access"}


class Census(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.elements = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        if tag not in TAGS:
            self.problems.append("element <%s>" % tag)
        for name, value in attrs:
            if name not in ATTRIBUTES:
                self.problems.append("attribute %s= on <%s>" % (name, tag))
            elif name == "href" and not (value or "").startswith("#"):
                self.problems.append("link out of the page: %r" % value)


census = Census()
with open(sys.argv[1], encoding="utf-8") as f:
    census.feed(f.read())
if census.problems:
    sys.stderr.write("html_allowlist: %s\n" % "; ".join(census.problems[:10]))
    sys.exit(1)
print("allowlist: ok, %d elements" % census.elements)
