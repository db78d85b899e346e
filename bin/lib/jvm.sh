# Sourced by bin/fdstore, bin/lib/jdk.sh and the release's bin/fdstore (bin/dist): the JVM options fdstore runs
# with, per role, and the AOT caches beside its jar. Defines only; starts no process.

# FFM needs native access; JdkFiles needs java.io and sun.nio.ch to wrap fds in FileDescriptor and FileChannel.
fdstore_jvm_flags=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED)
# Per role: the daemon tuned to serve; every other command is short and starts fast rather than optimises.
fdstore_daemon_tuning=(-XX:+UseSerialGC)
fdstore_cli_tuning=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)

# The JDK 25 AOT cache (JEP 483/514) of a build: classes loaded and linked, and method profiles, recorded by a
# training run, so that a JVM starts without parsing, verifying and linking them again. One cache per role, because
# a cache only serves a JVM with the options it was trained with. Cache files sit next to the jar they were trained
# on: fdstore-cli-cli.aot, fdstore-cli-daemon.aot.
fdstore_aot_cache() { # JAR ROLE -> sets aot_cache to the cache's path
  aot_cache=${1%.jar}-$2.aot
}

# fdstore_java_args ROLE JAR : sets the array fdstore_args to the JVM options for ROLE (daemon or cli) running JAR:
# the project's flags, the role's tuning, and its AOT cache when one newer than JAR exists. A cache the JVM still
# finds unusable (another JDK, a damaged file) is ignored silently (its aot/cds log lines are off), so a cache can
# slow a start at worst, never break a run.
fdstore_java_args() {
  local role=$1 jar=$2 aot_cache
  fdstore_aot_cache "$jar" "$role"
  if [ "$role" = daemon ]; then fdstore_args=("${fdstore_jvm_flags[@]}" "${fdstore_daemon_tuning[@]}")
  else fdstore_args=("${fdstore_jvm_flags[@]}" "${fdstore_cli_tuning[@]}"); fi
  if [ -s "$aot_cache" ] && [ "$aot_cache" -nt "$jar" ]; then
    fdstore_args+=("-XX:AOTCache=$aot_cache" '-Xlog:aot*=off,cds*=off')
  else
    fdstore_args+=(-Xshare:auto)
  fi
  # A daemon the CLI starts (the successor of `fdstore upgrade`) runs with the daemon's cache (SelfLauncher).
  [ "$role" = daemon ] || fdstore_daemon_cache_property "$jar"
}

fdstore_daemon_cache_property() { # JAR : adds to fdstore_args the property naming JAR's daemon cache, when fresh
  local aot_cache
  fdstore_aot_cache "$1" daemon
  if [ -s "$aot_cache" ] && [ "$aot_cache" -nt "$1" ]; then fdstore_args+=("-Dfdstore.daemon.aot-cache=$aot_cache"); fi
}
