#!/usr/bin/env python3
"""moat convert preserves meaning, checked with moat diff over the corpora.

For every policy file under the directories given (the shipped examples and
the importer test corpora), in a scratch copy of its directory so relative
includes still resolve:
  1. convert it to .moat: the output passes `moat fmt --check`, and `moat
     diff` reports nothing looser and nothing tighter in either direction;
  2. convert that .moat back to the original's format: nothing looser in
     either direction; anything tighter only where convert warned
     (unenforceable-rule), and a refusal only with its documented diagnostic
     (backend-refused or unsupported-setting).
A file moat cannot load must make convert exit 2 too, never pass silently.
Prints one line per problem and a summary `N files round-trip, M refused`.
Usage: round_trip.py MOAT SCRATCH DIR...
"""
import json
import os
import re
import shutil
import subprocess
import sys

MOAT = sys.argv[1]
SCRATCH = sys.argv[2]
SUFFIXES = (".moat", ".yaml", ".yml", ".json")
SUMMARY = re.compile(r"moat: diff: (\d+) looser, (\d+) tighter")
# Tightenings a backend always makes and docs/backends.md documents (srt:
# "it sets mandatoryDenySearchDepth to 10, srt's deepest search").
# Seen from the output, the same change reads the other way round.
DOCUMENTED = ("option mandatory-deny-search-depth: unset → 10",
              "option mandatory-deny-search-depth: 10 → unset")


def run(*args):
    p = subprocess.run([MOAT, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def kind(path):
    if path.endswith(".moat"):
        return "moat"
    if path.endswith((".yaml", ".yml")):
        return "yaml"
    try:
        doc = json.load(open(path))
    except ValueError:
        return None
    if isinstance(doc, dict) and ("network" in doc or "filesystem" in doc):
        return "srt"
    return "claude"


def diff(a, b):
    rc, out, err = run("diff", a, b)
    m = SUMMARY.search(out + err)
    if rc != 0 or not m:
        return None
    documented = sum(out.count(line) for line in DOCUMENTED)
    return int(m.group(1)), int(m.group(2)), documented


def check(path, problems):
    """Returns 'ok', 'refused' or None after appending to problems."""
    fmt = kind(path)
    moat_out = path + ".converted.moat"
    rc, _, err = run("convert", path, "--to=moat", "-o", moat_out)
    if rc == 2:
        if diff(path, path) is not None:
            problems.append(f"{path}: convert refused a policy that loads: {err.strip()}")
        return "refused"
    if rc != 0:
        problems.append(f"{path}: convert --to=moat exited {rc}")
        return None
    if run("fmt", "--check", moat_out)[0] != 0:
        problems.append(f"{path}: the .moat output is not fmt-formatted")
    for a, b in ((path, moat_out), (moat_out, path)):
        if diff(a, b) != (0, 0, 0):
            problems.append(f"{path}: moat diff {a} {b}: {diff(a, b)}")
    back = path + ".back" + os.path.splitext(path)[1]
    rc, _, err = run("convert", moat_out, "--to=" + fmt, "-o", back)
    if rc == 2:
        if "[backend-refused]" not in err and "[unsupported-setting]" not in err:
            problems.append(f"{path}: --to={fmt} refused without a documented diagnostic: {err.strip()}")
        return "refused"
    warned = "[unenforceable-rule]" in err
    forward, backward = diff(path, back), diff(back, path)
    if forward is None or backward is None:
        problems.append(f"{path}: the --to={fmt} output does not load")
    elif forward[0] or backward[1]:
        problems.append(f"{path}: --to={fmt} is looser: {forward} / {backward}")
    elif (forward[1] > forward[2] or backward[0] > backward[2]) and not warned:
        problems.append(f"{path}: --to={fmt} tightened without an unenforceable-rule warning")
    return "ok"


def main():
    shutil.rmtree(SCRATCH, ignore_errors=True)
    problems, counts = [], {"ok": 0, "refused": 0}
    for n, src in enumerate(sys.argv[3:]):
        copy = os.path.join(SCRATCH, str(n))
        shutil.copytree(src, copy)
        for name in sorted(os.listdir(copy)):
            path = os.path.join(copy, name)
            if os.path.isfile(path) and name.endswith(SUFFIXES) and kind(path):
                result = check(path, problems)
                if result:
                    counts[result] += 1
    for p in problems:
        print("PROBLEM:", p)
    print(f"{counts['ok']} files round-trip, {counts['refused']} refused")
    return 1 if problems else 0


sys.exit(main())
