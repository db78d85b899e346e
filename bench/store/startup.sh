#!/usr/bin/env bash
# bin/bench startup [R]: start-up of the daemon (spawn to accepting connections, and to its listening line) and of
# one CLI call (`fdstore list` against a running daemon), medians of R runs (default 10), beside a bare JVM. Runs
# the build snapshot with bin/fdstore's own JVM options and AOT caches, and, alternating with it, the same without
# the caches (`-without-aot` lines). See bench/store/startup.py.
set -euo pipefail
bench_name=startup
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"

runs=${1:-10}
[[ $runs =~ ^[1-9][0-9]*$ ]] && [ $# -le 1 ] || die 100 "usage: bin/bench startup [R] (R a positive integer)"
store_bench_setup
without=$store_tmp/fdstore-without-aot
write_fdstore_wrapper "$without" "$store_java" "$store_tmp/build/$(basename "$fdstore_jar")" "$store_tmp/no-cache.jar"
"$bench_python" "$bench_root/bench/store/startup.py" "$bench_fdstore" "$runs" "$store_tmp" "$store_java" "$without"
