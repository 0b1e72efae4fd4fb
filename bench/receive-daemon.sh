#!/bin/bash
# A/B helper for receive work (docs/benchmarks.md "Third session"): the pacsgate daemon of a built tree
# alone, no storescp. Sends var/bench/ct-warmup-200 (untimed), then var/bench/ct-1000 over P parallel
# storescu associations, and prints instances/s, the daemon's CPU seconds (user, system), the host's
# steal ticks during the run and VmHWM. Run
# `npm run bench:receive` once first: it generates both sets. Alternate two trees to compare builds:
#   for i in 1 2 3; do bench/receive-daemon.sh . 4; bench/receive-daemon.sh ../other-tree 4; done
# Usage: bench/receive-daemon.sh [TREE=.] [P=1]   (PROF="--cpu-prof --cpu-prof-dir=DIR" to profile)
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
TREE=$(cd "${1:-.}" && pwd)
P=${2:-1}
SPOOL=$HERE/var/bench/ab-spool
export TCP_NODELAY=1
rm -rf "$SPOOL"
env PACSGATE_SPOOL_DIR="$SPOOL" PACSGATE_SPOOL_MAX_BYTES=8000000000 PACSGATE_DICOM_HOST=127.0.0.1 \
  PACSGATE_DICOM_PORT=11599 PACSGATE_HTTP_PORT=18599 PACSGATE_LOG_LEVEL=warn \
  node ${PROF:-} "$TREE/bin/pacsgate.js" > "$HERE/var/bench/ab-daemon.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/11599) 2>/dev/null && break; sleep 0.05; done
storescu -aec PACSGATE 127.0.0.1 11599 "$HERE"/var/bench/ct-warmup-200/*.dcm
# utime and stime of the daemon (clock ticks → s); the host's steal ticks show a noisy run.
user() { awk '{print $14/100}' "/proc/$PID/stat"; }
sys() { awk '{print $15/100}' "/proc/$PID/stat"; }
steal() { awk '/^cpu /{print $9}' /proc/stat; }
U0=$(user); S0=$(sys); ST0=$(steal)
FILES=("$HERE"/var/bench/ct-1000/*.dcm)
N=${#FILES[@]}
PER=$((N / P))
t0=$(date +%s.%N)
PIDS=""
for i in $(seq 0 $((P - 1))); do
  storescu -aec PACSGATE 127.0.0.1 11599 "${FILES[@]:$((i * PER)):$PER}" & PIDS="$PIDS $!"
done
# shellcheck disable=SC2086
wait $PIDS
t1=$(date +%s.%N)
U1=$(user); S1=$(sys); ST1=$(steal)
echo "$TREE P=$P: $(echo "$N / ($t1 - $t0)" | bc) inst/s, daemon CPU user $(echo "$U1 - $U0" | bc) s sys $(echo "$S1 - $S0" | bc) s, host steal $((ST1 - ST0)) ticks, $(grep VmHWM "/proc/$PID/status" | tr -s ' \t' ' ')"
kill -TERM "$PID"
wait "$PID" 2>/dev/null
rm -rf "$SPOOL"
