#!/usr/bin/env python3
"""Runs `moat check --no-lint` on every hostile input and checks that it fails
closed.

Usage: check_corpus.py MOAT CORPUS_DIR [--timeout SECONDS] [-j JOBS] [-v]

CORPUS_DIR holds one directory per input kind (moat/, srt/, claude/, yaml/)
and expected.txt, one line per input:
`KIND/FILE EXPECTED-ID [KIND/OTHER] [exit=N] [build=N]`.
OTHER names the corpus file the error is located in when it is not the input
itself (an include cycle is reported at the include that closes it).
exit=N (default 2) is the status `moat check` must end with. Inputs that moat
cannot read end with 2; a settings file the runtime itself reads (it drops an
unknown key, skips an invalid entry, keeps the last duplicate) or a .moat file
with a conflict (the deny wins) is a FINDING since issue 9: exit=1 and the
located diagnostic may be a warning. exit=0 with ID `-` is an input that is
now valid (e.g. `{}`, an empty Claude Code settings file): it must still be
read without a crash. build=N also runs `moat build --target=bwrap` and wants
that status (2: the build refuses what the runtime would reject, so a finding
never becomes a looser sandbox). For every input, moat must
  - exit with that status exactly (not another, not a signal, not a timeout),
  - print at least one `FILE:LINE:COL: error: ... [ID]` line for that file
    (`warning:` too when exit=1), with LINE:COL inside the file, and one of
    them with the expected ID (unless ID is `-`),
  - print nothing a sanitizer or a C++ runtime prints on a bug,
  - print no raw control or bidi character (see UNSAFE_OUTPUT),
  - with --format=json, exit with the same status and print valid JSON holding
    the same located diagnostic.
Every file must be listed in expected.txt and every listed file must exist.
Prints one line per problem and a summary line `N inputs, F failures`
(F counts failing inputs); exits 1 if anything failed.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

SANITIZER_MARKERS = (
    "AddressSanitizer",
    "LeakSanitizer",
    "UndefinedBehaviorSanitizer",
    "runtime error:",
    "terminate called",
    "Assertion `",
    "Stack dump:",
)


def read_manifest(corpus):
    expected = {}
    problems = []
    path = os.path.join(corpus, "expected.txt")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            parts = [w for w in words if "=" not in w]
            opts = dict(w.split("=", 1) for w in words if "=" in w)
            if len(parts) not in (2, 3) or set(opts) - {"exit", "build"} or \
                    not all(v in ("0", "1", "2") for v in opts.values()) or \
                    (parts[1] == "-") != (opts.get("exit") == "0"):
                problems.append("expected.txt:%d: want 'KIND/FILE ID [KIND/OTHER] [exit=N] "
                                "[build=N]' (ID '-' exactly when exit=0), got %r" % (n, line))
                continue
            if parts[0] in expected:
                problems.append("expected.txt:%d: %s listed twice" % (n, parts[0]))
            build = int(opts["build"]) if "build" in opts else None
            expected[parts[0]] = (parts[1], parts[2] if len(parts) == 3 else parts[0],
                                  int(opts.get("exit", "2")), build)
    return expected, problems


def corpus_files(corpus):
    found = []
    for kind in sorted(os.listdir(corpus)):
        kdir = os.path.join(corpus, kind)
        if not os.path.isdir(kdir):
            continue
        for name in sorted(os.listdir(kdir)):
            if os.path.isfile(os.path.join(kdir, name)):
                found.append(kind + "/" + name)
    return found


# Bytes that must never reach a terminal or a CI log from a policy: they let
# a hostile file forge or erase diagnostic lines (newline inside a message,
# ESC sequences) or reorder what is shown (bidi controls). Diagnostics must
# print them escaped.
UNSAFE_OUTPUT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def unsafe_output(out):
    m = UNSAFE_OUTPUT.search(out)
    return "U+%04X" % ord(m.group(0)) if m else None


def location_inside(data, line, col):
    lines = data.split(b"\n")
    if line < 1 or line > len(lines):
        return False
    return 1 <= col <= len(lines[line - 1]) + 1


def spellings(path):
    """The ways moat may name a file: as given, or absolute (includes)."""
    return {path, os.path.abspath(path), os.path.realpath(path)}


def check_one(moat, corpus, rel, expected, timeout):
    expected_id, at_rel, want_exit, want_build = expected
    # A finding (exit 1) may be a warning; an input error is always an error.
    severities = "error|warning" if want_exit == 1 else "error"
    path = os.path.join(corpus, rel)
    at_path = os.path.join(corpus, at_rel)
    try:
        proc = subprocess.run([moat, "check", "--no-lint", path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ["did not finish within %ss" % timeout]
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    problems = []
    if proc.returncode != want_exit:
        problems.append("exit status %d, expected %d" % (proc.returncode, want_exit))
    bad = unsafe_output(out)
    if bad:
        problems.append("output contains the raw character %s (a diagnostic must escape it)" % bad)
    for marker in SANITIZER_MARKERS:
        if marker in out:
            problems.append("output contains %r" % marker)
    with open(at_path, "rb") as f:
        data = f.read()
    names = "|".join(re.escape(n) for n in sorted(spellings(at_path)))
    pattern = re.compile(r"^(?:" + names + r"):(\d+):(\d+): (?:" + severities +
                         r"): .*\[([a-z0-9-]+)\]$",
                         re.MULTILINE)
    ids = []
    for m in pattern.finditer(out):
        line, col, ident = int(m.group(1)), int(m.group(2)), m.group(3)
        if not location_inside(data, line, col):
            problems.append("error at %d:%d is outside the file [%s]" % (line, col, ident))
        ids.append(ident)
    split = re.compile(r"^(?:" + names + r"):\d+:\d+: (?:error|warning|note): (?!.*\]$)",
                       re.MULTILINE)
    if split.search(out):
        problems.append("a diagnostic is split across lines (a raw newline in its message?)")
    if expected_id == "-":
        pass  # a valid input: reading it without a crash is the test
    elif not ids:
        problems.append("no located %s naming the file" % severities.replace("|", "/"))
    elif expected_id not in ids:
        problems.append("expected [%s], got %s" % (expected_id, ", ".join("[%s]" % i for i in ids)))
    if problems:
        first = out.strip().splitlines()[:3]
        problems.append("output began: " + " | ".join(first))
    problems += check_json(moat, path, at_path, data, expected_id, want_exit, timeout)
    if want_build is not None:
        problems += check_build(moat, path, want_build, timeout)
    return problems


def check_build(moat, path, want, timeout):
    """`moat build` on the input: a settings file the runtime would reject
    must be refused (exit 2), not built from the entries that were read."""
    # moat writes only regular files (not /dev/null): a scratch directory.
    with tempfile.TemporaryDirectory() as scratch:
        try:
            proc = subprocess.run([moat, "build", "--target=bwrap", "-o",
                                   os.path.join(scratch, "out"), path],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ["build did not finish within %ss" % timeout]
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    problems = []
    if proc.returncode != want:
        problems.append("build: exit status %d, expected %d" % (proc.returncode, want))
    for marker in SANITIZER_MARKERS:
        if marker in out:
            problems.append("build: output contains %r" % marker)
    return problems


def check_json(moat, path, at_path, data, expected_id, want_exit, timeout):
    """The same input with --format=json: the same exit status, valid JSON,
    the same located diagnostic."""
    try:
        proc = subprocess.run([moat, "check", "--no-lint", "--format=json", path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ["--format=json did not finish within %ss" % timeout]
    problems = []
    if proc.returncode != want_exit:
        problems.append("--format=json: exit status %d, expected %d"
                        % (proc.returncode, want_exit))
    try:
        doc = json.loads(proc.stdout.decode("utf-8"))
        diags = doc["diagnostics"]
    except (ValueError, KeyError, TypeError) as e:
        return problems + ["--format=json: output is not the documented JSON (%s)" % e]
    found = False
    for d in diags:
        wanted = ("error", "warning") if want_exit == 1 else ("error",)
        if d.get("severity") not in wanted or d.get("file") not in spellings(at_path):
            continue
        line, col = d.get("line"), d.get("column")
        if not isinstance(line, int) or not isinstance(col, int) or \
                not location_inside(data, line, col):
            problems.append("--format=json: error at %r:%r is outside the file" % (line, col))
        found |= d.get("id") == expected_id
    if not found and expected_id != "-":
        problems.append("--format=json: no located [%s] diagnostic naming the file"
                        % expected_id)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("moat")
    ap.add_argument("corpus")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    expected, failures = read_manifest(args.corpus)
    files = corpus_files(args.corpus)
    listed = set(expected)
    for rel in files:
        if rel not in listed:
            failures.append("%s: not listed in expected.txt" % rel)
    for rel in sorted(listed - set(files)):
        failures.append("%s: listed in expected.txt but missing" % rel)
    for rel, (_, at_rel, _, _) in sorted(expected.items()):
        if at_rel != rel and at_rel not in files:
            failures.append("%s: the file its error is in, %s, is missing" % (rel, at_rel))

    todo = [rel for rel in files if rel in expected]
    count = len(todo)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = pool.map(lambda rel: check_one(args.moat, args.corpus, rel, expected[rel],
                                                 args.timeout), todo)
    for rel, problems in zip(todo, results):
        for p in problems:
            failures.append("%s: %s" % (rel, p))
        if args.verbose and not problems:
            print("ok   %s [%s] exit %d" % (rel, expected[rel][0], expected[rel][2]))

    for f in failures:
        print("FAIL " + f)
    # One failure per input (or manifest entry), however many problems it has.
    failing = {f.split(":", 1)[0] for f in failures}
    print("%d inputs, %d failures" % (count, len(failing)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
