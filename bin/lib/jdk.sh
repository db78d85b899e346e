# Sourced by bin/ scripts: finds a JDK >= 25 ($JAVA_HOME, then java on PATH, then /usr/lib/jvm/*), builds the
# project when its jar is missing or older than the sources, and trains the JVM's start-up (AOT) caches of a build.

# Every process started before the JVM costs each bin/fdstore call a millisecond or more, on a loaded machine several:
# the functions below use shell builtins, and start a process only where one must answer (cd -P, not readlink -f).
fdstore_root=$(CDPATH="" cd -P "${BASH_SOURCE[0]%/*}/../.." && pwd)
fdstore_jar=$fdstore_root/fdstore-cli/target/fdstore-cli.jar
# The JVM options of each role, shared with the release's launcher (bin/dist).
# shellcheck source=bin/lib/jvm.sh
. "${BASH_SOURCE[0]%/*}/jvm.sh"

java_major() { # JAVA_HOME -> sets java_major_version to the JDK's major version, or to nothing
  # The JDK's release file answers without starting a JVM (tens of milliseconds on every bin/fdstore call).
  local line
  java_major_version=
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"?([0-9]+) ]]; then
        java_major_version=${BASH_REMATCH[1]}
        return 0
      fi
    done <"$1/release"
  fi
  java_major_version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1)
}

