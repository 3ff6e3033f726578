#!/usr/bin/env bash
# L4 (TCP) proxy benchmark, side by side in one run on 127.0.0.1:
#   direct (no proxy), HAProxy tcp mode, HAProxy tcp mode with splice, nginx stream, Remora
# each proxy with one worker pinned to one core. The direct path runs twice: `direct` with the
# upstream on the proxy's core (the two programs get both cores), and `direct-1cpu` with the
# upstream beside the client on the one core they have in every proxied run; the bulk goal is
# judged against direct-1cpu, so it measures what the proxy adds, not the core it occupies.
# Measures
#   (a) one bulk TCP stream (iperf3, forward and -R), Gbit/s
#   (b) connections/s of connect + small echo + close, with p50/p99 latency (l4load cps)
#   (c) RSS at start and with N idle proxied connections (l4load hold), KB per idle pair
# then prints a Markdown table with ratios and PASS/MISS against the goals, and writes the same
# to --out. Every process it starts is stopped by PID on exit; every client step has a timeout.
#
#   bench/proxy/l4_bench.sh --quick                 # smoke run, ~2 minutes
#   bench/proxy/l4_bench.sh --out results.md        # full run, ~8 minutes
#
# Options: --quick, --out FILE, --reps N (rounds of (a) and (b); median reported),
#          --remora PATH (default: build/bench/proxy/remora, else build/rel/proxy/remora).
# Env: PROXY_CPU (1), TOOLS_CPU (0), CPS_CONNS (50), CPS_SIZE (64), BULK_SECONDS, CPS_SECONDS,
#      IDLE_CONNS (override the defaults of the mode), PHASES ("bulk cps memory": a subset runs
#      only those tests), SOCKMAP=1 adds the bulk test of a kernel-only forwarder (sockmap/;
#      root, clang and libbpf-dev).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/proxy

QUICK=0
OUT=""
REPS=""
REMORA=${REMORA:-}
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 ;;
    --out) OUT=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --remora) REMORA=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

PROXY_CPU=${PROXY_CPU:-1}
TOOLS_CPU=${TOOLS_CPU:-0}
CPS_CONNS=${CPS_CONNS:-50}
CPS_SIZE=${CPS_SIZE:-64}
PHASES=${PHASES:-bulk cps memory}
if [[ $QUICK == 1 ]]; then
  BULK_SECONDS=${BULK_SECONDS:-2}; CPS_SECONDS=${CPS_SECONDS:-2}; CPS_WARMUP=0.5
  IDLE_CONNS=${IDLE_CONNS:-1000}; REPS=${REPS:-1}
else
  BULK_SECONDS=${BULK_SECONDS:-5}; CPS_SECONDS=${CPS_SECONDS:-10}; CPS_WARMUP=1
  IDLE_CONNS=${IDLE_CONNS:-10000}; REPS=${REPS:-3}
fi
SYSTEMS=(direct direct-1cpu haproxy haproxy-splice nginx remora)
SOCKMAP=${SOCKMAP:-0}
[[ $SOCKMAP == 1 ]] && SYSTEMS+=(sockmap)
bulk_only() { [[ $1 == sockmap ]]; }
NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so

# ---- prerequisites -------------------------------------------------------------------------
missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v nginx >/dev/null || missing+=(nginx)
[[ -f $NGINX_STREAM_MODULE ]] || missing+=(libnginx-mod-stream)
command -v iperf3 >/dev/null || missing+=(iperf3)
if [[ $SOCKMAP == 1 ]]; then
  command -v clang >/dev/null || missing+=(clang)
  [[ -f /usr/include/bpf/libbpf.h ]] || missing+=(libbpf-dev)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing missing packages: ${missing[*]}" >&2
  if [[ $(id -u) != 0 ]]; then echo "not root: apt-get install ${missing[*]} first" >&2; exit 2; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
for tool in g++ curl ss taskset pgrep; do
  command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
if [[ -z $REMORA ]]; then
  for cand in "$ROOT/build/bench/proxy/remora" "$ROOT/build/rel/proxy/remora"; do
    [[ -x $cand ]] && { REMORA=$cand; break; }
  done
