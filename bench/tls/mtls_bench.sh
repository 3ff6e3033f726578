#!/usr/bin/env bash
# mTLS sidecar benchmark, side by side in one run on 127.0.0.1: Remora, HAProxy, nginx stream.
#
#  (1) handshakes/s against an inbound mutual-TLS listener (client cert from the same CA is
#      required), with `openssl s_time -www /` full (-new) and resumed (-reuse); the upstream
#      answers and closes, so s_time reads after each handshake and receives the TLS 1.3 ticket
#      (without a read, s_time never resumes a TLS 1.3 session). Plus the proxy's CPU µs per
#      handshake (the client may be the bottleneck on a 2-core machine).
#  (2) the sidecar hop  client -> A (plaintext in, mTLS out) -> B (mTLS in, plaintext out) -> echo,
#      against the direct path client -> echo, three loads with l4load:
#        rate: RATE requests/s (1,000) open loop over RR_CONNS persistent connections
#        sat:  saturation, RR_CONNS persistent connections back to back
#        cps:  saturation, CPS_CONNS loops of connect, SIZE-byte echo, close (one A->B TLS
#              connection per request: full or resumed handshakes)
#      p50/p90/p99 and added latency over direct, CPU seconds per 1,000 requests of A and of B
#      (/proc/PID/stat utime+stime), peak RSS (VmHWM) of A and of B, and the issue's goals.
#
#   bench/tls/mtls_bench.sh                      # ~3 minutes
#   bench/tls/mtls_bench.sh --seconds 10 --out results.md
#
# Options: --seconds N (per s_time and per l4load run, default 5), --out FILE,
#          --remora PATH, --remoractl PATH.
# Env: PROXY_CPU (1), TOOLS_CPU (0), RATE (1000), RR_CONNS (16), CPS_CONNS (10), CPS_SIZE (64),
#      SYSTEMS ("remora haproxy nginx"; "remora-cache" = Remora with stateful resumption on B).
# Every process started here is stopped by PID on exit; every client step has a timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REMORA=${REMORA:-$ROOT/build/release/proxy/remora}
REMORACTL=${REMORACTL:-$ROOT/build/release/proxy/remoractl/remoractl}
SECS=5
OUT=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) SECS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --remora) REMORA=$2; shift ;;
    --remoractl) REMORACTL=$2; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
PROXY_CPU=${PROXY_CPU:-1}
TOOLS_CPU=${TOOLS_CPU:-0}
CPS_CONNS=${CPS_CONNS:-10}
RATE=${RATE:-1000}
RR_CONNS=${RR_CONNS:-16}
WARMUP=1
CPS_SIZE=${CPS_SIZE:-64}
read -r -a SYSTEMS <<<"${SYSTEMS:-remora haproxy nginx}"
NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so

for tool in g++ openssl haproxy nginx curl ss taskset pgrep; do
  command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[[ -f $NGINX_STREAM_MODULE ]] || { echo "missing $NGINX_STREAM_MODULE (libnginx-mod-stream)" >&2; exit 2; }
