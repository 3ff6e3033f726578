#!/usr/bin/env bash
# The main job: a local mesh on this machine. A KV node (remora-kvd) and a client pod, each
# behind a Remora sidecar; the client runs remora-kv-bench against the node through both
# sidecars; then throughput, latency and each sidecar's connection and mTLS counters are
# printed and everything is torn down (--keep leaves it up until Enter is pressed).
#
# As root: pods are network namespaces on a bridge, remora-iptables captures every TCP
# connection in and out of each pod, the sidecars run as UID 1337 with SPIFFE identities and
# STRICT mTLS, and the applications know nothing of the mesh.
# Without root: the same topology on loopback addresses with explicitly configured sidecars.
#
# Options: --keep, --seconds N (default 10), --threads N (bench concurrency, default 8).
# REMORA_BUILD_DIR=DIR: use the binaries built in DIR (a CMake build tree) instead of
# installing packages and building build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

KEEP=0
SECONDS_RUN=10
THREADS=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --seconds) SECONDS_RUN=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ -n "${REMORA_BUILD_DIR:-}" ]]; then
  # Prebuilt binaries (e.g. a user without write access to the tree or without sudo).
  B=$(cd "$REMORA_BUILD_DIR" && pwd)
  echo "== using the binaries in $B"
else
  scripts/install-deps.sh
  echo "== building"
  scripts/build.sh release remora remoractl remora-iptables remora-kvd remora-kv-bench remora-kv >/dev/null
  B=$ROOT/build/release
fi
REMORA=$B/proxy/remora
REMORACTL=$B/proxy/remoractl/remoractl
IPTABLES=$B/iptables/remora-iptables
KVD=$B/kv/node/remora-kvd
BENCH=$B/kv/tools/remora-kv-bench

