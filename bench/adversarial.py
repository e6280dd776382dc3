#!/usr/bin/env python3
"""Adversarial inputs for moat's exact analyses (issue 9, section 5).

  python3 bench/adversarial.py [--moat build/bin/moat] [--repeat N]

Each family grows one dimension N that used to make an analysis exponential
(the 2^N combinations of N unrelated globs in the verifier's name atoms, a
cover search over every rule of a branch), and times `moat check` on it: the
wall time of the whole process, median of --repeat runs. "growth" is the
time ratio to the previous row of the family and "N ratio" the ratio of the
sizes: a family within N^2 has growth <= (N ratio)^2. The input files are
written next to the table (a temp dir) and stay small (well under 20 KB up
to N = 64), so they are also the "any file under 20 KB in under 50 ms"
check. Timing is measured here, never asserted in tests.
"""
import argparse
import json
import os
import statistics
import string
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIZES = [8, 16, 32, 64]


def suffixes(n):
    """n distinct short suffixes: a..z, then aa, ab, ..."""
    letters = string.ascii_lowercase
    out = list(letters) + [a + b for a in letters for b in letters]
    return out[:n]


def root_globs(n):
    """The report's shape: ~/g/**/.git/** allowed and denied, plus N
    root-anchored `/**/*.x*` write denies (srt settings file)."""
    globs = [f"/**/*.{s}*" for s in suffixes(n)]
    return {"filesystem": {"allowWrite": ["~/g/**/.git/**"],
                           "denyWrite": ["~/g/**/.git/**"] + globs,
                           "denyRead": []},
            "network": {"allowedDomains": [], "deniedDomains": []}}, "json"


def claude_env(n):
    """A Claude Code file: N read-deny globs like `/**/*.env*` against an
    allowed launch directory, and N write allows below it."""
    reads = [f"Read(//**/*.{s}*)" for s in suffixes(n)]
    edits = [f"Edit(./src/m{i}/**)" for i in range(n)]
    return {"permissions": {"deny": reads, "allow": edits},
            "sandbox": {"enabled": True,
                        "filesystem": {"allowWrite": ["."], "denyRead": [f"/**/*.{s}*" for s in suffixes(n)]}}}, "json"


def deep_nests(n):
    """`**` nests: rules `~/a/**/b/**/c/**/...` of depth 1..N/4 with
    alternating effects, so every pair overlaps."""
    lines = ['policy "deep" {', '  allow write "$CWD";']
    for i in range(n):
        depth = 1 + i % 8
        parts = "/".join(f"**/d{j}" for j in range(depth))
        effect = "deny" if i % 2 else "allow"
        lines.append(f'  {effect} write "$CWD/{parts}/**/*.{suffixes(n)[i]}";')
    lines.append("}")
    return "\n".join(lines) + "\n", "moat"


def overlapping(n):
    """Many overlapping wildcards on both sides: allows `*a*`, `*b*` ...
    and denies `a*`, `*b`, `?c*` ... under one directory, every pair
    sharing names."""
    s = suffixes(n)
    lines = ['policy "overlap" {']
    for i in range(n):
        lines.append(f'  allow write "$CWD/**/*{s[i]}*";')
        lines.append(f'  deny write "$CWD/**/{s[i]}*?";')
    lines.append('  assert deny write "$CWD/**/.git/hooks/**";')
    lines.append("}")
    return "\n".join(lines) + "\n", "moat"


FAMILIES = [
    ("root-anchored /**/*.x* write denies (srt)", root_globs),
    ("/**/*.x* read denies + allows (Claude)", claude_env),
    ("deep ** nests (.moat)", deep_nests),
    ("overlapping wildcards, both effects (.moat)", overlapping),
]


def timed(cmd, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"adversarial: {' '.join(cmd)} exited {proc.returncode}:\n"
                     f"{proc.stderr.decode(errors='replace')}")
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moat", default=os.path.join(ROOT, "build", "bin", "moat"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="moat-adversarial-")
    print(f"{'family':46} {'N':>3} {'bytes':>6} {'time':>10} {'growth':>7} {'N ratio':>7}")
    worst = 0.0
    for name, make in FAMILIES:
        prev = None
        for n in SIZES:
            content, ext = make(n)
            text = json.dumps(content, indent=1) if ext == "json" else content
            path = os.path.join(tmp, f"{make.__name__}-{n}.{'json' if ext == 'json' else 'moat'}")
            with open(path, "w") as f:
                f.write(text)
            t = timed([args.moat, "check", path], args.repeat)
            growth = f"{t / prev[1]:6.2f}x" if prev else "      -"
            ratio = f"{n / prev[0]:6.1f}x" if prev else "      -"
            if len(text) < 20_000:
                worst = max(worst, t)
            print(f"{name:46} {n:3} {len(text):6} {t * 1000:7.1f} ms {growth:>7} {ratio:>7}")
            prev = (n, t)
    print(f"\nslowest file under 20 KB: {worst * 1000:.1f} ms (goal: 50 ms)")


if __name__ == "__main__":
    main()