find_java_home() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && jdk25_home "$JAVA_HOME/bin/java"; then
    echo "$jdk_home"
    return 0
  fi
  # java on PATH only if $JAVA_HOME is no JDK 25: $(...) starts a process.
  for candidate in "$(type -P java)" /usr/lib/jvm/*/bin/java; do
    if jdk25_home "$candidate"; then
      echo "$jdk_home"
      return 0
    fi
  done
  cat >&2 <<'MSG'
fdstore: no JDK 25 or newer found (looked at $JAVA_HOME, java on PATH and /usr/lib/jvm/*).
Install one, e.g. Eclipse Temurin 25 (apt-get install temurin-25-jdk from the Adoptium repository), or set JAVA_HOME.
MSG
  return 1
}

jdk25_home() { # JAVA_BINARY -> status 0 if it is the java of a JDK >= 25, whose directory it puts in jdk_home
  [ -n "$1" ] && [ -x "$1" ] || return 1
  jdk_home=${1%/bin/java}
  # java on PATH is usually a link into a JDK: only then is readlink needed to find the JDK's directory.
  if [ "$jdk_home" = "$1" ] || [ ! -r "$jdk_home/release" ]; then
    jdk_home=$(readlink -f "$1")
    jdk_home=${jdk_home%/bin/*}
  fi
  java_major "$jdk_home"
  [ -n "$java_major_version" ] && [ "$java_major_version" -ge 25 ]
}

build_if_stale() { # JAVA_HOME
  local stale=
  if [ ! -f "$fdstore_jar" ]; then
    stale=yes
  elif source_newer_than "$fdstore_jar" "$fdstore_root/fdstore-bench"; then
    stale=yes # the benchmarks (fdstore-bench) are not part of the product: bench/lib/store.sh builds them
  fi
  [ -n "$stale" ] || return 0
  if ! command -v mvn >/dev/null; then
    echo "fdstore: building needs Maven 3.8 or newer: apt-get install maven" >&2
    return 1
  fi
  echo "fdstore: building (first use, or sources changed)..." >&2
  # One build at a time, even when several commands start together.
  (
    flock 9
    JAVA_HOME=$1 MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
      mvn -q -B -ntp -Dstyle.color=never -f "$fdstore_root/pom.xml" -DskipTests -pl '!fdstore-bench' package >&2 &&
      # Maven rewrites a jar only when its own module changed: the jar's time must still say "built after
      # every source", and the AOT caches must follow any change in lib/ too.
      touch "$fdstore_jar"
  ) 9>"$fdstore_root/.build.lock"
}

source_newer_than() { # FILE [MODULE_DIR_TO_SKIP] -> status 0 if a pom.xml or main source of the reactor is newer
  # The reactor's pom.xml and its modules' (the directories beside it), and what lies under their src/main, walked
  # by a glob rather than find(1): no process started, on every call.
  local path unset_after=()
  # Options set here are unset again after: this file is sourced into its callers' shells.
  for path in globstar dotglob nullglob; do shopt -q "$path" || unset_after+=("$path"); done
  shopt -s globstar dotglob nullglob
  path=
  for path in "$fdstore_root"/pom.xml "$fdstore_root"/*/pom.xml "$fdstore_root"/*/src/main/**; do
    [ -n "${2:-}" ] && [[ $path == "$2"/* ]] && continue
    [ "$path" -nt "$1" ] && break
    path=
  done
  [ ${#unset_after[@]} -eq 0 ] || shopt -u "${unset_after[@]}"
  [ -n "$path" ]
}

# train_aot_if_stale JAVA_HOME JAR : (re)builds both AOT caches of JAR when one is missing or older than JAR, by a
# training run: a daemon on a temporary socket serving the frequent commands (save, restore, take, remove, list,
# status, the RFC flags), all run by one CLI JVM (org.fdstore.cli.TrainingRun), which records the CLI cache: a cache
# holds what its one JVM loaded. The daemon runs without its standby, which would inherit -XX:AOTCacheOutput.
# Never fails: when training fails, the JVMs run without a cache, and a marker stops retrying until JAR changes.
# Takes about ten seconds, once per build (the timeouts are only watchdogs: a loaded machine is ten times slower).
train_aot_if_stale() {
  local java=$1/bin/java jar=$2 failed
  failed=${jar%.jar}.aot-failed
  aot_fresh "$jar" && return 0
  [ -f "$failed" ] && [ "$failed" -nt "$jar" ] && return 0
  (
    flock 9
    aot_fresh "$jar" && exit 0
    echo "fdstore: training the start-up (AOT) caches of $(basename "$jar")..." >&2
    if aot_train "$java" "$jar"; then rm -f "$failed"
    else
      echo "fdstore: AOT training failed (see $failed); running without start-up caches" >&2
    fi
  ) 9>"${jar%.jar}.aot.lock"
  return 0
}

aot_fresh() { # JAR
  local role aot_cache
  for role in cli daemon; do
    fdstore_aot_cache "$1" "$role"
    [ -s "$aot_cache" ] && [ "$aot_cache" -nt "$1" ] || return 1
  done
}

aot_train() { # JAVA JAR -> status; the training's output goes to JAR's .aot-failed marker when it fails
  local java=$1 jar=$2 tmp daemon_pid i ok=
  local failed=${jar%.jar}.aot-failed cli_cache daemon_cache aot_cache
  fdstore_aot_cache "$jar" cli
  cli_cache=$aot_cache
  fdstore_aot_cache "$jar" daemon
  daemon_cache=$aot_cache
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdstore-aot.XXXXXX") || return 1
  local sock=$tmp/train.sock log=$tmp/training.log
  timeout 600 "$java" "${fdstore_jvm_flags[@]}" "${fdstore_daemon_tuning[@]}" -XX:AOTCacheOutput="$daemon_cache.tmp" \
    -jar "$jar" daemon --no-mirror --socket "$sock" </dev/null >>"$log" 2>&1 &
  daemon_pid=$!
  for ((i = 0; i < 600; i++)); do
    [ -S "$sock" ] && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  local s=(--socket "$sock") f=$tmp/file
  if [ -S "$sock" ] && echo training >"$f" &&
    timeout 300 "$java" "${fdstore_jvm_flags[@]}" "${fdstore_cli_tuning[@]}" -XX:AOTCacheOutput="$cli_cache.tmp" \
      -cp "$jar" org.fdstore.cli.TrainingRun "${s[@]}" save -f "$f" --name a \; "${s[@]}" restore a \; \
      "${s[@]}" list \; "${s[@]}" list --json \; "${s[@]}" status \; "${s[@]}" status --json \; \
      "${s[@]}" -s -f "$f" \; "${s[@]}" -r a -d a \; "${s[@]}" save -f "$f" --name b --ttl 1h \; \
      "${s[@]}" take b \; "${s[@]}" save -f "$f" --name c \; "${s[@]}" remove c >>"$log" 2>&1; then
    ok=yes
  fi
  kill -TERM "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || ok= # the daemon's cache is written as it exits
  if [ -n "$ok" ] && [ -s "$cli_cache.tmp" ] && [ -s "$daemon_cache.tmp" ]; then
    mv -f "$cli_cache.tmp" "$cli_cache" && mv -f "$daemon_cache.tmp" "$daemon_cache" && rm -rf "$tmp" && return 0
  fi
  rm -f "$cli_cache.tmp" "$daemon_cache.tmp"
  cp "$log" "$failed" 2>/dev/null || touch "$failed"
  rm -rf "$tmp"
  return 1
}