[[ -x $REMORA ]] || { echo "no remora binary at $REMORA (--remora)" >&2; exit 2; }
[[ -x $REMORACTL ]] || { echo "no remoractl binary at $REMORACTL (--remoractl)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/mtls_bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] || continue
    timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
LOAD=$WORK/l4load
g++ -std=c++20 -O2 -o "$LOAD" "$ROOT/bench/proxy/l4load.cc"
mkdir -p "$WORK/bin" && cp "$REMORA" "$WORK/bin/remora"   # private copy: immune to relinks
REMORA_SRC=$REMORA; REMORA=$WORK/bin/remora

forget_pid() {
  local keep=() p
  for p in "${PIDS[@]:-}"; do [[ -n $p && $p != "$1" ]] && keep+=("$p"); done
  PIDS=("${keep[@]:-}")
}
stop_pid() {
  [[ -n ${1:-} ]] || return 0
  kill -TERM "$1" 2>/dev/null || true
  timeout 10 tail --pid="$1" -f /dev/null 2>/dev/null || kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}
free_port() { "$LOAD" ports 1; }
wait_listening() {  # port seconds
  local deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    [[ -n $(ss -Hltn "sport = :$1") ]] && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1 after $2 s" >&2; return 1
}
cpu_ticks() {  # utime+stime (clock ticks) summed over pids
  local t=0 p v
  for p in "$@"; do
    [[ -n $p ]] || continue
    v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
hwm_kb() {  # VmHWM (or $FIELD) summed over pids
  local t=0 p v
  for p in "$@"; do
    [[ -n $p ]] || continue
    v=$(awk -v f="${FIELD:-VmHWM}:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
HZ=$(getconf CLK_TCK)

# ---- certificates --------------------------------------------------------------------------
"$REMORACTL" ca init --trust-domain cluster.local --out "$WORK/certs/ca" >/dev/null
for who in a b; do
  "$REMORACTL" ca issue --ca-dir "$WORK/certs/ca" --spiffe "spiffe://cluster.local/ns/$who/sa/$who" \
    --out "$WORK/certs/$who" >/dev/null
  cat "$WORK/certs/$who/cert-chain.pem" "$WORK/certs/$who/key.pem" >"$WORK/certs/$who/combined.pem"
done
CA=$WORK/certs/b/root-cert.pem

# ---- proxies -------------------------------------------------------------------------------
# start_proxy SYSTEM ROLE LISTEN_PORT UPSTREAM_PORT -> P_PID (to stop), P_PIDS (CPU/RSS), P_ADMIN
#   ROLE in: inbound (mTLS in with cert b, plaintext out), outbound (plaintext in, mTLS out with cert a)
start_proxy() {
  local sys=$1 role=$2 lport=$3 up=$4 dir=$WORK/$1-$2-$3 resumption=""
  mkdir -p "$dir/logs"
  P_PID="" P_PIDS=() P_ADMIN=""
  # remora-cache: the server keeps sessions (TLS 1.3 tickets name a cached session)
  [[ $sys == remora-cache ]] && resumption="disable_stateless_session_resumption: true"
  case ${sys%-cache} in
    remora)
      P_ADMIN=$(free_port)
      {
        echo "admin: {address: {socket_address: {address: 127.0.0.1, port_value: $P_ADMIN}}}"
        echo "static_resources:"
        echo "  listeners:"
        echo "  - name: $role"
        echo "    address: {socket_address: {address: 127.0.0.1, port_value: $lport}}"
        echo "    filter_chains:"
        if [[ $role == inbound ]]; then
          cat <<EOF
    - name: inbound-mtls
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          require_client_certificate: true
          $resumption
          common_tls_context:
            tls_certificates: [{certificate_chain: {filename: $WORK/certs/b/cert-chain.pem}, private_key: {filename: $WORK/certs/b/key.pem}}]
            validation_context: {trusted_ca: {filename: $CA}}
      filters: [{name: tcp_proxy, typed_config: {stat_prefix: inbound, cluster: app}}]
  clusters:
  - name: app
    connect_timeout: 1s
    circuit_breakers: {thresholds: [{priority: DEFAULT, max_connections: 100000}]}
    load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $up}}}}]}]}
EOF
        else
          cat <<EOF
    - filters: [{name: tcp_proxy, typed_config: {stat_prefix: outbound, cluster: mesh-mtls}}]
  clusters:
  - name: mesh-mtls
    connect_timeout: 1s
    circuit_breakers: {thresholds: [{priority: DEFAULT, max_connections: 100000}]}
    transport_socket:
      name: envoy.transport_sockets.tls
      typed_config:
        common_tls_context:
          tls_certificates: [{certificate_chain: {filename: $WORK/certs/a/cert-chain.pem}, private_key: {filename: $WORK/certs/a/key.pem}}]
          validation_context:
            trusted_ca: {filename: $CA}
            match_typed_subject_alt_names: [{san_type: URI, matcher: {exact: "spiffe://cluster.local/ns/b/sa/b"}}]
    load_assignment: {cluster_name: mesh-mtls, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $up}}}}]}]}
