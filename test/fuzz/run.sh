#!/usr/bin/env bash
# Builds moat's libFuzzer targets and runs each for a fixed time.
#
#   test/fuzz/run.sh [--seconds N] [--keep] [TARGET...]
#
# --seconds N  time per target (default 20)
# --keep       keep the scratch directory (grown corpora) even without crashes
# TARGET...    run only these targets (default: all of them)
#
# Environment: MOAT_FUZZ_BUILD_DIR (default build-fuzz in the repository),
# MOAT_FUZZ_JOBS (build parallelism, default: ninja's).
# MOAT_FUZZ_SEED (libFuzzer -seed, default 1, so CI runs are reproducible).
#
# Every target runs on a copy of test/fuzz/corpus/<target>/ (plus, for the
# policy targets, the hostile inputs of test/hostile/corpus/<kind>/) in a
# scratch directory (nothing is written into the repository) with its
# dictionary from test/fuzz/dict/. Prints one line per target:
#   fuzz_moat: 123456 execs, 0 crashes
# and exits 1 if any target crashed, timed out or ran out of memory; the
# line then names the input that did it, kept in the scratch directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${MOAT_FUZZ_BUILD_DIR:-$root/build-fuzz}
all_targets=(fuzz_moat fuzz_srt fuzz_claude fuzz_yaml fuzz_fmt fuzz_host fuzz_path fuzz_sbpl fuzz_witness)

seconds=20
keep=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --seconds=*) seconds=${1#--seconds=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds" in
  ''|*[!0-9]*) echo "run.sh: --seconds needs a whole number, not '$seconds'" >&2; exit 2 ;;
esac
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  case " ${all_targets[*]} " in
    *" $t "*) ;;
    *) echo "run.sh: unknown target '$t' (known: ${all_targets[*]})" >&2; exit 2 ;;
  esac
done

echo "== configuring $build (clang-14, MOAT_FUZZ=ON) =="
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOAT_FUZZ=ON \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
echo "== building ${targets[*]} =="
jobs=()
[ -n "${MOAT_FUZZ_JOBS:-}" ] && jobs=(-j "$MOAT_FUZZ_JOBS")
cmake --build "$build" "${jobs[@]}" --target "${targets[@]}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/moat-fuzz.XXXXXX")
failed=0
echo "== running each target for ${seconds}s (scratch: $scratch) =="
for t in "${targets[@]}"; do
  work=$scratch/$t
  mkdir -p "$work/corpus" "$work/artifacts"
  if [ -d "$here/corpus/$t" ]; then
    cp -R "$here/corpus/$t/." "$work/corpus/"
  fi
  # The hostile inputs of the same kind are seeds too (test/hostile/corpus).
  case $t in
    fuzz_moat|fuzz_fmt) kind=moat ;;
    fuzz_srt) kind=srt ;;
    fuzz_claude) kind=claude ;;
    fuzz_yaml) kind=yaml ;;
    *) kind= ;;
  esac
  if [ -n "$kind" ] && [ -d "$root/test/hostile/corpus/$kind" ]; then
    for f in "$root/test/hostile/corpus/$kind"/*; do
      cp "$f" "$work/corpus/hostile-$(basename "$f")"
    done
  fi
  # A fixed seed (MOAT_FUZZ_SEED, default 1) makes the smoke run in CI explore
  # the same inputs every time; long local runs pass a seed of their own.
  args=(-max_total_time="$seconds" -seed="${MOAT_FUZZ_SEED:-1}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$work/artifacts/")
  [ -f "$here/dict/$t.dict" ] && args+=(-dict="$here/dict/$t.dict")
  status=0
  (cd "$work" && "$build/fuzz/$t" "${args[@]}" "$work/corpus") >"$work/log" 2>&1 || status=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/log" | tail -n1)
  if [ -z "$execs" ]; then # no final stats (the run died): the last status line
    execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$work/log" | tail -n1)
  fi
  artifacts=()
  while IFS= read -r -d '' f; do artifacts+=("$f"); done \
    < <(find "$work/artifacts" -type f -print0 | sort -z)
  n=${#artifacts[@]}
  if [ "$n" -eq 0 ] && [ "$status" -ne 0 ]; then
    n=1 # died without writing an input (e.g. the build is broken)
  fi
  word=crashes
  [ "$n" -eq 1 ] && word=crash
  if [ "$n" -eq 0 ]; then
    echo "$t: ${execs:-0} execs, 0 crashes"
  else
    failed=1
    echo "$t: ${execs:-0} execs, $n $word (exit $status; log: $work/log)"
    for f in "${artifacts[@]}"; do
      echo "  input: $f"
      echo "  reproduce: $build/fuzz/$t $f"
    done
    grep -m1 -E 'ERROR: |invariant violated|fuzz_(host|path|fmt|sbpl|witness): ' "$work/log" | sed 's/^/  /' || true
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "run.sh: crashes found; inputs and logs kept in $scratch" >&2
  exit 1
fi
if [ "$keep" -eq 1 ]; then
  echo "run.sh: corpora kept in $scratch"
else
  rm -rf "$scratch"
fi
