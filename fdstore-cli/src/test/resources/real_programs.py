#!/usr/bin/env python3
"""Real programs as a differential test of the passthrough filesystem.

Usage: real_programs.py CASE ROOT SCRATCH
Runs CASE in the directory ROOT (created here), with SCRATCH as a plain directory outside the filesystem under test
(for what a case copies out and for HOME). Prints one normalised line per outcome, so that a run on a plain
directory and a run through the mount can be compared line by line:

    STEP: OUTCOME        what a step did (an exit status, a value, an errno name)
    STEP| DETAIL         its output, or one entry of a tree listing
    STEP! EXPECTED       the outcome is not what the program does on a healthy filesystem

Paths are written as ROOT/... and SCRATCH/...; inode numbers, devices and times are left out (except where a program
compares them itself, as rsync, tar and make do).

Cases: git, sqlite-wal, sqlite-rollback, rsync, tar, make, dbench, exec, open-flags, mmap, deep, inodes.
"""
import os
import subprocess
import sys
import threading
import time
import traceback

import file_cases
import realprog_common as ctx
from realprog_common import attempt, detail, digest, errname, run, same_trees, say, setup, tree, write_file


def case_git():
    repo, clone = os.path.join(ctx.root, "repo"), os.path.join(ctx.root, "clone")
    for i in range(300):
        d = os.path.join(repo, f"dir{i % 30:02d}")
        os.makedirs(d, exist_ok=True)
        mode = 0o755 if i % 7 == 0 else 0o644
        write_file(os.path.join(d, f"file{i:03d}.txt"), f"file {i}\n".encode() * (i + 1), mode)
    os.symlink("dir00/file000.txt", os.path.join(repo, "link"))
    run("git init", ["git", "init", "-q", "-b", "main"], repo)
    run("git add", ["git", "add", "."], repo)
    run("git commit", ["git", "commit", "-q", "-m", "300 files"], repo)
    run("git fsck", ["git", "fsck", "--full", "--strict"], repo)
    run("git rev-parse", ["git", "rev-parse", "HEAD", "HEAD^{tree}"], repo)
    run("git clone", ["git", "clone", "-q", repo, clone])
    run("git fsck clone", ["git", "fsck", "--full", "--strict"], clone)
    run("git log clone", ["git", "log", "--format=%H %s"], clone)
    run("git status", ["git", "status", "--porcelain"], repo)
    run("git status clone", ["git", "status", "--porcelain"], clone)
    write_file(os.path.join(clone, "dir01", "file001.txt"), b"changed\n")
    run("git commit clone", ["git", "commit", "-q", "-a", "-m", "change"], clone)
    run("git pull", ["git", "pull", "-q", "--ff-only", clone, "main"], repo)
    run("git gc", ["git", "gc", "-q"], repo)
    run("git fsck after gc", ["git", "fsck", "--full", "--strict"], repo)
    run("git count-objects", ["git", "count-objects", "-v"], repo, sort=True)
    tree("tree repo", repo, skip={".git"})
    tree("tree clone", clone, skip={".git"})
    tree("clone objects", os.path.join(clone, ".git", "objects"))


