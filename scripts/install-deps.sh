#!/usr/bin/env bash
# Installs the Debian 12 packages Remora needs to build, test and benchmark.
# Safe to run again: installs only what is missing. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache git
  libevent-dev libnghttp2-dev libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libre2-dev
  node-llhttp zlib1g-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  iptables iproute2 util-linux procps psmisc
  curl openssl nghttp2-client
)
# Node.js and npm run the official Aerospike client in the integration tests.
# Machines that already have them (e.g. a nodejs build that bundles npm) keep theirs.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi
if [[ "${REMORA_BENCH_DEPS:-0}" == 1 ]]; then
  PACKAGES+=(haproxy nginx libnginx-mod-stream iperf3 redis-server redis-tools fio testssl.sh)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