fi
[[ -n $REMORA && -x $REMORA ]] || { echo "no remora binary (build the 'remora' target or pass --remora)" >&2; exit 2; }
ncpu=$(nproc)
if (( PROXY_CPU >= ncpu || TOOLS_CPU >= ncpu )); then
  echo "PROXY_CPU=$PROXY_CPU / TOOLS_CPU=$TOOLS_CPU not below nproc=$ncpu" >&2; exit 2
fi

# Two sockets per idle pair in the proxy, one each in the client and the echo server. Without
# CAP_SYS_RESOURCE (some containers) the hard limit cannot be raised: then hold as many idle pairs
# as fit and say so in the report.
IDLE_NOTE=""
want=$((IDLE_CONNS * 2 + 4096))
(( $(ulimit -Hn) < want )) && { ulimit -Hn "$want" 2>/dev/null || true; }
FD_LIMIT=$(ulimit -Hn)
(( FD_LIMIT > want )) && FD_LIMIT=$want
ulimit -Sn "$FD_LIMIT"
if (( IDLE_CONNS * 2 + 200 > FD_LIMIT )); then
  fit=$(( (FD_LIMIT - 400) / 2 / 100 * 100 ))
  IDLE_NOTE="open-files hard limit is $FD_LIMIT and cannot be raised here, so $fit idle pairs instead of $IDLE_CONNS"
  echo "note: $IDLE_NOTE" >&2
  IDLE_CONNS=$fit
fi

WORK=$(mktemp -d /tmp/l4_bench.XXXXXX)
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

LOAD=$WORK/l4load
# Run a private copy: other people relinking the build tree must not swap the binary mid-run.
REMORA_SRC=$REMORA
REMORA_BUILT=$(date -r "$REMORA_SRC" '+%Y-%m-%d %H:%M')
mkdir -p "$WORK/bin" && cp "$REMORA_SRC" "$WORK/bin/remora"
REMORA=$WORK/bin/remora
g++ -std=c++20 -O2 -Wall -Wextra -o "$LOAD" "$HERE/l4load.cc"
if [[ $SOCKMAP == 1 ]]; then
  clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" \
    -c "$HERE/sockmap/sockmap_redirect.bpf.c" -o "$WORK/sockmap_redirect.bpf.o"
  g++ -std=c++20 -O2 -Wall -Wextra -o "$WORK/sockmap_forwarder" "$HERE/sockmap/sockmap_forwarder.cc" -lbpf
fi

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

