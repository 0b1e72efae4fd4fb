#!/usr/bin/env bash
# Runs the plain C++ codecs (native/codecs/*.cc) under AddressSanitizer + UndefinedBehaviorSanitizer:
# builds test/native/asan_driver.cc standalone (no Node, so no false positives from V8), exports the
# JPEG Lossless / RLE frames of ../shared/testdata, and runs valid, re-encoded, truncated and
# byte-flipped inputs through decoders and encoders. Any sanitizer report fails the script.
# Usage: test/native/asan.sh   (from anywhere; needs g++ and a built dist/ — `npm run build:ts`)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -f dist/test/native/helpers/export-corpus.js ] || npm run --silent build:ts
node dist/test/native/helpers/export-corpus.js "$work/corpus"
g++ -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Inative -o "$work/asan_driver" test/native/asan_driver.cc native/codecs/*.cc
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$work/asan_driver" "$work/corpus"
echo "asan.sh: no sanitizer findings"
