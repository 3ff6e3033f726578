#!/usr/bin/env bash
# How close the device engine's write path comes to the file system's raw
# sequential write speed, per record size. In one temp dir (one file system):
#   1. fio: sequential writes, 1 MiB blocks, O_DIRECT, one job, queue depth 1
#      (like the engine's block writes), for DURATION seconds, final fsync;
#   2. remora, once per size in RECORD_SIZES (one bin of that many bytes per
#      record): records written to a device-engine namespace, either with
#      kv_storage_bench (the engine alone, when built: -DREMORA_BUILD_BENCH=ON)
#      or, failing that, with remora-kv-bench at 100% writes against a
#      remora-kvd with a device namespace on a file (loopback, so it includes
#      the network path and the server's request handling);
#   3. fio again, as in 1.
# Prints, per size, MB/s (10^6 bytes; remora counts value bytes only),
# records/s, the writing threads' CPU ns per record (storage mode) and the
# ratio remora / mean of the two fio runs (goal >= 0.8: met / not met), with
# the load average when each figure was taken. Every step is bounded; what it
# starts it stops by PID; the temp dir is removed on exit.
#
#   bench/kv/device_vs_fio.sh
#   BUILD_DIR=build/rel DURATION=5 bench/kv/device_vs_fio.sh
#   RECORD_SIZES=1024 RECORDS=1000000 bench/kv/device_vs_fio.sh
#
# Env: BUILD_DIR (build), DURATION seconds (5), FIO_SIZE (1G),
# RECORD_SIZES value bytes per record ("1024 8192 131072"; a record must fit
# in one 1 MiB write block), SWEEP_BYTES value bytes written per size
# (1073741824: 1 M records of 1 KiB, 8192 of 128 KiB), RECORDS to write that
# many records at every size instead, WRITERS (1) threads writing in
# kv_storage_bench,
# PREWRITTEN=1 to have kv_storage_bench zero-fill its device file first
# (untimed; its writes then overwrite allocated extents, as fio's do once it
# loops over its FIO_SIZE file; on a new sparse file each block's first write
# also pays the file system's extent allocation: docs/kv_storage.md),
# READS (50000) random device reads it times after a restart (at most one per
# record), KEYS (1000000; at most SWEEP_BYTES / size),
# CONCURRENCY (32), THREADS (2) for remora-kv-bench, TMPDIR parent of the
# temp dir (/tmp), MODE=storage|server to force one remora path.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
DURATION=${DURATION:-5}
FIO_SIZE=${FIO_SIZE:-1G}
RECORD_SIZES=${RECORD_SIZES:-"1024 8192 131072"}
SWEEP_BYTES=${SWEEP_BYTES:-1073741824}
RECORDS=${RECORDS:-}
WRITERS=${WRITERS:-1}
PREWRITTEN=${PREWRITTEN:-0}
READS=${READS:-50000}
KEYS=${KEYS:-1000000}
CONCURRENCY=${CONCURRENCY:-32}
THREADS=${THREADS:-2}
STORAGE_BENCH=$BUILD_DIR/bench/kv/storage/kv_storage_bench
KVD=$BUILD_DIR/kv/node/remora-kvd
KV_BENCH=$BUILD_DIR/kv/tools/remora-kv-bench
STEP_TIMEOUT=$((DURATION * 4 + 300))

if [[ -z ${MODE:-} ]]; then
  if [[ -x $STORAGE_BENCH ]]; then MODE=storage; else MODE=server; fi
fi
case $MODE in
  storage) need=("$STORAGE_BENCH") ;;
  server) need=("$KVD" "$KV_BENCH") ;;
  *) echo "MODE must be storage or server" >&2; exit 2 ;;
esac
for bin in "${need[@]}"; do
  [[ -x $bin ]] || { echo "missing $bin (build it, or set BUILD_DIR)" >&2; exit 2; }
done
command -v fio >/dev/null || { echo "fio not installed (apt-get install fio)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 needed to read fio's JSON" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/device_vs_fio.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Runs a command in the background under `timeout`, remembers its PID, waits.
run_bounded() {
  timeout "$STEP_TIMEOUT" "$@" &
  local pid=$!
  PIDS+=("$pid")
  local rc=0
  wait "$pid" || rc=$?
  forget_pid "$pid"
  return "$rc"
}

forget_pid() {
  local keep=() p
  for p in "${PIDS[@]:-}"; do [[ -n $p && $p != "$1" ]] && keep+=("$p"); done
  PIDS=("${keep[@]:-}")
}

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port" >&2; exit 1
}

