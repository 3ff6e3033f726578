#!/usr/bin/env bash
# Scans Remora's inbound TLS listener with testssl.sh (Debian package) and
# reports every finding of severity MEDIUM or above (the goal: none).
# Debian 12's testssl.sh (3.0.8) cannot present a client certificate, so the
# scanned listener has the sidecar's TLS settings (the same defaults: versions,
# ciphers, renegotiation, compression, tickets) except that the client
# certificate is optional.
#
#   bench/tls/testssl_scan.sh [--remora PATH] [--out FILE]
#
# Loopback only; everything started here is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
REMORA=${REMORA:-$ROOT/build/release/proxy/remora}
REMORACTL=${REMORACTL:-$ROOT/build/release/proxy/remoractl/remoractl}
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --remora) REMORA=$2; shift ;;
    --out) OUT=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v testssl >/dev/null || command -v testssl.sh >/dev/null || {
  SUDO=""; [[ $EUID -ne 0 ]] && SUDO=sudo
  $SUDO apt-get install -y -q testssl.sh >/dev/null
}
TESTSSL=$(command -v testssl || command -v testssl.sh)

WORK=$(mktemp -d /tmp/remora-testssl-XXXXXX)
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$REMORACTL" ca init --trust-domain cluster.local --out "$WORK/ca" >/dev/null
"$REMORACTL" ca issue --ca-dir "$WORK/ca" --spiffe spiffe://cluster.local/ns/scan/sa/server --out "$WORK/server" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
admin=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
app=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/inbound.yaml" <<YAML
admin: {address: {socket_address: {address: 127.0.0.1, port_value: $admin}}}
static_resources:
  listeners:
  - name: inbound
    address: {socket_address: {address: 127.0.0.1, port_value: $port}}
    filter_chains:
    - transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          require_client_certificate: false
          common_tls_context:
            tls_certificates: [{certificate_chain: {filename: $WORK/server/cert-chain.pem}, private_key: {filename: $WORK/server/key.pem}}]
            validation_context: {trusted_ca: {filename: $WORK/server/root-cert.pem}}
      filters: [{name: tcp_proxy, typed_config: {stat_prefix: inbound, cluster: app}}]
  clusters:
  - name: app
    load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $app}}}}]}]}
YAML
"$REMORA" -c "$WORK/inbound.yaml" --concurrency 1 --no-watch >"$WORK/remora.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$admin/ready" >/dev/null && break; sleep 0.1; done

echo "== testssl.sh against 127.0.0.1:$port"
timeout 900 "$TESTSSL" --quiet --color 0 --warnings off \
  --severity MEDIUM --jsonfile "$WORK/findings.json" "127.0.0.1:$port" >"$WORK/testssl.txt" 2>&1 || true
findings=$(python3 - "$WORK/findings.json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"could not read testssl output: {e}"); sys.exit(0)
bad = [f for f in data if f.get("severity") in ("MEDIUM", "HIGH", "CRITICAL")]
# A mesh workload certificate is by design issued by a private CA, names a
# SPIFFE URI rather than the host, lives a day and has no CRL/OCSP: testssl
# flags those properties of the certificate, not of the TLS stack.
cert = [f for f in bad if f["id"].startswith("cert_")]
stack = [f for f in bad if not f["id"].startswith("cert_")]
for f in stack:
    print(f"{f['severity']:8} {f['id']}: {f['finding']}")
print(f"{len(stack)} findings of severity MEDIUM or above about protocols, ciphers and the TLS stack")
for f in cert:
    print(f"  (certificate) {f['severity']:8} {f['id']}: {f['finding']}")
print(f"{len(cert)} about the mesh certificate itself (private CA, SPIFFE SAN, 24h TTL, no CRL/OCSP)")
PY
)
echo "$findings"
[[ -n $OUT ]] && { echo "$findings"; echo; cat "$WORK/testssl.txt"; } >"$OUT"
exit 0
