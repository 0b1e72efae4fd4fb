#!/usr/bin/env bash
# The whole test suite (README's test command runs this through `npm test`).
# 1. installs the real peers the tests talk to (DCMTK, Orthanc, Chromium) from Debian when missing;
# 2. builds TypeScript and the native addon;
# 3. runs node's test runner over the compiled tests.
# Usage: scripts/test.sh [unit|native|integration|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-all}"

need=()
command -v storescu >/dev/null 2>&1 || need+=(dcmtk)
command -v Orthanc >/dev/null 2>&1 || need+=(orthanc)
# The page's browser tests drive Debian's Chromium through playwright-core (never a downloaded browser).
[ -x /usr/bin/chromium ] || need+=(chromium)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing missing peers: ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "test.sh: missing peers ${need[*]} and not root: install them with apt-get (sudo)" >&2
    exit 1
  fi
fi

# Build (fast when nothing changed: tsc is incremental enough here, node-gyp only when needed).
# The addon is rebuilt when it is absent or older than any native source (a pulled change to native/).
if [ ! -f build/Release/pacsgate.node ] || [ -n "$(find native binding.gyp -newer build/Release/pacsgate.node -print -quit)" ]; then
  npm run --silent build:native
fi
npm run --silent build:ts

case "$suite" in
  unit) dirs=(dist/test/unit) ;;
  native) dirs=(dist/test/native) ;;
  integration) dirs=(dist/test/integration) ;;
  all) dirs=(dist/test/unit dist/test/native dist/test/integration) ;;
  *) echo "test.sh: unknown suite $suite" >&2; exit 64 ;;
esac
mapfile -t files < <(find "${dirs[@]}" -name '*.test.js' 2>/dev/null | sort)
if ((${#files[@]} == 0)); then
  echo "test.sh: no test files found in ${dirs[*]}" >&2
  exit 1
fi
# TCP_NODELAY for DCMTK tools (Debian's 3.6.7 leaves Nagle on; see README).
export TCP_NODELAY=1
exec node --test --test-concurrency=2 --test-timeout=600000 --test-reporter=spec "${files[@]}"
