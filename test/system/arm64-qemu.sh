#!/usr/bin/env bash
# System test of the arm64 .deb in a Debian 12 arm64 rootfs under qemu-user emulation (binfmt_misc,
# qemu-user-static). Not run by `npm test`. Needs root.
# Usage: test/system/arm64-qemu.sh [path/to/pacsgate_<version>_arm64.deb]   (built when not given)
# Steps: dpkg -i (user, spool, unit enabled) → pacsgate --version → pacsgate selftest (addon) → lmdb
# prebuilt loads and round-trips → daemon starts and stops cleanly → C-ECHO (pending until the listener).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/test/system/lib.sh"
[ "$(id -u)" = 0 ] || { echo "arm64-qemu.sh: needs root" >&2; exit 1; }
need_pkgs debootstrap systemd-container qemu-user-static binfmt-support
version="$(node -p "require('$root/package.json').version")"
deb="${1:-$root/dist/pacsgate_${version}_arm64.deb}"
[ -f "$deb" ] || "$root/packaging/build-deb.sh" arm64
cache="$("$root/test/system/rootfs.sh" arm64)" # also mounts binfmt_misc and enables qemu-aarch64
name="pacsgate-arm64-$$"
dir="/var/cache/pacsgate-test/$name"
trap 'rm -rf "$dir"' EXIT
cp -a "$cache" "$dir"
cp "$deb" "$dir/root/pacsgate.deb"
# Not booted: a plain nspawn container (own mount/pid namespaces), each command under qemu-aarch64.
# stdout and stderr together, minus nspawn's own notice about /run/systemd/nspawn (this host's /run is no tmpfs).
run() {
  systemd-nspawn -q -D "$dir" -M "$name" --register=no --keep-unit --private-network --pipe -- "$@" 2>&1 \
    | { grep -v 'Attempted to remove disk file system' || true; }
  return "${PIPESTATUS[0]}"
}

step "emulation"
m="$(run uname -m)"
[ "$m" = aarch64 ] && pass "uname -m in the rootfs: $m (host $(uname -m))" || fail "uname -m: $m"

step "install $(basename "$deb")"
if out="$(run env DEBIAN_FRONTEND=noninteractive dpkg -i /root/pacsgate.deb 2>&1)"; then pass "dpkg -i"
else fail "dpkg -i: $(echo "$out" | tail -5)"; fi
run id pacsgate >/dev/null 2>&1 && pass "user: $(run id pacsgate)" || fail "no user pacsgate"
[ "$(run systemctl is-enabled pacsgate.service 2>/dev/null)" = enabled ] && pass "pacsgate.service enabled" || fail "unit not enabled"
file -b "$dir/usr/lib/pacsgate/build/Release/pacsgate.node" | grep -q 'ARM aarch64' \
  && pass "addon is $(file -b "$dir/usr/lib/pacsgate/build/Release/pacsgate.node" | cut -d, -f1-2)" || fail "addon is not aarch64"

step "pacsgate --version"
v="$(run pacsgate --version 2>&1 || true)"
[ "$v" = "$version" ] && pass "pacsgate --version → $v" || fail "pacsgate --version → $v"

step "pacsgate selftest (native addon on arm64)"
if out="$(run pacsgate selftest 2>&1)"; then pass "selftest"; else fail "selftest"; fi
echo "$out" | sed 's/^/        /' >&2

step "lmdb arm64 prebuilt: open, put, get"
js='import("lmdb").then(async ({open}) => { const db = open({ path: "/tmp/lmdb-check" }); await db.put("k", "arm64 ok"); console.log(process.arch, db.get("k")); await db.close(); })'
out="$(run sh -c "cd /usr/lib/pacsgate && /usr/lib/pacsgate/node/bin/node --input-type=module -e '$js'" 2>&1 || true)"
[ "$out" = "arm64 arm64 ok" ] && pass "lmdb → $out" || fail "lmdb → $out"

step "daemon starts and stops cleanly (as user pacsgate, packaged config)"
out="$(run sh -c 'cd / && setpriv --reuid=pacsgate --regid=pacsgate --init-groups env PACSGATE_CONFIG=/etc/pacsgate/config.json \
  PACSGATE_SPOOL_DIR=/var/lib/pacsgate PACSGATE_DICOM_PORT=11112 PACSGATE_HTTP_PORT=0 /usr/bin/pacsgate >/tmp/daemon.log 2>&1 & p=$!
  for i in $(seq 1 120); do grep -q "\"msg\":\"ready\"" /tmp/daemon.log && break; sleep 0.5; done
  kill -TERM $p; wait $p; echo "exit=$?"; cat /tmp/daemon.log' 2>&1 || true)"
echo "$out" | grep -q '"msg":"ready"' && pass "logged ready" || fail "no ready line: $(echo "$out" | tail -3)"
echo "$out" | grep -q '^exit=0$' && pass "SIGTERM → exit 0" || fail "SIGTERM: $(echo "$out" | tail -2)"

step "C-ECHO on the arm64 build"
pending "C-ECHO round trip on arm64: the DICOM listener is not on this branch yet (step to add: echoscu in the booted arm64 machine)"

printf '\narm64-qemu.sh: %d failed, %d pending\n' "$FAILS" "$PENDING" >&2
[ "$FAILS" = 0 ]
