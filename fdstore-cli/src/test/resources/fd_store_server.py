"""A service written for systemd's fd store with python3-systemd, run unchanged under fdstore.

Usage: fd_store_server.py DATA PORT_FILE REPORT SERVE
Started by hand, it opens DATA and reads 5 bytes (moving the file offset), binds a listening TCP socket on
127.0.0.1, writes its port to PORT_FILE, stores both fds with FDSTORE=1 and serves SERVE connections. Started
with LISTEN_FDS (by `fdstore exec`), it takes both back with listen_fds() and serves SERVE connections on the same
socket, reading the next 5 bytes of the same open file. Each connection gets the generation's name; REPORT gets
"generation pid bytes-read".
"""
import os
import socket
import sys

from systemd import daemon

data_path, port_file, report, serve = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

passed = daemon.listen_fds(unset_environment=False)
if passed:
    names = {name: fd for fd, name in daemon.listen_fds_with_names().items()}
    assert sorted(names.values()) == passed, (names, passed)
    data = names["data"]
    listener = socket.socket(fileno=names["listener"])
    generation = "gen2"
else:
    data = os.open(data_path, os.O_RDONLY)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    generation = "gen1"

chunk = os.read(data, 5).decode()
if generation == "gen1":
    if not daemon.notify("FDSTORE=1\nFDNAME=data", fds=[data]):
        sys.exit("FDSTORE=1 for the data file was not sent")
    if not daemon.notify("FDSTORE=1\nFDNAME=listener\nFDPOLL=0", fds=[listener.fileno()]):
        sys.exit("FDSTORE=1 for the listener was not sent")
    with open(port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)

with open(report + ".tmp", "w") as f:
    f.write("%s %d %s\n" % (generation, os.getpid(), chunk))
os.rename(report + ".tmp", report)

for _ in range(serve):
    conn, _ = listener.accept()
    conn.sendall((generation + "\n").encode())
    conn.close()