EOF
        fi
      } >"$dir/remora.yaml"
      taskset -c "$PROXY_CPU" "$REMORA" -c "$dir/remora.yaml" --concurrency 1 --no-watch >"$dir/log" 2>&1 &
      P_PID=$!; PIDS+=("$P_PID"); P_PIDS=("$P_PID")
      local deadline=$((SECONDS + 15))
      until curl -sf -o /dev/null "http://127.0.0.1:$P_ADMIN/ready"; do
        if (( SECONDS >= deadline )) || ! kill -0 "$P_PID" 2>/dev/null; then
          echo "remora ($role) not ready:" >&2; tail -20 "$dir/log" >&2; return 1
        fi
        sleep 0.05
      done
      ;;
    haproxy)
      local bind="bind 127.0.0.1:$lport" server="server up 127.0.0.1:$up"
      if [[ $role == inbound ]]; then
        bind+=" ssl crt $WORK/certs/b/combined.pem ca-file $CA verify required"
      else
        # verify required checks the chain against the CA; no verifyhost (the peer has a URI SAN only)
        server+=" ssl crt $WORK/certs/a/combined.pem ca-file $CA verify required"
      fi
      cat >"$dir/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4000
defaults
  mode tcp
  maxconn 4000
  timeout connect 5s
  timeout client 1m
  timeout server 1m
listen $role
  $bind
  $server
EOF
      taskset -c "$PROXY_CPU" haproxy -db -f "$dir/haproxy.cfg" >"$dir/log" 2>&1 &
      P_PID=$!; PIDS+=("$P_PID"); P_PIDS=("$P_PID")
      wait_listening "$lport" 10 || { tail -20 "$dir/log" >&2; return 1; }
      ;;
    nginx)
      local srv
      if [[ $role == inbound ]]; then
        srv="listen 127.0.0.1:$lport ssl backlog=4096;
    ssl_certificate $WORK/certs/b/cert-chain.pem;
    ssl_certificate_key $WORK/certs/b/key.pem;
    ssl_client_certificate $CA;
    ssl_verify_client on;
    ssl_session_cache shared:S:10m;"
      else
        # proxy_ssl_verify checks the host name (X509_check_host), which a SPIFFE URI-only
        # certificate cannot satisfy: chain verification of B's cert is therefore off here.
        srv="listen 127.0.0.1:$lport backlog=4096;
    proxy_ssl on;
    proxy_ssl_certificate $WORK/certs/a/cert-chain.pem;
    proxy_ssl_certificate_key $WORK/certs/a/key.pem;
    proxy_ssl_trusted_certificate $CA;
    proxy_ssl_verify off;
    proxy_ssl_session_reuse on;"
      fi
      cat >"$dir/nginx.conf" <<EOF
load_module $NGINX_STREAM_MODULE;
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 20000; }
stream {
  server {
    $srv
    proxy_pass 127.0.0.1:$up;
    proxy_timeout 1m;
  }
}
EOF
      taskset -c "$PROXY_CPU" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$dir/log" 2>&1 &
      P_PID=$!; PIDS+=("$P_PID")
      wait_listening "$lport" 10 || { tail -20 "$dir/log" "$dir/logs/error.log" >&2; return 1; }
      local worker="" deadline=$((SECONDS + 10))
      while [[ -z $worker ]] && (( SECONDS < deadline )); do
        worker=$(pgrep -P "$P_PID" | head -1 || true); [[ -n $worker ]] || sleep 0.05
      done
      [[ -n $worker ]] || { echo "nginx worker did not start" >&2; return 1; }
      P_PIDS=("$P_PID" "$worker")
      ;;
  esac
}

start_echo() {  # [close] -> UP_PORT UP_PID; "close": answer the first read, then close
  UP_PORT=$(free_port)
  L4LOAD_ECHO_CLOSE=$([[ ${1:-} == close ]] && echo 1 || echo 0) \
    taskset -c "$TOOLS_CPU" "$LOAD" echo "$UP_PORT" >"$WORK/echo.log" 2>&1 &
  UP_PID=$!; PIDS+=("$UP_PID")
  wait_listening "$UP_PORT" 10
}

RAW=$WORK/raw.txt   # metric system value
: >"$RAW"
NOTES=$WORK/notes.txt
: >"$NOTES"
put() { echo "$1 $2 $3" >>"$RAW"; }
get() { awk -v m="$1" -v s="$2" '$1 == m && $2 == s { v = $3 } END { print (v == "" ? "err" : v) }' "$RAW"; }

remora_stats() {  # admin label -> appends interesting counters to NOTES
  local s
  s=$(curl -s -m 5 "http://127.0.0.1:$1/stats" || true)
  grep -E '(ssl\.(handshake|session_reused|connection_error|fail_verify[a-z_]*)|(fail|error|overflow|timeout|reset|refused)[a-z_]*): [1-9]' <<<"$s" |
    sed "s/^/$2: /" >>"$NOTES" || true
}