forget_pid() {
  local keep=() p
  for p in "${PIDS[@]:-}"; do [[ -n $p && $p != "$1" ]] && keep+=("$p"); done
  PIDS=("${keep[@]:-}")
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

free_port() { "$LOAD" ports 1; }

wait_listening() {  # port, seconds
  local deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    [[ -n $(ss -Hltn "sport = :$1") ]] && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1 after $2 s" >&2
  return 1
}

rss_kb() {  # sum of VmRSS over the pids given
  local total=0 pid v
  for pid in "$@"; do
    v=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# ---- upstreams -----------------------------------------------------------------------------
# The far end runs on TOOLS_CPU beside the client when a proxy holds PROXY_CPU; for `direct` on
# PROXY_CPU, so that the path gets the same two cores, and for `direct-1cpu` on TOOLS_CPU, so that
# the two programs have exactly what they have in the proxied runs.
server_cpu() { [[ $1 == direct ]] && echo "$PROXY_CPU" || echo "$TOOLS_CPU"; }

start_iperf_server() {  # cpu -> UP_PORT, UP_PID
  UP_PORT=$(free_port)
  taskset -c "$1" iperf3 -s -p "$UP_PORT" >"$WORK/iperf3_server.log" 2>&1 &
  UP_PID=$!
  PIDS+=("$UP_PID")
  wait_listening "$UP_PORT" 10
}

start_echo_server() {  # cpu -> UP_PORT, UP_PID
  UP_PORT=$(free_port)
  taskset -c "$1" "$LOAD" echo "$UP_PORT" >"$WORK/echo.log" 2>&1 &
  UP_PID=$!
  PIDS+=("$UP_PID")
  wait_listening "$UP_PORT" 10
}

# ---- proxies -------------------------------------------------------------------------------
proxy_failed() {  # dir
  log "proxy in $1 did not start; its output:"
  tail -5 "$1/log" "$1/logs/error.log" 2>/dev/null >&2 || true
}

# start_proxy SYSTEM UPSTREAM_PORT MAXCONN -> FRONT_PORT, PROXY_PID (the one to stop),
# PROXY_RSS_PIDS (the processes whose RSS counts). For direct, FRONT_PORT is the upstream.
start_proxy() {
  local sys=$1 up=$2 maxconn=$3 dir
  PROXY_PID="" PROXY_RSS_PIDS=()
  if [[ $sys == direct* ]]; then FRONT_PORT=$up; return 0; fi
  FRONT_PORT=$(free_port)
  dir=$WORK/$sys
  mkdir -p "$dir"
  case $sys in
    haproxy|haproxy-splice)
      local splice="" pipes="" gmax=$((maxconn + 10))
      (( gmax > (FD_LIMIT - 100) / 2 )) && gmax=$(( (FD_LIMIT - 100) / 2 ))
      if [[ $sys == haproxy-splice ]]; then
        splice=$'  option splice-request\n  option splice-response'
        # Default maxpipes is maxconn/4, two fds each; shrink it only when the fd limit forces it
        # (the idle test, where no pipe is in use anyway).
        (( 2 * gmax + gmax / 2 + 100 > FD_LIMIT )) && pipes="  maxpipes 64"
      fi
      cat >"$dir/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $gmax
$pipes
defaults
  mode tcp
  maxconn $maxconn
  timeout connect 5s
  timeout client 1h
  timeout server 1h
$splice
listen front
  bind 127.0.0.1:$FRONT_PORT
  server up 127.0.0.1:$up
EOF
      taskset -c "$PROXY_CPU" haproxy -db -f "$dir/haproxy.cfg" >"$dir/log" 2>&1 &
      PROXY_PID=$!
      PIDS+=("$PROXY_PID")
      wait_listening "$FRONT_PORT" 10 || { proxy_failed "$dir"; return 1; }
      PROXY_RSS_PIDS=("$PROXY_PID")
      ;;
    nginx)
      mkdir -p "$dir/logs"
      cat >"$dir/nginx.conf" <<EOF
load_module $NGINX_STREAM_MODULE;
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $FD_LIMIT;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections $(( maxconn * 2 + 100 < FD_LIMIT ? maxconn * 2 + 100 : FD_LIMIT )); }
stream {
  server {
    listen 127.0.0.1:$FRONT_PORT backlog=4096;
    proxy_pass 127.0.0.1:$up;
    proxy_timeout 1h;
  }
}
EOF
      taskset -c "$PROXY_CPU" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$dir/log" 2>&1 &
      PROXY_PID=$!
      PIDS+=("$PROXY_PID")
      wait_listening "$FRONT_PORT" 10 || { proxy_failed "$dir"; return 1; }
      local worker="" deadline=$((SECONDS + 10))
      while [[ -z $worker ]] && (( SECONDS < deadline )); do
        worker=$(pgrep -P "$PROXY_PID" | head -1 || true)
        if [[ -z $worker ]]; then sleep 0.05; fi
      done
      [[ -n $worker ]] || { echo "nginx worker did not start" >&2; cat "$dir/logs/error.log" >&2; return 1; }
      PIDS+=("$worker")
      PROXY_RSS_PIDS=("$PROXY_PID" "$worker")
      ;;
    remora)
      ADMIN_PORT=$(free_port)
      cat >"$dir/remora.yaml" <<EOF
admin:
  address: {socket_address: {address: 127.0.0.1, port_value: $ADMIN_PORT}}
