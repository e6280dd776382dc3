#!/usr/bin/env python3
"""Runs a command with a wall-clock limit and checks that it ended normally.

Usage: bounded.py SECONDS ALLOWED-STATUSES -- CMD [ARG...]
  ALLOWED-STATUSES is a comma-separated list such as 0,1 or 2.
The command's stdout and stderr pass through. Fails (exit 1, with a reason
on stderr) if the command is killed by a signal, exits with a status not in
the list, or is still running after SECONDS (it is then killed).
"""
import subprocess
import sys

if len(sys.argv) < 5 or sys.argv[3] != "--":
    sys.stderr.write(__doc__)
    sys.exit(2)
limit = float(sys.argv[1])
allowed = {int(s) for s in sys.argv[2].split(",")}
cmd = sys.argv[4:]
proc = subprocess.Popen(cmd)
try:
    status = proc.wait(timeout=limit)
except subprocess.TimeoutExpired:
    proc.kill()
    proc.wait()
    sys.stderr.write("bounded: %r still running after %gs; killed\n" % (cmd, limit))
    sys.exit(1)
if status < 0:
    sys.stderr.write("bounded: %r died with signal %d\n" % (cmd, -status))
    sys.exit(1)
if status not in allowed:
    sys.stderr.write("bounded: %r exited %d, expected one of %s\n" % (cmd, status, sorted(allowed)))
    sys.exit(1)
sys.exit(0)
