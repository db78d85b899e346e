#!/usr/bin/env python3
"""Differential POSIX conformance cases for the passthrough filesystem.

Usage: posix_cases.py ROOT PHASE
Runs the cases of PHASE (root-setup, user-a, user-b, root-final) under directory ROOT and prints one normalised
line per step: what was done and its outcome (a value or an errno name). Run once on a plain directory and once on
the FUSE mount of an identical directory; the two outputs must be equal. Inode numbers, devices and access times
are left out: they differ by design.
"""
import errno
import mmap
import os
import shutil
import stat
import subprocess
import sys
import time

root, phase = sys.argv[1], sys.argv[2]
USER_A, USER_B, GROUP_X = 1001, 1002, 1234


def p(*parts):
    return os.path.join(root, *parts)


def show(label, fn):
    try:
        result = fn()
        print(f"{label}: ok {result if result is not None else ''}".rstrip())
    except OSError as e:
        print(f"{label}: {errno.errorcode.get(e.errno, e.errno)}")


def meta(path, follow=False):
    st = os.stat(path) if follow else os.lstat(path)
    kind = stat.S_IFMT(st.st_mode)
    size = st.st_size if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode) else "-"
    return f"type={kind:o} mode={stat.S_IMODE(st.st_mode):o} nlink={st.st_nlink} uid={st.st_uid} gid={st.st_gid} size={size}"


def write(path, data, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode=0o644):
    fd = os.open(path, flags, mode)
    try:
        return os.write(fd, data)
    finally:
        os.close(fd)


def read(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 1 << 20).decode()
    finally:
        os.close(fd)


def tree():
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            if rel.startswith("big"):
                continue
            out.append(f"{os.path.join(rel, name)} {meta(full)}")
    return out


