#!/usr/bin/env python3
"""A workload that must never see an error: run it on a mount while its daemon is killed or upgraded.

Usage: fs_workload.py DIR STOPFILE [FILES]
Loops until STOPFILE exists: creates FILES files with known content, stats and reads each back, unlinks them; then
writes a 4 MiB file in chunks, reads it back and compares SHA-256. Prints one line per error as it happens, and at
the end: "ops=N errors=M copies=K".
"""
import hashlib
import os
import sys

root, stop = sys.argv[1], sys.argv[2]
files = int(sys.argv[3]) if len(sys.argv) > 3 else 200
ops = errors = copies = 0
rounds = 0


def fail(what, e):
    global errors
    errors += 1
    print(f"error: {what}: {e!r}", flush=True)


while not os.path.exists(stop):
    rounds += 1
    work = os.path.join(root, f"w{os.getpid()}-{rounds}")
    try:
        os.mkdir(work)
        ops += 1
        for i in range(files):
            path = os.path.join(work, f"f{i}")
            data = f"{rounds}:{i}:".encode() * 8
            with open(path, "wb") as f:
                f.write(data)
            if os.stat(path).st_size != len(data):
                fail(f"stat {path}", "size")
            with open(path, "rb") as f:
                if f.read() != data:
                    fail(f"read {path}", "content")
            ops += 3
        names = os.listdir(work)
        if len(names) != files:
            fail(f"listdir {work}", f"{len(names)} names")
        for i in range(files):
            os.unlink(os.path.join(work, f"f{i}"))
            ops += 1
        big = os.path.join(work, "big")
        digest = hashlib.sha256()
        with open(big, "wb") as f:
            for k in range(64):
                chunk = os.urandom(65536)
                digest.update(chunk)
                f.write(chunk)
        with open(big, "rb") as f:
            if hashlib.sha256(f.read()).digest() != digest.digest():
                fail(f"copy {big}", "checksum")
        os.unlink(big)
        os.rmdir(work)
        copies += 1
        ops += 4
    except OSError as e:
        fail(work, e)
print(f"ops={ops} errors={errors} copies={copies}", flush=True)
