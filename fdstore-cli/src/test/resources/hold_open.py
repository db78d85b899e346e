#!/usr/bin/env python3
"""Holds a file open and works on it on command, for tests that run with no FUSE daemon at all.

Usage: hold_open.py FILE. Reads commands from stdin, one per line, and answers one line each:
  read          -> the file's content from offset 0 (pread: the file offset does not move), escaped
  write OFF TXT -> pwrite TXT at OFF, answers "wrote N"
  close         -> closes the file (FLUSH and RELEASE reach the daemon) and exits
This process never forks: a forked child would inherit the fd, and its close would wait for a daemon.
"""
import os
import sys

fd = os.open(sys.argv[1], os.O_RDWR)
print("open", flush=True)
for line in sys.stdin:
    command, _, rest = line.rstrip("\n").partition(" ")
    if command == "read":
        print(repr(os.pread(fd, 1 << 16, 0).decode()), flush=True)
    elif command == "write":
        offset, _, text = rest.partition(" ")
        print(f"wrote {os.pwrite(fd, text.encode(), int(offset))}", flush=True)
    elif command == "close":
        os.close(fd)
        print("closed", flush=True)
        break
