"""A minimal socket-activating service manager, as systemd does it for fdstore.socket: binds the store socket
(SOCK_SEQPACKET) and the notify socket (SOCK_DGRAM), places them at fd 3 and 4 with LISTEN_FDS, LISTEN_PID and
LISTEN_FDNAMES, and execs COMMAND. Usage: activate.py STORE_PATH NOTIFY_PATH COMMAND ARGS..."""
import os
import socket
import sys

store_path, notify_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
store = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
store.bind(store_path)
store.listen(64)
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
# Through numbers above 4 first, so that placing one socket never overwrites the other.
high = [os.dup(store.fileno()), os.dup(notify.fileno())]
high = [os.dup2(fd, 100 + i, inheritable=False) for i, fd in enumerate(high)]
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i)
    os.set_inheritable(3 + i, True)
os.environ.update(LISTEN_FDS="2", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="store:notify")
os.execvp(command[0], command)
