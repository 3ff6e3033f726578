#!/usr/bin/env bash
# How close the device engine's write path comes to the file system's raw
# sequential write speed. In one temp dir (one file system):
#   1. fio: sequential writes, 1 MiB blocks, O_DIRECT, one job, queue depth 1
#      (like the engine's block writes), for DURATION seconds, final fsync;
#   2. remora: 1 KiB records written to a device-engine namespace, either with
#      kv_storage_bench (the engine alone, when built: -DREMORA_BUILD_BENCH=ON)
#      or, failing that, with remora-kv-bench at 100% writes against a
#      remora-kvd with a device namespace on a file (loopback, so it includes
#      the network path and the server's request handling).
# Prints both in MB/s (10^6 bytes; remora counts value bytes only) and the
# ratio remora/fio (goal >= 0.8). Every step is bounded; what it starts it
# stops by PID; the temp dir is removed on exit.
#
#   bench/kv/device_vs_fio.sh
#   BUILD_DIR=build/rel DURATION=5 bench/kv/device_vs_fio.sh
#
# Env: BUILD_DIR (build), DURATION seconds (5), FIO_SIZE (1G), RECORDS for
# kv_storage_bench (1000000), WRITERS (1) threads writing in kv_storage_bench,
# PREWRITTEN=1 to have kv_storage_bench zero-fill its device file first
# (untimed; its writes then overwrite allocated extents, as fio's do once it
# loops over its FIO_SIZE file; on a new sparse file each block's first write
# also pays the file system's extent allocation: docs/kv_storage.md),
# READS (50000) random device reads it times after a restart, KEYS (1000000),
# CONCURRENCY (32), THREADS (2) for remora-kv-bench, TMPDIR parent of the
# temp dir (/tmp), MODE=storage|server to force one remora path.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
DURATION=${DURATION:-5}
FIO_SIZE=${FIO_SIZE:-1G}
RECORDS=${RECORDS:-1000000}
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

echo "dir=$WORK ($(df -PT "$WORK" | awk 'NR == 2 { print $2 }')) duration=${DURATION}s mode=$MODE cpus=$(nproc)" >&2

# 1. fio
echo "== fio: sequential write, bs=1M, direct=1, psync, ${DURATION}s" >&2
run_bounded fio --name=seqwrite --filename="$WORK/fio.dat" --rw=write --bs=1M --direct=1 \
  --ioengine=psync --iodepth=1 --numjobs=1 --size="$FIO_SIZE" --time_based \
  --runtime="$DURATION" --end_fsync=1 --output-format=json --output="$WORK/fio.json"
FIO_MBS=$(python3 -c 'import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]["write"]
print("%.1f" % (job["bw_bytes"] / 1e6))' "$WORK/fio.json")
rm -f "$WORK/fio.dat"
echo "fio: $FIO_MBS MB/s" >&2

# 2. remora
if [[ $MODE == storage ]]; then
  prewrite=()
  file_label="new sparse file"
  if [[ $PREWRITTEN == 1 ]]; then prewrite=(--prewrite); file_label="prewritten file"; fi
  echo "== kv_storage_bench: $RECORDS x 1 KiB records, $WRITERS writer thread(s), buffered (flush + fdatasync at the end), $file_label" >&2
  out=$(run_bounded "$STORAGE_BENCH" --records "$RECORDS" --dir "$WORK" --threads "$WRITERS" \
    --reads "$READS" "${prewrite[@]}")
  echo "$out" >&2
  REMORA_MBS=$(echo "$out" | awk '/^device write:/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "MB/s") { print $i; exit } }')
  REMORA_LABEL="device engine (kv_storage_bench), 1 KiB records, $WRITERS writer thread(s), $file_label"
  READ_LINE=$(echo "$out" | grep '^device read:' || true)
  PATH_LINE=$(echo "$out" | grep '^device write path:' || true)
else
  port=$(free_port)
  dev_mb=$((KEYS * 1300 * 2 / 1048576 + 256))
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
  kvd_pid=$!
  PIDS+=("$kvd_pid")
  started=""
  for _ in $(seq 1 600); do
    grep -q "listening on port" "$WORK/kvd.out" 2>/dev/null && { started=1; break; }
    kill -0 "$kvd_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $started ]] || { cat "$WORK/kvd.out" >&2; echo "remora-kvd did not start" >&2; exit 1; }
  echo "== remora-kv-bench: 100% writes of 1 KiB over $KEYS keys, concurrency $CONCURRENCY, ${DURATION}s" >&2
  out=$(run_bounded "$KV_BENCH" -h "127.0.0.1:$port" -k "$KEYS" -o 1024 -w RU,0 \
    -z "$CONCURRENCY" -d "$DURATION" --timeout 5000)
  echo "$out" >&2
  tps=$(echo "$out" | awk '/^total/ { for (i = 1; i <= NF; i++) if ($i ~ /^tps=/) { sub("tps=", "", $i); print $i } }')
  REMORA_MBS=$(awk -v t="$tps" 'BEGIN { printf "%.1f", t * 1024 / 1e6 }')
  REMORA_LABEL="remora-kvd device namespace via remora-kv-bench, 1 KiB writes ($tps writes/s)"
  kill -TERM "$kvd_pid" 2>/dev/null || true
  timeout 60 tail --pid="$kvd_pid" -f /dev/null || kill -KILL "$kvd_pid" 2>/dev/null || true
  wait "$kvd_pid" 2>/dev/null || true
  forget_pid "$kvd_pid"
fi
[[ -n ${REMORA_MBS:-} ]] || { echo "could not read the remora figure" >&2; exit 1; }

echo
printf "%-12s %10s MB/s\n" fio "$FIO_MBS" remora "$REMORA_MBS"
echo "  remora: $REMORA_LABEL"
[[ -n ${PATH_LINE:-} ]] && echo "  $PATH_LINE"
[[ -n ${READ_LINE:-} ]] && echo "  $READ_LINE"
awk -v r="$REMORA_MBS" -v f="$FIO_MBS" 'BEGIN {
  ratio = f > 0 ? r / f : 0
  printf "ratio remora/fio: %.2f (goal >= 0.80: %s)\n", ratio, (ratio >= 0.8) ? "met" : "not met"
}'
