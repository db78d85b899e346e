# Sourced by bin/ scripts: finds a JDK >= 25 ($JAVA_HOME, then java on PATH, then /usr/lib/jvm/*) and builds the
# project when its jar is missing or older than the sources.

fdstore_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fdstore_jar=$fdstore_root/fdstore-cli/target/fdstore-cli.jar
# FFM needs native access; JdkFiles needs java.io and sun.nio.ch to wrap fds in FileDescriptor and FileChannel.
fdstore_jvm_flags=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED)

java_major() { # JAVA_BINARY -> major version, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_java_home() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      dirname "$(dirname "$(readlink -f "$candidate")")"
      return 0
    fi
  done
  cat >&2 <<'MSG'
fdstore: no JDK 25 or newer found (looked at $JAVA_HOME, java on PATH and /usr/lib/jvm/*).
Install one, e.g. Eclipse Temurin 25 (apt-get install temurin-25-jdk from the Adoptium repository), or set JAVA_HOME.
MSG
  return 1
}

build_if_stale() { # JAVA_HOME
  local stale=
  if [ ! -f "$fdstore_jar" ]; then
    stale=yes
  elif [ -n "$(find "$fdstore_root" -path "$fdstore_root/.git" -prune -o \( -name pom.xml -o -path '*/src/main/*' \) \
                -newer "$fdstore_jar" -print -quit)" ]; then
    stale=yes
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
      mvn -q -B -ntp -Dstyle.color=never -f "$fdstore_root/pom.xml" -DskipTests package >&2
  ) 9>"$fdstore_root/.build.lock"
}
