#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   1. Release build: unit, integration, e2e (network namespaces; needs root,
#      skipped with a reason otherwise) and the fuzz corpora.
#   2. AddressSanitizer + UBSan build: unit, integration and fuzz corpora.
# REMORA_SKIP_ASAN=1 runs only the first pass.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/npm-deps.sh

export CTEST_OUTPUT_ON_FAILURE=1
jobs="${REMORA_JOBS:-$(nproc)}"

echo "== release build"
scripts/build.sh release
echo "== release tests"
ctest --test-dir build/release -j "$jobs" --timeout 300

if [[ "${REMORA_SKIP_ASAN:-0}" != 1 ]]; then
  echo "== asan build"
  scripts/build.sh asan
  echo "== asan tests (unit, integration, fuzz)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan -j "$jobs" -L 'unit|integration|fuzz' --timeout 600
fi
