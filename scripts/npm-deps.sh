#!/usr/bin/env bash
# Installs the npm packages the integration tests use (the official Aerospike
# Node.js client) where their package.json lives. Safe to run again.
# The aerospike package ships a prebuilt binary for Node.js 20; where it cannot
# be installed (another Node.js major, no registry), the reason is printed and
# the test that needs it reports itself skipped with that reason.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in tests/integration/kv/node; do
  if [[ -f "$dir/package.json" && ! -d "$dir/node_modules" ]]; then
    if ! (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
      echo "WARNING: npm ci failed in $dir (node $(node --version 2>/dev/null || echo missing));" \
           "the official Aerospike client test will be skipped" >&2
      rm -rf "$dir/node_modules"
    fi
  fi
done
