#!/usr/bin/env bash
# System test of the amd64 .deb in a booted Debian 12 container (systemd-nspawn -b, private network).
# Not run by `npm test` (boot + watchdog timeout take ~1 min). Needs root.
# Usage: test/system/nspawn.sh [path/to/pacsgate_<version>_amd64.deb]   (built when not given)
# Steps: install → active (READY=1) as user pacsgate → C-ECHO / C-STORE on port 104 → SIGSTOP → watchdog
# restart → clean systemctl stop → remove keeps /var/lib/pacsgate → purge deletes it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/test/system/lib.sh"
[ "$(id -u)" = 0 ] || { echo "nspawn.sh: needs root" >&2; exit 1; }
need_pkgs debootstrap systemd-container
machine_prepare amd64 pacsgate-test "${1:-}"
# One small instance from the shared public test data (never copied into the repo).
sample="$(find "$root/../shared/testdata" -type f -name '*.dcm' -size -600k 2>/dev/null | sort | head -1 || true)"
[ -n "$sample" ] && cp "$sample" "$dir/root/sample.dcm"

step "boot $name"
machine_boot "$dir" "$name" "$log"
wait_booted 60

step "install $(basename "$deb")"
if in_machine env DEBIAN_FRONTEND=noninteractive dpkg -i /root/pacsgate.deb >"$dir.dpkg.log" 2>&1; then pass "dpkg -i"
else fail "dpkg -i: $(tail -5 "$dir.dpkg.log")"; fi
rm -f "$dir.dpkg.log"

prop() { in_machine systemctl show -p "$1" --value pacsgate.service; }
step "service reaches active (Type=notify: only after READY=1)"
if wait_for 30 in_machine systemctl is-active --quiet pacsgate.service; then
  pass "active; SubState=$(prop SubState); StatusText=\"$(prop StatusText)\""
else
  fail "not active: $(in_machine systemctl status --no-pager pacsgate.service 2>&1 | tail -15)"
fi
t_exec="$(prop ExecMainStartTimestampMonotonic)"; t_active="$(prop ActiveEnterTimestampMonotonic)"
echo "        exec → READY=1 (active) under systemd: $(((t_active - t_exec) / 1000)) ms" >&2
[ "$(prop NRestarts)" = 0 ] && pass "no restart during start-up" || fail "NRestarts=$(prop NRestarts)"
pid="$(prop MainPID)"
user="$(in_machine ps -o user= -p "$pid" | tr -d ' ')"
[ "$user" = pacsgate ] && pass "MainPID $pid runs as user pacsgate ($(in_machine id pacsgate))" || fail "MainPID $pid runs as '$user'"
caps="$(in_machine grep -E '^Cap(Eff|Bnd|Amb)' /proc/"$pid"/status | tr '\n\t' '  ')"
echo "        $caps" >&2
in_machine grep -q '^CapBnd:.*0000000000000400$' /proc/"$pid"/status && pass "only CAP_NET_BIND_SERVICE in the bounding set" \
  || fail "capabilities: $caps"
spool_owner="$(in_machine stat -c '%U:%G %a' /var/lib/pacsgate)"
[ "$spool_owner" = "pacsgate:pacsgate 750" ] && pass "/var/lib/pacsgate is $spool_owner" || fail "/var/lib/pacsgate is $spool_owner"

step "unit checks on the installed system"
out="$(in_machine systemd-analyze verify /lib/systemd/system/pacsgate.service 2>&1)"
[ -z "$out" ] && pass "systemd-analyze verify pacsgate.service printed nothing" || fail "systemd-analyze verify: $out"
score="$(in_machine systemd-analyze security pacsgate.service 2>&1 | grep -o 'Overall exposure level for pacsgate.service: [0-9.]* [A-Z]*' || true)"
lvl="$(echo "$score" | awk '{print $6}')"
[ -n "$lvl" ] && awk "BEGIN{exit !($lvl <= 2.5)}" && pass "live $score" || fail "security score: ${score:-none}"
[ "$(prop MemoryMax)" = 805306368 ] && pass "MemoryMax=$(prop MemoryMax)" || fail "MemoryMax=$(prop MemoryMax)"

step "lmdb under the unit's sandbox (oneshot copy of pacsgate.service, same hardening and user)"
cp "$root/test/system/lmdb-sandbox-check.mjs" "$dir/usr/local/lib/lmdb-sandbox-check.mjs"
in_machine sh -c "sed -e 's/^Type=notify/Type=oneshot/' -e '/^WatchdogSec=/d' -e '/^Restart=/d' \
  -e 's|^ExecStart=.*|ExecStart=/usr/lib/pacsgate/node/bin/node /usr/local/lib/lmdb-sandbox-check.mjs|' \
  /lib/systemd/system/pacsgate.service > /run/systemd/system/pacsgate-lmdb-check.service && systemctl daemon-reload"
if in_machine systemctl start pacsgate-lmdb-check.service; then
  pass "$(in_machine journalctl -u pacsgate-lmdb-check.service --no-pager -o cat | grep 'lmdb ok' | tail -1)"
else
  fail "lmdb in the sandbox: $(in_machine journalctl -u pacsgate-lmdb-check.service --no-pager -o cat | tail -8)"
fi
in_machine sh -c 'rm -f /run/systemd/system/pacsgate-lmdb-check.service && systemctl daemon-reload'

