#!/usr/bin/env python3
"""Fails when a registered lint rule (lint/Registry.cpp) has no docs page
docs/rules/<id>.md with the required sections, no row in docs/rules/README.md,
or no lit test test/lint/<id>.test. The settings findings (settingsRules(),
reported by the importers) may have their lit tests with the importers: a
test anywhere under test/ that checks for `[id]` counts."""
import os
import re
import sys

root = sys.argv[1]
registry = open(os.path.join(root, "lint/Registry.cpp"), encoding="utf-8").read()
ids = re.findall(r'^\s*\{"([a-z0-9-]+)", Severity::', registry, re.M)
split = registry.find("settingsRules()")
settings = set(re.findall(r'^\s*\{"([a-z0-9-]+)", Severity::', registry[split:], re.M)) if split >= 0 else set()


def tested_anywhere(rule):
    for dirpath, _, files in os.walk(os.path.join(root, "test")):
        for name in files:
            if name.endswith(".test"):
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                    if "[%s]" % rule in f.read():
                        return True
    return False
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
    if not os.path.exists(os.path.join(root, "test/lint", rule + ".test")) and not (
            rule in settings and tested_anywhere(rule)):
        problems.append("%s: no lit test test/lint/%s.test" % (rule, rule))
for p in problems:
    print(p)
print("%d rules, %d problems" % (len(ids), len(problems)))
sys.exit(1 if problems or not ids else 0)