WORK=$(mktemp -d /tmp/remora-demo-XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup_local() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

echo "== certificates (trust domain cluster.local) in $WORK/certs"
$REMORACTL ca init --trust-domain cluster.local --out "$WORK/certs/ca" >/dev/null
for who in kv client; do
  $REMORACTL ca issue --ca-dir "$WORK/certs/ca" --spiffe "spiffe://cluster.local/ns/demo/sa/$who" \
    --ttl 24h --out "$WORK/certs/$who" >/dev/null
done
chmod -R a+rX "$WORK/certs"

wait_http() {  # wait_http CMD... : retries the command until it succeeds (10 s)
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

stat_of() {  # stat_of STATS_TEXT NAME
  awk -v n="$2" -F': ' '$1 == n {print $2}' <<<"$1"
}

sum_stats() {  # sum_stats STATS_TEXT NAME... : the sum of the named counters (absent = 0)
  local s=$1 total=0 v name
  shift
  for name in "$@"; do
    v=$(stat_of "$s" "$name")
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

print_sidecar() {  # print_sidecar NAME STATS_TEXT INBOUND_LISTENER_STAT_PREFIX...
  local who=$1 s=$2 in_hs out_hs
  shift 2
  in_hs=$(sum_stats "$s" "${@/%/.ssl.handshake}")
  out_hs=$(sum_stats "$s" cluster.outbound-mesh-mtls.ssl.handshake)
  printf '  %-8s outbound cx %-6s inbound cx %-6s mTLS handshakes %-6s (in %s / out %s) rbac allowed %s denied %s\n' \
    "$who" "$(sum_stats "$s" tcp.outbound_mesh.downstream_cx_total)" \
    "$(sum_stats "$s" tcp.inbound_mtls.downstream_cx_total)" "$((in_hs + out_hs))" "$in_hs" "$out_hs" \
    "$(sum_stats "$s" inbound_mtls.rbac.allowed)" "$(sum_stats "$s" inbound_mtls.rbac.denied)"
}

if [[ $EUID -eq 0 ]]; then
  # shellcheck source=../tests/e2e/lib/pods.sh
  source "$ROOT/tests/e2e/lib/pods.sh"
  pods_init
  trap 'set +e; pods_cleanup; cleanup_local' EXIT
  pod_add kv
  pod_add client
  echo "== pods: kv ${POD_IP4[kv]} / ${POD_IP6[kv]}, client ${POD_IP4[client]} / ${POD_IP6[client]}"
  for who in kv client; do
    $REMORACTL sidecar-config --identity "spiffe://cluster.local/ns/demo/sa/$who" \
      --cert-dir "$WORK/certs/$who" --mtls strict \
      --mesh-cidr "$PODS_NET4.0/24" --mesh-cidr "${PODS_NET6}:/64" \
      --access-log "$WORK/$who-access.log" >"$WORK/$who-sidecar.yaml"
    touch "$WORK/$who-access.log"; chmod 666 "$WORK/$who-access.log"
    pod_exec "$who" "$IPTABLES" -p 15001 -z 15006 -u 1337 -g 1337 -m REDIRECT -i '*' -b '*' >/dev/null
    pod_start_as "$who" 1337 1337 "$WORK/$who-sidecar.log" "$REMORA" -c "$WORK/$who-sidecar.yaml" \
      --concurrency 1 --readiness-port 15021 --prometheus-port 15090 >/dev/null
  done
  for who in kv client; do
    wait_http pod_exec "$who" curl -sf "http://127.0.0.1:15021/healthz/ready" ||
      { echo "sidecar in $who did not become ready:"; cat "$WORK/$who-sidecar.log"; exit 1; }
  done
  pod_start_as kv 1000 1000 "$WORK/kvd.log" "$KVD" --port 3000 --threads 1 >/dev/null
  wait_http pod_exec kv bash -c "exec 3<>/dev/tcp/127.0.0.1/3000" ||
    { echo "remora-kvd did not start:"; cat "$WORK/kvd.log"; exit 1; }
  echo "== remora-kv-bench from the client pod to ${POD_IP4[kv]}:3000 (captured, mTLS between sidecars)"
  pod_exec_as client 1000 1000 "$BENCH" -h "${POD_IP4[kv]}:3000" -k 10000 -o 1024 -w RU,80 \
    -z "$THREADS" -d "$SECONDS_RUN" | tee "$WORK/bench.txt"
  echo "== sidecars"
  for who in client kv; do
    print_sidecar "$who" "$(pod_exec "$who" curl -s http://127.0.0.1:15000/stats)" \
      listener.0.0.0.0_15006 "listener.[__]_15006"
  done
  echo "== the kv sidecar's access log names the client's SPIFFE ID:"
  grep -m1 "inbound-mtls" "$WORK/kv-access.log" || true
  echo "== a pod without a sidecar cannot reach the STRICT kv pod:"
  pod_add stranger
  if pod_exec stranger timeout 5 "$B/kv/tools/remora-kv" -h "${POD_IP4[kv]}:3000" info >/dev/null 2>&1; then
    echo "  UNEXPECTED: plaintext reached the kv pod"; exit 1
  else
    echo "  refused (no client certificate) — as it should be"
  fi
  if [[ $KEEP == 1 ]]; then
    echo "== kept up: pods $(pod_netns kv), $(pod_netns client); admin: ip netns exec NS curl 127.0.0.1:15000/stats"
    read -r -p "press Enter to tear down" _
  fi
else
  echo "== not root: the same topology on loopback, sidecars configured explicitly (no capture)"
  trap 'set +e; cleanup_local' EXIT
  # Five free ports in a row: kvd, kv sidecar inbound and admin, client sidecar outbound and admin.
  BASE=
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    busy=0
    for p in $(seq "$candidate" $((candidate + 4))); do
      ss -Htln "sport = :$p" | grep -q . && busy=1
    done
    if [[ $busy == 0 ]]; then BASE=$candidate; break; fi
  done
  [[ -n "$BASE" ]] || { echo "no free ports found"; exit 1; }
  KV_PORT=$BASE; KV_IN=$((BASE + 1)); KV_ADMIN=$((BASE + 2)); CLIENT_OUT=$((BASE + 3)); CLIENT_ADMIN=$((BASE + 4))
  LOG_FORMAT='[%START_TIME%] %FILTER_CHAIN_NAME% %DOWNSTREAM_REMOTE_ADDRESS% -> %DOWNSTREAM_LOCAL_ADDRESS% upstream=%UPSTREAM_HOST% flags=%RESPONSE_FLAGS% rx=%BYTES_RECEIVED% tx=%BYTES_SENT% ms=%DURATION% peer=%DOWNSTREAM_PEER_URI_SAN% upstream_peer=%UPSTREAM_PEER_URI_SAN%\n'
  access_log() {  # access_log PATH : the tcp_proxy access_log block, as sidecar-config writes it
    printf '          access_log: [{name: envoy.access_loggers.file, typed_config: {path: %s, log_format: {text_format_source: {inline_string: "%s"}}}}]\n' "$1" "$LOG_FORMAT"
  }
  cat >"$WORK/kv-sidecar.yaml" <<YAML
admin: {address: {socket_address: {address: 127.0.0.1, port_value: $KV_ADMIN}}}
static_resources:
  listeners:
  - name: inbound
    address: {socket_address: {address: 127.0.0.1, port_value: $KV_IN}}
    filter_chains:
    - name: inbound-mtls
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          require_client_certificate: true
          common_tls_context:
            tls_certificates: [{certificate_chain: {filename: $WORK/certs/kv/cert-chain.pem}, private_key: {filename: $WORK/certs/kv/key.pem}}]
            validation_context: {trusted_ca: {filename: $WORK/certs/kv/root-cert.pem}}
      filters:
      - name: rbac
        typed_config:
          stat_prefix: inbound_mtls.
          rules: {action: ALLOW, policies: {mesh: {permissions: [{any: true}], principals: [{authenticated: {principal_name: {prefix: "spiffe://cluster.local/"}}}]}}}
      - name: tcp_proxy
        typed_config:
          stat_prefix: inbound_mtls
          cluster: app
$(access_log "$WORK/kv-access.log")
  clusters:
  - name: app
    load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $KV_PORT}}}}]}]}
