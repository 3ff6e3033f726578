#!/usr/bin/env bash
# Side by side, in one run, on loopback: remora-kvd (memory engine),
# remora-kvd (device engine on a file) and redis-server (persistence off, and
# appendonly with appendfsync everysec), each driven at the same concurrency
# for 100% reads, 50/50 and 100% writes of VALUE_SIZE-byte values over KEYS
# keys. Prints throughput and latency p50/p99 per system and the ratios
# remora/redis. Everything it starts it stops by PID; every step is bounded.
#
#   bench/kv/kv_vs_redis.sh                 # 1M keys, 15 s per phase
#   KEYS=100000 DURATION=5 bench/kv/kv_vs_redis.sh   # quick run
#
# Env: KEYS (1000000), DURATION seconds per phase (15), CONCURRENCY (32),
# VALUE_SIZE (1024), THREADS remora-kvd service threads (unset: remora-kvd's
# default, CPUs or 5 x CPUs with a device namespace; the script passed 2 up to
# the 2026-11-30 00:38 run in docs/benchmarks.md), WRITE_POLICY update|replace (update: the
# client's default, merges bins; replace: a Redis SET's semantics), BUILD_DIR
# (build), KVD / BENCH (binaries; default under BUILD_DIR), REDIS_OPS requests
# per redis-benchmark phase (derived from the remora figures when unset),
# SKIP_MEMORY=1, SKIP_DEVICE=1, SKIP_REDIS=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
KEYS=${KEYS:-1000000}
DURATION=${DURATION:-15}
CONCURRENCY=${CONCURRENCY:-32}
VALUE_SIZE=${VALUE_SIZE:-1024}
THREADS=${THREADS:-}
WRITE_POLICY=${WRITE_POLICY:-update}
KVD=${KVD:-$BUILD_DIR/kv/node/remora-kvd}
BENCH=${BENCH:-$BUILD_DIR/kv/tools/remora-kv-bench}
THREAD_ARGS=()
[[ -n $THREADS ]] && THREAD_ARGS=(--threads "$THREADS")
WRITE_ARGS=()  # left out for update, so older remora-kv-bench binaries work
[[ $WRITE_POLICY == replace ]] && WRITE_ARGS=(--write-policy replace)
[[ $WRITE_POLICY == update || $WRITE_POLICY == replace ]] || { echo "WRITE_POLICY: update or replace" >&2; exit 2; }
STEP_TIMEOUT=$((DURATION * 4 + 600))

for bin in "$KVD" "$BENCH"; do
  [[ -x $bin ]] || { echo "missing $bin (build remora-kvd and remora-kv-bench, or set BUILD_DIR)" >&2; exit 2; }
done
if [[ -z ${SKIP_REDIS:-} ]] && ! command -v redis-server >/dev/null; then
  echo "redis-server not installed (apt-get install redis-server redis-tools); set SKIP_REDIS=1 to skip" >&2
  exit 2
fi

WORK=$(mktemp -d /tmp/kv_vs_redis.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port" >&2; exit 1
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  timeout 30 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local keep=()
  for p in "${PIDS[@]}"; do [[ $p != "$pid" ]] && keep+=("$p"); done
  PIDS=("${keep[@]:-}")
}

# Results: lines "system workload tps read_p50 read_p99 write_p50 write_p99" (ms).
RESULTS=$WORK/results.txt
: > "$RESULTS"

start_kvd() {  # $1 = config file or "" ; sets KVD_PORT and KVD_PID
  local out=$WORK/kvd.$RANDOM.out
  local port
  port=$(free_port)
  if [[ -n $1 ]]; then
    "$KVD" -c "$1" --port "$port" "${THREAD_ARGS[@]}" --log-level warn >"$out" 2>&1 &
  else
    "$KVD" --port "$port" "${THREAD_ARGS[@]}" --log-level warn >"$out" 2>&1 &
  fi
  KVD_PID=$!
  PIDS+=("$KVD_PID")
  for _ in $(seq 1 600); do
    grep -q "listening on port" "$out" 2>/dev/null && { KVD_PORT=$port; return; }
    kill -0 "$KVD_PID" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep 0.1
  done
  echo "remora-kvd did not start" >&2; exit 1
}

us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }

