"""Prints what a process started by `fdstore exec` was given: its pid, the protocol variables, and every open fd
with its target and close-on-exec flag, one "key value" line each."""
import fcntl
import os

print("pid", os.getpid())
for key in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET"):
    print("env", key, os.environ.get(key, "-"))
for name in sorted(os.listdir("/proc/self/fd"), key=int):
    fd = int(name)
    try:
        target = os.readlink("/proc/self/fd/%d" % fd)
        cloexec = fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
    except OSError:
        continue  # the directory fd of the listing itself, closed by now
    print("fd", fd, "cloexec=%d" % (1 if cloexec else 0), target)
