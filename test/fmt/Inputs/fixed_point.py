#!/usr/bin/env python3
"""fixed_point.py MOAT DIR: formats every .moat file under DIR twice and
checks that the second pass changes nothing. Prints one line per unstable
file and a summary `N files stable`; exits 1 if any file is not stable or
could not be formatted."""
import os
import subprocess
import sys
import tempfile

moat, root = sys.argv[1], sys.argv[2]
stable = 0
failed = False
for dirpath, _, names in os.walk(root):
    for name in sorted(names):
        if not name.endswith(".moat"):
            continue
        path = os.path.join(dirpath, name)
        once = subprocess.run([moat, "fmt", path], capture_output=True)
        if once.returncode != 0:
            print("NOT STABLE (fmt failed): %s\n%s" % (path, once.stderr.decode(errors="replace")))
            failed = True
            continue
        with tempfile.NamedTemporaryFile(suffix=".moat") as tmp:
            tmp.write(once.stdout)
            tmp.flush()
            twice = subprocess.run([moat, "fmt", tmp.name], capture_output=True)
        if twice.returncode != 0 or twice.stdout != once.stdout:
            print("NOT STABLE: %s" % path)
            failed = True
            continue
        stable += 1
print("%d files stable" % stable)
sys.exit(1 if failed else 0)
