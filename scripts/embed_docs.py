#!/usr/bin/env python3
"""Compiles the rule docs pages (docs/rules/<rule-id>.md) into a C++ include
of {"rule-id", "page text"} pairs, so `moat explain` prints the same page the
repository shows. Usage: embed_docs.py OUT.inc PAGE.md...

The include is written beside its final name and renamed, so an interrupted
run (or a page refused below) never leaves a partial include that the next
build would trust as up to date."""
import json
import os
import sys

out, pages = sys.argv[1], sorted(sys.argv[2:])
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write("// Generated from docs/rules/*.md. Do not edit.\n")
    for page in pages:
        rule = os.path.splitext(os.path.basename(page))[0]
        if rule == "README":
            continue
        text = open(page, encoding="utf-8").read()
        # JSON string syntax is a valid C++ string literal for this text
        # (the pages hold no control characters other than newline and tab).
        if any(ord(c) < 0x20 and c not in "\n\t" for c in text):
            sys.exit("%s: control character in a docs page" % page)
        f.write("{%s, %s},\n" % (json.dumps(rule), json.dumps(text, ensure_ascii=False)))
os.replace(tmp, out)
