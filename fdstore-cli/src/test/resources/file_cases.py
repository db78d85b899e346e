"""The cases of real_programs.py that drive files directly: one file opened at once with every flag mix by several
processes, mmap of a file opened twice, a tree deeper than PATH_MAX, and 50,000 inodes."""
import errno
import hashlib
import mmap
import os
import stat
import subprocess
import sys

import realprog_common as ctx
from realprog_common import attempt, detail, errname, run, say

BLOCK = 4096
ACCESS = {"RDONLY": os.O_RDONLY, "WRONLY": os.O_WRONLY, "RDWR": os.O_RDWR}
EXTRA = {"APPEND": os.O_APPEND, "TRUNC": os.O_TRUNC, "CREAT": os.O_CREAT, "SYNC": os.O_SYNC,
         "DIRECT": os.O_DIRECT}
MIXES = [a for a in ACCESS] + [f"{a}|{e}" for a in ACCESS for e in EXTRA] \
        + ["RDWR|CREAT|TRUNC", "WRONLY|APPEND|SYNC", "RDWR|DIRECT|SYNC", "RDWR|APPEND|DIRECT"]


def flags(mix):
    value = os.O_CLOEXEC
    for name in mix.split("|"):
        value |= ACCESS.get(name, 0) | EXTRA.get(name, 0)
    return value


def aligned(size, fill=0):
    """A page-aligned buffer, as O_DIRECT needs."""
    buf = mmap.mmap(-1, size)
    buf.write(bytes([fill]) * size)
    return buf


def read_all(fd):
    """Reads from offset 0 to the end in aligned blocks; returns (length, digest)."""
    buf, h, off = aligned(16 * BLOCK), hashlib.sha256(), 0
    while True:
        n = os.preadv(fd, [buf], off)
        if n <= 0:
            return off, h.hexdigest()[:16]
        h.update(buf[:n])
        off += n