for size in $RECORD_SIZES; do
  [[ $size =~ ^[0-9]+$ && $size -ge 1 && $size -le 1048000 ]] ||
    { echo "RECORD_SIZES: '$size' is not a value size from 1 to 1048000 bytes" >&2; exit 2; }
done

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
FILE_LABEL="new sparse file"
[[ $PREWRITTEN == 1 ]] && FILE_LABEL="prewritten file"

echo "dir=$WORK ($(df -PT "$WORK" | awk 'NR == 2 { print $2 }')) duration=${DURATION}s mode=$MODE cpus=$(nproc) sizes=$RECORD_SIZES" >&2

# fio, sequential write; sets FIO_MBS.
run_fio() {
  echo "== fio: sequential write, bs=1M, direct=1, psync, ${DURATION}s (load $(loadavg))" >&2
  run_bounded fio --name=seqwrite --filename="$WORK/fio.dat" --rw=write --bs=1M --direct=1 \
    --ioengine=psync --iodepth=1 --numjobs=1 --size="$FIO_SIZE" --time_based \
    --runtime="$DURATION" --end_fsync=1 --output-format=json --output="$WORK/fio.json" >&2
  rm -f "$WORK/fio.dat"
  FIO_MBS=$(python3 -c 'import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]["write"]
print("%.1f" % (job["bw_bytes"] / 1e6))' "$WORK/fio.json")
}

# The value of the token just before the first token matching $2 in line $1.
field_before() {
  awk -v unit="$2" '{ for (i = 1; i < NF; i++) if ($(i + 1) ~ unit) { print $i; exit } }' <<<"$1"
}

# One remora run of records with $1-byte values. Sets R_MBS, R_RPS, R_CPU
# (ns/record, "-" in server mode), R_COUNT, R_LOAD and R_NOTES.
run_remora() {
  local size=$1 n out
  R_LOAD=$(loadavg)
  R_NOTES=()
  if [[ $MODE == storage ]]; then
    n=${RECORDS:-$((SWEEP_BYTES / size))}
    ((n >= 1)) || n=1
    local prewrite=()
    if [[ $PREWRITTEN == 1 ]]; then prewrite=(--prewrite); fi
    echo "== kv_storage_bench: $n x $size B records, $WRITERS writer thread(s), buffered (flush + fdatasync at the end), $FILE_LABEL (load $R_LOAD)" >&2
    out=$(run_bounded "$STORAGE_BENCH" --records "$n" --value-size "$size" --dir "$WORK" \
      --threads "$WRITERS" --reads "$READS" "${prewrite[@]}")
    echo "$out" >&2
    local write_line
    write_line=$(grep '^device write:' <<<"$out" || true)
    R_MBS=$(field_before "$write_line" '^MB/s')
    R_RPS=$(field_before "$write_line" '^writes/s')
    R_CPU=$(field_before "$write_line" '^ns/record')
    R_COUNT=$n
    R_NOTES+=("$(grep '^device write path:' <<<"$out" || true)")
    R_NOTES+=("$(grep '^device write layout:' <<<"$out" || true)")
    R_NOTES+=("$(grep '^device read:' <<<"$out" || true)")
  else
    local keys=$KEYS
    ((keys * size <= SWEEP_BYTES)) || keys=$((SWEEP_BYTES / size))
    ((keys >= 1)) || keys=1
    local port dev_mb
    port=$(free_port)
    dev_mb=$((keys * (size + 300) * 2 / 1048576 + 256))
    cat >"$WORK/device.yaml" <<YAML
service:
  address: 127.0.0.1
namespaces:
  - name: test
    replication-factor: 1
    storage-engine:
      type: device
      devices:
        - path: $WORK/device.dat
          filesize: ${dev_mb}M
      write-block-size: 1M
      flush-max-ms: 1000
YAML
    "$KVD" -c "$WORK/device.yaml" --port "$port" --threads "$THREADS" --log-level warn \
      >"$WORK/kvd.out" 2>&1 &
    local kvd_pid=$! started=""
    PIDS+=("$kvd_pid")
    for _ in $(seq 1 600); do
      grep -q "listening on port" "$WORK/kvd.out" 2>/dev/null && { started=1; break; }
      kill -0 "$kvd_pid" 2>/dev/null || break
      sleep 0.1
    done
    [[ -n $started ]] || { cat "$WORK/kvd.out" >&2; echo "remora-kvd did not start" >&2; exit 1; }
    echo "== remora-kv-bench: 100% writes of $size B over $keys keys, concurrency $CONCURRENCY, ${DURATION}s (load $R_LOAD)" >&2
    out=$(run_bounded "$KV_BENCH" -h "127.0.0.1:$port" -k "$keys" -o "$size" -w RU,0 \
      -z "$CONCURRENCY" -d "$DURATION" --timeout 5000)
    echo "$out" >&2
    R_RPS=$(awk '/^total/ { for (i = 1; i <= NF; i++) if ($i ~ /^tps=/) { sub("tps=", "", $i); print $i } }' <<<"$out")
    R_MBS=$(awk -v t="$R_RPS" -v s="$size" 'BEGIN { if (t != "") printf "%.1f", t * s / 1e6 }')
    R_CPU="-"
    R_COUNT="${DURATION}s"
    kill -TERM "$kvd_pid" 2>/dev/null || true
    timeout 60 tail --pid="$kvd_pid" -f /dev/null || kill -KILL "$kvd_pid" 2>/dev/null || true
    wait "$kvd_pid" 2>/dev/null || true
    forget_pid "$kvd_pid"
    rm -f "$WORK/device.dat"
  fi
  [[ -n ${R_MBS:-} && -n ${R_RPS:-} && -n ${R_CPU:-} ]] ||
    { echo "could not read the remora figures for $size B records" >&2; exit 1; }
}

FIO_LOAD_BEFORE=$(loadavg)
run_fio
FIO_BEFORE=$FIO_MBS
echo "fio before: $FIO_BEFORE MB/s" >&2

ROWS=()
NOTES=()
for size in $RECORD_SIZES; do
  run_remora "$size"
  ROWS+=("$size|$R_COUNT|$R_MBS|$R_RPS|$R_CPU|$R_LOAD")
  for note in "${R_NOTES[@]}"; do
    if [[ -n $note ]]; then NOTES+=("$size B: $note"); fi
  done
done

FIO_LOAD_AFTER=$(loadavg)
run_fio
FIO_AFTER=$FIO_MBS
echo "fio after: $FIO_AFTER MB/s" >&2
FIO_MEAN=$(awk -v a="$FIO_BEFORE" -v b="$FIO_AFTER" 'BEGIN { printf "%.1f", (a + b) / 2 }')

if [[ $MODE == storage ]]; then
  REMORA_LABEL="device engine (kv_storage_bench), $WRITERS writer thread(s), $FILE_LABEL"
else
  REMORA_LABEL="remora-kvd device namespace via remora-kv-bench, concurrency $CONCURRENCY"
fi
echo
echo "fio sequential write: before $FIO_BEFORE MB/s (load $FIO_LOAD_BEFORE), after $FIO_AFTER MB/s (load $FIO_LOAD_AFTER), mean $FIO_MEAN MB/s"
echo "remora: $REMORA_LABEL; MB/s of value bytes"
printf "%-10s %9s %9s %11s %11s %6s  %-8s %s\n" "value B" records "MB/s" "records/s" \
  "CPU ns/rec" ratio "goal 0.8" "load avg at start"
for row in "${ROWS[@]}"; do
  IFS='|' read -r size count mbs rps cpu load <<<"$row"
  awk -v s="$size" -v c="$count" -v m="$mbs" -v r="$rps" -v cpu="$cpu" -v f="$FIO_MEAN" -v l="$load" 'BEGIN {
    ratio = f > 0 ? m / f : 0
    printf "%-10s %9s %9.1f %11.0f %11s %6.3f  %-8s %s\n", s, c, m, r, cpu, ratio,
      (ratio >= 0.8) ? "met" : "not met", l
  }'
done
for note in "${NOTES[@]:-}"; do
  if [[ -n $note ]]; then echo "  $note"; fi
done
