#!/usr/bin/env python3
"""Holds a file open and works on it on command, for tests that drive open files across a daemon's death.

Usage: hold_open.py FILE [MODE]. MODE is rw (O_RDWR, the default), r (O_RDONLY) or rw-mmap (O_RDWR, and the whole
file mapped shared at open). Reads commands from stdin, one per line, and answers one line each:
  read           -> the file's content from offset 0 (pread: the file offset does not move), escaped
  write OFF TXT  -> pwrite TXT at OFF, answers "wrote N"
  mread          -> the mapped content, escaped (rw-mmap)
  mwrite OFF TXT -> TXT stored into the mapping at OFF, answers "mapped N" (rw-mmap)
  close          -> closes the file (FLUSH and RELEASE reach the daemon) and exits
This process never forks: a forked child would inherit the fd, and its close would wait for a daemon.
"""
import mmap
import os
import sys

mode = sys.argv[2] if len(sys.argv) > 2 else "rw"
fd = os.open(sys.argv[1], os.O_RDONLY if mode == "r" else os.O_RDWR)
mapped = mmap.mmap(fd, os.fstat(fd).st_size) if mode == "rw-mmap" else None
print("open", flush=True)
for line in sys.stdin:
    command, _, rest = line.rstrip("\n").partition(" ")
    offset, _, text = rest.partition(" ")
    if command == "read":
        print(repr(os.pread(fd, 1 << 16, 0).decode()), flush=True)
    elif command == "write":
        print(f"wrote {os.pwrite(fd, text.encode(), int(offset))}", flush=True)
    elif command == "mread":
        print(repr(mapped[:].decode()), flush=True)
    elif command == "mwrite":
        mapped[int(offset):int(offset) + len(text)] = text.encode()
        print(f"mapped {len(text)}", flush=True)
    elif command == "close":
        if mapped is not None:
            mapped.close()
        os.close(fd)
        print("closed", flush=True)
        break
