#!/usr/bin/env bash
# Configures and builds Remora. Usage: scripts/build.sh [release|debug|asan] [cmake targets...]
# Build trees: build/release, build/debug, build/asan.
set -euo pipefail
cd "$(dirname "$0")/.."

kind="${1:-release}"
shift || true
case "$kind" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug) args=(-DCMAKE_BUILD_TYPE=Debug) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMORA_SANITIZE=ON -DREMORA_BUILD_BENCH=OFF) ;;
  *) echo "usage: $0 [release|debug|asan] [targets...]" >&2; exit 2 ;;
esac

jobs="${REMORA_JOBS:-$(nproc)}"
# ccache hits across checkouts in different folders (CI clones anew each run).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B "build/$kind" "${args[@]}" >/dev/null
if [[ $# -gt 0 ]]; then
  cmake --build "build/$kind" -j "$jobs" --target "$@"
else
  cmake --build "build/$kind" -j "$jobs"
fi
