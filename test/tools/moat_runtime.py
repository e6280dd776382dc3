#!/usr/bin/env python3
"""`moat` with `--runtime=$MOAT_RUNTIME` added to `check` and `query`: lets a
tool that runs moat by path (test/tools/corpus_score.py) ask for one
runtime's semantics (docs/semantics.md, "Runtimes"). The moat binary is
$MOAT_BIN, else `moat` on PATH."""
import os
import sys

args = sys.argv[1:]
runtime = os.environ.get("MOAT_RUNTIME")
if runtime and args and args[0] in ("check", "query"):
    args = [args[0], "--runtime=" + runtime] + args[1:]
binary = os.environ.get("MOAT_BIN", "moat")
os.execvp(binary, [binary] + args)
