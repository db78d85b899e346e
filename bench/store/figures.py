#!/usr/bin/python3
"""Figures of the store benchmarks: turns raw results into report lines.

  figures.py compare RESULTS    medians and ratios of `bin/bench compare`, then the goals of issue 6 it covers
  figures.py goals REPORT       the goals of issue 6 that the other subcommands' lines in REPORT measure

RESULTS holds `FIGURE<TAB>TARGET<TAB>VALUE` lines, one per round; VALUE is nanoseconds, or `fail` when the
target could not do it (s6's getdump above 253 fds). Lower is better. Exit status: 0, or 1 if a figure of fdstore
is missing (a driver failed).
"""
import re
import statistics
import sys
from collections import defaultdict

UNITS = {"cycle": "ns per save+restore+remove"}
CYCLE_TARGETS = ["fdstore", "raw", "s6", "dup"]
NAMES = {"raw": "C-floor", "dup": "in-process-dup", "s6": "s6-fdholderd", "fdstore": "fdstore"}


def load(path):
    samples = defaultdict(list)
    for line in open(path):
        if line.strip():
            figure, target, value = line.rstrip("\n").split("\t")
            samples[(figure, target)].append(value)
    return samples


def median(values):
    numbers = [float(v) for v in values if v != "fail"]
    return statistics.median(numbers) if numbers else None


def spread(values):
    numbers = [float(v) for v in values if v != "fail"]
    return f"{len(numbers)} rounds, range {min(numbers):.0f}..{max(numbers):.0f}"


def compare(path):
    samples = load(path)
    med = {k: median(v) for k, v in samples.items()}
    missing = False
    goals = []
    cycle = {t: med.get(("cycle", t)) for t in CYCLE_TARGETS}
    for t in CYCLE_TARGETS:
        if cycle[t] is None:
            print(f"cycle {NAMES[t]} missing (every round failed)")
            missing = missing or t == "fdstore"
            continue
        ratios = ""
        if t == "fdstore":
            parts = [f"{cycle[t] / cycle[o]:.2f} x {NAMES[o]}" for o in ("raw", "s6") if cycle[o]]
            ratios = f"; {', '.join(parts)}" if parts else ""
        print(f"cycle {NAMES[t]} {cycle[t]:.0f} {UNITS['cycle']} ({spread(samples[('cycle', t)])}{ratios})")
    if cycle["fdstore"] and cycle["raw"]:
        r = cycle["fdstore"] / cycle["raw"]
        goals.append(f"goal cycle <= 1.1 x C floor: {'met' if r <= 1.1 else 'missed'} ({r:.2f} x)")
    if cycle["fdstore"] and cycle["s6"]:
        r = cycle["fdstore"] / cycle["s6"]
        goals.append(f"goal cycle <= 0.77 x s6-fdholderd: {'met' if r <= 0.77 else 'missed'} ({r:.2f} x)")

    sizes = sorted({int(f.split("-")[1]) for f, _ in samples if f.startswith("bulk-")})
    for n in sizes:
        fig = f"bulk-{n}"
        for t in ("fdstore", "s6"):
            values = samples.get((fig, t))
            if not values:
                if t == "fdstore":
                    print(f"bulk {n} fds fdstore missing (the driver failed in every round)")
                    missing = True
                continue
            m = med[(fig, t)]
            if m is None:
                print(f"bulk {n} fds {NAMES[t]} fails ({len(values)} of {len(values)} rounds)")
                missing = missing or t == "fdstore"
                continue
            ratio = ""
            if t == "fdstore" and med.get((fig, "s6")):
                ratio = f"; {m / med[(fig, 's6')]:.2f} x s6-fdholderd getdump"
            print(f"bulk {n} fds {NAMES[t]} {m:.0f} ns per fd ({spread(values)}{ratio})")
        if n == 15000 and med.get((fig, "fdstore")):
            m = med[(fig, "fdstore")]
            goals.append(f"goal bulk 15000 fds <= 1000 ns per fd: {'met' if m <= 1000 else 'missed'} ({m:.0f} ns)")
    for g in goals:
        print(g)
    return 1 if missing else 0


# (goal, regular expression of its report line, limit, unit): lower is better; a figure over its limit misses.
GOALS = [
    ("fast path <= 5 us per restore", r"^fastpath (\d+) ns per restore", 5000, "ns"),
    ("async save <= 10 us on the caller", r"^async (\d+) ns per save on the caller", 10000, "ns"),
    ("256 clients: 0 errors", r"^clients 256x\d+ errors (\d+) cycles", 0, "errors"),
    ("256 clients: 0 leaked fds", r"^clients 256x\d+ leaked (\d+) fds", 0, "fds"),
    ("memory <= 256 bytes of heap per entry", r"^memory \d+ entries: (-?\d+) bytes of heap per entry", 256, "bytes"),
    ("memory <= 256 bytes of heap per named entry", r"^memory \d+ named entries: (-?\d+) bytes of heap per entry",
     256, "bytes"),
    ("daemon listening <= 300 ms", r"^startup daemon (\d+) ms .* to accepting", 300, "ms"),
    ("CLI call <= 100 ms", r"^startup cli (\d+) ms", 100, "ms"),
]


def goals(path):
    lines = open(path).read().splitlines()
    missing = False
    for goal, pattern, limit, unit in GOALS:
        values = [int(m.group(1)) for m in map(lambda l: re.search(pattern, l), lines) if m]
        if not values:
            print(f"goal {goal}: not measured (its benchmark failed)")
            missing = True
            continue
        v = values[-1]
        verdict = "met" if v <= limit else f"missed by {v - limit} {unit}"
        ratio = f", {v / limit:.2f} x the limit" if limit and v > limit else ""
        print(f"goal {goal}: {verdict} ({v} {unit}{ratio})")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "goals":
        sys.exit(goals(sys.argv[2]))
    sys.exit(__doc__)
