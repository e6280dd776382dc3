#!/usr/bin/env bash
# The Debian package, installed for real (README.md here): builds the .deb with
# cpack, checks its control fields and that the program in it is stripped,
# installs it with apt into a fresh copy of a minimal Debian 12 root (apt
# resolves the package's Depends from the Debian archive: the check that they
# are right), runs the installed moat there, compares the installed file list
# with `cmake --install`'s and purges the package again.
#
#   install_test.sh --cpack CPACK --cmake CMAKE --build-dir DIR --source-dir DIR
#                   --version VERSION --root-cache DIR --work DIR
#
# --root-cache  the bootstrapped Debian 12 (debootstrap --variant=minbase),
#               made once and reused; every run installs into a copy of it
# --work        scratch (the .deb, the copy of the root); emptied at the start
#               of every run, kept after a failure for a look
# Environment: MOAT_DEBIAN_MIRROR (default http://deb.debian.org/debian) and
# MOAT_DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
#
# Exit 0 passed, 1 failed, 77 skipped: not root, or no debootstrap, outside CI
# (CI=true fails instead, so that the check cannot silently go missing there).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cpack= cmake= build= source= version= cache= work=
while [ $# -gt 0 ]; do
  case "$1" in
    --cpack) cpack=$2; shift 2 ;;
    --cmake) cmake=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --source-dir) source=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --root-cache) cache=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "install_test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for v in cpack cmake build source version cache work; do
  [ -n "${!v}" ] || { echo "install_test.sh: every option is required (missing: $v)" >&2; exit 2; }