run_remora() {  # $1 = system label, $2 = config ("" for memory)
  local label=$1 port
  start_kvd "$2"
  port=$KVD_PORT
  echo "== $label: loading $KEYS keys of $VALUE_SIZE bytes" >&2
  timeout "$STEP_TIMEOUT" "$BENCH" -h "127.0.0.1:$port" -k "$KEYS" -o "$VALUE_SIZE" -w I \
    -z "$CONCURRENCY" --timeout 5000 >&2
  local wl pct out
  for wl in "100r:100" "50/50:50" "100w:0"; do
    pct=${wl#*:}
    echo "== $label: RU,$pct for ${DURATION}s at concurrency $CONCURRENCY" >&2
    out=$(timeout "$STEP_TIMEOUT" "$BENCH" -h "127.0.0.1:$port" -k "$KEYS" -o "$VALUE_SIZE" \
      -w "RU,$pct" -z "$CONCURRENCY" -d "$DURATION" --timeout 5000 "${WRITE_ARGS[@]}")
    echo "$out" >&2
    local tps rp50 rp99 wp50 wp99
    tps=$(echo "$out" | awk '/^total/ { for (i = 1; i <= NF; i++) if ($i ~ /^tps=/) { sub("tps=", "", $i); print $i } }')
    rp50=$(echo "$out" | awk '/^op=read/ { for (i = 1; i <= NF; i++) if ($i ~ /^p50_us=/) { sub("p50_us=", "", $i); print $i } }')
    rp99=$(echo "$out" | awk '/^op=read/ { for (i = 1; i <= NF; i++) if ($i ~ /^p99_us=/) { sub("p99_us=", "", $i); print $i } }')
    wp50=$(echo "$out" | awk '/^op=write/ { for (i = 1; i <= NF; i++) if ($i ~ /^p50_us=/) { sub("p50_us=", "", $i); print $i } }')
    wp99=$(echo "$out" | awk '/^op=write/ { for (i = 1; i <= NF; i++) if ($i ~ /^p99_us=/) { sub("p99_us=", "", $i); print $i } }')
    echo "$label ${wl%%:*} $tps $( [[ -n $rp50 ]] && us_to_ms "$rp50" || echo -) $( [[ -n $rp99 ]] && us_to_ms "$rp99" || echo -) $( [[ -n $wp50 ]] && us_to_ms "$wp50" || echo -) $( [[ -n $wp99 ]] && us_to_ms "$wp99" || echo -)" >>"$RESULTS"
  done
  stop_pid "$KVD_PID"
}

# redis-benchmark --csv: "test","rps","avg","min","p50","p95","p99","max".
redis_phase() {  # $1 port, $2 test (get|set), $3 clients, $4 requests
  timeout "$STEP_TIMEOUT" redis-benchmark -h 127.0.0.1 -p "$1" -c "$3" -n "$4" -r "$KEYS" \
    -d "$VALUE_SIZE" -t "$2" --csv -q 2>/dev/null | awk -F'"' 'NR > 1 && $2 != "" { print $4, $10, $14 }'
}

run_redis() {  # $1 label, $2.. extra redis-server args
  local label=$1; shift
  local port dir
  port=$(free_port)
  dir=$WORK/redis.$port
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --daemonize no \
    --logfile "$dir/log" "$@" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 100); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  # Requests per phase: about DURATION seconds at the rate remora reached,
  # so each phase is bounded like the others.
  local ops=${REDIS_OPS:-$(awk -v d="$DURATION" '$1 == "remora-memory" && $3 + 0 > m { m = $3 } END { n = int(m * d); if (n < 100000) n = 100000; print n }' "$RESULTS")}
  echo "== $label: loading $KEYS keys" >&2
  redis_phase "$port" set "$CONCURRENCY" "$((KEYS * 2))" >/dev/null
  echo "== $label: 100% reads, $ops requests" >&2
  read -r tps p50 p99 < <(redis_phase "$port" get "$CONCURRENCY" "$ops")
  echo "$label 100r $tps $p50 $p99 - -" >>"$RESULTS"
  echo "== $label: 50/50 (two benchmarks, half the clients each)" >&2
  local half=$((CONCURRENCY / 2)); [[ $half -lt 1 ]] && half=1
  redis_phase "$port" get "$half" "$((ops / 2))" >"$dir/get.out" &
  local g=$!
  redis_phase "$port" set "$half" "$((ops / 2))" >"$dir/set.out"
  wait "$g"
  read -r gt gp50 gp99 <"$dir/get.out"
  read -r st sp50 sp99 <"$dir/set.out"
  echo "$label 50/50 $(awk -v a="$gt" -v b="$st" 'BEGIN { printf "%.0f", a + b }') $gp50 $gp99 $sp50 $sp99" >>"$RESULTS"
  echo "== $label: 100% writes, $ops requests" >&2
  read -r tps p50 p99 < <(redis_phase "$port" set "$CONCURRENCY" "$ops")
  echo "$label 100w $tps - - $p50 $p99" >>"$RESULTS"
  stop_pid "$pid"
}

echo "keys=$KEYS value=${VALUE_SIZE}B concurrency=$CONCURRENCY duration=${DURATION}s kvd-threads=${THREADS:-default} write-policy=$WRITE_POLICY cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
[[ -z ${SKIP_MEMORY:-} ]] && run_remora remora-memory ""
if [[ -z ${SKIP_DEVICE:-} ]]; then
  DEV_MB=$(( (KEYS * (VALUE_SIZE + 200) * 3 / 1048576) + 256 ))
  cat >"$WORK/device.yaml" <<YAML
namespaces:
  - name: test
    storage-engine:
      type: device
      devices:
        - path: $WORK/device.dat
          filesize: ${DEV_MB}M
      write-block-size: 1M
      flush-max-ms: 1000
YAML
  run_remora remora-device "$WORK/device.yaml"
fi
if [[ -z ${SKIP_REDIS:-} ]]; then
  run_redis redis-nopersist --appendonly no
  run_redis redis-aof-everysec --appendonly yes --appendfsync everysec
fi

echo
printf "%-20s %-6s %10s %10s %10s %10s %10s\n" system load ops/s rd-p50ms rd-p99ms wr-p50ms wr-p99ms
while read -r sys wl tps a b c d; do
  printf "%-20s %-6s %10s %10s %10s %10s %10s\n" "$sys" "$wl" "$tps" "$a" "$b" "$c" "$d"
done <"$RESULTS"
echo
echo "throughput ratios (remora / redis-nopersist):"
awk '{ t[$1 " " $2] = $3 } END {
  split("100r 50/50 100w", w, " ")
  for (i = 1; i <= 3; i++) {
    r = t["redis-nopersist " w[i]]
    if (r + 0 == 0) continue
    line = sprintf("  %-6s memory %.2f", w[i], t["remora-memory " w[i]] / r)
    if (t["remora-device " w[i]] != "") line = line sprintf("  device %.2f", t["remora-device " w[i]] / r)
    if (t["redis-aof-everysec " w[i]] != "") line = line sprintf("  (redis aof/nopersist %.2f)", t["redis-aof-everysec " w[i]] / r)
    print line
  }
}' "$RESULTS"
