"""Sends STATE to $NOTIFY_SOCKET with python3-systemd's systemd.daemon.notify(..., fds=[...]).

Usage: notify_fds.py [--linger] STATE [FILE | socketpair]...
A FILE is opened read-only; "socketpair" sends one end of a new socket pair, whose other end closes when this
process exits (so the stored end hangs up). With --linger the process waits for stdin to close before exiting.
"""
import os
import socket
import sys

from systemd import daemon

args = sys.argv[1:]
linger = args and args[0] == "--linger"
if linger:
    args = args[1:]
state, sources = args[0], args[1:]
fds, keep = [], []
for source in sources:
    if source == "socketpair":
        a, b = socket.socketpair()
        keep.append(b)
        fds.append(a.fileno())
        keep.append(a)
    else:
        fds.append(os.open(source, os.O_RDONLY))
sent = daemon.notify(state, fds=fds)
print("sent" if sent else "not sent", flush=True)
if linger:
    sys.stdin.read()
sys.exit(0 if sent else 111)
