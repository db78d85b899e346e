#!/usr/bin/env bash
# bin/bench startup [R]: start-up of the daemon (spawn to accepting connections, and to its listening line) and of
# one CLI call (`fdstore list` against a running daemon), medians of R runs (default 10), beside a bare JVM. Runs
# the build snapshot with bin/fdstore's own JVM options, AOT cache included. See bench/store/startup.py.
set -euo pipefail
bench_name=startup
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"

runs=${1:-10}
[[ $runs =~ ^[1-9][0-9]*$ ]] && [ $# -le 1 ] || die 100 "usage: bin/bench startup [R] (R a positive integer)"
store_bench_setup
"$bench_python" "$bench_root/bench/store/startup.py" "$bench_fdstore" "$runs" "$store_tmp" "$store_java"
