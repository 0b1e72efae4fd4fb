#!/usr/bin/env bash
# System test of the arm64 .deb in a booted Debian 12 arm64 container under qemu-user emulation
# (binfmt_misc + qemu-user-static; systemd-nspawn -b, private network). Not run by `npm test`. Root.
# Usage: test/system/arm64-qemu.sh [path/to/pacsgate_<version>_arm64.deb]   (built when not given)
# Steps: dpkg -i → pacsgate --version → pacsgate selftest (addon) → lmdb prebuilt round trip → the service
# reaches active (READY=1 from the arm64 addon) as user pacsgate → C-ECHO and C-STORE on port 104 (the
# C-STORE's Success comes only after the arm64 lmdb prebuild's durable commit) → clean stop.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/test/system/lib.sh"
[ "$(id -u)" = 0 ] || { echo "arm64-qemu.sh: needs root" >&2; exit 1; }
need_pkgs debootstrap systemd-container qemu-user-static binfmt-support
machine_prepare arm64 pacsgate-arm64 "${1:-}"
prop() { in_machine systemctl show -p "$1" --value pacsgate.service; }
# One small instance from the shared public test data (never copied into the repo).
sample="$(find "$root/../shared/testdata" -type f -name '*.dcm' -size -600k 2>/dev/null | sort | head -1 || true)"
[ -n "$sample" ] && cp "$sample" "$dir/root/sample.dcm"

step "boot $name (arm64 systemd under qemu-aarch64)"
machine_boot "$dir" "$name" "$log"
wait_booted 180
m="$(in_machine uname -m)"
[ "$m" = aarch64 ] && pass "uname -m in the container: $m (host $(uname -m))" || fail "uname -m: $m"

step "install $(basename "$deb")"
# qemu-user cannot emulate the IPC namespace systemd sets up for PrivateIPC=yes (226/NAMESPACE, EIO).
# A runtime drop-in, for emulation only, lifts that one setting; real arm64 hardware keeps it.
in_machine sh -c 'mkdir -p /run/systemd/system/pacsgate.service.d && printf "[Service]\nPrivateIPC=no\n" >/run/systemd/system/pacsgate.service.d/qemu-user.conf'
if out="$(in_machine env DEBIAN_FRONTEND=noninteractive dpkg -i /root/pacsgate.deb 2>&1)"; then pass "dpkg -i"
else fail "dpkg -i: $(echo "$out" | tail -5)"; fi
file -b "$dir/usr/lib/pacsgate/build/Release/pacsgate.node" | grep -q 'ARM aarch64' \
  && pass "addon is $(file -b "$dir/usr/lib/pacsgate/build/Release/pacsgate.node" | cut -d, -f1-2)" || fail "addon is not aarch64"

step "pacsgate --version"
v="$(in_machine pacsgate --version 2>&1 || true)"
[ "$v" = "$version" ] && pass "pacsgate --version → $v" || fail "pacsgate --version → $v"

step "pacsgate selftest (native addon on arm64)"
if out="$(in_machine pacsgate selftest 2>&1)"; then pass "selftest"; else fail "selftest: $(echo "$out" | grep FAIL)"; fi
# The spool's CRC-32C must take the ARMv8 CRC32 instructions (every Raspberry Pi since the 3; qemu's
# default CPU too), not the table fallback.
grep -q '^ok crc32c-armv8-crc32$' <<<"$out" && pass "CRC-32C uses the ARMv8 CRC32 instructions" \
  || fail "CRC-32C path: $(echo "$out" | grep crc32c)"
echo "$out" | sed 's/^/        /' >&2

step "lmdb arm64 prebuilt: open, put, get"
js='import("lmdb").then(async ({open}) => { const db = open({ path: "/tmp/lmdb-check" }); await db.put("k", "arm64 ok"); console.log(process.arch, db.get("k")); await db.close(); })'
out="$(in_machine sh -c "cd /usr/lib/pacsgate && /usr/lib/pacsgate/node/bin/node --input-type=module -e '$js'" 2>&1 || true)"
[ "$out" = "arm64 arm64 ok" ] && pass "lmdb → $out" || fail "lmdb → $out"

step "service reaches active (Type=notify: READY=1 sent by the arm64 addon)"
if wait_for 60 in_machine systemctl is-active --quiet pacsgate.service; then
  pass "active; StatusText=\"$(prop StatusText)\"; NRestarts=$(prop NRestarts)"
else
  fail "not active: $(in_machine systemctl status --no-pager pacsgate.service 2>&1 | tail -12)"
fi
pid="$(prop MainPID)"
user="$(in_machine ps -o user= -p "$pid" | tr -d ' ')"
[ "$user" = pacsgate ] && pass "MainPID $pid runs as user pacsgate" || fail "MainPID $pid runs as '$user'"

step "C-ECHO on port 104 (echoscu inside the arm64 container)"
listening_104() { in_machine sh -c "grep -qiE '^ *[0-9]+: [0-9A-F]+:0068 [0-9A-F]+:0000 0A' /proc/net/tcp /proc/net/tcp6"; }
if in_machine env TCP_NODELAY=1 echoscu -to 20 -aec PACSGATE 127.0.0.1 104 >/dev/null 2>&1; then pass "echoscu → 127.0.0.1:104 succeeded"
elif ! listening_104; then pending "C-ECHO: nothing listens on port 104 in this build (DICOM listener not on this branch yet)"
else fail "C-ECHO: port 104 is listening but echoscu failed"; fi

step "C-STORE on port 104 (storescu inside the arm64 container)"
if [ -z "$sample" ]; then fail "no sample .dcm found under ../shared/testdata"
elif in_machine env TCP_NODELAY=1 storescu -to 20 -aec PACSGATE 127.0.0.1 104 /root/sample.dcm >/dev/null 2>&1; then
  pass "storescu $(basename "$sample") → 127.0.0.1:104 succeeded"
else fail "C-STORE: storescu failed"; fi

step "systemctl stop exits cleanly"
in_machine systemctl stop pacsgate.service
result="$(prop Result) $(prop ExecMainCode) $(prop ExecMainStatus)"
[ "$result" = "success 1 0" ] && pass "Result=success, exited with status 0" || fail "stop: Result/Code/Status = $result"

step "stop $name"
machine_stop
printf '\narm64-qemu.sh: %d failed, %d pending\n' "$FAILS" "$PENDING" >&2
[ "$FAILS" = 0 ]