YAML
  cat >"$WORK/client-sidecar.yaml" <<YAML
admin: {address: {socket_address: {address: 127.0.0.1, port_value: $CLIENT_ADMIN}}}
static_resources:
  listeners:
  - name: outbound
    address: {socket_address: {address: 127.0.0.1, port_value: $CLIENT_OUT}}
    filter_chains:
    - name: outbound-mesh-mtls
      filters:
      - name: tcp_proxy
        typed_config:
          stat_prefix: outbound_mesh
          cluster: outbound-mesh-mtls
$(access_log "$WORK/client-access.log")
  clusters:
  - name: outbound-mesh-mtls
    transport_socket:
      name: envoy.transport_sockets.tls
      typed_config:
        common_tls_context:
          alpn_protocols: ["istio-peer-exchange", "istio"]
          tls_certificates: [{certificate_chain: {filename: $WORK/certs/client/cert-chain.pem}, private_key: {filename: $WORK/certs/client/key.pem}}]
          validation_context:
            trusted_ca: {filename: $WORK/certs/client/root-cert.pem}
            match_typed_subject_alt_names: [{san_type: URI, matcher: {exact: "spiffe://cluster.local/ns/demo/sa/kv"}}]
    load_assignment: {cluster_name: outbound-mesh-mtls, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $KV_IN}}}}]}]}
YAML
  "$KVD" --port "$KV_PORT" --threads 1 >"$WORK/kvd.log" 2>&1 & PIDS+=($!)
  "$REMORA" -c "$WORK/kv-sidecar.yaml" --concurrency 1 >"$WORK/kv-sidecar.log" 2>&1 & PIDS+=($!)
  "$REMORA" -c "$WORK/client-sidecar.yaml" --concurrency 1 >"$WORK/client-sidecar.log" 2>&1 & PIDS+=($!)
  wait_http curl -sf "http://127.0.0.1:$KV_ADMIN/ready" || { echo "kv sidecar did not become ready:"; cat "$WORK/kv-sidecar.log"; exit 1; }
  wait_http curl -sf "http://127.0.0.1:$CLIENT_ADMIN/ready" || { echo "client sidecar did not become ready:"; cat "$WORK/client-sidecar.log"; exit 1; }
  wait_http bash -c "exec 3<>/dev/tcp/127.0.0.1/$KV_PORT" || { echo "remora-kvd did not start:"; cat "$WORK/kvd.log"; exit 1; }
  echo "== remora-kv-bench -> client sidecar :$CLIENT_OUT -(mTLS)-> kv sidecar :$KV_IN -> remora-kvd :$KV_PORT"
  "$BENCH" -h "127.0.0.1:$CLIENT_OUT" -k 10000 -o 1024 -w RU,80 -z "$THREADS" -d "$SECONDS_RUN" | tee "$WORK/bench.txt"
  echo "== sidecars"
  print_sidecar client "$(curl -s "http://127.0.0.1:$CLIENT_ADMIN/stats")" "listener.127.0.0.1_$CLIENT_OUT"
  print_sidecar kv "$(curl -s "http://127.0.0.1:$KV_ADMIN/stats")" "listener.127.0.0.1_$KV_IN"
  echo "== the kv sidecar's access log names the client's SPIFFE ID:"
  grep -m1 "inbound-mtls" "$WORK/kv-access.log" || true
  echo "== a client without a sidecar cannot reach the STRICT kv sidecar:"
  if timeout 5 "$B/kv/tools/remora-kv" -h "127.0.0.1:$KV_IN" info >/dev/null 2>&1; then
    echo "  UNEXPECTED: plaintext reached the kv node"; exit 1
  else
    echo "  refused (no client certificate) — as it should be"
  fi
  if [[ $KEEP == 1 ]]; then
    echo "== kept up: kv sidecar admin 127.0.0.1:$KV_ADMIN, client sidecar admin 127.0.0.1:$CLIENT_ADMIN"
    read -r -p "press Enter to tear down" _
  fi
fi
echo "== done"
