#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml), kept out of the YAML so that it runs
# and is tested outside GitHub (test/integrations/github-action.sh). In the policies'
# workspace it runs `moat check` three times over the same files: SARIF into a file
# for code scanning, workflow commands on stdout (GitHub turns them into annotations
# on the pull request's diff), and the text report into the job summary.
#
# Environment (action.yml maps its inputs onto it):
#   MOAT_POLICIES  paths or globs (`**` too), relative to GITHUB_WORKSPACE, separated by
#                  whitespace; each must match a file (a typo must not pass by checking nothing)
#   MOAT_FAIL_ON   note|warning|error (default warning): moat check's --fail-on
#   MOAT_SARIF     where to write the SARIF log, relative to GITHUB_WORKSPACE (default moat.sarif)
#   MOAT           the moat to run (default: moat on PATH)
#   GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: set by GitHub Actions
# Outputs: sarif-file (the path written), exit-code (moat check's status).
# Exits with moat check's status: 0 clean, 1 findings at or above MOAT_FAIL_ON, 2 input
# or usage errors (docs/cli.md); 2 as well when the environment is incomplete.
set -euo pipefail
die() { echo "::error title=moat::$*"; exit 2; }
for var in GITHUB_WORKSPACE GITHUB_OUTPUT GITHUB_STEP_SUMMARY; do
  [ -n "${!var:-}" ] || die "$var is not set: this script runs inside GitHub Actions (or a test that fakes it)"
done
moat=${MOAT:-moat}
fail_on=${MOAT_FAIL_ON:-warning}
sarif=${MOAT_SARIF:-moat.sarif}
moat=$(command -v "$moat") || die "'$moat' not found: install moat and put it on PATH (docs/integrations.md)"
case $moat in /*) ;; *) moat=$PWD/$moat ;; esac  # still found after the cd below
cd "$GITHUB_WORKSPACE"

shopt -s globstar nullglob
files=()
read -r -a patterns <<<"$(tr '\n' ' ' <<<"${MOAT_POLICIES:-}")"
[ ${#patterns[@]} -gt 0 ] || die "no policies given (input 'policies')"
for pattern in "${patterns[@]}"; do
  # Unquoted on purpose: the pattern is a glob.
  # shellcheck disable=SC2206
  matches=($pattern)
  [ -e "${matches[0]:-}" ] || die "'$pattern' matches no file under $GITHUB_WORKSPACE"
  files+=("${matches[@]}")
done
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)

check() { "$moat" check --format="$1" --fail-on="$fail_on" "${files[@]}"; }
status=0
mkdir -p "$(dirname "$sarif")"
check sarif >"$sarif" || status=$?
check github || true  # the same run as above: its status adds nothing
{
  echo "## moat check"
  echo
  echo '````text'
  check text || true
  echo '````'
} >>"$GITHUB_STEP_SUMMARY"
{
  echo "sarif-file=$sarif"
  echo "exit-code=$status"
} >>"$GITHUB_OUTPUT"
exit "$status"
