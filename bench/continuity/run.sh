#!/usr/bin/env bash
# bin/bench handover|failover [--rounds R] [N...]: the pause a client sees while the serving process is replaced,
# by `fdstore upgrade` (handover) or by kill -9 with the hot standby taking over (failover), with N entries in the
# store (default: 1000 and 15000). Each round starts a fresh daemon with its standby; the driver
# (fdstore-bench, org.fdstore.bench.TransitionPause) prints the round's largest gap between consecutive replies.
# Prints the median of R rounds (default 5) per N: `handover <N> entries: <ms> ms pause` or
# `failover <N> entries: <ms> ms gap`. See docs/benchmarks.md.
set -euo pipefail
bench_name=$1
shift
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"

usage="usage: bin/bench $bench_name [--rounds R] [N...] (positive integers; default N: 1000 15000)"
rounds=5
counts=()
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die 100 "$usage"; rounds=$2; shift 2 ;;
    *) [[ $1 =~ ^[1-9][0-9]*$ ]] || die 100 "$usage"; counts+=("$1"); shift ;;
  esac
done
[ ${#counts[@]} -gt 0 ] || counts=(1000 15000)

# The processes a round leaves serving: the successor or the promoted standby, and its new standby. Not children
# of this script: the driver names them in a file.
round_pids=
stop_round_pids() {
  local pid
  for pid in $round_pids; do stop_pid "$pid" 5; done
  round_pids=
}
store_extra_cleanup=stop_round_pids

store_bench_setup
say "$(machine_summary)"
for n in "${counts[@]}"; do
  figures=()
  for ((r = 1; r <= rounds; r++)); do
    store_restart
    set +e
    gap=$(run_driver TransitionPause "$bench_name" "$n" "$bench_fdstore" "$store_tmp/pids")
    rc=$?
    set -e
    round_pids=$(cat "$store_tmp/pids" 2>/dev/null || true)
    rm -f "$store_tmp/pids"
    stop_round_pids
    stop_store_daemon
    [ "$rc" -eq 0 ] || die "$rc" "round $r of $bench_name with $n entries failed (exit $rc); logs in $store_tmp"
    say "round $r: $n entries, $gap ms"
    figures+=("$gap")
  done
  median=$(printf '%s\n' "${figures[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  if [ "$bench_name" = handover ]; then
    echo "handover $n entries: $median ms pause"
  else
    echo "failover $n entries: $median ms gap"
  fi
done