step "watchdog pings arrive (WatchdogTimestamp advances, no restart after WatchdogSec)"
w0="$(prop WatchdogTimestampMonotonic)"
sleep 22
w1="$(prop WatchdogTimestampMonotonic)"
[ "$w1" -gt "$w0" ] && [ "$(prop NRestarts)" = 0 ] && in_machine systemctl is-active --quiet pacsgate.service \
  && pass "WatchdogTimestamp advanced by $(((w1 - w0) / 1000)) ms over 22 s, still active, NRestarts=0" \
  || fail "watchdog pings: $w0 → $w1, NRestarts=$(prop NRestarts)"

# Port 104 = 0x0068 in /proc/net/tcp; state 0A = LISTEN.
listening_104() { in_machine sh -c "grep -qiE '^ *[0-9]+: [0-9A-F]+:0068 [0-9A-F]+:0000 0A' /proc/net/tcp /proc/net/tcp6"; }
step "C-ECHO on port 104 (echoscu inside the container)"
if in_machine env TCP_NODELAY=1 echoscu -to 10 -aec PACSGATE 127.0.0.1 104 >/dev/null 2>&1; then pass "echoscu → 127.0.0.1:104 succeeded"
elif ! listening_104; then pending "C-ECHO: nothing listens on port 104 in this build (DICOM listener not on this branch yet)"
else fail "C-ECHO: port 104 is listening but echoscu failed"; fi

step "C-STORE on port 104 (storescu inside the container)"
if [ -z "$sample" ]; then fail "no sample .dcm found under ../shared/testdata"
elif in_machine env TCP_NODELAY=1 storescu -to 10 -aec PACSGATE 127.0.0.1 104 /root/sample.dcm >/dev/null 2>&1; then
  pass "storescu $(basename "$sample") → 127.0.0.1:104 succeeded"
elif ! listening_104; then pending "C-STORE: nothing listens on port 104 in this build (DICOM listener not on this branch yet)"
else fail "C-STORE: port 104 is listening but storescu failed"; fi

step "watchdog: SIGSTOP the node process, expect a restart after WatchdogSec=$(prop WatchdogUSec)"
old="$(prop MainPID)"
t0=$(date +%s)
in_machine kill -STOP "$old"
restarted() { [ "$(prop NRestarts)" -ge 1 ] && [ "$(prop MainPID)" != "$old" ] && [ "$(prop MainPID)" != 0 ] \
  && in_machine systemctl is-active --quiet pacsgate.service; }
if wait_for 90 restarted; then
  pass "restarted after $(($(date +%s) - t0)) s: NRestarts=$(prop NRestarts), MainPID $old → $(prop MainPID)"
  # The journal is read whole, then searched: `journalctl | grep -q` under pipefail fails whenever grep
  # quits early and journalctl gets SIGPIPE (seen: the line was there, the check said it was not).
  timeouts=$(in_machine journalctl -u pacsgate.service --no-pager -o cat | grep -iE 'watchdog timeout' || true)
  if [ -n "$timeouts" ]; then
    printf '%s\n' "$timeouts" | head -2 | sed 's/^/        /' >&2
    pass "journal shows the watchdog timeout"
  else
    fail "no 'Watchdog timeout' in the journal"
  fi
else
  fail "no watchdog restart: $(in_machine systemctl status --no-pager pacsgate.service 2>&1 | tail -10)"
fi

step "systemctl stop exits cleanly"
t0=$(date +%s%N)
in_machine systemctl stop pacsgate.service
ms=$((($(date +%s%N) - t0) / 1000000))
result="$(prop Result) $(prop ExecMainCode) $(prop ExecMainStatus)"
# ExecMainCode 1 = CLD_EXITED; status 0.
[ "$result" = "success 1 0" ] && pass "stopped in $ms ms: Result=success, exited with status 0" || fail "stop: Result/Code/Status = $result ($ms ms)"
journal=$(in_machine journalctl -u pacsgate.service --no-pager -o cat)
grep -q '"msg":"stopped"' <<<"$journal" && pass "daemon logged 'stopped'" || fail "no 'stopped' log line"

step "remove keeps the spool; purge deletes it"
in_machine sh -c 'echo keep > /var/lib/pacsgate/marker && chown pacsgate:pacsgate /var/lib/pacsgate/marker'
in_machine dpkg -r pacsgate >/dev/null 2>&1 || fail "dpkg -r"
in_machine test -f /var/lib/pacsgate/marker && pass "after remove: /var/lib/pacsgate kept ($(in_machine ls -A /var/lib/pacsgate | tr '\n' ' '))" \
  || fail "after remove: /var/lib/pacsgate lost"
in_machine test -f /etc/pacsgate/config.json && pass "after remove: conffile /etc/pacsgate/config.json kept" || fail "after remove: conffile lost"
in_machine dpkg -P pacsgate >/dev/null 2>&1 || fail "dpkg -P"
in_machine test ! -e /var/lib/pacsgate && pass "after purge: /var/lib/pacsgate deleted" || fail "after purge: /var/lib/pacsgate still there"
in_machine test ! -e /etc/pacsgate && pass "after purge: /etc/pacsgate deleted" || fail "after purge: /etc/pacsgate still there"
in_machine systemctl is-enabled pacsgate.service >/dev/null 2>&1 && fail "still enabled after purge" || pass "unit gone after purge"

step "stop $name"
machine_stop
printf '\nnspawn.sh: %d failed, %d pending\n' "$FAILS" "$PENDING" >&2
[ "$FAILS" = 0 ]
