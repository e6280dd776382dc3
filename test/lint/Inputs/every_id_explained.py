#!/usr/bin/env python3
"""Fails when an id moat can print has no page `moat explain` prints.

The ids: every DIAG of compiler/diagnostics/DiagnosticKinds.def, every rule
of lint/Registry.cpp (lint rules and settings findings) and lint-model.
Warnings, lint rules and settings findings need a page of their own (it
starts with '# ID'); errors and notes may share a family page
(docs/rules/README.md, "Every printable id"). Usage:
every_id_explained.py SRCROOT MOAT"""
import os
import re
import subprocess
import sys

root, moat = sys.argv[1], sys.argv[2]
kinds = open(os.path.join(root, "compiler/diagnostics/DiagnosticKinds.def"), encoding="utf-8").read()
registry = open(os.path.join(root, "lint/Registry.cpp"), encoding="utf-8").read()
ids = []  # (id, needs its own page)
for sev, ident in re.findall(r'^DIAG\(\w+,\s*(\w+),\s*"([a-z0-9-]+)"', kinds, re.M):
    ids.append((ident, sev == "Warning"))
for ident in re.findall(r'^\s*\{"([a-z0-9-]+)", Severity::', registry, re.M):
    ids.append((ident, True))
ids.append(("lint-model", True))
problems = []
for ident, own in ids:
    r = subprocess.run([moat, "explain", ident], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        problems.append("%s: `moat explain %s` fails (exit %d): no docs page lists it" % (ident, ident, r.returncode))
    elif own and not r.stdout.startswith("# " + ident + "\n"):
        problems.append("%s: needs a page of its own, docs/rules/%s.md starting with '# %s'" % (ident, ident, ident))
for p in problems:
    print(p)
print("%d printable ids, %d problems" % (len(ids), len(problems)))
sys.exit(1 if problems or len(ids) < 50 else 0)