static_resources:
  listeners:
  - name: front
    address: {socket_address: {address: 127.0.0.1, port_value: $FRONT_PORT}}
    per_connection_buffer_limit_bytes: 1048576
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config: {stat_prefix: front, cluster: backend}
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 1s
    circuit_breakers: {thresholds: [{priority: DEFAULT, max_connections: $((maxconn + 10))}]}
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $up}}}
EOF
      taskset -c "$PROXY_CPU" "$REMORA" -c "$dir/remora.yaml" --concurrency 1 --no-watch >"$dir/log" 2>&1 &
      PROXY_PID=$!
      PIDS+=("$PROXY_PID")
      local deadline=$((SECONDS + 15))
      until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/ready" || true) == 200 ]]; do
        if (( SECONDS >= deadline )) || ! kill -0 "$PROXY_PID" 2>/dev/null; then
          echo "remora not ready:" >&2; cat "$dir/log" >&2; return 1
        fi
        sleep 0.05
      done
      wait_listening "$FRONT_PORT" 10 || { proxy_failed "$dir"; return 1; }
      PROXY_RSS_PIDS=("$PROXY_PID")
      ;;
    sockmap)
      taskset -c "$PROXY_CPU" "$WORK/sockmap_forwarder" "$FRONT_PORT" "$up" "$WORK/sockmap_redirect.bpf.o" \
        >"$dir/log" 2>&1 &
      PROXY_PID=$!
      PIDS+=("$PROXY_PID")
      wait_listening "$FRONT_PORT" 10 || { proxy_failed "$dir"; return 1; }
      PROXY_RSS_PIDS=("$PROXY_PID")
      ;;
  esac
}

# Keeps the counters of Remora that say something went wrong, for the report.
REMORA_NOTES=$WORK/remora_notes.txt
: >"$REMORA_NOTES"
snapshot_remora() {  # phase label
  [[ -n ${ADMIN_PORT:-} ]] || return 0
  local stats=$WORK/remora_stats.$1.txt
  curl -s -m 5 "http://127.0.0.1:$ADMIN_PORT/stats" >"$stats" || true
  if ! kill -0 "$PROXY_PID" 2>/dev/null; then
    local rc=0
    wait "$PROXY_PID" 2>/dev/null || rc=$?
    (( rc > 128 )) && rc="$rc (signal $(kill -l $((rc - 128))))"
    echo "$1: remora exited during the test, status $rc; log tail: $(tail -5 "$WORK/remora/log" | tr '\n' ' ')" >>"$REMORA_NOTES"
  fi
  grep -E '(fail|error|overflow|timeout|no_route|exceeded|destroy_with|reset|refused|overload)[a-z_]*: [1-9]' \
    "$stats" | sed "s/^/$1: /" >>"$REMORA_NOTES" || true
}

stop_proxy() {
  [[ -n $PROXY_PID ]] || return 0
  [[ ${1:-} == remora ]] && snapshot_remora "$2"
  local p
  for p in "${PROXY_RSS_PIDS[@]:-}"; do [[ -n $p && $p != "$PROXY_PID" ]] && forget_pid "$p"; done
  stop_pid "$PROXY_PID"
  PROXY_PID=""
  ADMIN_PORT=""
}

# ---- measurements --------------------------------------------------------------------------
RAW=$WORK/raw.txt  # lines: metric system rep value
: >"$RAW"

# Busy jiffies and all jiffies of one CPU, from /proc/stat.
cpu_jiffies() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
busy_pct() {  # before after -> percent busy in between
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[2] - x[2]
    printf "%.0f", (t > 0) ? 100 * (y[1] - x[1]) / t : 0 }'
}

# iperf_run port extra-args... -> "Gbit/s tools% proxy%": the rate received, and how busy
# TOOLS_CPU and PROXY_CPU were meanwhile (where the work of moving the bytes lands); "err" fields
# when iperf3 fails.
iperf_run() {
  local out=$WORK/iperf3_client.txt t0 p0
  t0=$(cpu_jiffies "$TOOLS_CPU") p0=$(cpu_jiffies "$PROXY_CPU")
  if timeout $((BULK_SECONDS + 30)) taskset -c "$TOOLS_CPU" \
      iperf3 -c 127.0.0.1 -p "$1" -t "$BULK_SECONDS" -f g "${@:2}" >"$out" 2>&1; then
    local t1 p1
    t1=$(cpu_jiffies "$TOOLS_CPU") p1=$(cpu_jiffies "$PROXY_CPU")
    echo "$(awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Gbits/sec") v = $(i-1) } END { print (v == "" ? "err" : v) }' "$out")" \
      "$(busy_pct "$t0" "$t1") $(busy_pct "$p0" "$p1")"
  else
    log "iperf3 failed: $(tail -2 "$out" | tr '\n' ' ')"
    echo err err err
  fi
}

