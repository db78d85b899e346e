#!/usr/bin/env bash
# bin/bench plots [--cycles N] [--out DIR]: latency against concurrency (bench driver Clients, C = 1, 2, 4 ... 256
# clients of N cycles each, default 200) and bulk restore cost per fd against N (driver Bulk, N = 1 ... 15000;
# s6-fdholderd's getdump beside it up to 253 when s6 is installed), each on a fresh daemon; PNGs into DIR (default
# docs/): bench-concurrency.png, bench-bulk.png. Installs python3-matplotlib when missing (as root).
set -euo pipefail
bench_name=plots
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"
# shellcheck source=bench/store/peers.sh
. "$bench_root/bench/store/peers.sh"

cycles=200
out=$bench_root/docs
while [ $# -gt 0 ]; do
  case $1 in
    --cycles) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die 100 "--cycles wants a positive integer"; cycles=$2; shift 2 ;;
    --out) [ -d "${2:-}" ] || die 100 "--out wants a directory"; out=$(cd "$2" && pwd); shift 2 ;;
    *) die 100 "usage: bin/bench plots [--cycles N] [--out DIR]" ;;
  esac
done
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || need_packages python3-matplotlib

store_extra_cleanup=s6_stop
store_bench_setup
results=$store_tmp/plots.tsv
: >"$results"
store_start
for c in 1 2 4 8 16 32 64 128 256; do
  store_restart
  run_driver Clients "$c" "$cycles" >"$store_tmp/clients.out" || say "clients $c $cycles: a check failed"
  for p in p50 p99; do
    v=$(sed -n "s/^clients [0-9x]* $p \([0-9]*\) ns .*/\1/p" "$store_tmp/clients.out")
    [ -z "$v" ] || printf 'clients-%s\t%s\t%s\n' "$p" "$c" "$v" >>"$results"
  done
  say "clients $c: $(tr '\n' ';' <"$store_tmp/clients.out")"
done
for n in 1 10 100 253 1000 5000 15000; do
  store_restart
  v=$(run_driver Bulk "$n" | sed -n 's/^bulk [0-9]* fds: \([0-9]*\) ns per fd/\1/p') || true
  [ -z "$v" ] || printf 'bulk\t%s\t%s\n' "$n" "$v" >>"$results"
  say "bulk $n: ${v:-failed} ns per fd"
done
if [ "$(id -u)" = 0 ]; then
  peers_setup "$store_tmp"
  for n in 1 10 100 253; do
    s6_stop
    s6_start
    v=$(anchor s6dump "$n")
    [ -z "$v" ] || printf 'bulk-s6\t%s\t%s\n' "$n" "$v" >>"$results"
  done
fi
"$bench_python" "$bench_root/bench/store/plots.py" "$results" "$out"
echo "plots $out/bench-concurrency.png $out/bench-bulk.png"