# ---- (1) handshakes/s ----------------------------------------------------------------------
s_time_run() {  # port mode(-new|-reuse) -> sets ST_RATE (conn/s) and ST_CONNS
  local out=$WORK/s_time.txt n t
  timeout $((SECS + 30)) taskset -c "$TOOLS_CPU" openssl s_time -connect "127.0.0.1:$1" "$2" -www / -time "$SECS" \
    -cert "$WORK/certs/a/cert-chain.pem" -key "$WORK/certs/a/key.pem" -CAfile "$CA" -verify 1 >"$out" 2>&1 || true
  # "N connections in T real seconds, B bytes read per connection"
  read -r n t < <(awk '/connections in [0-9.]+ real seconds/ { n = $1; t = $4 } END { print n + 0, t + 0 }' "$out")
  ST_CONNS=$n
  # s_time prints one character per connection: 'r' when the session was resumed
  ST_REUSED=$(grep -v -e 'connections' -e '^Collecting' -e '^starting' -e '^Now timing' "$out" | tr -cd 'r' | wc -c)
  if (( n > 0 )); then ST_RATE=$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.1f", n / t }'); else
    log "s_time failed: $(tail -3 "$out" | tr '\n' ' ')"; ST_RATE=err; fi
}

bench_handshakes() {  # system
  local sys=$1 port mode key c0 c1 rate
  start_echo close
  port=$(free_port)
  if ! start_proxy "$sys" inbound "$port" "$UP_PORT"; then
    put hs_new "$sys" err; put hs_reuse "$sys" err; stop_pid "${P_PID:-}"; stop_pid "$UP_PID"; return 0
  fi
  # check that the listener really requires the client certificate: without one, no echo may come
  # back (nginx stream completes the handshake and then closes; the others fail the handshake)
  { printf 'nocert-ping\n'; sleep 1; } | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$port" -CAfile "$CA" \
    >"$WORK/nocert.txt" 2>&1 || true
  if grep -q '^nocert-ping' "$WORK/nocert.txt"; then
    echo "$sys: WARNING data flowed through the mTLS listener without a client certificate" >>"$NOTES"
  else
    echo "$sys: listener refused a client without a certificate (checked)" >>"$NOTES"
  fi
  for mode in -new -reuse; do
    key=hs_${mode#-}
    c0=$(cpu_ticks "${P_PIDS[@]}")
    s_time_run "$port" "$mode"; rate=$ST_RATE
    c1=$(cpu_ticks "${P_PIDS[@]}")
    put "$key" "$sys" "$rate"
    [[ $mode == -reuse ]] && put hs_reused_pct "$sys" "$(awk -v r="$ST_REUSED" -v n="$ST_CONNS" 'BEGIN { if (n > 0) printf "%.0f", 100 * r / n; else print "err" }')"
    if (( ST_CONNS > 0 )); then
      put "${key}_cpu_us" "$sys" "$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v n="$ST_CONNS" 'BEGIN { printf "%.0f", d / hz / n * 1e6 }')"
    fi
    log "handshakes $sys $mode: $rate conn/s ($ST_CONNS in ${SECS}s, proxy cpu $(( (c1 - c0) * 1000 / HZ )) ms)"
  done
  [[ $sys == remora* ]] && remora_stats "$P_ADMIN" "handshake-test $sys B"
  stop_pid "$P_PID"; stop_pid "$UP_PID"
}

# ---- (2) sidecar hop -----------------------------------------------------------------------
hop_run() {  # sys mode front "a pids" "b pids" -> puts <mode>_{rate,p50,p90,p99,err,cpu_a,cpu_b}
  local sys=$1 mode=$2 front=$3 out=$WORK/l4.txt line c0a c0b c1a c1b args ok
  local -a ap=($4) bp=($5)
  case $mode in
    rate) args=(rr "$front" "$RR_CONNS" "$SECS" "$CPS_SIZE" "$WARMUP" "$RATE") ;;
    sat) args=(rr "$front" "$RR_CONNS" "$SECS" "$CPS_SIZE" "$WARMUP") ;;
    cps) args=(cps "$front" "$CPS_CONNS" "$SECS" "$CPS_SIZE" 0) ;;
  esac
  c0a=$(cpu_ticks "${ap[@]:-}"); c0b=$(cpu_ticks "${bp[@]:-}")
  if timeout $((SECS + 30)) taskset -c "$TOOLS_CPU" "$LOAD" "${args[@]}" >"$out" 2>&1; then
    line=$(tail -1 "$out")
  else
    line="rps=err p50_us=err p90_us=err p99_us=err ok=0 errors=err"
  fi
  c1a=$(cpu_ticks "${ap[@]:-}"); c1b=$(cpu_ticks "${bp[@]:-}")
  kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$line"; }
  put "${mode}_rate" "$sys" "$(sed -n 's/^\(rps\|cps\)=\([^ ]*\).*/\2/p' <<<"$line")"
  put "${mode}_p50" "$sys" "$(kv p50_us)"; put "${mode}_p90" "$sys" "$(kv p90_us)"
  put "${mode}_p99" "$sys" "$(kv p99_us)"; put "${mode}_err" "$sys" "$(kv errors)"
  ok=$(kv ok)
  # warm-up requests are not in ok; the CPU of the warm-up second is (rr): measured over SECS+WARMUP,
  # scaled to the measured window
  local scale=1
  [[ $mode != cps ]] && scale=$(awk -v s="$SECS" -v w="$WARMUP" 'BEGIN { print s / (s + w) }')
  per1k() { awk -v d="$1" -v hz="$HZ" -v n="$ok" -v f="$scale" 'BEGIN { if (n > 0) printf "%.3f", d * f / hz / n * 1000; else print "err" }'; }
  if [[ $sys != direct* ]]; then
    put "${mode}_cpu_a" "$sys" "$(per1k $((c1a - c0a)))"; put "${mode}_cpu_b" "$sys" "$(per1k $((c1b - c0b)))"
  fi
  log "hop $sys $mode: $line (A cpu $(( (c1a - c0a) * 1000 / HZ )) ms, B cpu $(( (c1b - c0b) * 1000 / HZ )) ms)"
}