bench_bulk() {  # system rep
  local sys=$1 rep=$2 fwd rev tools_busy proxy_busy
  start_iperf_server "$(server_cpu "$sys")"
  if ! start_proxy "$sys" "$UP_PORT" 1000; then
    printf 'bulk %s %s err\nbulk_r %s %s err\n' "$sys" "$rep" "$sys" "$rep" >>"$RAW"
    stop_proxy "$sys" "bulk$rep"; stop_pid "$UP_PID"; return 0
  fi
  read -r fwd tools_busy proxy_busy <<<"$(iperf_run "$FRONT_PORT")"
  read -r rev _ _ <<<"$(iperf_run "$FRONT_PORT" -R)"
  echo "bulk $sys $rep $fwd" >>"$RAW"
  echo "bulk_r $sys $rep $rev" >>"$RAW"
  echo "bulk_cpu_tools $sys $rep $tools_busy" >>"$RAW"
  echo "bulk_cpu_proxy $sys $rep $proxy_busy" >>"$RAW"
  log "bulk $sys rep $rep: ${fwd} Gbit/s (CPU $TOOLS_CPU ${tools_busy} %, CPU $PROXY_CPU ${proxy_busy} % busy), -R ${rev} Gbit/s"
  stop_proxy "$sys" "bulk$rep"
  stop_pid "$UP_PID"
}

bench_cps() {  # system rep
  local sys=$1 rep=$2 line out=$WORK/cps.txt
  start_echo_server "$(server_cpu "$sys")"
  if ! start_proxy "$sys" "$UP_PORT" 1000; then
    echo "cps $sys $rep err" >>"$RAW"
    stop_proxy "$sys" "cps$rep"; stop_pid "$UP_PID"; return 0
  fi
  if timeout $(awk -v a="$CPS_SECONDS" -v b="$CPS_WARMUP" 'BEGIN{printf "%d", a + b + 30}') taskset -c "$TOOLS_CPU" \
      "$LOAD" cps "$FRONT_PORT" "$CPS_CONNS" "$CPS_SECONDS" "$CPS_SIZE" "$CPS_WARMUP" >"$out" 2>&1; then
    line=$(tail -1 "$out")
  else
    line="cps=err p50_us=err p99_us=err errors=err"
  fi
  kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$line"; }
  echo "cps $sys $rep $(kv cps)" >>"$RAW"
  echo "p50 $sys $rep $(kv p50_us)" >>"$RAW"
  echo "p99 $sys $rep $(kv p99_us)" >>"$RAW"
  echo "cps_err $sys $rep $(kv errors)" >>"$RAW"
  log "cps $sys rep $rep: $line"
  stop_proxy "$sys" "cps$rep"
  stop_pid "$UP_PID"
}

bench_memory() {  # system
  local sys=$1 start held hold_pid out=$WORK/hold.txt deadline result
  start_echo_server "$TOOLS_CPU"
  if ! start_proxy "$sys" "$UP_PORT" $((IDLE_CONNS + 40)); then
    echo "rss_start $sys 1 err" >>"$RAW"
    stop_proxy "$sys" memory; stop_pid "$UP_PID"; return 0
  fi
  sleep 1
  start=$(rss_kb "${PROXY_RSS_PIDS[@]}")
  : >"$out"
  taskset -c "$TOOLS_CPU" "$LOAD" hold "$FRONT_PORT" "$IDLE_CONNS" 120 >"$out" 2>&1 &
  hold_pid=$!
  PIDS+=("$hold_pid")
  deadline=$((SECONDS + 150))
  until grep -q 'held=' "$out" || (( SECONDS >= deadline )) || ! kill -0 "$hold_pid" 2>/dev/null; do sleep 0.2; done
  result=$(grep -o 'held=[0-9]* failed=[0-9]*' "$out" || echo "held=0 failed=$IDLE_CONNS")
  sleep 1
  held=$(rss_kb "${PROXY_RSS_PIDS[@]}")
  echo "rss_start $sys 1 $start" >>"$RAW"
  echo "rss_idle $sys 1 $held" >>"$RAW"
  echo "idle_held $sys 1 $(sed 's/held=\([0-9]*\).*/\1/' <<<"$result")" >>"$RAW"
  log "memory $sys: start ${start} KB, ${result}: ${held} KB"
  stop_pid "$hold_pid"
  stop_proxy "$sys" memory
  stop_pid "$UP_PID"
}

