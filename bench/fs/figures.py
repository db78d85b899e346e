#!/usr/bin/python3
"""Figures of `bin/bench fs`: reads fio's JSON and meta's output, and turns the raw results into report lines.

  figures.py fio FILE                   MiB/s of the one job in fio --output-format=json output FILE
  figures.py meta TARGET LINE...        meta's "create A stat B open+read C unlink D us/file" as TSV lines
  figures.py report RESULTS             medians and ratios, one line per figure, then the goals of issue 5

RESULTS holds `FIGURE<TAB>TARGET<TAB>VALUE` lines, one per measurement (a round or a repetition). Ratios are
value / reference for every figure: for MiB/s higher is better, for us/file and ms lower is better. With
several rounds, `range MIN..MAX` follows: this machine's storage is noisy (see docs/benchmarks.md).
Exit status of `report`: 0, or 1 if a figure is missing or the probe saw errors.
"""
import json
import statistics
import sys
from collections import defaultdict

TARGETS = ["native", "passthrough_ll", "fdstore"]
THROUGHPUT = ["seq-write", "seq-read"]
META = ["create", "stat", "open+read", "unlink"]
STALLS = ["failover-stall", "failover-idle-gap", "upgrade-stall", "upgrade-idle-gap"]


def fio(path):
    text = open(path).read()
    job = json.loads(text[text.index("{"):])["jobs"][0]
    moved = [job[rw] for rw in ("read", "write") if job[rw]["io_bytes"] > 0]
    if len(moved) != 1:
        raise SystemExit(f"figures.py: {path}: expected one of read or write to move data")
    print(f"{moved[0]['bw_bytes'] / 2**20:.1f}")


def meta(target, line):
    words = line.split()
    # create A stat B open+read C unlink D us/file
    if len(words) != 9 or words[0:8:2] != META or words[8] != "us/file":
        raise SystemExit(f"figures.py: unexpected meta output: {line!r}")
    for name, value in zip(words[0:8:2], words[1:8:2]):
        print(f"{name}\t{target}\t{float(value)}")


def number(v, unit):
    if unit == "MiB/s":
        return f"{v:.0f}"
    if unit == "us/file":
        return f"{v:.1f}"
    if v >= 10:
        return f"{v:.0f}"
    return f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def report(path):
    samples = defaultdict(list)
    for line in open(path):
        if line.strip():
            figure, target, value = line.rstrip("\n").split("\t")
            samples[(figure, target)].append(float(value))
    med = {k: statistics.median(v) for k, v in samples.items()}
    missing = []
    goals = []

    def per_target(figure, unit):
        for t in TARGETS:
            if (figure, t) not in med:
                missing.append(f"{figure} {t}")
                continue
            v, all_ = med[(figure, t)], samples[(figure, t)]
            refs = [r for r in TARGETS[:TARGETS.index(t)] if (figure, r) in med and med[(figure, r)] > 0]
            ratios = ", ".join(f"{v / med[(figure, r)]:.2f}x {r}" for r in refs)
            spread = f" range {number(min(all_), unit)}..{number(max(all_), unit)}" if len(all_) > 1 else ""
            print(f"fs {figure} {t} {number(v, unit)} {unit}" + (f" ({ratios})" if ratios else "") + spread)

    for figure in THROUGHPUT:
        per_target(figure, "MiB/s")
    if any(f in META for f, _ in samples):
        for figure in META:
            per_target(figure, "us/file")
    else:
        print("fs metadata skipped (no meta.c)")
    for figure in STALLS:
        values = samples.get((figure, "fdstore"))
        if not values:
            missing.append(figure)
            continue
        print(f"fs {figure} {number(statistics.median(values), 'ms')} ms (max {number(max(values), 'ms')}, "
              f"n={len(values)})")
    errors = samples.get(("probe-errors", "fdstore"))
    print(f"fs probe-errors {int(sum(errors)) if errors else 'unmeasured'}")

    def ratio(figure, ref):
        a, b = med.get((figure, "fdstore")), med.get((figure, ref))
        return None if a is None or not b else a / b

    for figure in THROUGHPUT:
        r = ratio(figure, "native")
        if r is not None:
            verdict = "met" if r >= 0.95 else f"missed by {(0.95 - r) * 100:.0f} points"
            goals.append(f"{figure} >= 0.95x native: {verdict} ({r:.2f}x)")
    for figure in META:
        r = ratio(figure, "passthrough_ll")
        if r is not None:
            verdict = "met" if r <= 1.0 else f"missed, {(r - 1) * 100:.0f} % slower"
            goals.append(f"{figure} <= 1.00x passthrough_ll: {verdict} ({r:.2f}x)")
    for figure, limits in (("failover-stall", (1000, 100)), ("upgrade-stall", (100,))):
        values = samples.get((figure, "fdstore"))
        if not values:
            continue
        m, top = statistics.median(values), max(values)
        for limit in limits:
            verdict = "met" if m <= limit else f"missed by {number(m - limit, 'ms')} ms"
            goals.append(f"{figure} <= {limit} ms: {verdict} (median {number(m, 'ms')} ms, "
                         f"max {number(top, 'ms')} ms{'' if top <= limit else ' over'})")
    if errors is not None:
        goals.append(f"probe-errors == 0: {'met' if sum(errors) == 0 else 'missed'} ({int(sum(errors))})")
    for g in goals:
        print(f"fs goal {g}")
    for m in missing:
        print(f"fs missing {m}", file=sys.stderr)
    return 1 if missing or not errors or sum(errors) > 0 else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "fio":
        fio(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "meta":
        meta(sys.argv[2], " ".join(sys.argv[3:]))
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        sys.exit(report(sys.argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(100)


if __name__ == "__main__":
    main()
