#!/usr/bin/env python3
"""Checks moat's reading of the real-world settings corpus under
test/corpus/settings-real/<runtime>/ against each file's sidecar.

Every NAME.json has a NAME.expected (sidecar) with `#` comments and lines:
  exit-not 2                    moat check must not refuse the file
  sandbox on|off                what `moat query` answers: off means an
                                arbitrary write outside the project is allowed
  misplaced PATH -> WHERE       a misplaced-setting finding at the key whose
                                message names `WHERE`
  unknown PATH                  an unknown-setting finding for the key
  invalid PATH                  an invalid-entry finding for the key (one line per entry)
  duplicate PATH                a duplicate-setting finding for the key
The settings findings moat reports must be exactly the listed ones (PATH's last
component is matched against the key the message names). A file that lists no
misplaced/unknown/invalid/duplicate line must produce none: files with only
valid keys are never refused and get no settings findings.

usage: check_settings_real.py --moat MOAT DIR [-v]
"""
import json
import os
import re
import subprocess
import sys

SETTINGS_IDS = {
    "misplaced-setting": "misplaced",
    "unknown-setting": "unknown",
    "invalid-entry": "invalid",
    "duplicate-setting": "duplicate",
}


def read_sidecar(path):
    want = {"exit_not": [], "sandbox": None, "findings": []}
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] == "exit-not":
            want["exit_not"].append(int(words[1]))
        elif words[0] == "sandbox":
            want["sandbox"] = words[1]
        elif words[0] == "misplaced":
            m = re.match(r"misplaced (\S+) -> (\S+)$", line)
            want["findings"].append(("misplaced", m.group(1), m.group(2)))
        elif words[0] in ("unknown", "invalid", "duplicate"):
            want["findings"].append((words[0], words[1], None))
        else:
            raise SystemExit("%s: cannot read sidecar line %r" % (path, line))
    return want


def key_of(path):
    last = path.rsplit(".", 1)[-1]
    return re.sub(r"\[\d+\]$", "", last)


def matches(want, diag):
    kind, path, where = want
    msg = diag["message"]
    if SETTINGS_IDS.get(diag["id"]) != kind:
        return False
    if kind == "misplaced":
        # the message names the key's own place (PATH minus the key)
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        place = "at the top level" if not parent else "in '%s'" % parent
        return (msg.startswith("'%s' does not belong %s:" % (key_of(path), place))
                and ("`%s`" % where) in msg)
    if kind == "unknown":
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        place = "at the top level" if not parent else "in '%s'" % parent
        return msg.startswith("unknown setting '%s' %s:" % (key_of(path), place))
    if kind == "duplicate":
        return msg.startswith("duplicate key '%s'" % key_of(path))
    # invalid: the message names the key path ("invalid entry in 'KEY'" or "'KEY' must be")
    return ("'%s'" % path) in msg or ("'%s'" % re.sub(r"\[\d+\]$", "", path)) in msg


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    moat = args[args.index("--moat") + 1]
    root = [a for i, a in enumerate(args) if i != args.index("--moat") and i != args.index("--moat") + 1][0]
    problems = []
    files = sorted(f for f in os.listdir(root) if f.endswith(".json"))
    counts = {"misplaced": 0, "unknown": 0, "invalid": 0, "duplicate": 0}
    for name in files:
        path = os.path.join(root, name)
        sidecar = path[: -len(".json")] + ".expected"
        if not os.path.exists(sidecar):
            problems.append("%s: no sidecar" % name)
            continue
        want = read_sidecar(sidecar)
        run = subprocess.run([moat, "check", "--no-lint", "--format=json", path],
                             capture_output=True, text=True)
        for bad in want["exit_not"]:
            if run.returncode == bad:
                problems.append("%s: exit %d: %s" % (name, run.returncode, run.stderr.strip()[:300]))
        try:
            doc = json.loads(run.stdout) if run.stdout.strip() else {}
        except ValueError:
            problems.append("%s: output is not JSON" % name)
            continue
        diags = doc.get("diagnostics", doc if isinstance(doc, list) else [])
        # Repeats of one pattern may be folded into notes of the first
        # finding (lint/FindingGroups): each folded note is a finding too.
        flat = []
        for d in diags:
            flat.append(d)
            flat.extend(n for n in d.get("notes", []) if n.get("id") == d.get("id"))
        got = [d for d in flat if d.get("id") in SETTINGS_IDS]
        unmatched = list(got)
        for w in want["findings"]:
            counts[w[0]] += 1
            hit = next((d for d in unmatched if matches(w, d)), None)
            if hit is None:
                problems.append("%s: expected %s %s%s, not reported" %
                                (name, w[0], w[1], " -> " + w[2] if w[2] else ""))
            else:
                unmatched.remove(hit)
        for d in unmatched:
            problems.append("%s: unexpected [%s] %s" % (name, d["id"], d["message"]))
        if want["sandbox"]:
            q = subprocess.run([moat, "query", os.path.abspath(path), "write", "/opt/outside-the-project/x"],
                               capture_output=True, text=True, cwd=root)
            off = q.stdout.startswith("allow")
            if off != (want["sandbox"] == "off"):
                problems.append("%s: sandbox expected %s, query says: %s" %
                                (name, want["sandbox"], q.stdout.strip() or q.stderr.strip()[:200]))
        if verbose:
            print("%s: exit %d, %d settings findings" % (name, run.returncode, len(got)))
    for p in problems:
        print(p)
    print("settings-real: %d files, %d misplaced, %d unknown, %d invalid, %d duplicate expected; %d problems"
          % (len(files), counts["misplaced"], counts["unknown"], counts["invalid"], counts["duplicate"],
             len(problems)))
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
