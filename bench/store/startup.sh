#!/usr/bin/env bash
# bin/bench startup [R]: start-up of the daemon (spawn to accepting connections, and to its listening line) and of
# one CLI call (`fdstore list` against a running daemon), medians of R runs (default 10), beside a JVM making one FFM
# call and a bare JVM. Runs the build snapshot with bin/fdstore's own JVM options and AOT caches, and, alternating
# with it, the same without the caches (`-without-aot` lines). See bench/store/startup.py.
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
# The floor of a command that passes a descriptor (org.fdstore.bench.FfmFloor): the CLI's JVM options and an AOT cache
# of its own, trained once like the CLI's, run through a wrapper script like the CLI's.
ffm_linux=("$store_tmp"/bench/lib/fdstore-linux-*.jar)
ffm_args=("${fdstore_jvm_flags[@]}" "${fdstore_cli_tuning[@]}" -cp "$store_tmp/bench/fdstore-bench.jar:${ffm_linux[0]}")
ffm_log=$store_tmp/ffm-training.log
"$store_java" "${ffm_args[@]}" -XX:AOTCacheOutput="$store_tmp/ffm.aot" org.fdstore.bench.FfmFloor >"$ffm_log" 2>&1 ||
  die 111 "the FFM floor's training run failed: $(tail -n 5 "$ffm_log")"
ffm=$store_tmp/ffm-floor
printf '#!/usr/bin/env bash\nexec %q %s -XX:AOTCache=%q %q org.fdstore.bench.FfmFloor\n' "$store_java" \
  "$(printf '%q ' "${ffm_args[@]}")" "$store_tmp/ffm.aot" '-Xlog:aot*=off,cds*=off' >"$ffm"
chmod +x "$ffm"
"$bench_python" "$bench_root/bench/store/startup.py" "$bench_fdstore" "$runs" "$store_tmp" "$store_java" "$ffm" \
  "$without"
