"""A greedy local user, for the fair-share tests: run as the uid to be limited.

Usage:
  fair_share.py hold SOCKET N    connects N times to the store SOCKET, prints "held N", holds them until stdin closes
  fair_share.py flood NOTIFY N   sends N datagrams "FDSTORE=1 FDNAME=flood", each with a /dev/null fd, to the
                                 notify socket NOTIFY as fast as the kernel takes them; prints "sent N"
"""
import array
import os
import socket
import sys

command, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if command == "hold":
    held = []
    for _ in range(count):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(path)
        held.append(s)
    print("held", len(held), flush=True)
    sys.stdin.read()
elif command == "flood":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(path)
    fd = os.open("/dev/null", os.O_RDONLY)
    rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]).tobytes())]
    for _ in range(count):
        s.sendmsg([b"FDSTORE=1\nFDNAME=flood"], rights)
    print("sent", count, flush=True)
else:
    sys.exit("unknown command " + command)
