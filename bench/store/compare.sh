#!/usr/bin/env bash
# bin/bench compare [--rounds R] [--cycles N]: fdstore against the C floor and s6-fdholderd, in one run, in
# alternating rounds (the order rotates each round, so that no store always runs first):
#   - cycle: N save+restore+remove cycles on one connection: fdstore (bench driver Cycle), the minimal C store over
#     AF_UNIX + SCM_RIGHTS (anchor raw: the C floor), s6-fdholderd through libs6 (anchor s6), and in-process
#     dup()+close() (anchor dup: what a kernel-side store would approach);
#   - bulk: restoring B stored fds in one request, fdstore (bench driver Bulk: restoreFds, each fd with its entry id, as
#     getdump returns them) against s6's getdump (anchor s6dump),
#     B = 253 (the most s6 restores in one dump) and above.
# Prints medians and ratios, one line per figure, then the goals of issue 6 it covers. Defaults: R 5, N 20000.
set -euo pipefail
bench_name=compare
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"
# shellcheck source=bench/store/peers.sh
. "$bench_root/bench/store/peers.sh"

rounds=5
cycles=20000
bulk_sizes=(253 1000 15000)
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die 100 "$1 wants a positive integer, not '$2'"; }
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [ $# -ge 2 ] || die 100 "--rounds wants a value"; positive "$1" "$2"; rounds=$2; shift 2 ;;
    --cycles) [ $# -ge 2 ] || die 100 "--cycles wants a value"; positive "$1" "$2"; cycles=$2; shift 2 ;;
    *) die 100 "usage: bin/bench compare [--rounds R] [--cycles N]" ;;
  esac
done
[ "$(id -u)" = 0 ] || die 100 "runs as root: it may apt-get install s6, and s6's rules directory allows uid 0"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

store_extra_cleanup=s6_stop
store_bench_setup
peers_setup "$store_tmp"
results=$store_tmp/results.tsv
: >"$results"
record() { [ -n "$3" ] && printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; true; }
driver_value() { # CLASS ARGS... -> the first number before "ns" in the driver's output
  run_driver "$@" | sed -n 's/.* \([0-9][0-9]*\) ns per .*/\1/p' | head -n 1
}

measure() { # TARGET ROUND
  local v b
  case $1 in
    fdstore)
      v=$(driver_value Cycle "$cycles") || true
      record cycle fdstore "$v"
      for b in "${bulk_sizes[@]}"; do
        v=$(driver_value Bulk "$b") || true
        record "bulk-$b" fdstore "$v"
      done ;;
    raw) v=$(anchor raw "$cycles"); record cycle raw "$v" ;;
    dup) v=$(anchor dup $((cycles * 10))); record cycle dup "$v" ;;
    s6)
      v=$(anchor s6 "$cycles"); record cycle s6 "$v"
      for b in "${bulk_sizes[@]:0:2}"; do # s6 fails above 253: once is enough to show it
        s6_stop; s6_start # a failed dump leaves its entries behind: each dump gets a fresh daemon
        v=$(anchor s6dump "$b"); record "bulk-$b" s6 "${v:-fail}"
      done ;;
  esac
  say "round $2 $1 done"
}

store_start
s6_start
targets=(fdstore raw s6 dup)
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < ${#targets[@]}; i++)); do
    measure "${targets[$(((i + r - 1) % ${#targets[@]}))]}" "$r"
  done
done

echo "# bin/bench compare --rounds $rounds --cycles $cycles"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine_summary); $("$store_java" -version 2>&1 | head -n 1);" \
  "$(dpkg-query -W -f='s6 ${Version}' s6 2>/dev/null); medians of $rounds alternating round(s);" \
  "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
"$bench_python" "$bench_root/bench/store/figures.py" compare "$results"
