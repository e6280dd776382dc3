#!/usr/bin/env bash
# Installs the sandbox-runtime releases the differential test runs against, from npm,
# into DIR/srt-VERSION (idempotent: a release already there is kept). The test needs the
# real runtime, not a copy of its code: the point is to compare moat with what srt does.
# Usage: install_srt.sh DIR [VERSION...]   (default versions: 0.0.83 0.0.78)
# Prints one line per release: VERSION PATH-TO-cli.js
set -euo pipefail
dir=${1:?usage: install_srt.sh DIR [VERSION...]}
shift
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(0.0.83 0.0.78)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)  # absolute: the printed paths are used from other directories
for v in "${versions[@]}"; do
  prefix="$dir/srt-$v"
  pkg="$prefix/node_modules/@anthropic-ai/sandbox-runtime"
  if [ ! -f "$pkg/package.json" ] || ! grep -q "\"version\": \"$v\"" "$pkg/package.json"; then
    # A half-finished earlier install is discarded, not patched.
    rm -rf "$prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
      "@anthropic-ai/sandbox-runtime@$v" >&2
  fi
  # The CLI is the package's `srt` bin.
  bin=$(node -e 'const p=require(process.argv[1]); console.log(typeof p.bin==="string"?p.bin:p.bin.srt)' "$pkg/package.json")
  echo "$v $pkg/$bin"
done
