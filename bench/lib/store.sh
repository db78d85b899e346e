# shellcheck shell=bash
# Sourced (after common.sh) by the store benchmarks under bench/store/: a temporary directory, a snapshot of the
# build with the bench drivers, a daemon of the run's own on a temporary socket, the drivers' JVM, and one cleanup
# trap that stops whatever was started. Callers set bench_name and call store_bench_setup first.

store_tmp=
store_socket=
store_java=
store_bench_cp=
# Extra cleanup of the caller (e.g. a peer daemon), run by the trap before the store daemon is stopped.
store_extra_cleanup=:

store_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  $store_extra_cleanup
  stop_store_daemon
  [ -n "$store_tmp" ] && rm -rf "$store_tmp"
  exit "$rc"
}

# store_bench_setup : builds if stale, snapshots the build (product and fdstore-bench) into a temporary directory,
# and sets store_socket (not started yet), store_java and store_bench_cp.
store_bench_setup() {
  store_tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdstore-bench.XXXXXX")
  trap store_cleanup EXIT
  trap 'exit 130' INT TERM
  snapshot_fdstore "$store_tmp/build"
  local bench_jar=$fdstore_root/fdstore-bench/target/fdstore-bench.jar
  if [ ! -f "$bench_jar" ] || source_newer_than "$bench_jar"; then
    say "building the bench drivers (fdstore-bench)"
    (
      flock 9
      JAVA_HOME=$(find_java_home) MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
        mvn -q -B -ntp -Dstyle.color=never -f "$fdstore_root/pom.xml" -DskipTests -pl fdstore-bench -am package >&2 &&
        touch "$bench_jar"
    ) 9>"$fdstore_root/.build.lock" || die 111 "cannot build fdstore-bench"
  fi
  mkdir -p "$store_tmp/bench/lib"
  (
    flock 9
    cp "$bench_jar" "$store_tmp/bench/" && cp "$(dirname "$bench_jar")"/lib/*.jar "$store_tmp/bench/lib/"
  ) 9>"$fdstore_root/.build.lock" || die 111 "cannot copy the bench drivers from $(dirname "$bench_jar")"
  store_java=$(find_java_home)/bin/java
  store_bench_cp="$store_tmp/bench/fdstore-bench.jar:$store_tmp/bench/lib/*"
  store_socket=$store_tmp/fdstore.sock
}

# store_start : starts the run's daemon on store_socket (log in store_tmp/daemon.log).
store_start() {
  start_store_daemon "$store_socket" "$store_tmp/daemon.log"
}

# store_restart : a fresh daemon, so that one figure's entries and heap do not weigh on the next.
store_restart() {
  stop_store_daemon
  rm -f "$store_socket"
  store_start
}

# run_driver NAME ARGS... : runs the bench driver org.fdstore.bench.NAME against the run's daemon; its figures go
# to stdout, its progress to stderr; returns its exit code.
run_driver() {
  local name=$1
  shift
  FDSTORE_SOCKET=$store_socket "$store_java" "${fdstore_jvm_flags[@]}" -XX:+UseSerialGC -cp "$store_bench_cp" \
    "org.fdstore.bench.$name" "$@"
}
