#!/usr/bin/env bash
# bin/bench jmh [JMH ARGS]: the JMH microbenchmarks of fdstore-bench (org.fdstore.bench.jmh.CodecBench: the codec;
# org.fdstore.linux.FfmBench: sendmsg/recvmsg with and without an fd, Fd acquire/release, dup+close), run by JMH's
# own Main on the module's class path (`java -cp fdstore-bench.jar:lib/*`); JMH forks its measured JVMs from it.
# Without arguments: every benchmark, JMH's table on stdout. E.g. bin/bench jmh CodecBench -f 1 -wi 2 -i 3
set -euo pipefail
bench_name=jmh
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
# shellcheck source=bench/lib/store.sh
. "$bench_root/bench/lib/store.sh"

store_bench_setup
"$store_java" "${fdstore_jvm_flags[@]}" -cp "$store_bench_cp" org.openjdk.jmh.Main "$@"
