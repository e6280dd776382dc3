#!/usr/bin/env python3
"""moat's performance benchmarks: prints one side-by-side table.

  python3 bench/run.py [--moat build/bin/moat] [--repeat N] [--quick]

Every row is measured in this one run, as wall time of the whole `moat`
process (start-up, parse, sema, lint, verify, output), the median of
--repeat runs. The "goal" column is the target from issue 3 and "ratio" is
measured / goal (below 1.00 meets it). The scaling rows compare each size
with the 1k row measured in the same run (near-linear growth means the
ratio column tracks the size ratio: 10x, 100x).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd, repeat, ok_codes=(0, 1)):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if proc.returncode not in ok_codes:
            sys.exit(f"bench: {' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
    return statistics.median(times)


def generate(tmp, paths, domains, variant=0):
    out = os.path.join(tmp, f"p{paths}-d{domains}-v{variant}.moat")
    if not os.path.exists(out):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_policy.py"), "--paths", str(paths),
                        "--domains", str(domains), "--variant", str(variant), out], check=True)
    return out


def fmt_ms(seconds):
    return f"{seconds * 1000:9.1f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moat", default=os.path.join(ROOT, "build", "bin", "moat"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="skip the 100k-rule scaling rows")
    args = ap.parse_args()
    moat = args.moat
    rows = []  # (scenario, seconds, goal seconds or None, ratio text)
    with tempfile.TemporaryDirectory(prefix="moat-bench-") as tmp:
        typical = os.path.join(ROOT, "examples", "agent-default.moat")
        t = timed([moat, "check", typical], max(args.repeat, 20))
        rows.append(("check examples/agent-default.moat (typical, 32 rules)", t, 0.020))
        for example in ("agent-default.srt.json", "agent-default.claude.json"):
            t = timed([moat, "check", os.path.join(ROOT, "examples", example)], max(args.repeat, 20))
            rows.append((f"check examples/{example}", t, 0.020))

        big = generate(tmp, 10000, 100000)
        big2 = generate(tmp, 10000, 100000, variant=1)
        t = timed([moat, "check", big], args.repeat)
        rows.append(("check 10k path + 100k domain rules (lint, verify, shadowing)", t, 1.0))
        t = timed([moat, "diff", big, big2], args.repeat)
        rows.append(("diff two 10k path + 100k domain policies (~1% changed)", t, 2.0))

        sizes = [1000, 10000] + ([] if args.quick else [100000])
        base = None
        scaling = []
        for n in sizes:
            p = generate(tmp, n, n)
            t = timed([moat, "check", p], args.repeat)
            base = base or t
            scaling.append((f"check {n // 1000}k path + {n // 1000}k domain rules", t, t / base, n // sizes[0]))
        dbase = None
        for n in sizes:
            a, b = generate(tmp, n, n), generate(tmp, n, n, variant=1)
            t = timed([moat, "diff", a, b], args.repeat)
            dbase = dbase or t
            scaling.append((f"diff {n // 1000}k path + {n // 1000}k domain rules", t, t / dbase, n // sizes[0]))

    width = max(len(r[0]) for r in rows + scaling)
    print(f"{'scenario':<{width}}  {'measured':>12}  {'goal':>12}  {'ratio':>6}")
    for name, t, goal in rows:
        print(f"{name:<{width}}  {fmt_ms(t)}  {fmt_ms(goal)}  {t / goal:6.2f}")
    print()
    print(f"{'scaling (vs the 1k row, same run)':<{width}}  {'measured':>12}  {'x 1k':>12}  {'size':>6}")
    for name, t, ratio, size in scaling:
        print(f"{name:<{width}}  {fmt_ms(t)}  {ratio:11.1f}x  {size:5d}x")
    misses = [name for name, t, goal in rows if t > goal]
    if misses:
        print("\ngoals missed: " + "; ".join(misses))


if __name__ == "__main__":
    main()
