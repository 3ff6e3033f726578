#!/usr/bin/env bash
# Pod-to-pod benchmark: the same small-request load between two pods (network namespaces on a
# bridge) without sidecars ("direct") and through both sidecars with capture and STRICT mTLS
# ("mesh"), side by side in one run. Requests/s and latency p50/p99 for requests on persistent
# connections (rr) and for a new connection per request (cps). See bench/mesh/README.md.
#
#   bench/mesh/mesh_bench.sh [--build DIR] [--seconds N] [--rounds N] [--conns N] [--size N]
#                            [--quick] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

BUILD=""
SECONDS_PER_TEST=5
WARMUP=1
ROUNDS=3
CONNS=16
SIZE=128
OUT=""
PORT=7000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD=$2; shift ;;
    --seconds) SECONDS_PER_TEST=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --out) OUT=$2; shift ;;
    --quick) SECONDS_PER_TEST=2; ROUNDS=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $EUID -eq 0 ]] || { echo "mesh_bench.sh: needs root (network namespaces, iptables)" >&2; exit 1; }

if [[ -z "$BUILD" ]]; then
  for candidate in build/release build/rel build/bench; do
    [[ -x "$candidate/proxy/remora" ]] && { BUILD=$candidate; break; }
  done
fi
for binary in proxy/remora proxy/remoractl/remoractl iptables/remora-iptables; do
  [[ -x "$BUILD/$binary" ]] || {
    echo "mesh_bench.sh: $BUILD/$binary missing; build it with" >&2
    echo "  scripts/build.sh release remora remoractl remora-iptables" >&2
    exit 1
  }
done

WORK=$(mktemp -d /tmp/remora-meshbench-XXXXXX)
chmod 755 "$WORK"
# shellcheck source=../../tests/e2e/lib/pods.sh
source "$ROOT/tests/e2e/lib/pods.sh"
pods_init
trap 'set +e; pods_cleanup; rm -rf "$WORK"' EXIT
trap 'set +e; pods_cleanup; rm -rf "$WORK"; exit 130' INT TERM

