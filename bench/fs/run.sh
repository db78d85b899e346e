#!/usr/bin/env bash
# bin/bench fs: the restartable FUSE passthrough (fdstore fs mount) against the source directory itself (native)
# and libfuse's passthrough_ll over a copy of the same layout, in one run, in alternating rounds:
#   - fio sequential write (end_fsync) then read of --size MiB, bs 1 MiB, buffered, one job, caches dropped between;
#   - ../shared/bench/meta.c: create, stat, open+read, unlink of --files files, microseconds per file;
#   - on the fdstore mount only: the stall a stat+open+read+close probe sees across kill -9 of the serving process
#     (warm standby) and across `fdstore fs upgrade`, --stalls repetitions each (bench/fs/stall.py).
# Prints one line per figure (medians, ratios), then the goals of issue 5. Everything it mounts or starts is undone
# by the EXIT trap, whatever happens.
set -euo pipefail
# shellcheck disable=SC2034 # read by common.sh
bench_name=fs
# shellcheck source=bench/lib/common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/common.sh"
here=$bench_root/bench/fs

size=512
files=10000
rounds=3
stalls=5
base=${TMPDIR:-/tmp}

usage() {
  echo "usage: bin/bench fs [--size MiB] [--files N] [--rounds R] [--stalls S] [--dir DIR]" >&2
  echo "  defaults: --size 512 --files 10000 --rounds 3 --stalls 5 --dir \${TMPDIR:-/tmp}" >&2
}
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { say "$1 wants a positive integer, not '$2'"; usage; exit 100; }; }
while [ $# -gt 0 ]; do
  case $1 in
    --size | --files | --rounds | --stalls | --dir)
      [ $# -ge 2 ] || { say "$1 wants a value"; usage; exit 100; }
      case $1 in
        --size) positive "$1" "$2"; size=$2 ;;
        --files) positive "$1" "$2"; files=$2 ;;
        --rounds) positive "$1" "$2"; rounds=$2 ;;
        --stalls) positive "$1" "$2"; stalls=$2 ;;
        --dir) base=$2 ;;
      esac
      shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) say "unknown argument '$1'"; usage; exit 100 ;;
  esac
done
command_line="bin/bench fs --size $size --files $files --rounds $rounds --stalls $stalls"

[ "$(id -u)" = 0 ] || die 100 "runs as root: it mounts, drops the page cache and may apt-get install"
[ -c /dev/fuse ] || die 111 "/dev/fuse is missing"
[ -d "$base" ] || die 100 "--dir $base is not a directory"
base=$(cd "$base" && pwd)
started=$SECONDS
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- everything this run creates, and its undoing -------------------------------------------------------------
tmp=
sock=
ll_pid=
ll_mnt=
fds_mnt=
fds_mounted=
failed=

