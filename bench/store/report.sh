#!/usr/bin/env bash
# bin/bench report [--quick]: every figure of docs/benchmarks.md's store sections in one run, then the goals of
# issue 6, met or missed. Each part starts its own daemon(s); see the subcommands for what each measures.
#   compare --rounds 5 --cycles 20000   cycle and bulk against the C floor and s6-fdholderd, alternating
#   async 100000, fastpath 100000, clients 256 1000, memory 10000, startup 10
#   plots (docs/bench-*.png), jmh (codec and FFM microbenchmarks)
# --quick: fewer rounds and cycles, to check the harness (figures then are indicative only; plots go to $TMPDIR). Takes ~15 minutes on
# a quiet 2-core machine (~3 with --quick). Runs as root (compare installs and runs s6).
set -euo pipefail
bench_name=report
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
bench=$bench_root/bin/bench

rounds=5 cycles=20000 many=100000 clients=1000 entries=10000 starts=10 plot_cycles=200 jmh=(-f 1 -wi 3 -i 5)
plot_out=$bench_root/docs
case ${1:-} in
  "") ;;
  --quick) rounds=1 cycles=2000 many=5000 clients=50 entries=2000 starts=3 plot_cycles=20
    jmh=(-f 1 -wi 1 -i 1 -w 1 -r 1) plot_out=${TMPDIR:-/tmp} ;; # a quick run's plots never replace the docs' ones
  *) die 100 "usage: bin/bench report [--quick]" ;;
esac
[ "$(id -u)" = 0 ] || die 100 "runs as root: compare installs and runs s6-fdholderd"

out=$(mktemp "${TMPDIR:-/tmp}/fdstore-report.XXXXXX")
trap 'rm -f "$out"' EXIT
failed=
part() { # NAME ARGS... : one subcommand; its figures to stdout and to the summary
  say "running bin/bench $*"
  "$bench" "$@" | tee -a "$out" || { failed=yes; say "bin/bench $* failed"; }
}
echo "# bin/bench report ${1:-}: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine_summary)"
part compare --rounds "$rounds" --cycles "$cycles"
part async "$many"
part fastpath "$many"
part clients 256 "$clients"
part memory "$entries"
part startup "$starts"
part plots --cycles "$plot_cycles" --out "$plot_out"
say "running bin/bench jmh ${jmh[*]}"
# JMH's table: Benchmark Mode [Cnt] Score [± Error] Units; the score is the first decimal after the mode.
"$bench" jmh "${jmh[@]}" 2>/dev/null |
  awk '$2 == "avgt" { for (i = 3; i <= NF; i++) if ($i ~ /\./) { printf "jmh %s %.0f ns per op\n", $1, $i; break } }' |
  tee -a "$out" ||
  failed=yes
"$bench_python" "$bench_root/bench/store/figures.py" goals "$out" || failed=yes
[ -z "$failed" ]
