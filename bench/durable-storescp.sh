#!/bin/bash
# What syncing costs DCMTK's own receiver (docs/benchmarks.md, Receive, "Ninth session"): storescp as
# bench/receive.ts runs it (+B, 128 KiB PDUs, --fork for parallel associations, TCP_NODELAY=1) against
# the same storescp with bench/fsync_on_close.c preloaded, which fdatasyncs each file before closing
# it, i.e. before storescp sends Success. 200 warm-up instances, then var/bench/ct-1000 over P
# associations; the two alternate, ROUNDS times for P = 1 and P = 4. Run `npm run bench:receive` once
# first: it generates the files. Needs a C compiler (cc).
# Usage: bench/durable-storescp.sh [ROUNDS=3]
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-3}
OUT=$HERE/var/bench/durable
SHIM=$OUT/fsync_on_close.so
PORT=11720
mkdir -p "$OUT"
cc -O2 -shared -fPIC -o "$SHIM" "$HERE/bench/fsync_on_close.c" -ldl
export TCP_NODELAY=1
WARM=("$HERE"/var/bench/ct-warmup-200/*.dcm)
FILES=("$HERE"/var/bench/ct-1000/*.dcm)
steal() { awk '/^cpu /{print $9}' /proc/stat; }

# send P FILES…: the files split over P parallel storescu associations.
send() {
  local p=$1; shift
  local per=$(( ($# + p - 1) / p )) i pids=""
  local files=("$@")
  for ((i = 0; i < p; i++)); do
    storescu -aec S 127.0.0.1 "$PORT" "${files[@]:$((i * per)):$per}" & pids="$pids $!"
  done
  # shellcheck disable=SC2086
  wait $pids
}

# run LABEL P [PRELOAD]
run() {
  local label=$1 p=$2 preload=${3:-} fork=() pid t0 t1 st0 n
  rm -rf "$OUT/scp" && mkdir -p "$OUT/scp"
  [ "$p" -gt 1 ] && fork=(--fork)
  env ${preload:+LD_PRELOAD=$preload} storescp +B --max-pdu 131072 -aet S -od "$OUT/scp" "${fork[@]}" "$PORT" &
  pid=$!
  for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
  send "$p" "${WARM[@]}"
  st0=$(steal)
  t0=$(date +%s.%N)
  send "$p" "${FILES[@]}"
  t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  n=$(ls "$OUT/scp" | wc -l)
  [ "$n" -eq $(( ${#WARM[@]} + ${#FILES[@]} )) ] || { echo "$label P=$p: wrote $n files"; exit 1; }
  echo "$label P=$p: $(echo "${#FILES[@]} / ($t1 - $t0)" | bc) instances/s (host steal $(( $(steal) - st0 )) ticks)"
}

for ((r = 1; r <= ROUNDS; r++)); do
  for p in 1 4; do
    run storescp "$p"
    run storescp+fdatasync "$p" "$SHIM"
  done
done
rm -rf "$OUT/scp"