def content(path):
    """The file's length and digest, read through a new open of its own."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        length, sha = read_all(fd)
        return f"size={length} sha={sha}"
    finally:
        os.close(fd)


def worker(path, mix):
    """A child process holding one open of path with the flags of mix, and running commands from stdin."""
    def answer(text):
        print(text, flush=True)

    try:
        fd = os.open(path, flags(mix), 0o644)
        answer("open ok")
    except OSError as e:
        answer(f"open {errname(e)}")
        return
    mapped = None
    for line in sys.stdin:
        cmd, *args = line.split()
        try:
            if cmd == "read":
                length, sha = read_all(fd)
                answer(f"ok size={length} sha={sha}")
            elif cmd == "write":
                answer(f"ok wrote {os.pwritev(fd, [aligned(BLOCK, int(args[1]))], int(args[0]))}")
            elif cmd == "mmap":
                prot = mmap.PROT_READ | (mmap.PROT_WRITE if "RDWR" in mix else 0)
                mapped = mmap.mmap(fd, int(args[0]), mmap.MAP_SHARED, prot)
                answer("ok")
            elif cmd == "mset":
                mapped[int(args[0]):int(args[0]) + len(args[1])] = args[1].encode()
                mapped.flush()
                answer("ok")
            elif cmd == "mget":
                answer(f"ok {mapped[int(args[0]):int(args[0]) + int(args[1])].decode(errors='replace')}")
            else:
                answer(f"unknown command {cmd}")
        except OSError as e:
            answer(errname(e))
    if mapped is not None:
        mapped.close()
    os.close(fd)


class Holder:
    """A worker process and its one open file."""

    def __init__(self, path, mix):
        self.mix = mix
        self.process = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "real_programs.py"),
                                         "file-worker", path, mix], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        self.opened = self.process.stdout.readline().strip()

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip() or "(worker gone)"

    def close(self):
        self.process.stdin.close()
        return self.process.wait(timeout=120)


def case_open_flags():
    os.makedirs(ctx.root)
    path = os.path.join(ctx.root, "f")
    with open(path, "wb") as f:
        f.write(b"a" * 4 * BLOCK)
    holders = []
    try:
        held = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        attempt("read while this process holds it open", lambda: content(path))
        for i, mix in enumerate(MIXES):
            h = Holder(path, mix)
            holders.append(h)
            # O_DIRECT where the source supports it: EINVAL (tmpfs before 6.6) must then be the mount's answer too.
            unsupported = "DIRECT" in mix and h.opened == "open EINVAL"
            say(f"open {mix} while {i + 1} opens are held", h.opened, None if unsupported else "open ok")
            if not mix.startswith("WRONLY"):
                say(f"read {mix}", h.ask("read"))
            if not mix.startswith("RDONLY"):
                say(f"write {mix}", h.ask(f"write {(i % 6) * BLOCK} {i + 1}"))
                if mix.startswith("RDWR"):
                    say(f"read back {mix}", h.ask("read"))
            attempt(f"content after {mix}", lambda: content(path))
        for h in holders:
            say(f"close {h.mix}", f"rc={h.close()}", "rc=0")
        os.close(held)
    finally:
        for h in holders:
            h.process.kill()
    attempt("content after all closed", lambda: content(path))
    parallel(os.path.join(ctx.root, "p"))


def parallel(path):
    """Processes that open, write their own block, read it back and close, all at once, many times."""
    with open(path, "wb") as f:
        f.write(bytes(8 * BLOCK))
    me = os.path.join(os.path.dirname(__file__), "real_programs.py")
    procs = [subprocess.Popen([sys.executable, me, "file-hammer", path, str(k)], stdout=subprocess.PIPE, text=True)
             for k in range(6)]
    for k, p in enumerate(procs):
        out, _ = p.communicate(timeout=300)
        step = f"process {k} opening with 8 flag mixes 60 times, at once with 5 others"
        say(step, f"rc={p.returncode}", "rc=0")
        lines = out.splitlines() or ["(no output)"]
        say(step, lines[0], "errors=0")
        for line in lines[1:]:
            detail(step, line)
    attempt("content after the parallel opens", lambda: content(path))


def hammer(path, k):
    """A child process: opens path 60 times with 8 flag mixes in turn, writes its own block k, reads it back."""
    k = int(k)
    mixes = ["RDWR", "WRONLY|SYNC", "RDWR|DIRECT", "RDONLY", "WRONLY", "RDONLY|DIRECT", "RDWR|APPEND", "RDWR|SYNC"]
    errors = []
    mine, buf = aligned(BLOCK, k + 1), aligned(BLOCK)
    for r in range(60):
        mix = mixes[(r + k) % len(mixes)]
        try:
            fd = os.open(path, flags(mix))
            try:
                if not mix.startswith("RDONLY") and "APPEND" not in mix:
                    os.pwritev(fd, [mine], k * BLOCK)
                if not mix.startswith("WRONLY"):
                    os.preadv(fd, [buf], k * BLOCK)
                    if buf[:] not in (bytes(BLOCK), mine[:]):
                        errors.append(f"{mix}: block {k} holds {buf[:8]!r}")
            finally:
                os.close(fd)
        except OSError as e:
            if not ("DIRECT" in mix and e.errno == errno.EINVAL):  # O_DIRECT where the source supports it
                errors.append(f"{mix}: {errname(e)}")
    print(f"errors={len(errors)}")
    for e in sorted(set(errors))[:10]:
        print(e)


def case_mmap():
    os.makedirs(ctx.root)
    path = os.path.join(ctx.root, "m")
    with open(path, "wb") as f:
        f.write(bytes(2 * BLOCK))
    first = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    second = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    other = Holder(path, "RDWR")
    try:
        say("open in another process", other.opened, "open ok")
        say("map in another process", other.ask(f"mmap {2 * BLOCK}"), "ok")
        one, two = mmap.mmap(first, 2 * BLOCK), mmap.mmap(second, 2 * BLOCK)
        one[0:5] = b"first"
        say("store through one map, seen through the other", two[0:5].decode(errors="replace"), "first")
        say("seen by the other process's map", other.ask("mget 0 5"), "ok first")
        say("store in the other process", other.ask(f"mset {BLOCK} other"), "ok")
        say("seen by pread", os.pread(second, 5, BLOCK).decode(errors="replace"), "other")
        say("seen by this process's map", one[BLOCK:BLOCK + 5].decode(errors="replace"), "other")
        os.pwrite(first, b"write", 100)
        say("pwrite seen by a map", two[100:105].decode(errors="replace"), "write")
        say("pwrite seen by the other process", other.ask("mget 100 5"), "ok write")
        private = mmap.mmap(second, BLOCK, mmap.MAP_PRIVATE)
        private[0:7] = b"private"
        say("private map keeps its copy", private[0:7].decode(errors="replace"), "private")
        say("the file does not see it", os.pread(first, 5, 0).decode(errors="replace"), "first")
        for m in (one, two, private):
            m.close()
        reader = Holder(path, "RDONLY")
        say("a fifth open reads", reader.ask("read"))
        say("close reader", f"rc={reader.close()}", "rc=0")
    except OSError as e:
        say("mmap", errname(e), "ok")
    finally:
        say("close other", f"rc={other.close()}", "rc=0")
        os.close(first)
        os.close(second)
    attempt("content after all closed", lambda: content(path))


DEPTH, NAME = 24, 200  # 24 levels of 200 bytes: a path of about 4,800 bytes, past PATH_MAX (4,096)


def descend(fd, levels, make):
    """Walks down levels directories from fd (making them if make), by names relative to each; returns the fd."""
    for i in range(levels):
        name = f"{i:03d}" + "d" * (NAME - 3)
        if make:
            os.mkdir(name, 0o755, dir_fd=fd)
        below = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
        os.close(fd)
        fd = below
    return fd


def case_deep():
    os.makedirs(ctx.root)
    top = os.open(ctx.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        bottom = descend(os.dup(top), DEPTH, True)
        say(f"mkdir and descend {DEPTH} levels of {NAME} bytes", "ok")
        deep_steps(bottom)
        os.close(bottom)
        again = descend(os.dup(top), DEPTH, False)
        attempt("read leaf2 after a new walk down", lambda: read_at(again, "leaf2"))
        os.close(again)
    except OSError as e:
        say("walk", errname(e), "ok")
    os.close(top)
    lines = run("find", ["find", ctx.root, "-printf", "%d %y %m %n %s\n"], show=False)
    say("find entries", len(lines))
    for line in sorted(set(lines)):
        detail("find entries", line)
    run("find leaf2", ["find", ctx.root, "-name", "leaf2", "-printf", "%d %s %m\n"])
    run("rm -rf", ["rm", "-rf", ctx.root])
    say("gone", os.path.exists(ctx.root), False)


def read_at(fd, name):
    f = os.open(name, os.O_RDONLY | os.O_CLOEXEC, dir_fd=fd)
    try:
        return os.read(f, 100).decode()
    finally:
        os.close(f)


def deep_steps(fd):
    def create():
        f = os.open("leaf", os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644, dir_fd=fd)
        os.write(f, b"deep data")
        os.close(f)

    def xattr():
        f = os.open("leaf2", os.O_RDONLY | os.O_CLOEXEC, dir_fd=fd)
        try:
            os.setxattr(f, "user.deep", b"x")
            return os.getxattr(f, "user.deep").decode()
        finally:
            os.close(f)

    attempt("create leaf", create)
    attempt("stat leaf", lambda: os.stat("leaf", dir_fd=fd).st_size)
    attempt("read leaf", lambda: read_at(fd, "leaf"))
    attempt("rename leaf", lambda: os.rename("leaf", "leaf2", src_dir_fd=fd, dst_dir_fd=fd))
    attempt("link", lambda: os.link("leaf2", "hard", src_dir_fd=fd, dst_dir_fd=fd))
    attempt("nlink", lambda: os.stat("leaf2", dir_fd=fd).st_nlink)
    attempt("symlink", lambda: os.symlink("leaf2", "sym", dir_fd=fd))
    attempt("read through symlink", lambda: read_at(fd, "sym"))
    attempt("chmod", lambda: os.chmod("leaf2", 0o600, dir_fd=fd))
    attempt("xattr", xattr)
    attempt("listdir", lambda: sorted(os.listdir(fd)))
    attempt("unlink hard", lambda: os.unlink("hard", dir_fd=fd))


DIRS, FILES = 100, 499  # 100 + 100 * 499 = 50,000 inodes; one file in 10 is opened and written


def case_inodes():
    base = os.path.join(ctx.root, "many")
    os.makedirs(base)
    errors = []
    for d in range(DIRS):
        sub = os.path.join(base, f"d{d:03d}")
        try:
            os.mkdir(sub)
            for f in range(FILES):
                path = os.path.join(sub, f"f{f:03d}")
                if f % 10:
                    os.mknod(path, 0o644 | stat.S_IFREG)  # no open: a third of the time through the mount
                else:
                    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644)
                    os.write(fd, f"{d}/{f}".encode())
                    os.close(fd)
        except OSError as e:
            errors.append(f"{sub}: {errname(e)}")
    say(f"create {DIRS} directories of {FILES} files", f"{len(errors)} failed", "0 failed")
    for e in errors[:5]:
        detail(f"create {DIRS} directories of {FILES} files", e)
    lines = run("find", ["find", base, "-printf", "%y %m %n %s %P\n"], show=False)
    say("find entries", len(lines), DIRS * (FILES + 1) + 1)
    say("find digest", hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:16])
    count = size = 0
    try:
        for dirpath, dirnames, filenames in os.walk(base):
            for name in dirnames + filenames:
                st = os.lstat(os.path.join(dirpath, name))
                count, size = count + 1, size + (st.st_size if stat.S_ISREG(st.st_mode) else 0)
        say("stat all", f"ok {count} inodes, {size} bytes in files")
    except OSError as e:
        say("stat all", errname(e), "ok")
    run("rm -rf", ["rm", "-rf", base])
    say("gone", os.path.exists(base), False)


CASES = {"open-flags": case_open_flags, "mmap": case_mmap, "deep": case_deep, "inodes": case_inodes}
WORKERS = {"file-worker": worker, "file-hammer": hammer}
