"""Rewrites the golden checks of test/backends/sbpl/example-*.test from the
current output of `moat build --target=sbpl`, for when an example or the
backend changes on purpose. Review the diff before committing it.

usage: update_goldens.py BUILD_BIN_DIR

Each test keeps its comment and RUN lines (everything before the first
CHECK line); the CHECK, ERR and READER lines after them are regenerated.
example-agent-default.test checks the whole profile; the others skip the
built-in protections' write rules (the same in every profile)."""
import os
import pathlib
import subprocess
import sys
import tempfile

here = pathlib.Path(__file__).resolve().parent
tests = here.parent
root = tests.parent.parent.parent
bindir = pathlib.Path(sys.argv[1]).resolve()
env = dict(os.environ, PATH=str(bindir) + os.pathsep + os.environ["PATH"],
           HOME="/home/user", TMPDIR="/tmp")
params = ["-D", "HOME=/Users/u", "-D", "CWD=/Users/u/proj", "-D", "TMPDIR=/private/var/folders/T"]


def checks(example, full):
    path = str(root / "examples" / example)
    out = subprocess.run(["moat", "build", "--target=sbpl", path], capture_output=True,
                         text=True, env=env, check=True)
    prefix = str(root / "examples") + "/"
    lines = out.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    res, first, skipping = [], True, False
    for line in lines:
        line = line.replace(prefix, "{{.*}}examples/")
        if not full and line.startswith("(deny file-write* (regex") and \
                "; built-in protection" in line:
            skipping = True
            continue
        if line == "":
            if not skipping:
                res.append("CHECK-EMPTY:")
            continue
        res.append(("CHECK: " if first or skipping else "CHECK-NEXT: ") + line)
        first = skipping = False
    for line in out.stderr.strip("\n").split("\n"):
        if line.startswith("moat: sbpl:") or "warning:" in line:
            res.append("ERR: " + line.replace(prefix, "{{.*}}examples/"))
    with tempfile.NamedTemporaryFile("w", suffix=".sb") as profile:
        profile.write(out.stdout)
        profile.flush()
        summary = subprocess.run(["moat-sbpl-check", profile.name] + params, capture_output=True,
                                 text=True, env=env, check=True).stdout.strip()
    res.append("READER: " + summary)
    return res


for test in sorted(tests.glob("example-*.test")):
    text = test.read_text().split("\n")
    example = next(l.split("%examples/")[1].split()[0] for l in text if "%examples/" in l)
    head = []
    for line in text:
        if line.startswith("CHECK"):
            break
        head.append(line)
    while head and head[-1] == "":
        head.pop()
    body = checks(example, test.name == "example-agent-default.test")
    test.write_text("\n".join(head + [""] + body) + "\n")
    print("updated", test.name)
