# shellcheck shell=bash
# Sourced by bench/store/compare.sh: the peers fdstore is measured against, built and started at bench time.
#   - anchor: ../shared/bench/anchor.c (the C floor `raw`, in-process `dup`, and libs6 clients `s6`, `s6dump`),
#     compiled with gcc against libs6/skalibs; never copied into this repository.
#   - s6-fdholderd: started by s6-fdholder-daemon on a temporary socket, with a rules directory letting root do
#     everything (as ../shared/bench/README.md describes).

anchor_bin=
s6_pid=
s6_socket=

# peers_setup DIR : installs s6 and its headers if missing, and compiles anchor.c into DIR.
peers_setup() {
  local dir=$1 src=${FDSTORE_BENCH_SHARED:-$bench_root/../shared/bench}/anchor.c
  [ -f "$src" ] || die 111 "$src is missing (set FDSTORE_BENCH_SHARED to the directory holding anchor.c)"
  need_packages gcc libc6-dev s6 libs6-dev skalibs-dev
  anchor_bin=$dir/anchor
  gcc -O2 -o "$anchor_bin" "$src" -ls6 -lskarnet || die 111 "cannot compile $src with gcc -ls6 -lskarnet"
  local rules=$dir/s6-rules r
  mkdir -p "$rules/uid/0/env"
  touch "$rules/uid/0/allow"
  for r in STORE_REGEX RETRIEVE_REGEX; do echo '.*' >"$rules/uid/0/env/S6_FDHOLDER_$r"; done
  for r in LIST GETDUMP SETDUMP; do echo x >"$rules/uid/0/env/S6_FDHOLDER_$r"; done
  s6_socket=$dir/s6.sock
}

# s6_start : a fresh s6-fdholderd (room for 15000 fds), waiting until its socket exists.
s6_start() {
  local i
  rm -f "$s6_socket"
  s6-fdholder-daemon -n 15000 -i "$(dirname "$s6_socket")/s6-rules" "$s6_socket" </dev/null >/dev/null 2>&1 &
  s6_pid=$!
  for ((i = 0; i < 100; i++)); do
    [ -S "$s6_socket" ] && return 0
    kill -0 "$s6_pid" 2>/dev/null || die 111 "s6-fdholder-daemon exited at start"
    sleep 0.05
  done
  die 111 "s6-fdholder-daemon did not create $s6_socket within 5 s"
}

s6_stop() {
  [ -n "$s6_pid" ] || return 0
  stop_pid "$s6_pid" 5
  s6_pid=
}

# anchor MODE N : runs the anchor and prints its figure (the number before "ns"), or nothing if it failed.
anchor() {
  local out
  out=$("$anchor_bin" "$1" "$2" "$s6_socket" 2>&1) || { say "anchor $1 $2 failed: $out"; return 0; }
  sed -n 's/.* \([0-9][0-9]*\) ns per .*/\1/p' <<<"$out"
}
