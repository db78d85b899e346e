#!/usr/bin/python3
"""Plots of the store benchmarks (matplotlib), for `bin/bench plots`.

  plots.py RESULTS OUTDIR

RESULTS holds `FIGURE<TAB>X<TAB>VALUE` lines: `clients-p50`, `clients-p99` (X = concurrent clients, VALUE = ns
per cycle) and `bulk` (X = fds restored in one request, VALUE = ns per fd). Writes OUTDIR/bench-concurrency.png
and OUTDIR/bench-bulk.png.
"""
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)


def load(path):
    series = defaultdict(list)
    for line in open(path):
        if line.strip():
            figure, x, value = line.rstrip("\n").split("\t")
            series[figure].append((int(x), float(value)))
    return {k: sorted(v) for k, v in series.items()}


def plot(series, names, xlabel, ylabel, title, out):
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    for key, label in names:
        if key in series:
            xs, ys = zip(*series[key])
            ax.plot(xs, ys, marker="o", label=label)
    ax.set_xscale("log", base=2 if "concurrency" in out else 10)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)
    print(f"plot {out}", file=sys.stderr)


def main(path, outdir):
    series = load(path)
    plot(series, [("clients-p50", "p50"), ("clients-p99", "p99")], "concurrent clients (one connection each)",
         "ns per save+restore+remove", "fdstore: cycle latency against concurrency",
         f"{outdir}/bench-concurrency.png")
    plot(series, [("bulk", "fdstore restoreFds"), ("bulk-s6", "s6-fdholderd getdump")],
         "fds restored in one request", "ns per fd", "Bulk restore: cost per fd", f"{outdir}/bench-bulk.png")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
