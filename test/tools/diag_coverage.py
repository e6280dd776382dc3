#!/usr/bin/env python3
"""Fails when a diagnostic kind in DiagnosticKinds.def has no lit test: every
id must appear as "[id]" in a CHECK line of some test under test/."""
import os
import re
import sys

root = sys.argv[1]
defs = open(os.path.join(root, "compiler/diagnostics/DiagnosticKinds.def"), encoding="utf-8").read()
ids = re.findall(r'^DIAG\(\w+,\s*\w+,\s*"([^"]+)"', defs, re.M)
checked = set()
for dirpath, _, names in os.walk(os.path.join(root, "test")):
    if "/unit" in dirpath or "/fuzz" in dirpath:
        continue
    for name in names:
        try:
            text = open(os.path.join(dirpath, name), encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for line in text.splitlines():
            if "CHECK" in line:
                checked.update(re.findall(r"\[([a-z0-9-]+)\]", line))
missing = [i for i in ids if i not in checked]
for i in missing:
    print("diagnostic kind without a lit test: [%s]" % i)
print("%d diagnostic kinds, %d without a test" % (len(ids), len(missing)))
sys.exit(1 if missing else 0)
