"""Print the per-call latency of pushing samples: every method, length and block size.

One process, after a warm-up, with Python's garbage collector collected before and
disabled during each measured loop (see ``benchmarks/realtime.py``). For each
filter length ``L`` (one channel, each stream prefilled with ``L`` samples) and
block size (1: ``push(x)`` of a Python float; else ``push_block``), the
percentiles and the maximum of the time per call, and the mean time per sample.

Usage (from ``asv_bench/``, with ffstream importable)::

    python latency.py                       # L = 2**14, 2**17, 2**20; blocks 1, 64, 512
    python latency.py --lengths 14 --blocks 64
"""

import argparse

import numpy as np
from benchmarks.common import versions
from benchmarks.realtime import LATENCY_METHODS, latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lengths",
        type=int,
        nargs="+",
        default=[14, 17, 20],
        help="log2 of the filter lengths",
    )
    parser.add_argument("--blocks", type=int, nargs="+", default=[1, 64, 512])
    options = parser.parse_args()
    print(versions())
    print(
        "| L | method | block | samples | p50 | p99 | p99.9 | max | mean per sample |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for exponent in options.lengths:
        length = 2**exponent
        for method in LATENCY_METHODS[length]:
            for block in options.blocks:
                calls = latencies(length, method, block)
                p50, p99, p999 = np.percentile(calls, [50, 99, 99.9])
                per_sample = calls.sum() / (len(calls) * block)
                n = len(calls) * block
                print(
                    f"| 2^{exponent} | {method} | {block} | {n} | {p50:,.1f} us | "
                    f"{p99:,.1f} us | {p999:,.1f} us | {calls.max():,.0f} us | "
                    f"{per_sample:.3f} us |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
