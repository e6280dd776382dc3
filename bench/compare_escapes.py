#!/usr/bin/python3
"""The escape suite (test/runtime/escape_suite.py) against moat run and against srt.

  python3 bench/compare_escapes.py [--build build] [--srt CLI.js] [--pass root|both]
                                   [--only GLOB]... [--timeout SECONDS]

Runs the suite once with `--runtime moat` and once with `--runtime srt` (each case's
policy converted by `moat build --target=srt`; bench/README.md), then prints one table:
case, kind, moat's result, srt's result, and a summary of the attacks each stops and the
controls that keep working under each. A case the suite cannot put to srt (moat-only
flags, moat's own features, the network client that cannot authenticate to srt's proxy)
is `n/a (why)` and counts neither way.

Each suite run is bounded (--timeout, default 600 s; its process group, started by us,
is killed by pid on overrun), uses loopback only, and works in a scratch directory of
its own that is removed afterwards. Exit status 0 when both runs produced a table.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "test", "runtime", "escape_suite.py")
HELPERS = ["uring", "userns", "mount", "ptrace", "tiocsti", "mknod", "net"]
SRT_CLI = "srt/srt-0.0.83/node_modules/@anthropic-ai/sandbox-runtime/dist/cli.js"
ROW = re.compile(r"^(\S+)\s+(attack|control)((?:\s+(?:PASS|FAIL|ERROR|SKIP|n/a|XFAIL|XPASS))+)\s*$")
DETAIL = re.compile(r"^(FAIL|ERROR|n/a) (\S+) \[(\w+)\]: (.*)$")


def run_suite(args, runtime, scratch):
    """Runs the suite; returns (rows {case: (kind, {pass: status})}, details {(case, pass): text}, seconds line)."""
    build = os.path.abspath(args.build)
    cmd = [sys.executable, SUITE, "--moat", os.path.join(build, "bin", "moat"), "--base-dir", scratch,
           "--pass", args.passes, "--runtime", runtime]
    cmd += ["--helper=%s=%s" % (h, os.path.join(build, "test", "runtime", "moat-escape-" + h)) for h in HELPERS]
    if runtime == "srt":
        cmd += ["--srt", args.srt or os.path.join(build, SRT_CLI)]
    for g in args.only or []:
        cmd += ["--only", g]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the session we started for it, by its pid
        proc.communicate()
        raise SystemExit("the %s run did not finish within %d s" % (runtime, args.timeout))
    rows, details, passes, summary = {}, {}, [], ""
    for line in out.splitlines():
        if line.startswith("case ") and " kind " in line:
            passes = line.split()[2:]
        m = ROW.match(line)
        if m and passes:
            rows[m.group(1)] = (m.group(2), dict(zip(passes, m.group(3).split())))
        m = DETAIL.match(line)
        if m:
            details.setdefault((m.group(2), m.group(3)), m.group(4).strip())
        if re.match(r"^\d+ attacks, \d+ controls", line):
            summary = line
    if not rows:
        raise SystemExit("the %s run printed no table (exit %s):\n%s" % (runtime, proc.returncode, out[-3000:]))
    return rows, details, summary


def cell(kind, statuses, details, case):
    """One runtime's result for a case over its passes: stopped / NOT stopped / works / BROKEN / n/a (why)."""
    good, bad = ("stopped", "NOT stopped") if kind == "attack" else ("works", "BROKEN")
    values = set(statuses.values())
    if values == {"n/a"}:
        why = details.get((case, next(iter(statuses))), "")
        return "n/a (%s)" % why, None
    if values <= {"PASS"}:
        return good, True
    if values == {"SKIP"}:
        return "skipped", None
    failing = [p for p, s in statuses.items() if s != "PASS"]
    where = "" if len(failing) == len(statuses) else " (%s)" % ",".join(failing)
    return bad + where, False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build tree (bin/moat, the helpers, srt/)")
    ap.add_argument("--srt", help="sandbox-runtime's cli.js (default: BUILD/" + SRT_CLI + ")")
    ap.add_argument("--pass", dest="passes", choices=["root", "unprivileged", "both"], default="both")
    ap.add_argument("--only", action="append", help="only cases matching this glob (repeatable)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for each suite run")
    ap.add_argument("--details", action="store_true", help="also print why each srt failure failed")
    args = ap.parse_args()

    scratch = tempfile.mkdtemp(prefix="cmpesc-", dir=os.path.abspath(args.build))
    os.chmod(scratch, 0o755)
    try:
        results = {rt: run_suite(args, rt, scratch) for rt in ("moat", "srt")}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    moat_rows, srt_rows = results["moat"][0], results["srt"][0]
    cases = list(moat_rows)
    width = max(len(c) for c in cases)
    tally = {rt: {"attack": [0, 0, 0], "control": [0, 0, 0]} for rt in ("moat", "srt")}  # good, judged, n/a
    lines = []
    for case in cases:
        kind = moat_rows[case][0]
        cells = []
        for rt, rows in (("moat", moat_rows), ("srt", srt_rows)):
            text, good = cell(kind, rows[case][1], results[rt][1], case) if case in rows else ("missing", None)
            t = tally[rt][kind]
            if good is None:
                t[2] += text.startswith("n/a")
            else:
                t[0] += good
                t[1] += 1
            cells.append(text)
        lines.append("%-*s  %-7s  %-24s  %s" % (width, case, kind, cells[0], cells[1]))
    header = "%-*s  %-7s  %-24s  %s" % (width, "case", "kind", "moat", "srt")
    print(header + "\n" + "-" * (len(header) + 30))
    print("\n".join(lines))
    print()
    for rt in ("moat", "srt"):
        print("%s run: %s" % (rt, results[rt][2]))

    def frac(rt, kind):
        good, judged, na = tally[rt][kind]
        return "%d/%d%s" % (good, judged, " (%d n/a)" % na if na else "")
    print("attacks stopped: moat %s, srt %s; controls working: moat %s, srt %s (passes: %s)" % (
        frac("moat", "attack"), frac("srt", "attack"), frac("moat", "control"), frac("srt", "control"), args.passes))
    if args.details:
        print()
        for (case, p), text in sorted(results["srt"][1].items()):
            if not text.startswith("n/a") and case in srt_rows and srt_rows[case][1].get(p) in ("FAIL", "ERROR"):
                print("srt %s [%s]: %s" % (case, p, text[:300]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