# Each proxied load runs right after the same load on the direct path (direct@SYSTEM), so that
# "added" compares two runs a few seconds apart on this shared machine.
bench_hop() {  # system
  local sys=$1 front b_port a_pid b_pid a_pids=() b_pids=() a_admin="" b_admin="" mode p
  start_echo
  b_port=$(free_port); front=$(free_port)
  if ! start_proxy "$sys" inbound "$b_port" "$UP_PORT"; then put rate_rate "$sys" err; stop_pid "$UP_PID"; return 0; fi
  b_pid=$P_PID; b_pids=("${P_PIDS[@]}"); b_admin=$P_ADMIN
  if ! start_proxy "$sys" outbound "$front" "$b_port"; then
    put rate_rate "$sys" err; stop_pid "$b_pid"; stop_pid "$UP_PID"; return 0
  fi
  a_pid=$P_PID; a_pids=("${P_PIDS[@]}"); a_admin=$P_ADMIN
  # one connection through both hops before measuring (also checks that the path works)
  timeout 10 "$LOAD" cps "$front" 1 0.3 "$CPS_SIZE" 0 >"$WORK/probe.txt" 2>&1 || true
  grep -q ' ok=[1-9]' "$WORK/probe.txt" || log "$sys hop probe: $(tail -1 "$WORK/probe.txt")"
  for mode in rate sat cps; do
    hop_run "direct@$sys" "$mode" "$UP_PORT" "" ""
    hop_run "$sys" "$mode" "$front" "${a_pids[*]}" "${b_pids[*]}"
  done
  put hwm_a "$sys" "$(hwm_kb "${a_pids[@]}")"; put hwm_b "$sys" "$(hwm_kb "${b_pids[@]}")"
  put anon_a "$sys" "$(FIELD=RssAnon hwm_kb "${a_pids[@]}")"; put anon_b "$sys" "$(FIELD=RssAnon hwm_kb "${b_pids[@]}")"
  if [[ $sys == remora* ]]; then remora_stats "$a_admin" "hop $sys A"; remora_stats "$b_admin" "hop $sys B"; fi
  for p in "${a_pids[@]}" "${b_pids[@]}"; do kill -0 "$p" 2>/dev/null || echo "$sys: proxy pid $p died during the hop test" >>"$NOTES"; done
  stop_pid "$a_pid"; stop_pid "$b_pid"
  for p in "${a_pids[@]}" "${b_pids[@]}"; do forget_pid "$p"; done
  stop_pid "$UP_PID"
}

STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "remora: $REMORA_SRC; ${SECS}s per run; proxies on CPU $PROXY_CPU, tools on CPU $TOOLS_CPU"
for sys in "${SYSTEMS[@]}"; do bench_handshakes "$sys"; done
for sys in "${SYSTEMS[@]}"; do bench_hop "$sys"; done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------
isnum() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
ratio() { if isnum "$1" && isnum "$2" && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else printf '–'; fi; }
ms() { if isnum "$1"; then awk -v v="$1" 'BEGIN { printf "%.3f", v / 1000 }'; else printf '%s' "$1"; fi; }
added() { if isnum "$1" && isnum "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", (a - b) / 1000 }'; else printf '–'; fi; }
has() { [[ " ${SYSTEMS[*]} " == *" $1 "* ]]; }

REPORT=$WORK/report.md
{
  echo "## mTLS sidecar benchmark — $STARTED"
  echo
  echo "Host: $(uname -srm), $(nproc) cores, load average $LOAD_BEFORE at start, $LOAD_AFTER at end."
  echo "$(openssl version | cut -d' ' -f1-2); $(haproxy -v | head -1 | cut -d' ' -f1-3); $(nginx -v 2>&1 | sed 's/.*: //') stream; Remora \`$REMORA_SRC\` built $(date -r "$REMORA_SRC" '+%Y-%m-%d %H:%M')."
  echo "Each proxy: one worker/thread pinned to CPU $PROXY_CPU (in the hop, A and B share it); clients and echo on CPU $TOOLS_CPU."
  echo "Certificates: EC P-256 from \`remoractl ca\`, SPIFFE URI SANs; the server requires a client certificate from the same CA."
  echo
  echo "### (1) Inbound mTLS handshakes — \`openssl s_time -time $SECS\` (one client process)"
  echo
  echo "| system | full conn/s | proxy CPU µs/handshake | resumed (-reuse) conn/s | proxy CPU µs/resumed | % actually resumed |"
  echo "|---|---:|---:|---:|---:|---:|"
  for sys in "${SYSTEMS[@]}"; do
    echo "| $sys | $(get hs_new "$sys") | $(get hs_new_cpu_us "$sys") | $(get hs_reuse "$sys") | $(get hs_reuse_cpu_us "$sys") | $(get hs_reused_pct "$sys") |"
  done
  echo
  echo "### (2) Sidecar hop — client → A (plain in, mTLS out) → B (mTLS in, plain out) → echo"
  echo
  echo "${CPS_SIZE}-byte requests echoed; ${SECS} s per load; CPU is utime+stime of each proxy per 1,000 requests; peak RSS is VmHWM after all three loads."
  echo
  for mode in rate sat cps; do
    case $mode in
      rate) echo "**Fixed rate**: $RATE requests/s open loop over $RR_CONNS persistent connections (latency from the scheduled send)." ;;
      sat) echo "**Saturation**: $RR_CONNS persistent connections, requests back to back." ;;
      cps) echo "**New connection per request** at saturation: $CPS_CONNS loops of connect, echo, close (every request is a new A→B mTLS connection)." ;;
    esac
    echo
    echo "| pair | req/s | p50 ms | p90 ms | p99 ms | direct req/s, p50/p90/p99 ms (run just before) | added p50 | added p90 | added p99 | errors | A CPU s/1k req | B CPU s/1k req |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for sys in "${SYSTEMS[@]}"; do
      d="direct@$sys"
      row="| $sys | $(get ${mode}_rate "$sys") | $(ms "$(get ${mode}_p50 "$sys")") | $(ms "$(get ${mode}_p90 "$sys")") | $(ms "$(get ${mode}_p99 "$sys")")"
      row+=" | $(get ${mode}_rate "$d"), $(ms "$(get ${mode}_p50 "$d")")/$(ms "$(get ${mode}_p90 "$d")")/$(ms "$(get ${mode}_p99 "$d")")"
      for q in p50 p90 p99; do row+=" | $(added "$(get ${mode}_$q "$sys")" "$(get ${mode}_$q "$d")")"; done
      row+=" | $(get ${mode}_err "$sys") | $(get ${mode}_cpu_a "$sys") | $(get ${mode}_cpu_b "$sys") |"
      echo "$row"
    done
    echo
  done
  echo "| proxy pair | A peak RSS (VmHWM) KB | B peak RSS KB | A RssAnon KB at end | B RssAnon KB at end |"
  echo "|---|---:|---:|---:|---:|"
  for sys in "${SYSTEMS[@]}"; do echo "| $sys | $(get hwm_a "$sys") | $(get hwm_b "$sys") | $(get anon_a "$sys") | $(get anon_b "$sys") |"; done
  echo
  sum() { if isnum "$1" && isnum "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; else echo err; fi; }
  addedv() { if isnum "$1" && isnum "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { print a - b }'; else echo err; fi; }
  verdict() { if isnum "$1" && isnum "$2" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; then echo PASS; else echo MISS; fi; }
  if has haproxy; then
    echo "### Goals (Remora vs the HAProxy pair in this run)"
    echo
    echo "| system | load | added p99 ÷ HAProxy's | A+B CPU/request ÷ HAProxy's | peak RSS A / B KB (< 10,240) | added p99 ≤ ½ | CPU ≤ ½ | RSS |"
    echo "|---|---|---:|---:|---:|---|---|---|"
    for sys in "${SYSTEMS[@]}"; do
      [[ $sys == remora* ]] || continue
      for mode in rate sat cps; do
        ar=$(addedv "$(get ${mode}_p99 "$sys")" "$(get ${mode}_p99 "direct@$sys")"); ah=$(addedv "$(get ${mode}_p99 haproxy)" "$(get ${mode}_p99 direct@haproxy)")
        cr=$(sum "$(get ${mode}_cpu_a "$sys")" "$(get ${mode}_cpu_b "$sys")"); ch=$(sum "$(get ${mode}_cpu_a haproxy)" "$(get ${mode}_cpu_b haproxy)")
        rp=$(ratio "$ar" "$ah"); rc=$(ratio "$cr" "$ch")
        ra=$(get hwm_a "$sys"); rb=$(get hwm_b "$sys")
        rss=MISS; isnum "$ra" && isnum "$rb" && (( ra < 10240 && rb < 10240 )) && rss=PASS
        vp=$(verdict "$rp" 0.5)
        # an added p99 at or below zero is within the run-to-run noise: no verdict
        if ! awk -v a="$ar" -v h="$ah" 'BEGIN { exit !(a > 0 && h > 0) }'; then rp="noise ($(ms "$ar") vs $(ms "$ah") ms)"; vp="–"; fi
        echo "| $sys | $mode | $rp | $rc | $ra / $rb | $vp | $(verdict "$rc" 0.5) | $rss |"
      done
    done
    echo
  fi
  if has remora; then
    echo "### Ratios (Remora ÷ other; throughput: above 1 = Remora better; latency/CPU/RSS: below 1 = Remora better)"
    echo
    others=(); for o in remora-cache haproxy nginx; do has "$o" && others+=("$o"); done
    hdr="| metric"; sep="|---"; for o in "${others[@]}"; do hdr+=" | ÷ $o"; sep+="|---:"; done
    echo "$hdr |"; echo "$sep|"
    for m in hs_new hs_new_cpu_us hs_reuse hs_reuse_cpu_us rate_p99 rate_cpu_a rate_cpu_b sat_rate sat_p99 sat_cpu_a sat_cpu_b cps_rate cps_p99 cps_cpu_a cps_cpu_b hwm_a hwm_b; do
      row="| $m"; for o in "${others[@]}"; do row+=" | $(ratio "$(get $m remora)" "$(get $m "$o")")"; done
      echo "$row |"
    done
    echo
  fi
  echo "Notes: nginx RSS is master + worker; nginx's outbound side cannot verify B's certificate (URI-only SAN,"
  echo "host-name check), so it runs with proxy_ssl_verify off; HAProxy verifies the chain (no host check); Remora"
  echo "verifies the chain and B's SPIFFE ID. A→B session resumption is each proxy's default (Remora's counters below)."
  echo "Saturation latency is mostly queueing (A and B share one CPU); the fixed-rate load is the latency comparison."
  if [[ -s $NOTES ]]; then
    echo
    echo "Counters and warnings:"
    echo
    sed 's/^/    /' "$NOTES"
  fi
} >"$REPORT"
cat "$REPORT"
[[ -z $OUT ]] || { cp "$REPORT" "$OUT"; log "written to $OUT"; }
