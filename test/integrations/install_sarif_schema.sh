#!/usr/bin/env bash
# Installs the SARIF 2.1.0 JSON schema that test/integrations validates moat's SARIF
# against, from npm (idempotent): Microsoft's @microsoft/jest-sarif ships it (MIT) as
# lib/schemas/sarif-2.1.0-rtm.5.json, the 2.1.0 schema JSON Schema Store serves under
# that name. `npm pack` fetches only that package (no dependencies, no install
# scripts); the file is pinned by its hash, so a changed schema fails here, not later.
# Usage: install_sarif_schema.sh DIR   (writes DIR/sarif-schema-2.1.0.json)
set -euo pipefail
dir=${1:?usage: install_sarif_schema.sh DIR}
pkg=@microsoft/jest-sarif@1.0.0-beta.0
member=package/lib/schemas/sarif-2.1.0-rtm.5.json
sha256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8
out="$dir/sarif-schema-2.1.0.json"
if [ -f "$out" ] && echo "$sha256  $out" | sha256sum --check --status; then
  exit 0
fi
mkdir -p "$dir"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tarball=$(cd "$scratch" && npm pack --silent --loglevel=error "$pkg")
tar -xzf "$scratch/$tarball" -C "$scratch" "$member"
echo "$sha256  $scratch/$member" | sha256sum --check --status ||
  { echo "install_sarif_schema.sh: $pkg's schema is not the pinned one" >&2; exit 1; }
printf '%s\n' "from npm $pkg ($member), MIT" > "$dir/SOURCE"
mv "$scratch/$member" "$out"