done
mirror=${MOAT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${MOAT_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

fail() { echo "FAIL: $*" >&2; exit 1; }
skip_or_fail() {
  if [ "${CI:-}" = true ]; then fail "$* (CI=true: this test must run in CI)"; fi
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip_or_fail "installing a package into a Debian root needs root (chroot, mount, debootstrap)"
command -v debootstrap >/dev/null || skip_or_fail "debootstrap is not installed (bash scripts/setup.sh installs it)"

# Every long step is bounded, and all of them together stay below ctest's
# TIMEOUT (900 s), so that the EXIT trap (which unmounts /proc) runs even when
# a step hangs: ctest's own timeout would kill this script outright.
deadline=$((SECONDS + 840))
bounded() {
  local limit=$1 left=$((deadline - SECONDS))
  shift
  [ "$left" -gt 0 ] || { echo "install_test.sh: out of time before: $*" >&2; return 124; }
  [ "$limit" -le "$left" ] || limit=$left
  timeout --kill-after=10 "$limit" "$@"
}

root=$work/root
unmount_root() {
  if mountpoint -q "$root/proc" 2>/dev/null; then
    umount "$root/proc" || umount -l "$root/proc"
  fi
}
# A run killed outright (SIGKILL) leaves its mount: undo it before emptying.
unmount_root
if mountpoint -q "$root/proc" 2>/dev/null; then fail "$root/proc is still mounted"; fi
rm -rf --one-file-system "$work"
mkdir -p "$work"
trap unmount_root EXIT
trap 'exit 1' INT TERM HUP
started=$SECONDS
step() { echo "== [$((SECONDS - started))s] $*"; }

# --- the root: made once (debootstrap), published by rename so that an
# interrupted bootstrap is never reused; a lock keeps two runs from racing.
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
if [ ! -f "$cache/.moat-bootstrapped" ]; then
  step "debootstrap --variant=minbase bookworm $cache (once)"
  rm -rf --one-file-system "$cache.tmp" "$cache"
  bounded 360 debootstrap --variant=minbase bookworm "$cache.tmp" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
  # A Debian 12 as installed: the point releases and security updates too.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" >"$cache.tmp/etc/apt/sources.list"
  rm -rf "$cache.tmp/var/lib/apt/lists/"* "$cache.tmp/var/cache/apt/archives/"*.deb
  touch "$cache.tmp/.moat-bootstrapped"
  mv "$cache.tmp" "$cache"
fi
step "a fresh copy of the root"
cp -a "$cache" "$root"
flock -u 9

# --- the package
step "cpack -G DEB"
(cd "$build" && bounded 240 "$cpack" -G DEB -B "$work/deb") >"$work/cpack.log" 2>&1 ||
  { tail -n 20 "$work/cpack.log" >&2; fail "cpack failed (log: $work/cpack.log)"; }
arch=$(dpkg --print-architecture)
deb=$work/deb/moat_${version}_${arch}.deb
[ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$work/deb")"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = moat ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Recommends)" = bubblewrap ] || fail "Recommends is '$(field Recommends)', not bubblewrap"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Section)" ] || fail "no Section"
depends=$(field Depends)
echo "Depends: $depends"
# dpkg-shlibdeps names the libraries the program links, with versions.
for lib in libc6 libstdc++6 libfmt9 libyaml-cpp0.7 libseccomp2 libssl3 zlib1g; do
  [[ ", $depends," == *", $lib ("* ]] || fail "Depends lacks a versioned $lib (dpkg-shlibdeps): $depends"
done

dpkg-deb --extract "$deb" "$work/contents"
if readelf --section-headers "$work/contents/usr/bin/moat" | grep -q '\.debug_\|\.symtab'; then
  fail "usr/bin/moat in the package is not stripped"
fi

# Everything `cmake --install` installs is in the package, and nothing else.
DESTDIR=$work/installed bounded 120 "$cmake" --install "$build" --prefix /usr >/dev/null
(cd "$work/installed" && find . ! -type d | sed 's/^\.//' | sort) >"$work/install.list"
(cd "$work/contents" && find . ! -type d | sed 's/^\.//' | sort) >"$work/deb.list"
diff -u "$work/install.list" "$work/deb.list" >&2 ||
  fail "the package's files differ from cmake --install's (- install, + package)"

# --- installed on Debian 12
cp "$deb" "$root/tmp/moat.deb"
cp "$source/examples/agent-default.moat" "$here/Inputs/risky.moat" "$root/tmp/"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
in_root() { bounded 240 chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
              DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

step "apt-get update; apt-get install /tmp/moat.deb"
in_root apt-get -qq update >"$work/apt.log" 2>&1 ||
  { tail -n 20 "$work/apt.log" >&2; fail "apt-get update failed in the root"; }
in_root apt-get install -y -q /tmp/moat.deb >>"$work/apt.log" 2>&1 ||
  { tail -n 20 "$work/apt.log" >&2; fail "apt-get could not install the package (Depends wrong?)"; }
in_root test -x /usr/bin/bwrap ||
  fail "bubblewrap was not installed (Recommends)"

step "moat in the root"
out=$(in_root moat --version) || fail "moat --version failed"
[ "$out" = "moat $version" ] || fail "moat --version printed '$out', not 'moat $version'"

status=0
out=$(in_root moat check /tmp/agent-default.moat 2>&1) || status=$?
[ "$status" -eq 0 ] || fail "moat check agent-default.moat exited $status: $out"
[[ "$out" == *"checked 1 policy: 0 errors, 0 warnings, 0 notes"* ]] ||
  fail "moat check agent-default.moat printed: $out"

# A policy with findings: the rules and their compiled-in data (the Public
# Suffix List) work in the installed program.
status=0
out=$(in_root moat check /tmp/risky.moat 2>&1) || status=$?
[ "$status" -eq 1 ] || fail "moat check risky.moat exited $status, not 1: $out"
for id in read-secrets net-broad-wildcard; do
  [[ "$out" == *"[$id]"* ]] || fail "moat check risky.moat has no $id finding: $out"
done
[[ "$out" == *"/tmp/risky.moat:6:3: warning: '*.com' is a wildcard over the public suffix 'com'"* ]] ||
  fail "moat check risky.moat: no net-broad-wildcard warning at 6:3: $out"

step "dpkg -L moat"
in_root dpkg -L moat >"$work/dpkg-L.txt" || fail "dpkg -L moat failed"
missing=0
while IFS= read -r path; do
  case "$path" in ''|'#'*) continue ;; esac
  grep -qxF "$path" "$work/dpkg-L.txt" || { echo "not installed: $path" >&2; missing=1; }
  in_root test -e "$path" || { echo "listed, not on disk: $path" >&2; missing=1; }
done <"$here/expected-files.txt"
[ "$missing" -eq 0 ] || fail "installed files differ from test/package/expected-files.txt"

step "apt-get purge moat"
in_root apt-get purge -y -q moat >>"$work/apt.log" 2>&1 || fail "apt-get purge moat failed"
! in_root test -e /usr/bin/moat || fail "/usr/bin/moat is still there after purge"

unmount_root
rm -rf --one-file-system "$work"
step "passed"
