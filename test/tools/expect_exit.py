#!/usr/bin/env python3
"""Runs a command and fails unless it exits with the expected status.
Usage (lit): %expect_exit 2 moat check bad.moat 2>&1 | FileCheck %s
Stdout and stderr of the command are passed through unchanged."""
import subprocess
import sys

expected = int(sys.argv[1])
cmd = sys.argv[2:]
if cmd and cmd[0] == "--":
    cmd = cmd[1:]
proc = subprocess.run(cmd)
if proc.returncode != expected:
    sys.stderr.write("expect_exit: %r exited %d, expected %d\n" % (cmd, proc.returncode, expected))
    sys.exit(1)
sys.exit(0)
