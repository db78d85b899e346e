#!/usr/bin/python3
"""The stall an application sees on an fdstore mount when its serving process is killed (kill -9) or upgraded.

A probe thread loops on stat() + open/read/close of a small file on the mount and records the CLOCK_MONOTONIC time
at which each iteration completed. Every open reaches the FUSE daemon (OPEN, FLUSH, RELEASE), so while no daemon
answers, no iteration completes. The stall of one event is the largest gap between two consecutive completions whose
later end falls after the event, within the observation window: from the kill (or from the start of `fdstore fs
upgrade`) to the next answered request, and any later hiccup while the mount settles. The idle gap is the largest
gap in the half second before the event: the noise floor of the probe on this machine.

Each repetition waits until the mount has a serving process and a warm (registered) standby, so every failover is
the warm-standby case. Appends `FIGURE<TAB>fdstore<TAB>VALUE` lines to --results; details go to stderr.
Exit status: 0 every repetition ran, 1 one failed (no recovery within --timeout, a failed upgrade).
"""
import argparse
import errno
import os
import signal
import subprocess
import sys
import threading
import time

IDLE_WINDOW_NS = 500_000_000
EXPECTED = b"probe\n"


class Probe(threading.Thread):
    """stat + open/read/close in a tight loop; completion times and errors, in monotonic ns."""

    def __init__(self, path):
        super().__init__(daemon=True, name="probe")
        self.path = path
        self.done = []
        self.errors = []
        self.stopping = False

    def run(self):
        path, done, now = self.path, self.done.append, time.monotonic_ns
        while not self.stopping:
            try:
                os.stat(path)
                fd = os.open(path, os.O_RDONLY)
                try:
                    data = os.read(fd, 64)
                finally:
                    os.close(fd)
                if data != EXPECTED:
                    raise OSError(errno.EIO, f"read {data!r}, expected {EXPECTED!r}")
                done(now())
            except OSError as e:
                name = errno.errorcode.get(e.errno, str(e.errno))
                self.errors.append((now(), f"{name} ({e.strerror})"))
                time.sleep(0.001)

    def completed_after(self, t):
        return bool(self.done) and self.done[-1] > t


def say(msg):
    print(f"bench fs: {msg}", file=sys.stderr, flush=True)


class Mount:
    def __init__(self, args):
        self.args = args

    def fdstore(self, *words, timeout=120):
        a = self.args
        return subprocess.run([a.fdstore, "--socket", a.socket, "fs", *words], capture_output=True, text=True,
                              timeout=timeout)

    def status(self):
        r = self.fdstore("status", self.args.mountpoint, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"fdstore fs status failed ({r.returncode}): {r.stderr.strip()}")
        values = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
        with open(self.args.pids, "a") as f:   # the cleanup trap stops whatever is left of these
            for key in ("pid", "standby"):
                if values.get(key, "none").isdigit():
                    f.write(values[key] + "\n")
        return values

    def await_ready(self, not_pid=None):
        """Waits for a serving pid (other than not_pid) and a registered standby; returns (pid, standby)."""
        deadline = time.monotonic() + self.args.timeout
        while True:
            s = self.status()
            pid, standby = s.get("pid", "none"), s.get("standby", "none")
            if pid.isdigit() and standby.isdigit() and pid != str(not_pid):
                return int(pid), int(standby), s
            if time.monotonic() > deadline:
                raise RuntimeError(f"no serving process with a warm standby after {self.args.timeout} s: {s}")
            time.sleep(0.5)


def max_gap(times, start, end):
    """The largest gap between consecutive completions whose later one is in (start, end], and the time its
    earlier one completed; (None, None) if no completion is in the window."""
    best, at = None, None
    for i in range(1, len(times)):
        if start < times[i] <= end:
            gap = times[i] - times[i - 1]
            if best is None or gap > best:
                best, at = gap, times[i - 1]
    return best, at


def one(args, mount, rep):
    pid, standby, _ = mount.await_ready()
    probe = Probe(args.file)
    probe.start()
    time.sleep(0.6)   # let the probe run a while before the event, to measure the idle gap
    if not probe.done:
        raise RuntimeError("the probe completed no iteration before the event: the mount does not answer")
    event = time.monotonic_ns()
    if args.event == "failover":
        os.kill(pid, signal.SIGKILL)
        what = f"killed pid {pid} (standby {standby})"
        settled_from = event
    else:
        r = mount.fdstore("upgrade", args.mountpoint, timeout=args.timeout)
        if r.returncode != 0:
            probe.stopping = True
            raise RuntimeError(f"fdstore fs upgrade failed ({r.returncode}): {r.stderr.strip()}")
        settled_from = time.monotonic_ns()
        what = f"{r.stdout.strip()} in {(settled_from - event) / 1e6:.0f} ms"
    # Observe until the mount answers again, then one more second: a later hiccup counts too.
    deadline = time.monotonic() + args.timeout
    while not probe.completed_after(settled_from):
        if time.monotonic() > deadline:
            probe.stopping = True
            raise RuntimeError(f"{args.event}: the mount did not answer within {args.timeout} s ({what})")
        time.sleep(0.005)
    time.sleep(1.0)
    end = time.monotonic_ns()
    probe.stopping = True
    probe.join(timeout=10)
    times = list(probe.done)
    stall, stall_at = max_gap(times, event, end)
    idle = max_gap(times, event - IDLE_WINDOW_NS, event)[0] or 0
    errors = list(probe.errors)
    with open(args.results, "a") as f:
        f.write(f"{args.event}-stall\tfdstore\t{stall / 1e6:.3f}\n")
        f.write(f"{args.event}-idle-gap\tfdstore\t{idle / 1e6:.3f}\n")
        f.write(f"probe-errors\tfdstore\t{len(errors)}\n")
    say(f"{args.event} {rep}/{args.reps}: {what}; stall {stall / 1e6:.1f} ms from {(stall_at - event) / 1e6:+.0f} ms, "
        f"idle gap {idle / 1e6:.2f} ms, {len(times)} probes, {len(errors)} errors")
    for t, text in errors[:5]:
        say(f"  probe error {(t - event) / 1e6:+.1f} ms after the event: {text}")
    if args.event == "failover":
        new_pid, _, s = mount.await_ready(not_pid=pid)
        if new_pid != standby:
            say(f"  note: pid {new_pid} serves now, not the standby {standby}")
        say(f"  failovers={s.get('failovers')} upgrades={s.get('upgrades')} nodes={s.get('nodes')} "
            f"open_handles={s.get('open_handles')}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fdstore", required=True, help="the fdstore command")
    p.add_argument("--socket", required=True, help="the store daemon's socket")
    p.add_argument("--mountpoint", required=True)
    p.add_argument("--file", required=True, help="a small file on the mount holding 'probe\\n'")
    p.add_argument("--event", required=True, choices=["failover", "upgrade"])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for recovery or readiness")
    p.add_argument("--results", required=True, help="TSV file to append figures to")
    p.add_argument("--pids", required=True, help="file to append every fdstore pid seen to, for the cleanup")
    args = p.parse_args()
    mount = Mount(args)
    status = 0
    try:
        for rep in range(1, args.reps + 1):
            one(args, mount, rep)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        say(f"{args.event}: {e}")
        status = 1
    except KeyboardInterrupt:
        say(f"{args.event}: interrupted")
        status = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # A probe thread stuck on a dead mount must not keep this process alive: exit without joining it.
    os._exit(status)


if __name__ == "__main__":
    main()
