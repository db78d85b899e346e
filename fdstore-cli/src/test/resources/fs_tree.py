#!/usr/bin/env python3
"""Trees that stress how a passthrough mount holds inodes.

wide ROOT COUNT          create COUNT directories under ROOT (1000 per parent), then walk and stat them all
deep ROOT LEVELS         create a chain of LEVELS directories of 200-character names under ROOT (deeper than
                         PATH_MAX), with a file "leaf" at the bottom, using only directory-relative calls
walk ROOT LEVELS         walk the chain down from ROOT with relative chdir calls and read the leaf
remove ROOT              remove ROOT and everything under it, however deep (shutil.rmtree walks by fd)
orphan ROOT READY GO     make ROOT/gone (a directory) and ROOT/file, enter gone and hold file by an O_PATH fd, remove
                         both names, create READY, wait for GO, then stat both again (their attributes expired)
hold ROOT LEVELS READY GO  chdir to the bottom of the chain, create READY, wait for GO, then use the working
                         directory (stat, list, read the leaf) and walk up and down again

Prints "ok ..." on success; any error is printed as "error: ..." with exit status 1.
"""
import os
import shutil
import sys
import time

NAME = "d" * 199


def level(i):
    return NAME + chr(ord("a") + i % 26)


def wide(root, count):
    os.makedirs(root, exist_ok=True)
    for i in range(count):
        parent = os.path.join(root, "p%d" % (i // 1000))
        if i % 1000 == 0:
            os.mkdir(parent)
        os.mkdir(os.path.join(parent, str(i)))
    seen = 0
    for top, dirs, files in os.walk(root):
        for d in dirs:
            os.stat(os.path.join(top, d))
            seen += 1
    print("ok dirs=%d" % seen)


def deep(root, levels):
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    depth = len(root)
    for i in range(levels):
        os.mkdir(level(i), dir_fd=fd)
        child = os.open(level(i), os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = child
        depth += 1 + len(level(i))
    leaf = os.open("leaf", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(leaf, b"deep")
    os.close(leaf)
    os.close(fd)
    print("ok depth_bytes=%d" % depth)


def walk(root, levels):
    os.chdir(root)
    for i in range(levels):
        os.chdir(level(i))
    with open("leaf", "rb") as f:
        data = f.read()
    if data != b"deep":
        raise RuntimeError("leaf holds %r" % data)
    print("ok walked=%d" % levels)


def hold(root, levels, ready, go):
    walk(root, levels)
    open(ready, "w").close()
    await_file(go)
    os.stat(".")
    if os.listdir(".") != ["leaf"]:
        raise RuntimeError("bottom lists %r" % os.listdir("."))
    with open("leaf", "rb") as f:
        if f.read() != b"deep":
            raise RuntimeError("leaf changed")
    for i in range(levels):
        os.chdir("..")
    for i in range(levels):
        os.chdir(level(i))
    os.stat("leaf")
    print("ok held=%d" % levels)


def await_file(path):
    while not os.path.exists(path):
        time.sleep(0.05)


def orphan(root, ready, go):
    os.mkdir(os.path.join(root, "gone"))
    with open(os.path.join(root, "file"), "w") as f:
        f.write("orphan")
    os.chdir(os.path.join(root, "gone"))
    held = os.open(os.path.join(root, "file"), os.O_PATH)
    os.rmdir(os.path.join(root, "gone"))
    os.unlink(os.path.join(root, "file"))
    before = (os.stat(".").st_nlink, os.fstat(held).st_nlink)
    open(ready, "w").close()
    await_file(go)
    time.sleep(1.5)  # Longer than the mount's attribute timeout (1 s), so the kernel asks the daemon again.
    after = (os.stat(".").st_nlink, os.fstat(held).st_nlink, os.fstat(held).st_size)
    print("ok before=%s after=%s listing=%s" % (before, after, os.listdir(".")))


def main():
    try:
        mode, root = sys.argv[1], sys.argv[2]
        if mode == "wide":
            wide(root, int(sys.argv[3]))
        elif mode == "deep":
            deep(root, int(sys.argv[3]))
        elif mode == "walk":
            walk(root, int(sys.argv[3]))
        elif mode == "remove":
            shutil.rmtree(root)
            print("ok removed")
        elif mode == "orphan":
            orphan(root, sys.argv[3], sys.argv[4])
        elif mode == "hold":
            hold(root, int(sys.argv[3]), sys.argv[4], sys.argv[5])
        else:
            raise ValueError("unknown mode " + mode)
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        print("error: %s: %s" % (type(e).__name__, e))
        sys.exit(1)


main()