# Private copies: a relink of the build tree cannot change them mid-run, and UID 1337/1000 can
# read them.
cp "$BUILD/proxy/remora" "$BUILD/proxy/remoractl/remoractl" "$BUILD/iptables/remora-iptables" "$WORK/"
g++ -std=c++20 -O2 -o "$WORK/l4load" bench/proxy/l4load.cc
chmod 755 "$WORK"/*

echo "== pods (direct-*: no sidecar; mesh-*: capture + sidecar as UID 1337, STRICT mTLS)"
for pod in direct-server direct-client mesh-server mesh-client; do
  pod_add "$pod"
  # Room for the connection-per-request test: many client ports, TIME_WAIT reuse (per namespace).
  pod_exec "$pod" sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
done

"$WORK/remoractl" ca init --trust-domain cluster.local --out "$WORK/ca" >/dev/null
for who in server client; do
  "$WORK/remoractl" ca issue --ca-dir "$WORK/ca" --spiffe "spiffe://cluster.local/ns/bench/sa/$who" \
    --ttl 2h --out "$WORK/certs-$who" >/dev/null
  "$WORK/remoractl" sidecar-config --identity "spiffe://cluster.local/ns/bench/sa/$who" \
    --cert-dir "$WORK/certs-$who" --mtls strict --mesh-cidr "$PODS_NET4.0/24" \
    --mesh-cidr "${PODS_NET6}:/64" --access-log /dev/null >"$WORK/sidecar-$who.yaml"
done
chmod -R a+rX "$WORK" # the sidecars (UID 1337) read their keys
for who in server client; do
  pod_exec "mesh-$who" "$WORK/remora-iptables" -p 15001 -z 15006 -u 1337 -g 1337 -m REDIRECT \
    -i '*' -b '*' -d 15000,15021,15090 >/dev/null
  pod_start_as "mesh-$who" 1337 1337 "$WORK/sidecar-$who.log" "$WORK/remora" \
    -c "$WORK/sidecar-$who.yaml" --concurrency 1 --readiness-port 15021 >/dev/null
done
for who in server client; do
  for _ in $(seq 1 100); do
    pod_exec "mesh-$who" curl -sf http://127.0.0.1:15021/healthz/ready >/dev/null 2>&1 && break
    sleep 0.1
  done
  pod_exec "mesh-$who" curl -sf http://127.0.0.1:15021/healthz/ready >/dev/null ||
    { echo "sidecar in mesh-$who not ready:"; cat "$WORK/sidecar-$who.log"; exit 1; }
done
for system in direct mesh; do
  pod_start_as "$system-server" 1000 1000 "$WORK/echo-$system.log" \
    env L4LOAD_ADDR=0.0.0.0 "$WORK/l4load" echo "$PORT" >/dev/null
  pod_wait_for_output "$WORK/echo-$system.log" "listening" 5
done

# run_load SYSTEM MODE: one measurement from SYSTEM-client to SYSTEM-server, as the app user.
run_load() {
  local system=$1 mode=$2 line
  line=$(pod_exec_as "$system-client" 1000 1000 env L4LOAD_ADDR="${POD_IP4[$system-server]}" \
    timeout $((SECONDS_PER_TEST + WARMUP + 15)) "$WORK/l4load" "$mode" "$PORT" "$CONNS" \
    "$SECONDS_PER_TEST" "$SIZE" "$WARMUP") || line="rate=0 p50_us=0 p99_us=0 errors=failed"
  echo "$system $mode $line" | tee -a "$WORK/samples.txt" >&2
}

echo "== load: $CONNS connections, $SIZE-byte requests echoed, ${SECONDS_PER_TEST}s after ${WARMUP}s warm-up, $ROUNDS round(s)"
for round in $(seq 1 "$ROUNDS"); do
  order=(direct mesh)
  ((round % 2 == 0)) && order=(mesh direct)
  for mode in rr cps; do
    for system in "${order[@]}"; do run_load "$system" "$mode"; done
  done
done

median() {  # median SYSTEM MODE KEY: the median over the rounds of KEY=... in the samples
  grep "^$1 $2 " "$WORK/samples.txt" | tr ' ' '\n' | sed -n "s/^$3=//p" | sort -n |
    awk '{v[NR]=$1} END {print NR ? v[int((NR + 1) / 2)] : 0}'
}
errors() {  # errors SYSTEM MODE: the sum of errors= over the rounds
  grep "^$1 $2 " "$WORK/samples.txt" | tr ' ' '\n' | sed -n 's/^errors=//p' |
    awk '{s += ($1 ~ /^[0-9]+$/) ? $1 : 1} END {print s + 0}'
}
sidecar_stat() {  # sidecar_stat POD NAME
  pod_exec "$1" curl -s http://127.0.0.1:15000/stats | awk -v n="$2" -F': ' '$1 == n {print $2}'
}

{
  echo "| test | direct req/s | mesh req/s | mesh ÷ direct | direct p50 / p99 µs | mesh p50 / p99 µs | added p50 / p99 µs | errors direct / mesh |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for mode in rr cps; do
    key=$([[ $mode == rr ]] && echo rps || echo cps)
    d_rate=$(median direct "$mode" "$key"); m_rate=$(median mesh "$mode" "$key")
    d50=$(median direct "$mode" p50_us); d99=$(median direct "$mode" p99_us)
    m50=$(median mesh "$mode" p50_us); m99=$(median mesh "$mode" p99_us)
    label=$([[ $mode == rr ]] && echo "persistent connections (rr)" || echo "new connection per request (cps)")
    ratio=$(awk -v m="$m_rate" -v d="$d_rate" 'BEGIN {printf (d > 0 ? "%.2f×" : "-"), m / (d > 0 ? d : 1)}')
    echo "| $label | $d_rate | $m_rate | $ratio | $d50 / $d99 | $m50 / $m99 | $((m50 - d50)) / $((m99 - d99)) | $(errors direct "$mode") / $(errors mesh "$mode") |"
  done
  echo
  echo "Mesh counters: client sidecar outbound cx $(sidecar_stat mesh-client tcp.outbound_mesh.downstream_cx_total)," \
    "mTLS handshakes $(sidecar_stat mesh-client cluster.outbound-mesh-mtls.ssl.handshake);" \
    "server sidecar inbound cx $(sidecar_stat mesh-server tcp.inbound_mtls.downstream_cx_total)," \
    "mTLS handshakes $(sidecar_stat mesh-server listener.0.0.0.0_15006.ssl.handshake)," \
    "rbac allowed $(sidecar_stat mesh-server inbound_mtls.rbac.allowed) denied $(sidecar_stat mesh-server inbound_mtls.rbac.denied)."
  echo "Samples (every round): $(tr '\n' ';' <"$WORK/samples.txt" | sed 's/;/; /g')"
} | tee "${OUT:-/dev/null}"
