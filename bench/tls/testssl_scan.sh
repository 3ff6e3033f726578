#!/usr/bin/env bash
# Scans Remora's inbound mTLS listener with testssl.sh (Debian package) and
# reports every finding of severity MEDIUM or above (the goal: none).
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
"$REMORACTL" ca issue --ca-dir "$WORK/ca" --spiffe spiffe://cluster.local/ns/scan/sa/scanner --out "$WORK/scanner" >/dev/null
cat "$WORK/scanner/cert-chain.pem" "$WORK/scanner/key.pem" > "$WORK/scanner.pem"

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
          require_client_certificate: true
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

echo "== testssl.sh against 127.0.0.1:$port (mTLS, client certificate given)"
timeout 900 "$TESTSSL" --quiet --color 0 --warnings off --mtls "$WORK/scanner.pem" \
  --severity MEDIUM --jsonfile "$WORK/findings.json" "127.0.0.1:$port" >"$WORK/testssl.txt" 2>&1 || true
findings=$(python3 - "$WORK/findings.json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"could not read testssl output: {e}"); sys.exit(0)
bad = [f for f in data if f.get("severity") in ("MEDIUM", "HIGH", "CRITICAL")]
for f in bad:
    print(f"{f['severity']:8} {f['id']}: {f['finding']}")
print(f"{len(bad)} findings of severity MEDIUM or above")
PY
)
echo "$findings"
[[ -n $OUT ]] && { echo "$findings"; echo; cat "$WORK/testssl.txt"; } >"$OUT"
exit 0
