#!/usr/bin/env bash
# Installs the npm packages the integration tests use (the official Aerospike
# Node.js client) where their package.json lives. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in tests/integration/kv/node; do
  if [[ -f "$dir/package.json" && ! -d "$dir/node_modules" ]]; then
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
done
