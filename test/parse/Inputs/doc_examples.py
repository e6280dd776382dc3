#!/usr/bin/env python3
"""doc_examples.py MOAT DOC.md: every ```moat block of a Markdown page must
parse (checked with `moat fmt`, which involves only the parser). Prints one
line per failing block and a summary `N examples parse`; exits 1 on any
failure or when the page has no moat block."""
import re
import subprocess
import sys
import tempfile

moat, doc = sys.argv[1], sys.argv[2]
text = open(doc, encoding="utf-8").read()
failed = 0
blocks = 0
for match in re.finditer(r"^```moat\n(.*?)^```", text, re.S | re.M):
    blocks += 1
    line = text.count("\n", 0, match.start()) + 1
    with tempfile.NamedTemporaryFile("w", suffix=".moat", encoding="utf-8") as tmp:
        tmp.write(match.group(1))
        tmp.flush()
        r = subprocess.run([moat, "fmt", tmp.name], capture_output=True, text=True)
    if r.returncode != 0:
        failed += 1
        print("FAIL: the example at %s:%d does not parse:\n%s" % (doc, line, r.stderr))
print("%d examples parse" % (blocks - failed))
sys.exit(1 if failed or blocks == 0 else 0)