def root_setup():
    os.umask(0o022)
    for d, mode in (("shared", 0o777), ("sticky", 0o1777), ("private", 0o700), ("setgid", 0o2775), ("ro", 0o555)):
        show(f"mkdir {d}", lambda: os.mkdir(p(d)))
        show(f"chmod {d}", lambda: os.chmod(p(d), mode))
    show("chown setgid", lambda: os.chown(p("setgid"), 0, GROUP_X))
    show("private file", lambda: write(p("private", "secret"), b"root only"))
    show("root 600 file", lambda: write(p("shared", "rootfile"), b"x", mode=0o600))
    show("chmod 600", lambda: os.chmod(p("shared", "rootfile"), 0o600))
    # Files and data
    show("create", lambda: write(p("f"), b"hello"))
    show("read", lambda: read(p("f")))
    show("append", lambda: write(p("f"), b" world", os.O_WRONLY | os.O_APPEND))
    show("read appended", lambda: read(p("f")))
    show("o_excl existing", lambda: os.open(p("f"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    show("open missing", lambda: os.open(p("missing"), os.O_RDONLY))
    show("truncate down", lambda: os.truncate(p("f"), 3))
    show("after truncate", lambda: read(p("f")))
    show("truncate up", lambda: os.truncate(p("f"), 10))
    show("size after up", lambda: os.stat(p("f")).st_size)

    def ftruncate():
        fd = os.open(p("f"), os.O_RDWR)
        try:
            os.ftruncate(fd, 2)
            return os.fstat(fd).st_size
        finally:
            os.close(fd)
    show("ftruncate", ftruncate)

    def pwrite_pread():
        fd = os.open(p("g"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, b"abcdef", 100)
            return (os.pread(fd, 6, 100).decode(), os.fstat(fd).st_size, os.pread(fd, 4, 0))
        finally:
            os.close(fd)
    show("pwrite at 100", pwrite_pread)
    # Renames
    show("rename", lambda: os.rename(p("g"), p("g2")))
    show("rename old gone", lambda: os.stat(p("g")))
    show("rename over file", lambda: (write(p("victim"), b"v"), os.rename(p("g2"), p("victim")), read(p("victim"))[-3:])[2])
    show("mkdir d1", lambda: os.mkdir(p("d1")))
    show("mkdir d2", lambda: os.mkdir(p("d2")))
    show("file in d2", lambda: write(p("d2", "x"), b"x"))
    show("rename dir over nonempty", lambda: os.rename(p("d1"), p("d2")))
    show("rename dir over empty", lambda: (os.rmdir(p("d2", "x")) if False else None, os.mkdir(p("d3")), os.rename(p("d1"), p("d3")))[2])
    show("rename across dirs", lambda: os.rename(p("victim"), p("d3", "moved")))
    show("rename file over dir", lambda: os.rename(p("d3", "moved"), p("d2")))
    # Links
    show("link", lambda: os.link(p("f"), p("f-link")))
    show("nlink", lambda: os.stat(p("f")).st_nlink)
    show("unlink original", lambda: os.unlink(p("f")))
    show("content via link", lambda: read(p("f-link")))
    show("nlink after", lambda: os.stat(p("f-link")).st_nlink)
    show("link dir", lambda: os.link(p("d2"), p("d2-link")))
    # Symlinks
    show("symlink", lambda: os.symlink("f-link", p("sym")))
    show("readlink", lambda: os.readlink(p("sym")))
    show("lstat symlink", lambda: meta(p("sym")))
    show("stat through symlink", lambda: meta(p("sym"), follow=True))
    show("dangling", lambda: (os.symlink("nowhere", p("dangling")), os.stat(p("dangling")))[1])
    show("loop", lambda: (os.symlink("loop", p("loop")), os.stat(p("loop")))[1])
    # Directories
    show("rmdir nonempty", lambda: os.rmdir(p("d2")))
    show("rmdir file", lambda: os.rmdir(p("f-link")))
    show("mkdir existing", lambda: os.mkdir(p("d2")))
    show("unlink dir", lambda: os.unlink(p("d2")))
    show("unlink missing", lambda: os.unlink(p("nope")))
    show("big dir", lambda: (os.mkdir(p("big")), [write(p("big", f"e{i:05d}"), b"") for i in range(3000)], None)[2])
    show("big listing", lambda: (lambda names: (len(names), names[0], names[-1], sorted(names) == [f"e{i:05d}" for i in range(3000)]))(os.listdir(p("big"))))
    # Special files
    show("mkfifo", lambda: os.mkfifo(p("fifo"), 0o640))
    show("fifo meta", lambda: meta(p("fifo")))
    show("mknod chr", lambda: os.mknod(p("null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3)))
    show("chr meta", lambda: (meta(p("null")), os.major(os.lstat(p("null")).st_rdev), os.minor(os.lstat(p("null")).st_rdev)))
    show("write to chr", lambda: write(p("null"), b"gone", os.O_WRONLY))
    # Attributes
    show("chmod", lambda: (os.chmod(p("f-link"), 0o640), meta(p("f-link")))[1])
    show("chown", lambda: (os.chown(p("f-link"), USER_A, GROUP_X), meta(p("f-link")))[1])
    show("utime ns", lambda: (os.utime(p("f-link"), ns=(1_000_000_123, 2_000_000_456)), os.stat(p("f-link")).st_mtime_ns)[1])
    show("utime symlink nofollow", lambda: (os.utime(p("sym"), ns=(5_000_000_000, 6_000_000_000), follow_symlinks=False), os.lstat(p("sym")).st_mtime_ns)[1])
    # Extended attributes
    show("setxattr", lambda: os.setxattr(p("f-link"), "user.color", b"blue"))
    show("getxattr", lambda: os.getxattr(p("f-link"), "user.color"))
    show("listxattr", lambda: sorted(x for x in os.listxattr(p("f-link")) if x.startswith("user.")))
    show("replace missing", lambda: os.setxattr(p("f-link"), "user.none", b"x", os.XATTR_REPLACE))
    show("create existing", lambda: os.setxattr(p("f-link"), "user.color", b"x", os.XATTR_CREATE))
    show("removexattr", lambda: os.removexattr(p("f-link"), "user.color"))
    show("getxattr removed", lambda: os.getxattr(p("f-link"), "user.color"))
    show("dir xattr", lambda: (os.setxattr(p("d3"), "user.dir", b"1"), os.getxattr(p("d3"), "user.dir"))[1])
    # Set-id files for the other phases: a write or truncate by another user clears the bits, root's keeps them
    for name in ("sid-write", "sid-trunc", "sid-otrunc", "sid-root", "sid-chown"):
        show(f"setid {name}", lambda: (write(p("shared", name), b"x"), os.chmod(p("shared", name), 0o6777))[1])
    show("setgid group-exec", lambda: (write(p("shared", "sgid-gx"), b"x"), os.chmod(p("shared", "sgid-gx"), 0o2757))[1])
    show("setgid no group-exec", lambda: (write(p("shared", "sgid-nx"), b"x"), os.chmod(p("shared", "sgid-nx"), 0o2747))[1])
    # One file open twice at once, with different flags, and mapped (sqlite3 and git do this)
    show("open nofollow existing", lambda: os.close(os.open(p("d3", "moved"), os.O_RDWR | os.O_NOFOLLOW)))

    def two_opens():
        write(p("both"), b"0123456789")
        r = os.open(p("both"), os.O_RDONLY)
        w = os.open(p("both"), os.O_RDWR)
        try:
            mapped = mmap.mmap(w, 10)
            mapped[0:2] = b"AB"
            os.pwrite(w, b"CD", 2)
            seen = os.pread(r, 10, 0)
            ro = mmap.mmap(r, 10, prot=mmap.PROT_READ)
            seen_mapped = ro[:]
            ro.close()
            mapped.close()
            a = os.open(p("both"), os.O_WRONLY | os.O_APPEND)
            os.write(a, b"!")
            os.close(a)
            return seen, seen_mapped, os.pread(r, 20, 0)
        finally:
            os.close(r)
            os.close(w)
    show("two opens and mmap", two_opens)

    def exec_twice():
        shutil.copy("/bin/sleep", p("sleeper"))
        os.chmod(p("sleeper"), 0o755)
        runs = [subprocess.Popen([p("sleeper"), "30"]) for _ in range(2)]
        try:
            deadline = time.monotonic() + 20
            while not all(os.path.realpath(f"/proc/{r.pid}/exe").endswith("/sleeper") for r in runs):
                if time.monotonic() > deadline:
                    raise TimeoutError("the two runs did not exec")
                time.sleep(0.01)
            try:
                busy = os.close(os.open(p("sleeper"), os.O_WRONLY))
            except OSError as e:
                busy = errno.errorcode[e.errno]
        finally:
            for r in runs:
                r.terminate()
        return [r.wait() for r in runs], busy
    show("exec by two processes, then open for write", exec_twice)


def user_a():
    show("a create shared", lambda: write(p("shared", "a-file"), b"a"))
    show("a meta", lambda: meta(p("shared", "a-file")))
    show("a mkdir shared", lambda: (os.mkdir(p("shared", "a-dir"), 0o755), meta(p("shared", "a-dir")))[1])
    show("a create sticky", lambda: write(p("sticky", "a-owned"), b"a", mode=0o666))
    show("a chmod sticky file", lambda: os.chmod(p("sticky", "a-owned"), 0o666))
    show("a read private", lambda: read(p("private", "secret")))
    show("a list private", lambda: os.listdir(p("private")))
    show("a read root 600", lambda: read(p("shared", "rootfile")))
    show("a create in ro", lambda: write(p("ro", "x"), b"x"))
    show("a setgid create", lambda: (write(p("setgid", "a-sg"), b"x"), meta(p("setgid", "a-sg")))[1])
    show("a setgid mkdir", lambda: (os.mkdir(p("setgid", "a-sgdir")), meta(p("setgid", "a-sgdir")))[1])
    show("a chown to b", lambda: os.chown(p("shared", "a-file"), USER_B, -1))
    show("a chmod root file", lambda: os.chmod(p("shared", "rootfile"), 0o777))
    show("a utime root file", lambda: os.utime(p("shared", "rootfile"), ns=(1, 1)))
    show("a utime now root file", lambda: os.utime(p("shared", "rootfile")))
    show("a truncate root file", lambda: os.truncate(p("shared", "rootfile"), 0))
    show("a access w", lambda: os.access(p("shared", "rootfile"), os.W_OK))
    show("a unlink root file", lambda: os.unlink(p("shared", "rootfile")) if False else os.rename(p("shared", "rootfile"), p("shared", "stolen")))
    show("a symlink", lambda: (os.symlink("a-file", p("shared", "a-sym")), meta(p("shared", "a-sym")))[1])
    show("a hardlink root file", lambda: os.link(p("private", "secret"), p("shared", "a-hl")))
    show("a xattr user file", lambda: (os.setxattr(p("shared", "a-file"), "user.k", b"v"), os.getxattr(p("shared", "a-file"), "user.k"))[1])
    show("a xattr root file", lambda: os.setxattr(p("shared", "rootfile"), "user.k", b"v"))
    show("a write setid", lambda: (write(p("shared", "sid-write"), b"y", os.O_WRONLY | os.O_APPEND), meta(p("shared", "sid-write")))[1])
    show("a truncate setid", lambda: (os.truncate(p("shared", "sid-trunc"), 0), meta(p("shared", "sid-trunc")))[1])
    show("a o_trunc setid", lambda: (write(p("shared", "sid-otrunc"), b"", os.O_WRONLY | os.O_TRUNC), meta(p("shared", "sid-otrunc")))[1])


def user_b():
    show("b unlink a in sticky", lambda: os.unlink(p("sticky", "a-owned")))
    show("b rename a in sticky", lambda: os.rename(p("sticky", "a-owned"), p("sticky", "b-took")))
    show("b write a in sticky", lambda: write(p("sticky", "a-owned"), b"b", os.O_WRONLY))
    show("b create sticky", lambda: write(p("sticky", "b-owned"), b"b"))
    show("b unlink own in sticky", lambda: os.unlink(p("sticky", "b-owned")))
    show("b rmdir a dir", lambda: os.rmdir(p("shared", "a-dir")))
    show("b write a file", lambda: write(p("shared", "a-file"), b"b", os.O_WRONLY))
    show("b read a file", lambda: read(p("shared", "a-file")))
    show("b write setgid group-exec", lambda: (write(p("shared", "sgid-gx"), b"b", os.O_WRONLY | os.O_APPEND), meta(p("shared", "sgid-gx")))[1])
    show("b write setgid no group-exec", lambda: (write(p("shared", "sgid-nx"), b"b", os.O_WRONLY | os.O_APPEND), meta(p("shared", "sgid-nx")))[1])


def root_final():
    show("mknod as root again", lambda: os.mknod(p("fifo2"), 0o600 | stat.S_IFIFO))
    show("root write setid", lambda: (write(p("shared", "sid-root"), b"r", os.O_WRONLY | os.O_APPEND), meta(p("shared", "sid-root")))[1])
    show("root chown setid", lambda: (os.chown(p("shared", "sid-chown"), USER_A, -1), meta(p("shared", "sid-chown")))[1])
    for line in tree():
        print(line)


{"root-setup": root_setup, "user-a": user_a, "user-b": user_b, "root-final": root_final}[phase]()
