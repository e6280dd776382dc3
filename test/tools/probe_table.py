#!/usr/bin/env python3
"""Checks `moat query --batch` answers against a hand-written table.

Usage: probe_table.py TABLE MOAT POLICY [--define K=V]...
TABLE lines: `QUERY = EXPECTED` where QUERY is a batch line (`read PATH`,
`connect HOST`) and EXPECTED is the answer without its `# why` comment.
Prints one line per mismatch and a summary `N probes, M mismatches`; exits
1 on any mismatch or if moat fails."""
import subprocess
import sys
import tempfile

table_path, moat, policy, *extra = sys.argv[1:]
queries, expected = [], []
for raw in open(table_path, encoding="utf-8"):
    raw = raw.rstrip("\n")
    if not raw.strip() or raw.lstrip().startswith("#"):
        continue
    q, _, e = raw.partition(" = ")
    queries.append(q.strip())
    expected.append(e.strip())
with tempfile.NamedTemporaryFile("w", suffix=".probes", delete=False) as f:
    f.write("\n".join(queries) + "\n")
    batch = f.name
proc = subprocess.run([moat, "query", "--batch=" + batch, *extra, policy], capture_output=True, text=True)
if proc.returncode != 0:
    sys.stdout.write(proc.stdout + proc.stderr)
    print("moat exited %d" % proc.returncode)
    sys.exit(1)
answers = [line.split("  #", 1)[0].strip() for line in proc.stdout.splitlines()]
mismatches = 0
if len(answers) != len(expected):
    print("expected %d answers, got %d" % (len(expected), len(answers)))
    mismatches += 1
for q, e, a in zip(queries, expected, answers):
    if e != a:
        mismatches += 1
        print("MISMATCH %s: expected '%s', got '%s'" % (q, e, a))
print("%d probes, %d mismatches" % (len(expected), mismatches))
sys.exit(1 if mismatches else 0)
