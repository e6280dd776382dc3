#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for moat (idempotent), builds it, and runs
# `moat check` on a shipped example. Usage: bash scripts/setup.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}

PACKAGES=(
  build-essential cmake ninja-build pkg-config python3 git
  clang-14 llvm-14-dev llvm-14-tools libclang-rt-14-dev
  antlr4 libantlr4-runtime-dev libyaml-cpp-dev libfmt-dev libseccomp-dev
  libasio-dev libcap-dev googletest libgtest-dev bubblewrap publicsuffix python3-psutil
)
# The squid target's integration test (test/backends/squid) runs a real Squid with
# ssl-bump and makes a throwaway certificate.
PACKAGES+=(squid-openssl openssl)
# The differential test against real sandbox-runtime (test/srt-differential) installs srt
# from npm; srt on Linux runs bwrap, socat and ripgrep.
PACKAGES+=(socat ripgrep)
# moat run's escape suite (test/runtime) fetches through the proxy with curl.
PACKAGES+=(curl)
# moat run's git proxy (runtime/git) speaks TLS to git remotes and hashes objects
# with OpenSSL, and inflates packfiles and gzip request bodies with zlib.
PACKAGES+=(libssl-dev zlib1g-dev)
# The code-review integrations' tests (test/integrations) run the pre-commit hooks
# under real pre-commit and validate SARIF against its JSON schema (rfc3987 makes
# jsonschema check the schema's "uri" formats).
PACKAGES+=(pre-commit python3-jsonschema python3-rfc3987)
# The Debian package's install test (test/package) bootstraps a minimal Debian 12
# to install the .deb into.
PACKAGES+=(debootstrap)
# moat report's page is checked in headless Chromium (test/report: screenshot, rendered
# text, no network request); the screenshot check needs a font.
PACKAGES+=(chromium fonts-dejavu-core)
# The generated man page is checked with groff; the zsh and fish completions are parsed
# and exercised by the shells themselves (test/docs).
PACKAGES+=(groff-base zsh fish)
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# The SARIF 2.1.0 JSON schema the integrations' tests validate against, from npm,
# beside the build directories (build-deps/ is ignored by git like build*/).
bash test/integrations/install_sarif_schema.sh build-deps/sarif-schema

# CMake's default generator (Unix Makefiles), as a new user builds: CI proves it
# works from a fresh clone. An existing build directory keeps its own generator.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

echo
echo "== moat check examples/agent-default.moat =="
status=0
"$BUILD_DIR/bin/moat" check examples/agent-default.moat || status=$?
echo "(moat check exited $status)"

# moat run: the same policy, enforced. A scratch home and launch directory,
# so that nothing of the user's is touched even if confinement failed.
echo
echo "== moat run --policy=examples/agent-default.moat -- sh scripts/run-demo.sh =="
case "$BUILD_DIR" in /*) build_abs="$BUILD_DIR" ;; *) build_abs="$PWD/$BUILD_DIR" ;; esac
demo="$build_abs/run-demo"
rm -rf "$demo" && mkdir -p "$demo/home" "$demo/project" "$demo/tmp"
printf '# the demo home\n' > "$demo/home/.bashrc"
script="$PWD/scripts/run-demo.sh" policy="$PWD/examples/agent-default.moat" moat="$build_abs/bin/moat"
(cd "$demo/project" && HOME="$demo/home" TMPDIR="$demo/tmp" "$moat" run --policy="$policy" -- sh "$script") || true
if grep -q pwned "$demo/home/.bashrc" || [ ! -s "$demo/project/allowed.txt" ]; then
  echo "setup: moat run did not confine the demo as expected" >&2
  exit 1
fi
