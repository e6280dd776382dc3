#!/usr/bin/env bash
# Runs the repository's .pre-commit-hooks.yaml through real pre-commit, as a user's
# repository would: a scratch repository whose .pre-commit-config.yaml points at a
# hooks repository by path and commit, `pre-commit install`, then `git commit` of a
# good change (the hooks pass) and a bad one (they fail with moat's file:line:col
# diagnostics, and the commit does not happen).
# The hooks repository is a scratch one holding the checkout's .pre-commit-hooks.yaml,
# the only file pre-commit reads from it for `language: system` hooks: so the test
# covers uncommitted edits and needs no git checkout of the source.
# Usage: pre-commit.sh SRC_ROOT WORK_DIR   (WORK_DIR is made afresh and removed)
set -euo pipefail
src=${1:?usage: pre-commit.sh SRC_ROOT WORK_DIR}
work=${2:?usage: pre-commit.sh SRC_ROOT WORK_DIR}
fail() { echo "pre-commit.sh: $*" >&2; exit 1; }
# CI installs pre-commit (scripts/setup.sh); a machine without it fails, never skips.
command -v pre-commit >/dev/null || fail "pre-commit is not installed: run scripts/setup.sh (Debian: apt-get install pre-commit)"
command -v moat >/dev/null || fail "moat is not on PATH"

rm -rf "$work"
mkdir -p "$work/home"
trap 'rm -rf "$work"' EXIT
# Nothing of the user's: no git config, pre-commit's cache in the scratch dir. Git
# may only use local paths, so a hook that tried to fetch anything would fail here.
export HOME="$work/home" PRE_COMMIT_HOME="$work/cache" GIT_CONFIG_NOSYSTEM=1 GIT_ALLOW_PROTOCOL=file
export GIT_AUTHOR_NAME=moat GIT_AUTHOR_EMAIL=moat@example.invalid
export GIT_COMMITTER_NAME=moat GIT_COMMITTER_EMAIL=moat@example.invalid

git init -q -b main "$work/hooks"
cp "$src/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" add .pre-commit-hooks.yaml
git -C "$work/hooks" commit -q -m hooks
rev=$(git -C "$work/hooks" rev-parse HEAD)

repo="$work/project"
git init -q -b main "$repo"
cd "$repo"
cat > .pre-commit-config.yaml <<CONFIG
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: moat-check
      - id: moat-check-srt
      - id: moat-check-claude
CONFIG
pre-commit install >/dev/null

# Good: a .moat and a YAML policy without findings. The commit also holds
# .pre-commit-config.yaml, a YAML file that is no policy and must not be checked.
mkdir policies sandbox
cp "$src/examples/agent-default.moat" policies/agent.moat
cp "$src/examples/agent-default.yaml" policies/agent.moat.yaml
git add -A
git commit -q -m good > "$work/good.out" 2>&1 || { cat "$work/good.out"; fail "the good commit was refused"; }
cat "$work/good.out"
good=$(git rev-parse HEAD)

# Bad: a syntax error in a .moat file, and srt settings with error-level findings.
cp "$src/test/integrations/Inputs/broken.moat" policies/
cp "$src/examples/agent-default.srt.json" sandbox/srt-settings.json
git add -A
if git commit -q -m bad > "$work/bad.out" 2>&1; then
  cat "$work/bad.out"
  fail "the bad commit was accepted"
fi
cat "$work/bad.out"
[ "$(git rev-parse HEAD)" = "$good" ] || fail "HEAD moved although the hooks failed"
