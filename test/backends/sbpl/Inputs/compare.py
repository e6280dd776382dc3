"""Decides every query of a file twice: with `moat query --platform=macos`
(the reference evaluator) and with moat-sbpl-check on the compiled Seatbelt
profile (the test reader's evaluator: last matching rule wins). Prints
"N queries agree" or each disagreement, and exits 1 if there is any.

usage: compare.py PROFILE POLICY QUERIES [NAME=VALUE]...

QUERIES holds `read PATH` / `write PATH` lines (# comments allowed); the
NAME=VALUE pairs are given to both sides (--define and -D), so profiles with
parameters and profiles bound at build time are checked alike.

On macOS /etc, /tmp and /var are symlinks into /private, and the profile
names both spellings of a rule's path (docs/backends.md). The evaluator
reads paths lexically, so a query below /private/etc, /private/tmp or
/private/var must agree with the evaluator's answer for that path or for
its short spelling (they are the same file); where both answers are equal,
that is the answer."""
import subprocess
import sys
import tempfile

profile, policy, queries = sys.argv[1:4]
defines = sys.argv[4:]
lines = []
with open(queries) as f:
    for raw in f:
        line = raw.split("#", 1)[0].strip()
        if line:
            verb, path = line.split(None, 1)
            lines.append((verb, path))

ALIASES = ("/private/etc", "/private/tmp", "/private/var")


def short(path):
    for a in ALIASES:
        if path == a or path.startswith(a + "/"):
            return path[len("/private"):]
    return path


def evaluate(pairs):
    with tempfile.NamedTemporaryFile("w", suffix=".queries") as batch:
        for verb, path in pairs:
            batch.write("%s %s\n" % (verb, path))
        batch.flush()
        ref = subprocess.run(
            ["moat", "query", "--platform=macos", "--batch=" + batch.name]
            + ["--define=" + d for d in defines] + [policy],
            capture_output=True, text=True)
    if ref.returncode != 0:
        sys.exit("moat query failed: " + ref.stderr)
    return [l.split()[0] for l in ref.stdout.splitlines() if l.strip()]


own = evaluate(lines)
alias = evaluate([(verb, short(path)) for verb, path in lines])
expected = [{a, b} for a, b in zip(own, alias)]

args = ["moat-sbpl-check", profile]
for d in defines:
    args += ["-D", d]
for verb, path in lines:
    args += [verb, path]
got = subprocess.run(args, capture_output=True, text=True)
if got.returncode != 0:
    sys.exit("moat-sbpl-check failed: " + got.stderr)
actual = got.stdout.split()

if len(own) != len(lines) or len(alias) != len(lines) or len(actual) != len(lines):
    sys.exit("answer counts differ: %d queries, %d and %d from moat query, %d from the profile"
             % (len(lines), len(own), len(alias), len(actual)))
bad = 0
for (verb, path), e, a in zip(lines, expected, actual):
    if a not in e:
        bad += 1
        print("DISAGREE %s %s: evaluator %s, profile %s" % (verb, path, "/".join(sorted(e)), a))
if bad:
    sys.exit(1)
print("%d queries agree" % len(lines))
