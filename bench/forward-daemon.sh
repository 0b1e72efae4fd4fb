#!/bin/bash
# A/B helper for forward work (docs/benchmarks.md "Forward", sixth session): the pacsgate daemon of a
# built tree forwarding var/bench/ct-1000 from its spool to DCMTK storescp (+B). Fills the spool with
# the destination down, restarts the daemon with storescp up, and prints the time from the first to
# the last "instance forwarded" line, the daemon's CPU seconds (process and main thread) and the
# host's steal ticks during the drain. Run `npm run bench:receive` once first: it generates the files.
# Alternate two trees to compare builds:
#   for i in 1 2 3; do bench/forward-daemon.sh . A; bench/forward-daemon.sh ../other-tree B; done
# Usage: bench/forward-daemon.sh [TREE=.] [LABEL=TREE]   (NODE_FLAGS="--cpu-prof ..." adds node options)
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
TREE=$(cd "${1:-.}" && pwd)
LABEL=${2:-$TREE}
SPOOL=$HERE/var/bench/fwd-spool
OUT=$HERE/var/bench/fwd-storescp
LOG=$HERE/var/bench/fwd-daemon.log
export TCP_NODELAY=1
rm -rf "$SPOOL" "$OUT" && mkdir -p "$OUT"
ENVS=(PACSGATE_SPOOL_DIR="$SPOOL" PACSGATE_SPOOL_MAX_BYTES=8000000000 PACSGATE_DICOM_HOST=127.0.0.1
  PACSGATE_DICOM_PORT=11699 PACSGATE_HTTP_PORT=18699 PACSGATE_DESTINATION=STORESCP@127.0.0.1:11700)
listening() { for _ in $(seq 1 200); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# 1. Fill: nothing listens on 11700 yet, so every instance stays queued.
env "${ENVS[@]}" node ${NODE_FLAGS:-} "$TREE/bin/pacsgate.js" > "$LOG" 2>&1 &
PID=$!
listening 11699 || { echo "$LABEL: daemon did not listen"; kill "$PID"; exit 1; }
storescu -aec PACSGATE 127.0.0.1 11699 "$HERE"/var/bench/ct-1000/*.dcm
kill -TERM "$PID"; wait "$PID" 2>/dev/null
N=$(ls "$HERE"/var/bench/ct-1000/*.dcm | wc -l)
# 2. Drain into storescp.
storescp +B -aet STORESCP -od "$OUT" 11700 & SCP=$!
listening 11700 || { echo "$LABEL: storescp did not listen"; kill "$SCP"; exit 1; }
steal() { awk '/^cpu /{print $9}' /proc/stat; }
ST0=$(steal)
env "${ENVS[@]}" node ${NODE_FLAGS:-} "$TREE/bin/pacsgate.js" > "$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 1200); do [ "$(grep -c '"instance forwarded"' "$LOG")" -ge "$N" ] && break; sleep 0.05; done
ST1=$(steal)
CPU=$(awk '{print ($14 + $15) / 100}' "/proc/$PID/stat")
MAIN=$(awk '{print ($14 + $15) / 100}' "/proc/$PID/task/$PID/stat")
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const t = lines.filter((l) => l.msg === "instance forwarded").map((l) => Date.parse(l.time));
console.log(`${process.argv[2]}: ${t.length} forwarded in ${((Math.max(...t) - Math.min(...t)) / 1000).toFixed(3)} s, daemon CPU ${process.argv[3]} s (main thread ${process.argv[4]} s), host steal ${process.argv[5]} ticks`);
' "$LOG" "$LABEL" "$CPU" "$MAIN" "$((ST1 - ST0))"
kill -TERM "$PID"; wait "$PID" 2>/dev/null
kill "$SCP"; wait "$SCP" 2>/dev/null
rm -rf "$SPOOL" "$OUT"
