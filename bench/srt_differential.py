#!/usr/bin/env python3
# The srt differential (test/srt-differential/difftest.py) at scale: hundreds of
# generated srt files over random seeds, each run under real sandbox-runtime and
# compared with `moat query`, then one table per shape (gen.py's SHAPES) so a
# disagreement is pinned on what the file did. CI runs a fixed seed; this finds new
# failing seeds. Every failing file is printed with the command that reruns its seed.
#
#   python3 bench/srt_differential.py --moat build/bin/moat --srt-dir build/srt \
#       [--seeds 20] [--per-seed 10] [--per-shape] [--shapes a,b] [--first-seed N]
#
# --per-shape runs every shape on its own (--per-seed files each), which is what
# "which shapes fail" means; otherwise files mix 1-3 shapes.
import argparse
import collections
import os
import re
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "srt-differential"))
import difftest  # noqa: E402
import gen  # noqa: E402

# Column names (the legend is printed under the table).
MECHANIC_COLUMN = {"write-under-read-deny": "m:tmpfs", "write-glob-skipped": "m:wglob",
                   "write-root-missing": "m:wmiss", "read-carveout-read-only": "m:carve"}
COLUMNS = ["files", "probes", "agree", "LOOSER", "REFUSED"] + list(MECHANIC_COLUMN.values()) + \
          ["s:builtin", "s:rule", "rt:looser", "rt:strict"]
LEGEND = """LOOSER: moat allows what srt blocks (fails); REFUSED: files srt runs that moat refuses, or
harness errors (fails); m:*: srt's Linux mechanics stricter than its file (tmpfs: write under a
read deny; wglob: allowWrite glob skipped; wmiss: allowWrite path missing; carve: allowRead
carve-out read-only); s:*: moat stricter by a built-in protection / a file rule or default;
rt:looser / rt:strict: probes where `moat query --runtime=srt` allows what srt blocks /
denies what srt allows."""


def row_for(results):
    r = dict.fromkeys(COLUMNS, 0)
    for res in results:
        r["files"] += 1
        if res.status in ("moat-refused", "error"):
            r["REFUSED"] += 1
        for p in res.probes:
            r["probes"] += 1
            if p.verdict == "agree":
                r["agree"] += 1
            elif p.verdict == "moat-looser":
                r["LOOSER"] += 1
            elif p.verdict.startswith("mechanic:"):
                r[MECHANIC_COLUMN[p.verdict.split(":", 1)[1]]] += 1
            elif p.verdict == "moat-stricter:builtin-protection":
                r["s:builtin"] += 1
            else:
                r["s:rule"] += 1
            if p.moat_srt is not None and p.moat_srt != p.srt:
                r["rt:looser" if p.moat_srt else "rt:strict"] += 1
    return r


def fold(text):
    """Scratch paths folded to ~ (the scratch home), ports to PORT, to group alike probes."""
    text = re.sub(r"/tmp/moat-srtdiff\.[^/]+/p\d+/home/u", "~", text)
    return re.sub(r":\d{4,5}\b", ":PORT", text)


def pattern(p):
    """A --runtime=srt disagreement by the rule that decided it (the subject left out)."""
    why = re.sub(r"^\S+\.json:\d+:\d+ ", "", p.moat_srt_why)
    return "%s: srt %s, --runtime=srt %s by %s" % (p.kind, "allowed" if p.srt else "blocked",
                                                  "allows" if p.moat_srt else "denies", fold(why))


def print_table(rows, out):
    width = max([len(k) for k in rows] + [12])
    out.write("%-*s %s\n" % (width, "shape", " ".join("%9s" % c[:9] for c in COLUMNS)))
    for name, r in rows.items():
        out.write("%-*s %s\n" % (width, name, " ".join("%9d" % r[c] for c in COLUMNS)))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    difftest.add_common_args(ap)
    ap.add_argument("--seeds", type=int, default=20, help="how many random seeds")
    ap.add_argument("--first-seed", type=int, default=None, help="use seeds N, N+1, ... instead of random ones")
    ap.add_argument("--per-seed", type=int, default=10, help="files per seed")
    ap.add_argument("--per-shape", action="store_true", help="each shape alone")
    ap.add_argument("--top", type=int, default=25, help="how many --runtime=srt disagreement patterns to list")
    args = ap.parse_args()
    difftest.check_shapes(ap, args)
    ok, why = difftest.bwrap_can_sandbox()
    if not ok:
        print("SKIP: %s" % why)
        return difftest.SKIP
    if args.first_seed is not None:
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    else:
        seeds = [random.SystemRandom().randrange(1, 2**31) for _ in range(args.seeds)]
    shapes = args.shapes or sorted(gen.SHAPES)
    groups = [[s] for s in shapes] if args.per_shape else [args.shapes]
    t0 = time.monotonic()
    jobs = []
    for g in groups:
        # the same files `difftest.py --seed S --policies per_seed [--shapes ...]` makes
        jobs += difftest.make_jobs(seeds, args.per_seed, args.versions, g, cover=True)
    done = [0]

    def progress(res):
        done[0] += 1
        if done[0] % 20 == 0:
            sys.stderr.write("  %d/%d files (%.0f s)\n" % (done[0], len(jobs), time.monotonic() - t0))
    results, runtime_flag = difftest.run_all(args, jobs, progress)
    s, failed = difftest.report(results, runtime_flag, sys.stdout, args.verbose, list_runtime=args.verbose)
    # Seeds whose files failed, with the shapes of each failing file.
    failing = {}
    for res in results:
        if res.status in ("moat-refused", "error") or any(p.verdict == "moat-looser" for p in res.probes):
            failing.setdefault((res.seed, tuple(sorted(res.shapes))), []).append(res.version)
    by_shape = {}
    for name in shapes:
        by_shape[name] = row_for([r for r in results if name in r.shapes])
    by_shape["ALL"] = row_for(results)
    print("\n== per shape (a file with several shapes counts in each) ==")
    print_table(by_shape, sys.stdout)
    print(LEGEND)
    difftest.print_summary(s, runtime_flag, sys.stdout)
    if runtime_flag:
        patterns, example = collections.Counter(), {}
        for res in results:
            for p in res.probes:
                if p.moat_srt is not None and p.moat_srt != p.srt:
                    key = pattern(p)
                    patterns[key] += 1
                    example.setdefault(key, fold(p.subject) + " (seed %d, %s)" % (res.seed, ",".join(res.shapes)))
        if patterns:
            print("\nmost frequent --runtime=srt disagreements (probes, by deciding rule; one example each):")
            for text, n in patterns.most_common(args.top):
                print("  %5d  %s\n         e.g. %s" % (n, text, example[text]))
    if failing:
        print("\nfailing files, each with the command that reruns its seed:")
        for (seed, sh), versions in sorted(failing.items()):
            limit = ",".join(sh) if args.per_shape else ",".join(args.shapes)
            print("  seed %d  shapes %s  srt %s\n    python3 test/srt-differential/difftest.py --moat %s "
                  "--srt-dir %s --seed %d --policies %d%s -v" % (
                      seed, ",".join(sh), ",".join(sorted(set(versions))), args.moat, args.srt_dir, seed,
                      args.per_seed, " --shapes " + limit if limit else ""))
    print("time: %.1f s for %d srt runs" % (time.monotonic() - t0, len(jobs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
