#!/usr/bin/env python3
"""Runs `moat check` on policies whose *file names* are hostile.

Usage: hostile_names.py MOAT SCRATCH_DIR

Creates one policy with a syntax error (line 1, column 28) under each name
(invalid UTF-8, ESC sequences, a newline, a bidi override, spaces, a very
long name) and checks, for text and --format=json output: exit status 2, no
crash or assertion, no raw control or bidi character in the output, one
`[syntax-error]` error at 1:28, and valid JSON. Then the same for a file
that does not exist under a name that is not UTF-8 (`[file-unreadable]`).
Prints one line per problem and `N names, F failures`.
"""
import json
import os
import re
import subprocess
import sys

POLICY = b'policy "p" { deny read "/x" }\n'  # missing ';' at 1:28
NAMES = [
    b"plain.moat",
    b"bad-utf8-\xff\xfe.moat",
    b"esc-\x1b[2K\x1b[1A.moat",
    b"new\nline.moat",
    b"bidi-\xe2\x80\xaeetaom.moat",
    b"space and 'quote\".moat",
    b"long-" + b"x" * 240 + b".moat",
]
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(moat, path, ident="syntax-error", line=1, col=28):
    problems = []
    status, out, err = run([moat, "check", path])
    if status != 2:
        problems.append("text: exit status %d, expected 2" % status)
    if UNSAFE.search(out + err):
        problems.append("text: raw control or bidi character in the output")
    where = ":%d:%d: " % (line, col) if line else ": "
    if not re.search(re.escape(where) + r"error: .*\[" + ident + r"\]$", out + err, re.MULTILINE):
        problems.append("text: no one-line [%s] error%s" % (ident, " at %d:%d" % (line, col)
                                                             if line else ""))
    status, out, err = run([moat, "check", "--format=json", path])
    if status != 2:
        problems.append("json: exit status %d, expected 2 (%s)" % (status, err.strip()[:200]))
    try:
        diags = json.loads(out)["diagnostics"]
        if line and not any(d.get("id") == ident and d.get("line") == line and
                            d.get("column") == col and isinstance(d.get("file"), str)
                            for d in diags):
            problems.append("json: no %s at %d:%d with a file name" % (ident, line, col))
        if not line and not any(d.get("id") == ident for d in diags):
            problems.append("json: no %s" % ident)
    except (ValueError, KeyError, TypeError) as e:
        problems.append("json: not the documented JSON (%s)" % e)
    return problems


def main():
    moat, scratch = sys.argv[1], sys.argv[2].encode()
    os.makedirs(scratch, exist_ok=True)
    failures = 0
    for name in NAMES:
        path = os.path.join(scratch, name)
        with open(path, "wb") as f:
            f.write(POLICY)
        problems = check(moat, path)
        for p in problems:
            print("FAIL %r: %s" % (name, p))
        failures += bool(problems)
    missing = os.path.join(scratch, b"missing-\xff.moat")
    problems = check(moat, missing, "file-unreadable", 0, 0)
    for p in problems:
        print("FAIL %r: %s" % (missing, p))
    failures += bool(problems)
    print("%d names, %d failures" % (len(NAMES) + 1, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
