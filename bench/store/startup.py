#!/usr/bin/python3
"""Start-up of fdstore, for `bin/bench startup`.

  startup.py FDSTORE RUNS DIR JAVA FFM [BASELINE]

FDSTORE is the command (bin/fdstore pinned to a build snapshot). Measures, RUNS times each, and prints medians:
  - daemon: from spawning `FDSTORE daemon --socket DIR/s.sock` to the first connect(2) the socket accepts (polled
    every 0.5 ms), and to the daemon's `event=listening` log line (its own timestamp);
  - cli: the wall time of `FDSTORE --socket SOCK list` against that daemon once it is settled: its standby attached
    and one untimed list served (which links the daemon's own request paths), as a script calling the command in a
    loop meets it;
  - ffm: the wall time of FFM, a command running a JVM with the CLI's options and an AOT cache of its own that links
    one C function through FFM and calls it once (org.fdstore.bench.FfmFloor): the floor of any command that passes
    a descriptor, which only FFM can;
  - jvm: the wall time of `java -Xshare:auto -version` with the same JDK, the floor of any Java command.
With BASELINE (the same build without its AOT caches), each run measures it too, right after FDSTORE, and its lines
end the figure's name with `-without-aot`. Exit status 0, or 1 if a daemon did not come up or a list failed.
"""
import datetime
import os
import socket
import statistics
import subprocess
import sys
import time


def daemon_start(fdstore, sock, log):
    if os.path.exists(sock):
        os.unlink(sock)
    with open(log, "w") as out:
        start_wall = time.time()
        start = time.monotonic()
        proc = subprocess.Popen([fdstore, "daemon", "--socket", sock], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=out)
    accepted = None
    while time.monotonic() - start < 60 and proc.poll() is None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
                s.connect(sock)
                accepted = time.monotonic() - start
                break
        except OSError:
            time.sleep(0.0005)
    listening = None
    # The line may follow listen(2), and so the first accepted connect, by a moment.
    deadline = time.monotonic() + 10
    while listening is None and accepted is not None and time.monotonic() < deadline:
        for line in open(log):
            if "event=listening" in line:
                ts = line.split()[0].removeprefix("ts=")
                when = datetime.datetime.fromisoformat(ts[:26].rstrip("Z") + "+00:00").timestamp()
                listening = when - start_wall
        time.sleep(0.01)
    return proc, accepted, listening


def settle(fdstore, sock, log):
    """Waits (up to 60 s) for the daemon's standby to attach, whose JVM start would compete with the timed command
    for the CPU, then runs one untimed list."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "event=mirror_attached" not in open(log).read():
        time.sleep(0.05)
    subprocess.run([fdstore, "--socket", sock, "list"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def timed(argv):
    start = time.monotonic()
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - start, done


def measure(fdstore, sock, log, java, figures):
    """One start of the daemon and one list; appends seconds to figures. Returns False on a failure."""
    proc, a, l = daemon_start(fdstore, sock, log)
    try:
        if a is None:
            print(f"bench startup: the daemon did not accept within 60 s: {open(log).read()[-400:]}",
                  file=sys.stderr)
            return False
        figures["accepted"].append(a)
        if l is not None:
            figures["listening"].append(l)
        settle(fdstore, sock, log)
        t, done = timed([fdstore, "--socket", sock, "list"])
        if done.returncode != 0:
            print(f"bench startup: fdstore list failed: {done.stderr.decode()}", file=sys.stderr)
            return False
        figures["cli"].append(t)
        return True
    finally:
        stop(proc)


def ms(v):
    return f"{statistics.median(v) * 1000:.0f} ms (median of {len(v)}, range {min(v) * 1000:.0f}..{max(v) * 1000:.0f})"


def report(figures, suffix):
    if figures["accepted"]:
        print(f"startup daemon{suffix} {ms(figures['accepted'])} from start to accepting connections")
    if figures["listening"]:
        print(f"startup daemon{suffix} {ms(figures['listening'])} from start to its listening log line")
    if figures["cli"]:
        print(f"startup cli{suffix} {ms(figures['cli'])} per fdstore list")


def main(fdstore, runs, tmp, java, ffm, baseline):
    sock = os.path.join(tmp, "startup.sock")
    log = os.path.join(tmp, "startup.log")
    cached = {"accepted": [], "listening": [], "cli": []}
    uncached = {"accepted": [], "listening": [], "cli": []}
    jvm = []
    floor = []
    ok = True
    for _ in range(runs):
        ok = measure(fdstore, sock, log, java, cached) and ok
        if baseline:
            ok = measure(baseline, sock, log, java, uncached) and ok
        t, done = timed([ffm])
        if done.returncode != 0:
            print(f"bench startup: the FFM floor failed: {done.stderr.decode()}", file=sys.stderr)
            ok = False
        else:
            floor.append(t)
        jvm.append(timed([java, "-Xshare:auto", "-version"])[0])
    report(cached, "")
    report(uncached, "-without-aot")
    if floor:
        print(f"startup ffm {ms(floor)} per JVM making one FFM call (the floor of a command that passes a descriptor)")
    print(f"startup jvm {ms(jvm)} per java -version (the floor)")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5],
                  sys.argv[6] if len(sys.argv) == 7 else None))