# ---- run -----------------------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
log "remora binary: $REMORA_SRC (built $REMORA_BUILT)"
log "load average: $LOAD_BEFORE; mode: $([[ $QUICK == 1 ]] && echo quick || echo full), $REPS round(s)"

rotate() {  # rep -> systems in rotated order so no system always runs first
  local r=$1 n=${#SYSTEMS[@]} i
  for ((i = 0; i < n; i++)); do echo "${SYSTEMS[(i + r) % n]}"; done
}
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }
if has_phase bulk; then
  for ((rep = 1; rep <= REPS; rep++)); do
    for sys in $(rotate "$rep"); do bench_bulk "$sys" "$rep"; done
  done
fi
if has_phase cps; then
  for ((rep = 1; rep <= REPS; rep++)); do
    for sys in $(rotate "$rep"); do bulk_only "$sys" || bench_cps "$sys" "$rep"; done
  done
fi
if has_phase memory; then
  for sys in "${SYSTEMS[@]}"; do
    [[ $sys == direct* ]] || bulk_only "$sys" || bench_memory "$sys"
  done
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------
# median METRIC SYSTEM -> median over rounds of numeric samples; "err" if none.
median() {
  awk -v m="$1" -v s="$2" '$1 == m && $2 == s && $4 ~ /^[0-9.]+$/ { print $4 }' "$RAW" | sort -g |
    awk '{ v[++n] = $1 } END { if (n == 0) print "err"; else print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }'
}
samples() { awk -v m="$1" -v s="$2" '$1 == m && $2 == s { printf "%s%s", sep, $4; sep = " / " }' "$RAW"; }
# cpu_samples SYSTEM -> "tools/proxy" busy percent per bulk round, comma-separated.
cpu_samples() {
  awk -v s="$1" '$2 != s { next } $1 == "bulk_cpu_tools" { t[$3] = $4; r[++n] = $3 }
    $1 == "bulk_cpu_proxy" { p[$3] = $4 } END { for (i = 1; i <= n; i++) printf "%s%s/%s", (i > 1 ? ", " : ""), t[r[i]], p[r[i]] }' "$RAW"
}
ratio() {  # a b -> a/b with 2 decimals, or "–"
  awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.2f", a / b; else printf "–" }'
}
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { if (v ~ /^[0-9.]+$/) printf f, v; else printf "%s", v }'; }
ms() { awk -v v="$1" 'BEGIN { if (v ~ /^[0-9.]+$/) printf "%.2f", v / 1000; else printf "%s", v }'; }

declare -A M
for sys in "${SYSTEMS[@]}"; do
  for metric in bulk bulk_r bulk_cpu_tools bulk_cpu_proxy cps p50 p99 cps_err rss_start rss_idle idle_held; do
    M[$metric,$sys]=$(median "$metric" "$sys")
  done
  M[per_pair,$sys]=$(awk -v a="${M[rss_idle,$sys]}" -v b="${M[rss_start,$sys]}" -v n="${M[idle_held,$sys]}" \
    'BEGIN { if (a ~ /^[0-9.]+$/ && n + 0 > 0) printf "%.2f", (a - b) / n; else print "–" }')
done
for sys in direct direct-1cpu; do
  [[ ${M[rss_start,$sys]} == err ]] && for metric in rss_start rss_idle idle_held per_pair; do M[$metric,$sys]="–"; done