cleanup() {
  local rc=$? p m
  trap - EXIT INT TERM
  set +e
  [ -n "$failed" ] && [ "$rc" -eq 0 ] && rc=1
  if [ -n "$fds_mounted" ]; then
    timeout -k 5 60 "$bench_fdstore" --socket "$sock" fs umount "$fds_mnt" >/dev/null ||
      say "fdstore fs umount $fds_mnt failed"
  fi
  if [ -n "$ll_pid" ]; then
    is_mounted "$ll_mnt" && timeout -k 5 20 fusermount3 -u "$ll_mnt"
    stop_pid "$ll_pid" 5
  fi
  for m in "$fds_mnt" "$ll_mnt"; do
    if [ -n "$m" ] && is_mounted "$m"; then
      say "$m is still mounted: aborting its FUSE connection and detaching it"
      abort_fuse "$m"
      umount -l "$m"
    fi
  done
  # Serving and standby processes run in sessions of their own (setsid): stop any that outlived fs umount.
  if [ -n "$tmp" ] && [ -n "$fds_mnt" ] && [ -f "$tmp/pids" ]; then
    sort -u "$tmp/pids" | while read -r p; do
      if grep -qsF "$fds_mnt" "/proc/$p/cmdline"; then
        say "fdstore pid $p outlived fs umount: SIGKILL"
        kill -KILL "$p" 2>/dev/null
      fi
    done
  fi
  stop_store_daemon
  if [ -n "$tmp" ]; then
    if [ "$rc" -ne 0 ]; then
      local keep
      keep="$base/fdstore-bench-logs.$(date +%Y%m%d-%H%M%S)"
      mkdir -p "$keep" && cp "$tmp"/*.log "$tmp"/results.tsv "$keep"/ 2>/dev/null
      say "logs kept in $keep"
    fi
    if grep -qF " $tmp/" /proc/self/mountinfo; then
      say "left $tmp in place: something is still mounted under it"
    else
      rm -rf --one-file-system "$tmp"
    fi
  fi
  say "done in $((SECONDS - started)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_mounted MOUNTPOINT PID : until MOUNTPOINT is in mountinfo and answers, while PID lives (20 s at most).
wait_mounted() {
  local deadline=$((SECONDS + 20))
  until is_mounted "$1"; do
    kill -0 "$2" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
  timeout -k 2 10 cat "$1/probe" >/dev/null
}

# The fdstore mount's serving and standby pids, recorded for the cleanup; prints the status.
fds_status() {
  local s
  s=$(timeout -k 5 60 "$bench_fdstore" --socket "$sock" fs status "$fds_mnt") || return 1
  sed -n 's/^\(pid\|standby\)=\([0-9][0-9]*\)$/\2/p' <<<"$s" >>"$tmp/pids"
  echo "$s"
}

# Where each target's files go.
target_dir() {
  case $1 in
    native) echo "$tmp/native" ;;
    passthrough_ll) echo "$ll_mnt" ;;
    fdstore) echo "$fds_mnt" ;;
  esac
}

drop_caches() {
  sync -f "$tmp" 2>/dev/null || true
  echo 3 2>/dev/null >/proc/sys/vm/drop_caches || true
}

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$tmp/results.tsv"; }

# --- set-up --------------------------------------------------------------------------------------------------
need_packages fio libfuse3-dev fuse3 pkg-config gcc
tmp=$(mktemp -d "$base/fdstore-bench.XXXXXX")
touch "$tmp/results.tsv" "$tmp/pids"
snapshot_fdstore "$tmp/build"
fstype=$(df --output=fstype "$tmp" | tail -n 1)
say "working in $tmp ($fstype)"

meta_src=$bench_root/../shared/bench/meta.c
if [ -f "$meta_src" ]; then
  gcc -O2 -o "$tmp/meta" "$meta_src" || die 111 "cannot build $meta_src"
else
  say "skipping the metadata phases: $meta_src is absent"
fi
# libfuse's example, compiled in the temp dir only (Debian may ship it and its header gzipped).
examples=/usr/share/doc/libfuse3-dev/examples
mkdir "$tmp/cc"
for f in passthrough_ll.c passthrough_helpers.h; do
  if [ -f "$examples/$f" ]; then cp "$examples/$f" "$tmp/cc/"
  elif [ -f "$examples/$f.gz" ]; then zcat "$examples/$f.gz" >"$tmp/cc/$f"
  elif [ "$f" = passthrough_ll.c ]; then die 111 "$examples/$f is missing (libfuse3-dev)"
  fi
done
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
gcc -O2 -I"$tmp/cc" $(pkg-config --cflags fuse3) "$tmp/cc/passthrough_ll.c" -o "$tmp/passthrough_ll" \
  $(pkg-config --libs fuse3) || die 111 "cannot build passthrough_ll"

# The same layout under each target: a probe file, and room for fio's file and meta's directory.
for d in native ll-src fdstore-src; do
  mkdir "$tmp/$d"
  printf 'probe\n' >"$tmp/$d/probe"
done
mkdir "$tmp/ll-mnt" "$tmp/fdstore-mnt"

sock=$tmp/store.sock
start_store_daemon "$sock" "$tmp/store-daemon.log"

ll_mnt=$tmp/ll-mnt
"$tmp/passthrough_ll" -f -o "source=$tmp/ll-src,allow_other" "$ll_mnt" </dev/null >"$tmp/passthrough_ll.log" 2>&1 &
ll_pid=$!
wait_mounted "$ll_mnt" "$ll_pid" || { failed=yes; die 111 "passthrough_ll did not mount: $(cat "$tmp/passthrough_ll.log")"; }

fds_mnt=$tmp/fdstore-mnt
fds_mounted=yes   # from here on the cleanup runs fs umount, even if the mount fails half-way
timeout -k 5 120 "$bench_fdstore" --socket "$sock" fs mount "$tmp/fdstore-src" "$fds_mnt" >&2 || {
  failed=yes
  die 1 "fdstore fs mount failed; its log: $(tail -n 20 "$tmp"/fs-fuse.*.log 2>/dev/null)"
}
# Measure only once the warm standby is up: its start-up would otherwise compete for the two cores.
deadline=$((SECONDS + 90))
until fds_status | grep '^standby=[0-9]' >/dev/null; do
  [ $SECONDS -lt $deadline ] || { failed=yes; die 1 "the fdstore mount has no standby after 90 s"; }
  sleep 0.5
done
say "mounted: passthrough_ll pid $ll_pid, fdstore $(fds_status | grep -E '^(pid|standby)=' | tr '\n' ' ')"

# --- throughput and metadata, alternating ----------------------------------------------------------------------
throughput() { # TARGET ROUND
  local dir f w r
  dir=$(target_dir "$1")
  f=$dir/fio.dat
  rm -f "$f"
  drop_caches
  timeout -k 10 600 fio --name=seq-write --filename="$f" --rw=write --bs=1M --size="${size}M" --direct=0 \
    --numjobs=1 --ioengine=psync --end_fsync=1 --output-format=json >"$tmp/fio.json" ||
    { failed=yes; say "fio write on $1 failed: $(tail -n 5 "$tmp/fio.json")"; return 0; }
  w=$("$bench_python" "$here/figures.py" fio "$tmp/fio.json")
  drop_caches
  timeout -k 10 600 fio --name=seq-read --filename="$f" --rw=read --bs=1M --size="${size}M" --direct=0 \
    --numjobs=1 --ioengine=psync --output-format=json >"$tmp/fio.json" ||
    { failed=yes; say "fio read on $1 failed: $(tail -n 5 "$tmp/fio.json")"; return 0; }
  r=$("$bench_python" "$here/figures.py" fio "$tmp/fio.json")
  rm -f "$f"
  record seq-write "$1" "$w"
  record seq-read "$1" "$r"
  say "round $2 $1: write $w MiB/s, read $r MiB/s"
}

metadata() { # TARGET ROUND [FILES [discard]]
  local d out n=${3:-$files}
  [ -x "$tmp/meta" ] || return 0
  d=$(target_dir "$1")/meta
  mkdir "$d"
  out=$(timeout -k 10 900 "$tmp/meta" "$d" "$n") || { failed=yes; say "meta on $1 failed: $out"; return 0; }
  rmdir "$d"
  [ "${4:-}" = discard ] && return 0
  "$bench_python" "$here/figures.py" meta "$1" "$out" >>"$tmp/results.tsv"
  say "round $2 $1: $out"
}

targets=(native passthrough_ll fdstore)
# One untimed pass on every target first: the JVM compiles its hot paths, every cache sees the layout.
for t in "${targets[@]}"; do metadata "$t" warm-up $((files < 1000 ? files : 1000)) discard; done
for ((r = 0; r < rounds; r++)); do
  # Rotate the order each round so that no target always runs first (cold) or last (after the others' I/O).
  order=("${targets[@]:r % 3}" "${targets[@]:0:r % 3}")
  for t in "${order[@]}"; do throughput "$t" $((r + 1)); done
  for t in "${order[@]}"; do metadata "$t" $((r + 1)); done
done

# --- stalls on the fdstore mount -------------------------------------------------------------------------------
for event in failover upgrade; do
  "$bench_python" "$here/stall.py" --fdstore "$bench_fdstore" --socket "$sock" --mountpoint "$fds_mnt" \
    --file "$fds_mnt/probe" --event "$event" --reps "$stalls" --results "$tmp/results.tsv" --pids "$tmp/pids" ||
    { failed=yes; say "the $event measurement failed; the mount's log ends with:"; tail -n 20 "$tmp"/fs-fuse.*.log >&2; }
done
say "after the stalls: $(fds_status | grep -E '^(pid|standby|nodes|open_handles|failovers|upgrades)=' | tr '\n' ' ')"

# Anything the filesystem logged at WARNING or worse during the run is worth a look.
if warnings=$(grep -hE 'level=(WARNING|ERROR)' "$tmp"/fs-fuse.*.log 2>/dev/null) && [ -n "$warnings" ]; then
  say "the fdstore mount logged $(wc -l <<<"$warnings") WARNING/ERROR lines; by event, with the first of each:"
  grep -oE 'level=[A-Z]+ logger=[^ ]+ event=[^ ]+' <<<"$warnings" | sort | uniq -c | sort -rn >&2
  awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^event=/ && !seen[$i]++) print "  " $0 }' <<<"$warnings" >&2
fi

# --- report ----------------------------------------------------------------------------------------------------
echo "# $command_line"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine_summary); files on $fstype;" \
  "$(fio --version), libfuse $(pkg-config --modversion fuse3); medians of $rounds round(s);" \
  "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
"$bench_python" "$here/figures.py" report "$tmp/results.tsv" || failed=yes