def sqlite_worker(role, db, mode, rows):
    """A child process: the writer inserts batches of 10 rows; a reader checks that it only sees whole batches."""
    import sqlite3
    rows = int(rows)
    con = sqlite3.connect(db, timeout=120, isolation_level=None)
    if role == "writer":
        con.execute(f"pragma journal_mode={mode}")
        for batch in range(rows // 10):
            con.execute("begin immediate")
            con.executemany("insert into t(v) values (?)", [(batch * 10 + i,) for i in range(10)])
            con.execute("commit")
        print("writer done")
        return
    reads = violations = last = 0
    done = db + ".done"
    while True:
        finished = os.path.exists(done)
        count, total = con.execute("select count(*), coalesce(sum(v), 0) from t").fetchone()
        reads += 1
        if count % 10 or total != count * (count - 1) // 2 or count < last:
            violations += 1
            print(f"reader saw count={count} sum={total} after {last}")
        last = count
        if finished:
            break
        time.sleep(0.002)
    print(f"reader done violations={violations} last={last} read={'yes' if reads else 'no'}")


def case_sqlite(mode):
    os.makedirs(ctx.root)
    db = os.path.join(ctx.root, "t.db")
    rows = 2000
    run("sqlite3 create", ["sqlite3", db, f"pragma journal_mode={mode}; create table t(id integer primary key, v)"])
    me = [sys.executable, os.path.abspath(__file__), "sqlite-worker"]
    readers = [subprocess.Popen(me + ["reader", db, mode, str(rows)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for _ in range(3)]
    run("writer", me + ["writer", db, mode, str(rows)])
    open(db + ".done", "w").close()
    for i, r in enumerate(readers):
        out, _ = r.communicate(timeout=300)
        say(f"reader {i}", f"rc={r.returncode}", "rc=0")
        lines = out.decode(errors="replace").splitlines() or ["(no output)"]
        for line in lines[:-1]:
            detail(f"reader {i}", line)
        say(f"reader {i}", lines[-1], f"reader done violations=0 last={rows} read=yes")
    run("sqlite3 check", ["sqlite3", db, "pragma integrity_check; pragma journal_mode; select count(*), sum(v) from t"])
    run("sqlite3 vacuum", ["sqlite3", db, "delete from t where v % 2; vacuum; select count(*), sum(v) from t"])


def case_rsync():
    os.makedirs(ctx.root)
    orig, back = os.path.join(ctx.scratch, "orig"), os.path.join(ctx.scratch, "back")
    run("copy /usr/include/linux", ["cp", "-a", "/usr/include/linux", orig])
    extra = os.path.join(orig, "zz-extra")
    os.mkdir(extra)
    write_file(os.path.join(extra, "a"), b"hard linked\n")
    os.link(os.path.join(extra, "a"), os.path.join(extra, "b"))
    write_file(os.path.join(extra, "setid"), b"set-id\n", 0o6755)
    os.setxattr(os.path.join(extra, "a"), "user.fdstore", b"value")
    os.setxattr(extra, "user.dir", b"on a directory")
    os.symlink("a", os.path.join(extra, "link"))
    os.mkfifo(os.path.join(extra, "fifo"))
    run("rsync in", ["rsync", "-aHAX", orig + "/", os.path.join(ctx.root, "tree") + "/"])
    run("rsync back", ["rsync", "-aHAX", os.path.join(ctx.root, "tree") + "/", back + "/"])
    run("rsync again", ["rsync", "-aHAXc", "-i", orig + "/", os.path.join(ctx.root, "tree") + "/"])
    same_trees("back equals original", orig, back)
    tree("tree", os.path.join(ctx.root, "tree"))


def case_tar():
    os.makedirs(ctx.root)
    run("copy /usr/include/linux", ["cp", "-a", "/usr/include/linux", os.path.join(ctx.root, "tree")])
    tarball = os.path.join(ctx.root, "t.tar")
    run("tar create", ["tar", "--sort=name", "-cf", tarball, "-C", ctx.root, "tree"])
    attempt("tar sha", lambda: digest(tarball))
    os.mkdir(os.path.join(ctx.root, "x"))
    run("tar extract", ["tar", "-xpf", tarball, "-C", os.path.join(ctx.root, "x")])
    run("tar compare", ["tar", "--compare", "-f", tarball, "-C", os.path.join(ctx.root, "x")])
    run("diff -r", ["diff", "-r", os.path.join(ctx.root, "tree"), os.path.join(ctx.root, "x", "tree")])
    run("tar gzip", ["tar", "--sort=name", "-czf", os.path.join(ctx.root, "t.tgz"), "-C", ctx.root, "x"])
    run("tar list", ["tar", "-tzvf", os.path.join(ctx.root, "t.tgz")], show=False)
    tree("extracted", os.path.join(ctx.root, "x"))


def case_make():
    proj = os.path.join(ctx.root, "proj")
    os.makedirs(proj)
    calls = []
    for i in range(20):
        write_file(os.path.join(proj, f"f{i:02d}.c"),
                   f'#include "p.h"\nint f{i:02d}(int x) {{ int s = 0; for (int k = 0; k < x; k++) s += k * {i + 1};'
                   f' return s; }}\n'.encode())
        calls.append(f"f{i:02d}(n)")
    write_file(os.path.join(proj, "p.h"), "".join(f"int f{i:02d}(int);\n" for i in range(20)).encode())
    write_file(os.path.join(proj, "main.c"),
               ('#include <stdio.h>\n#include "p.h"\nint main(void) { int n = 100; long s = '
                + " + ".join(calls) + '; printf("sum %ld\\n", s); return 0; }\n').encode())
    write_file(os.path.join(proj, "Makefile"),
               b"OBJS := $(patsubst %.c,%.o,$(sort $(wildcard *.c)))\n"
               b"prog: $(OBJS)\n\tgcc -o $@ $(OBJS)\n"
               b"%.o: %.c p.h\n\tgcc -O1 -c -o $@ $<\n"
               b"clean:\n\trm -f prog *.o\n")
    run("make -j", ["make", "-j4"], proj, sort=True)
    run("run", ["./prog"], proj)
    run("make again", ["make", "-j4"], proj)
    os.utime(os.path.join(proj, "f07.c"))
    run("make after touch", ["make", "-j4"], proj, sort=True)
    tree("tree", proj)
    run("make clean", ["make", "clean"], proj)


def case_dbench():
    os.makedirs(ctx.root)
    lines = run("dbench", ["dbench", "-D", ctx.root, "-c", "/usr/share/dbench/client.txt", "-t", "10", "4"], show=False)
    for line in lines or []:
        if ("rror" in line or "ailed" in line) and "barrier semaphore" not in line:
            detail("dbench", line)
    say("dbench throughput line", any(line.startswith("Throughput") for line in lines or []), True)
    tree("left behind", ctx.root)


def case_exec():
    bindir = os.path.join(ctx.root, "bin")
    os.makedirs(bindir)
    source = os.path.join(ctx.scratch, "hello.c")
    write_file(source, b'#include <stdio.h>\nint main(int c, char **v) { printf("hello %s\\n", c > 1 ? v[1] : "");'
                       b' return 0; }\n')
    hello, true = os.path.join(bindir, "hello"), os.path.join(bindir, "true")
    run("gcc onto the filesystem", ["gcc", "-O1", "-o", hello, source])
    run("cp /usr/bin/true", ["cp", "/usr/bin/true", true])
    failures = []

    def runner(k):
        for i in range(100):
            for argv, want in (([hello, f"{k}-{i}"], f"hello {k}-{i}\n"), ([true], "")):
                try:
                    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
                    if out.returncode != 0 or out.stdout.decode(errors="replace") != want:
                        failures.append(f"{argv[0]} rc={out.returncode} out={out.stdout[:200]!r}")
                except (OSError, subprocess.TimeoutExpired) as e:
                    failures.append(f"{argv[0]} {e!r}")

    threads = [threading.Thread(target=runner, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    step = "400 runs by two processes at once"
    say(step, f"{len(failures)} failed", "0 failed")
    for failure in sorted(set(failures))[:10]:
        detail(step, failure)
    sleep = os.path.join(bindir, "sleep")
    run("cp /bin/sleep", ["cp", "/bin/sleep", sleep])
    running = subprocess.Popen([sleep, "60"])
    try:
        for _ in range(1000):
            try:
                if os.readlink(f"/proc/{running.pid}/exe") == sleep:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        attempt("open a running binary for writing", lambda: os.close(os.open(sleep, os.O_WRONLY)), "ETXTBSY")
    finally:
        running.kill()
        running.wait()
    tree("tree", bindir)


CASES = {
    "git": case_git, "sqlite-wal": lambda: case_sqlite("wal"), "sqlite-rollback": lambda: case_sqlite("delete"),
    "rsync": case_rsync, "tar": case_tar, "make": case_make, "dbench": case_dbench, "exec": case_exec,
    **file_cases.CASES,
}


def main():
    workers = {"sqlite-worker": sqlite_worker, **file_cases.WORKERS}
    if len(sys.argv) > 1 and sys.argv[1] in workers:
        workers[sys.argv[1]](*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] in CASES:
        setup(sys.argv[2], sys.argv[3])
        try:
            CASES[sys.argv[1]]()
        except Exception as e:
            say("uncaught exception", errname(e), "none")
            for line in traceback.format_exc().splitlines():
                detail("uncaught exception", line)
    else:
        sys.exit(f"usage: real_programs.py CASE ROOT SCRATCH, with CASE one of {', '.join(CASES)}")


if __name__ == "__main__":
    main()
