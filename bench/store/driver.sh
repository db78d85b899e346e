#!/usr/bin/env bash
# bin/bench cycle|bulk|async|fastpath|clients|memory ARGS: one bench driver (fdstore-bench, org.fdstore.bench) against
# a daemon of its own on a temporary socket. The driver prints the figures; see docs/benchmarks.md.
set -euo pipefail
bench_name=$1
shift
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"

case $bench_name in
  cycle) class=Cycle ;;
  bulk) class=Bulk ;;
  async) class=Async ;;
  fastpath) class=Fastpath ;;
  clients) class=Clients ;;
  memory) class=Memory ;;
  *) die 100 "no driver named '$bench_name'" ;;
esac
count_ok() { [[ ${1:-} =~ ^[1-9][0-9]*$ ]]; }
if [ "$bench_name" = clients ]; then
  count_ok "${1:-}" && count_ok "${2:-}" && [ $# -eq 2 ] || die 100 "usage: bin/bench clients C N (positive integers)"
else
  count_ok "${1:-}" && [ $# -eq 1 ] || die 100 "usage: bin/bench $bench_name N (a positive integer)"
fi

store_bench_setup
store_start
set +e
run_driver "$class" "$@"
rc=$?
if [ "$bench_name" = memory ] && [ "$rc" = 0 ]; then
  store_restart # named entries on a fresh daemon, so that neither round's figure holds the other's growth
  run_driver Memory "$1" named
  rc=$?
fi
set -e
exit "$rc"
