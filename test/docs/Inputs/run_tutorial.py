#!/usr/bin/env python3
"""Runs docs/tutorial.md and fails where it does not say what moat does.

  run_tutorial.py SRCROOT [--update]

(--update rewrites the tutorial's console outputs with what moat printed;
review the diff before committing it.)

The tutorial is read top to bottom in a fresh project directory ~/myapp (HOME
is a temporary /home/me):
* a fenced block right after `<!-- file: PATH -->` is that file: it must be
  docs/tutorial/PATH byte for byte, and is written to the project then (an
  edit the reader makes);
* in a ```console block each `$ COMMAND` line is run with bash in the project
  and what it prints (stdout and stderr) must be the lines that follow it,
  exactly, with the temporary home shown as /home/me;
* any other fenced block is an error (it would not be checked), and so is a
  file under docs/tutorial/ that the tutorial does not quote.
The machine's managed policy is kept out (MOAT_MANAGED_DIR is empty)."""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

root = sys.argv[1]
update = "--update" in sys.argv[2:]
tutorial_path = os.path.join(root, "docs", "tutorial.md")
files_dir = os.path.join(root, "docs", "tutorial")
lines = open(tutorial_path, encoding="utf-8").read().split("\n")

steps = []  # ("file", line, path, text) or ("run", line, command, expected)
problems = []
i, pending_file = 0, None
while i < len(lines):
    line = lines[i]
    marker = re.fullmatch(r"<!-- file: (\S+) -->", line.strip())
    if marker:
        pending_file = marker.group(1)
        i += 1
        continue
    fence = re.match(r"^(```+)(\S*)", line)
    if not fence:
        if line.strip():
            pending_file = None
        i += 1
        continue
    start, ticks, lang = i + 1, fence.group(1), fence.group(2)
    body = []
    i += 1
    while i < len(lines) and lines[i] != ticks:
        body.append(lines[i])
        i += 1
    i += 1
    if pending_file:
        steps.append(("file", start, pending_file, "\n".join(body) + "\n"))
    elif lang == "console":
        for line_no, text in enumerate(body, start + 1):
            if text.startswith("$ "):
                steps.append(["run", line_no, text[2:], []])
            elif steps and steps[-1][0] == "run" and steps[-1][1] >= start:
                steps[-1][3].append(text)
            else:
                problems.append("tutorial.md:%d: output before any command" % line_no)
    else:
        problems.append("tutorial.md:%d: a ```%s block that is neither a file nor a console session "
                        "is not checked" % (start, lang))
    pending_file = None

quoted = {s[2] for s in steps if s[0] == "file"}
for dirpath, _, names in os.walk(files_dir):
    for name in names:
        rel = os.path.relpath(os.path.join(dirpath, name), files_dir)
        if rel not in quoted:
            problems.append("docs/tutorial/%s: not quoted in the tutorial" % rel)

tmp = tempfile.mkdtemp(prefix="moat-tutorial-")
try:
    home = os.path.join(tmp, "home", "me")
    project = os.path.join(home, "myapp")
    for d in (project, os.path.join(tmp, "managed"), os.path.join(tmp, "tmp"), os.path.join(tmp, "state")):
        os.makedirs(d)
    env = dict(os.environ, HOME=home, TMPDIR=os.path.join(tmp, "tmp"), NO_COLOR="1",
               MOAT_MANAGED_DIR=os.path.join(tmp, "managed"), XDG_STATE_HOME=os.path.join(tmp, "state"))
    runs = 0
    rewrites = []  # (first output line index, old count, new lines)
    for step in steps:
        if step[0] == "file":
            _, line_no, path, text = step
            source = os.path.join(files_dir, path)
            if not os.path.exists(source):
                problems.append("tutorial.md:%d: %s is not in docs/tutorial/" % (line_no, path))
            elif open(source, encoding="utf-8").read() != text:
                problems.append("tutorial.md:%d: differs from docs/tutorial/%s" % (line_no, path))
            target = os.path.join(project, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            continue
        _, line_no, command, expected = step
        runs += 1
        result = subprocess.run(["bash", "-c", command], cwd=project, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=120)
        actual = result.stdout.decode("utf-8", "replace").replace(home, "/home/me").rstrip("\n").split("\n")
        if actual == [""]:
            actual = []
        if actual != expected and update:
            rewrites.append((line_no, len(expected), actual))
        elif actual != expected:
            diff = "\n".join(difflib.unified_diff(expected, actual, "tutorial.md", "moat", lineterm=""))
            problems.append("tutorial.md:%d: `%s` printed something else:\n%s" % (line_no, command, diff))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

if update and rewrites:
    for first, count, new in reversed(rewrites):
        lines[first:first + count] = new
    with open(tutorial_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("rewrote %d outputs in docs/tutorial.md" % len(rewrites))

for p in problems:
    print(p)
print("tutorial: %d commands, %d files: %d problems" % (runs, len(quoted), len(problems)))
sys.exit(1 if problems else 0)
