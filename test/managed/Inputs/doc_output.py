#!/usr/bin/env python3
"""Keeps a command's output in a doc true: finds the block after the
`<!-- moat-check-output: COMMAND -->` marker in DOC, runs COMMAND (with
`moat` replaced by MOAT) from ROOT, and compares its combined output with the
block, line by line.

Usage: doc_output.py MOAT ROOT DOC   (prints "doc output matches" or a diff)
"""
import difflib
import re
import shlex
import subprocess
import sys

moat, root, doc = sys.argv[1:4]
text = open(doc, encoding="utf-8").read()
m = re.search(r"<!-- moat-check-output: (.*?) -->\n```text\n(.*?)```", text, re.S)
if not m:
    print("no moat-check-output block in " + doc)
    sys.exit(1)
argv = shlex.split(m.group(1))
if argv[0] != "moat":
    print("the documented command must start with 'moat'")
    sys.exit(1)
run = subprocess.run([moat] + argv[1:], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
actual = run.stdout.decode()
if actual == m.group(2):
    print("doc output matches")
    sys.exit(0)
sys.stdout.writelines(difflib.unified_diff(m.group(2).splitlines(True), actual.splitlines(True), "documented", "actual"))
sys.exit(1)
