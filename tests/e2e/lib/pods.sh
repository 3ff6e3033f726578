#!/usr/bin/env bash
# Bash version of the e2e pod harness (the C++ one is pod_network.h / pod_process.h), for
# scripts and for poking at a failing test by hand. Source it, then:
#
#   pods_init                          # per-run prefix, router namespace with bridge, EXIT trap
#   pod_add app                        # namespace "$PODS_PREFIX-app", sets POD_IP4[app], POD_IP6[app]
#   pod_exec app iptables-save -t nat  # run as root inside the pod
#   pod_exec_as app 1000 1000 curl ... # run as uid/gid (setpriv, no supplementary groups)
#   pid=$(pod_start_as app 1337 1337 /tmp/log remora -c cfg.yaml)   # background, tracked
#   pod_wait_for_output /tmp/log "LISTENING" 5 || exit 1             # condition with a deadline
#   pod_stop "$pid"
#   pods_cleanup                       # also runs from the EXIT/INT/TERM trap
#
# Everything is named "rmre2e-<pid>-<random>-..." and lives in namespaces this run made; the
# host's namespace is not changed. Needs root, iproute2 and util-linux (setpriv).

declare -gA POD_IP4=() POD_IP6=()
declare -ga PODS_NAMESPACES=() PODS_PIDS=()
PODS_PREFIX=""
PODS_ROUTER=""
PODS_NEXT=10

pods_init() {
  [[ $EUID -eq 0 ]] || { echo "pods.sh: needs root" >&2; return 1; }
  PODS_PREFIX="rmre2e-$$-$(printf '%06x' $((RANDOM * 32768 + RANDOM & 0xffffff)))"
  PODS_NET4="10.$((100 + RANDOM % 150)).$((RANDOM % 256))"
  PODS_NET6="$(printf 'fd%02x:%x:%x:' $((RANDOM % 256)) $RANDOM $RANDOM)"
  PODS_ROUTER="$PODS_PREFIX-router"
  trap pods_cleanup EXIT
  trap 'pods_cleanup; exit 130' INT TERM
  ip netns add "$PODS_ROUTER" || return 1
  PODS_NAMESPACES+=("$PODS_ROUTER")
  ip -n "$PODS_ROUTER" link set lo up &&
    ip -n "$PODS_ROUTER" link add br0 type bridge &&
    ip -n "$PODS_ROUTER" addr add "$PODS_NET4.1/24" dev br0 &&
    ip -n "$PODS_ROUTER" addr add "$PODS_NET6:1/64" dev br0 nodad &&
    ip -n "$PODS_ROUTER" link set br0 up
}

pod_add() {
  local name=$1 index=$PODS_NEXT ns="$PODS_PREFIX-$1"
  PODS_NEXT=$((PODS_NEXT + 1))
  ip netns add "$ns" || return 1
  PODS_NAMESPACES+=("$ns")
  POD_IP4[$name]="$PODS_NET4.$index"
  POD_IP6[$name]="$PODS_NET6:$(printf '%x' "$index")"
  ip -n "$ns" link set lo up &&
    ip -n "$PODS_ROUTER" link add "vp$index" type veth peer name eth0 netns "$ns" &&
    ip -n "$PODS_ROUTER" link set "vp$index" master br0 up &&
    ip -n "$ns" addr add "${POD_IP4[$name]}/24" dev eth0 &&
    ip -n "$ns" addr add "${POD_IP6[$name]}/64" dev eth0 nodad &&
    ip -n "$ns" link set eth0 up &&
    ip -n "$ns" route add default via "$PODS_NET4.1" &&
    ip -n "$ns" -6 route add default via "$PODS_NET6:1"
}

pod_netns() { echo "$PODS_PREFIX-$1"; }

pod_exec() {
  local name=$1
  shift
  ip netns exec "$PODS_PREFIX-$name" "$@"
}

pod_exec_as() {
  local name=$1 uid=$2 gid=$3
  shift 3
  ip netns exec "$PODS_PREFIX-$name" setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
}

# Starts CMD in the background (own process group), output to LOG; prints its PID.
pod_start_as() {
  local name=$1 uid=$2 gid=$3 log=$4
  shift 4
  setsid ip netns exec "$PODS_PREFIX-$name" setpriv --reuid="$uid" --regid="$gid" \
    --clear-groups -- "$@" >"$log" 2>&1 </dev/null &
  local pid=$!
  PODS_PIDS+=("$pid")
  echo "$pid"
}

# Waits until LOG contains TEXT; fails after TIMEOUT seconds (fractions allowed).
pod_wait_for_output() {
  local log=$1 text=$2 timeout=${3:-5}
  local deadline=$(($(date +%s%N) + ${timeout%.*} * 1000000000))
  until grep -qF -- "$text" "$log" 2>/dev/null; do
    (($(date +%s%N) < deadline)) || { echo "pods.sh: '$text' not in $log after ${timeout}s" >&2; return 1; }
    sleep 0.02
  done
}

# SIGTERM to the process group, SIGKILL after 2 s.
pod_stop() {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

pods_cleanup() {
  local pid ns
  for pid in "${PODS_PIDS[@]}"; do
    pod_stop "$pid"
  done
  PODS_PIDS=()
  for ns in "${PODS_NAMESPACES[@]}"; do
    ip netns del "$ns" 2>/dev/null
  done
  PODS_NAMESPACES=()
}
