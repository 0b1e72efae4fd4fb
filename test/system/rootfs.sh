#!/usr/bin/env bash
# System-test helper (not run by `npm test`): creates, once, a cached Debian 12 rootfs per
# architecture under /var/cache/pacsgate-test/ and prints its path. Reruns only copy the cache.
# Must not touch anything outside /var/cache/pacsgate-test and the binfmt registration it needs.
# Usage: test/system/rootfs.sh amd64|arm64   (root; installs debootstrap/qemu-user-static when missing)
set -euo pipefail
arch="${1:?usage: rootfs.sh amd64|arm64}"
cache=/var/cache/pacsgate-test
suite=bookworm
mirror="${PACSGATE_TEST_MIRROR:-http://deb.debian.org/debian}"
# systemd + dbus: to boot with nspawn -b; dcmtk: echoscu/storescu inside the container; procps: pgrep/ps.
include=systemd,systemd-sysv,dbus,dcmtk,procps,ca-certificates

. "$(dirname "$0")/../../scripts/need-pkgs.sh"

# qemu-user-static registers with the F (fix-binary) flag, so chroots need no copy of the emulator.
enable_binfmt() {
  [ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
  grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64
}

need_pkgs debootstrap systemd-container
[ "$arch" = arm64 ] && { need_pkgs qemu-user-static binfmt-support; enable_binfmt; }
dir="$cache/$suite-$arch"
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir" && mkdir -p "$cache"
  echo "rootfs.sh: debootstrap $suite $arch into $dir (first run only)" >&2
  debootstrap --variant=minbase --arch="$arch" --include="$include" "$suite" "$dir" "$mirror" >"$cache/debootstrap-$arch.log" 2>&1 \
    || { tail -20 "$cache/debootstrap-$arch.log" >&2; exit 1; }
  echo pacsgate-test >"$dir/etc/hostname"
  : >"$dir/etc/machine-id"
  touch "$dir/.complete"
fi
echo "$dir"
