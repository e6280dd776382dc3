#!/usr/bin/env python3
"""Fails when a diagnostic kind in DiagnosticKinds.def has no lit test: every
id must appear as "[id]" in a positive FileCheck directive (CHECK:, or any
custom prefix such as DENY:, but not a -NOT: line) of some test under test/."""
import os
import re
import sys

root = sys.argv[1]
defs = open(os.path.join(root, "compiler/diagnostics/DiagnosticKinds.def"), encoding="utf-8").read()
ids = re.findall(r'^DIAG\(\w+,\s*\w+,\s*"([^"]+)"', defs, re.M)
checked = set()
DIRECTIVE = re.compile(r"^\s*(?:#\s*)?(([A-Z][A-Z0-9_]*)(?:-NEXT|-SAME|-DAG|-NOT|-LABEL)?):")
for dirpath, _, names in os.walk(os.path.join(root, "test")):
    if "/unit" in dirpath or "/fuzz" in dirpath:
        continue
    for name in names:
        try:
            text = open(os.path.join(dirpath, name), encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for line in text.splitlines():
            m = DIRECTIVE.match(line)
            if m and m.group(2) != "RUN" and not m.group(1).endswith("-NOT"):
                checked.update(re.findall(r"\[([a-z0-9-]+)\]", line))
missing = [i for i in ids if i not in checked]
for i in missing:
    print("diagnostic kind without a lit test: [%s]" % i)
print("%d diagnostic kinds, %d without a test" % (len(ids), len(missing)))
sys.exit(1 if missing else 0)
