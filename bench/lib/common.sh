# shellcheck shell=bash
# Sourced by the benchmarks under bench/: messages, exit codes, packages, the fdstore command, and a store daemon of
# the benchmark's own. Callers use `set -euo pipefail` and define bench_name (for messages).
#
# Exit codes, as for fdstore itself (s6's vocabulary): 0 ok, 1 the benchmark ran but a check failed (a probe error,
# a mount that did not come up), 100 bad usage, 111 the machine could not be set up (a package, a build, a daemon).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_fdstore=$bench_root/bin/fdstore
# shellcheck disable=SC2034 # used by the benchmarks that source this file
bench_python=/usr/bin/python3

say() { echo "bench ${bench_name:-}: $*" >&2; }
die() { local code=$1; shift; say "$*"; exit "$code"; }

# need_packages PACKAGE... : installs the Debian packages that are not installed yet, running
# apt-get update once, only if the first install attempt fails (the package lists may be missing or stale).
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
      die 111 "cannot install ${missing[*]} (apt-get install failed)"
  fi
}

# snapshot_fdstore DIR : builds fdstore if its jar is stale, copies the build into DIR and points bench_fdstore at
# DIR/fdstore, a copy of bin/fdstore pinned to that snapshot. bin/fdstore rebuilds whenever a source is newer than
# its jar: during a run, an edit in the work tree would pause a measurement for a whole Maven build and replace jars
# under running JVMs (the serving and standby processes, which launch their successors from their own class path).
snapshot_fdstore() {
  local dir=$1 java_home cache
  "$bench_fdstore" --help >/dev/null || die 111 "bin/fdstore does not run (build failed?)"
  # shellcheck source=bin/lib/jdk.sh
  . "$bench_root/bin/lib/jdk.sh"
  java_home=$(find_java_home) || die 111 "no JDK 25"
  mkdir -p "$dir/lib"
  # Under bin/fdstore's build lock, so that no concurrent build swaps jars while they are copied.
  (
    flock 9
    # -p: the JVM accepts an AOT cache for moved jars whose times and sizes are those it was trained on.
    cp -p "$fdstore_jar" "$dir/" && cp -p "$(dirname "$fdstore_jar")"/lib/*.jar "$dir/lib/" &&
      for cache in "${fdstore_jar%.jar}"-*.aot; do [ ! -f "$cache" ] || cp -p "$cache" "$dir/"; done
  ) 9>"$fdstore_root/.build.lock" || die 111 "cannot copy the fdstore build from $(dirname "$fdstore_jar")"
  # The same JVM options as bin/fdstore, with its start-up caches (trained here if the build had none).
  local jar
  jar=$dir/$(basename "$fdstore_jar")
  train_aot_if_stale "$java_home" "$jar"
  write_fdstore_wrapper "$dir/fdstore" "$java_home/bin/java" "$jar" "$jar"
  bench_fdstore=$dir/fdstore
}

# write_fdstore_wrapper OUT JAVA JAR CACHE_JAR : writes OUT, an executable running JAR as bin/fdstore does, with the
# AOT caches trained for CACHE_JAR when they are fresh (pass a jar without caches for a run without them).
write_fdstore_wrapper() {
  local out=$1 java=$2 jar=$3 cache_jar=$4 role
  # shellcheck disable=SC2016 # the single-quoted lines are the wrapper's own code
  {
    echo '#!/usr/bin/env bash'
    echo "# bin/fdstore pinned to the build snapshot of $jar (written by bench/lib/common.sh)."
    for role in daemon cli; do
      fdstore_java_args "$role" "$cache_jar"
      printf '%s_args=(%s)\n' "$role" "$(printf '%q ' "${fdstore_args[@]}")"
    done
    echo 'if [ "${1:-}" = daemon ]; then args=("${daemon_args[@]}"); else args=("${cli_args[@]}"); fi'
    printf 'exec %q "${args[@]}" -jar %q "$@"\n' "$java" "$jar"
  } >"$out"
  chmod +x "$out"
}

# start_store_daemon SOCKET LOG : starts `fdstore daemon` in the background and waits until it answers. It runs as
# shipped (with its hot standby); $FDSTORE_BENCH_DAEMON_ARGS adds options, e.g. --no-mirror for the store alone.
# Sets store_pid. The caller stops it with stop_store_daemon (in its cleanup trap).
store_pid=
start_store_daemon() {
  local socket=$1 log=$2 deadline=$((SECONDS + 60))
  # shellcheck disable=SC2086 # FDSTORE_BENCH_DAEMON_ARGS is a list of options
  "$bench_fdstore" daemon ${FDSTORE_BENCH_DAEMON_ARGS:-} --socket "$socket" </dev/null >"$log" 2>&1 &
  store_pid=$!
  until [ -S "$socket" ] && "$bench_fdstore" --socket "$socket" list >/dev/null 2>&1; do
    kill -0 "$store_pid" 2>/dev/null || { store_pid=; die 111 "the store daemon exited; its log: $(tail -n 5 "$log")"; }
    [ $SECONDS -lt $deadline ] || die 111 "the store daemon did not answer on $socket within 60 s"
    sleep 0.2
  done
}

# Stops the store daemon started above: SIGTERM, then SIGKILL after 10 s.
stop_store_daemon() {
  [ -n "$store_pid" ] || return 0
  stop_pid "$store_pid" 10
  store_pid=
}

# stop_pid PID SECONDS : SIGTERM, wait up to SECONDS, then SIGKILL. For processes this benchmark started.
stop_pid() {
  local pid=$1 wait=$2 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < wait * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  say "pid $pid did not stop on SIGTERM in $wait s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# is_mounted PATH : whether PATH is a mount point, read from mountinfo (never stat a FUSE mount that may hang).
is_mounted() {
  awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo
}

# abort_fuse PATH : aborts the FUSE connection behind PATH through fusectl, so that nothing waits on it any more.
# The last resort when its server is gone and umount -l alone would leave waiters hanging.
abort_fuse() {
  local dev minor ctl=/sys/fs/fuse/connections mounted_ctl=
  dev=$(awk -v m="$1" '$5 == m { print $3 }' /proc/self/mountinfo | tail -n 1)
  [ -n "$dev" ] || return 0
  minor=${dev#*:}
  if ! is_mounted "$ctl"; then
    mount -t fusectl fusectl "$ctl" 2>/dev/null && mounted_ctl=yes
  fi
  if [ -w "$ctl/$minor/abort" ]; then
    echo 1 >"$ctl/$minor/abort" && say "aborted the FUSE connection of $1"
  fi
  [ -z "$mounted_ctl" ] || umount "$ctl" 2>/dev/null || true
}

# machine_summary : one line describing this machine, for reports.
machine_summary() {
  local cpu mem
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "kernel $(uname -r), $(nproc) cores, ${cpu:-unknown CPU}, $mem memory"
}