done
for sys in "${SYSTEMS[@]}"; do
  bulk_only "$sys" && for metric in cps p50 p99 cps_err rss_start rss_idle idle_held per_pair; do M[$metric,$sys]="–"; done
done

REPORT=$WORK/report.md
{
  echo "## L4 proxy benchmark — $STARTED"
  echo
  echo "Host: $(uname -srm), $(nproc) cores (shared), load average $LOAD_BEFORE at start, $LOAD_AFTER at end."
  echo "Proxies pinned to CPU $PROXY_CPU with one worker; clients and (when proxied) upstreams on CPU $TOOLS_CPU;"
  echo "direct: upstream on CPU $PROXY_CPU; direct-1cpu: upstream beside the client on CPU $TOOLS_CPU. Median of $REPS round(s) for bulk and conn/s."
  echo "Remora: \`$REMORA_SRC\` built $REMORA_BUILT; $(haproxy -v | head -1 | cut -d' ' -f1-3);"
  echo "$(nginx -v 2>&1 | sed 's/.*: //') stream; $(iperf3 -v | head -1 | cut -d' ' -f1-2)."
  echo "Bulk: iperf3 -t $BULK_SECONDS, one stream. conn/s: $CPS_CONNS concurrent loops of connect, ${CPS_SIZE}-byte echo, close, ${CPS_SECONDS} s after ${CPS_WARMUP} s warm-up; latency = connect through echo received."
  echo "Memory: VmRSS (nginx: master + worker) after start-up, and with ${IDLE_CONNS} idle proxied connections, each having echoed one byte."
  [[ -z $IDLE_NOTE ]] || echo "Note: $IDLE_NOTE."
  echo
  echo "| system | bulk Gbit/s | ×direct | CPU $TOOLS_CPU / $PROXY_CPU busy % | bulk -R Gbit/s | ×direct | conn/s | ×direct | p50 ms | p99 ms | conn errors | RSS start KB | RSS idle KB | idle conns | KB/idle pair |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for sys in "${SYSTEMS[@]}"; do
    echo "| $sys | $(fmt "${M[bulk,$sys]}" %.2f) | $(ratio "${M[bulk,$sys]}" "${M[bulk,direct]}")" \
      "| ${M[bulk_cpu_tools,$sys]} / ${M[bulk_cpu_proxy,$sys]}" \
      "| $(fmt "${M[bulk_r,$sys]}" %.2f) | $(ratio "${M[bulk_r,$sys]}" "${M[bulk_r,direct]}")" \
      "| $(fmt "${M[cps,$sys]}" %.0f) | $(ratio "${M[cps,$sys]}" "${M[cps,direct]}")" \
      "| $(ms "${M[p50,$sys]}") | $(ms "${M[p99,$sys]}") | ${M[cps_err,$sys]}" \
      "| ${M[rss_start,$sys]} | ${M[rss_idle,$sys]} | ${M[idle_held,$sys]} | ${M[per_pair,$sys]} |"
  done
  echo
  echo "Remora ÷ each other system (above 1 = Remora higher; for memory, lower is better):"
  echo
  echo "| metric | ÷ direct | ÷ direct-1cpu | ÷ haproxy | ÷ haproxy-splice | ÷ nginx |"
  echo "|---|---:|---:|---:|---:|---:|"
  for metric in bulk bulk_r cps p99 rss_start per_pair; do
    row="| $metric"
    for other in direct direct-1cpu haproxy haproxy-splice nginx; do row+=" | $(ratio "${M[$metric,remora]}" "${M[$metric,$other]}")"; done
    echo "$row |"
  done
  echo
  echo "Goals:"
  echo
  verdict() { awk -v c="$1" 'BEGIN { print (c == 1 ? "PASS" : "MISS") }'; }
  num_ok() { [[ $1 =~ ^[0-9.]+$ ]]; }
  g() {  # label condition-awk-expression values...
    local label=$1 expr=$2 a=$3 b=$4 ok=0
    if num_ok "$a" && num_ok "$b"; then ok=$(awk -v a="$a" -v b="$b" "BEGIN { print ($expr) ? 1 : 0 }"); fi
    echo "- $(verdict "$ok") — $label"
  }
  g "bulk ≥ 0.9× direct (same core for the programs, direct-1cpu): $(fmt "${M[bulk,remora]}" %.2f) vs $(fmt "${M[bulk,direct-1cpu]}" %.2f) Gbit/s = $(ratio "${M[bulk,remora]}" "${M[bulk,direct-1cpu]}")× (÷ direct on two cores: $(ratio "${M[bulk,remora]}" "${M[bulk,direct]}")×)" \
    "a >= 0.9 * b" "${M[bulk,remora]}" "${M[bulk,direct-1cpu]}"
  g "bulk -R ≥ 0.9× direct (direct-1cpu): $(fmt "${M[bulk_r,remora]}" %.2f) vs $(fmt "${M[bulk_r,direct-1cpu]}" %.2f) Gbit/s = $(ratio "${M[bulk_r,remora]}" "${M[bulk_r,direct-1cpu]}")× (÷ direct on two cores: $(ratio "${M[bulk_r,remora]}" "${M[bulk_r,direct]}")×)" \
    "a >= 0.9 * b" "${M[bulk_r,remora]}" "${M[bulk_r,direct-1cpu]}"
  g "bulk ahead of HAProxy with splice: $(fmt "${M[bulk,remora]}" %.2f) vs $(fmt "${M[bulk,haproxy-splice]}" %.2f) Gbit/s" \
    "a > b" "${M[bulk,remora]}" "${M[bulk,haproxy-splice]}"
  g "bulk -R ahead of HAProxy with splice: $(fmt "${M[bulk_r,remora]}" %.2f) vs $(fmt "${M[bulk_r,haproxy-splice]}" %.2f) Gbit/s" \
    "a > b" "${M[bulk_r,remora]}" "${M[bulk_r,haproxy-splice]}"
  g "conn/s ahead of HAProxy: $(fmt "${M[cps,remora]}" %.0f) vs $(fmt "${M[cps,haproxy]}" %.0f)" \
    "a > b" "${M[cps,remora]}" "${M[cps,haproxy]}"
  g "RSS at start < 8 MB (8192 KB): ${M[rss_start,remora]} KB" "a < b" "${M[rss_start,remora]}" 8192
  g "< 2 KB per idle proxied pair: ${M[per_pair,remora]} KB (${M[idle_held,remora]} of ${IDLE_CONNS} held)" \
    "a < b && $(awk -v h="${M[idle_held,remora]}" -v n="$IDLE_CONNS" 'BEGIN { print (h == n) ? 1 : 0 }')" \
    "${M[per_pair,remora]}" 2
  if [[ $SOCKMAP == 1 ]]; then
    echo
    echo "Kernel-only forwarding (sockmap, no proxy process in the data path): $(fmt "${M[bulk,sockmap]}" %.2f) / $(fmt "${M[bulk_r,sockmap]}" %.2f) Gbit/s" \
      "= $(ratio "${M[bulk,sockmap]}" "${M[bulk,direct-1cpu]}")× / $(ratio "${M[bulk_r,sockmap]}" "${M[bulk_r,direct-1cpu]}")× direct-1cpu."
  fi
  echo
  echo "Samples per round (Gbit/s, conn/s):"
  echo
  for sys in "${SYSTEMS[@]}"; do
    echo "- $sys: bulk $(samples bulk "$sys"); bulk -R $(samples bulk_r "$sys"); CPU $TOOLS_CPU/$PROXY_CPU busy % $(cpu_samples "$sys"); conn/s $(samples cps "$sys"); conn errors $(samples cps_err "$sys")"
  done
  if [[ -s $REMORA_NOTES ]]; then
    echo
    echo "Remora counters that report trouble (phase: stat: value):"
    echo
    sed 's/^/    /' "$REMORA_NOTES"
  fi
} >"$REPORT"

cat "$REPORT"
if [[ -n $OUT ]]; then
  cp "$REPORT" "$OUT"
  log "written to $OUT"
fi
