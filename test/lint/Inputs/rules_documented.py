#!/usr/bin/env python3
"""Fails when a registered lint rule (lint/Registry.cpp) has no docs page
docs/rules/<id>.md with the required sections, no row in docs/rules/README.md,
or no lit test test/lint/<id>.test."""
import os
import re
import sys

root = sys.argv[1]
registry = open(os.path.join(root, "lint/Registry.cpp"), encoding="utf-8").read()
ids = re.findall(r'^\s*\{"([a-z0-9-]+)", Severity::', registry, re.M)
index = open(os.path.join(root, "docs/rules/README.md"), encoding="utf-8").read()
problems = []
for rule in ids:
    page = os.path.join(root, "docs/rules", rule + ".md")
    if not os.path.exists(page):
        problems.append("%s: no docs page" % rule)
    else:
        text = open(page, encoding="utf-8").read()
        for section in ("## What it detects", "## Why it is dangerous", "## How to fix", "## Example", "Before", "After"):
            if section not in text:
                problems.append("%s: docs page lacks '%s'" % (rule, section))
    if "](%s.md)" % rule not in index:
        problems.append("%s: not listed in docs/rules/README.md" % rule)
    if not os.path.exists(os.path.join(root, "test/lint", rule + ".test")):
        problems.append("%s: no lit test test/lint/%s.test" % (rule, rule))
for p in problems:
    print(p)
print("%d rules, %d problems" % (len(ids), len(problems)))
sys.exit(1 if problems or not ids else 0)
