"""Time the key ratios of ffstream's rollouts in one process and print them.

Run from anywhere with the environment that has ffstream installed::

    python asv_bench/measure.py            # best of 5 (naive timed once)
    python asv_bench/measure.py --repeat 3

Each case is warmed up (numba compilation, and one full-size run except for the
naive method) and then timed as the best of ``--repeat`` runs. The naive
rollout at ``L = 2**17`` is O(L^2) and takes seconds to minutes: it is run
``--naive-repeat`` times (default once).
"""

import argparse
import os
import platform
import time

import numba
import numpy as np
import scipy
from benchmarks.common import (
    PROMPT_LENGTH,
    batch_prompts,
    offline_conv,
    samples,
    stable_filters,
    warm_up_rollout,
)

import ffstream

BIG = 2**20
NAIVE = 2**17
MIMO = 2**16
CHANNELS = 8
BATCH = 64
BATCH_LENGTH = 2**14
BATCH_PROMPT = 1024


def best_of(function, repeat, warm_up=True):
    """Smallest wall time of ``repeat`` calls, after one untimed call if ``warm_up``."""
    if warm_up:
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def rollout_case(filters, prompt, method, batched=False):
    """A closure running one full rollout (numba compiled beforehand)."""
    warm_up_rollout(filters, prompt, method, batched=batched)
    steps = filters.shape[0]

    def run():
        ffstream.rollout(filters, steps, prompt, method=method)

    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument(
        "--naive-repeat", type=int, default=1, help="timed runs of the naive rollout"
    )
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

    print(
        f"ffstream {ffstream.__version__}, numba {numba.__version__}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"python {platform.python_version()}"
    )
    print(
        f"{os.cpu_count()} CPUs, NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}; "
        f"best of {repeat} after warm-up (naive: {args.naive_repeat} run)"
    )
    print()

    times = {}

    def record(name, seconds):
        times[name] = seconds
        print(f"  {name:<44} {seconds:10.4f} s", flush=True)

    print("Absolute times")
    try:
        # 1. Continuous rollout at L = 2**20 against one offline FFT convolution.
        filters = stable_filters(BIG)
        prompt = samples(PROMPT_LENGTH)
        record(
            "continuous rollout, L=2^20",
            best_of(rollout_case(filters, prompt, "continuous"), repeat),
        )
        inputs = samples(BIG)
        record(
            "offline FFT convolution, L=2^20",
            best_of(lambda: offline_conv(inputs, filters), repeat),
        )

        # 2. The three schedules at L = 2**17.
        filters = stable_filters(NAIVE)
        for method in ("continuous", "epoched"):
            record(
                f"{method} rollout, L=2^17",
                best_of(rollout_case(filters, prompt, method), repeat),
            )
        record(
            "naive rollout, L=2^17",
            best_of(
                rollout_case(filters, prompt, "naive"),
                max(1, args.naive_repeat),
                warm_up=False,
            ),
        )

        # 3. MIMO 8 x 8 at L = 2**16 against the offline FFT of the same shapes.
        filters = stable_filters(MIMO, (CHANNELS, CHANNELS))
        prompt = samples(PROMPT_LENGTH, (CHANNELS,))
        record(
            "MIMO 8x8 continuous rollout, L=2^16",
            best_of(rollout_case(filters, prompt, "continuous"), repeat),
        )
        inputs = samples(MIMO, (CHANNELS,))
        record(
            "MIMO 8x8 offline FFT convolution, L=2^16",
            best_of(lambda: offline_conv(inputs, filters), repeat),
        )

        # 4. A batch of 64 prompted series on 1 and 2 numba threads.
        filters = stable_filters(BATCH_LENGTH, (1,))
        prompts = batch_prompts(BATCH, BATCH_PROMPT)
        run_batch = rollout_case(filters, prompts, "continuous", batched=True)
        for threads in (1, 2):
            if threads > numba.config.NUMBA_NUM_THREADS:
                print(f"  batch of 64 on {threads} threads: skipped (not available)")
                continue
            numba.set_num_threads(threads)
            record(
                f"batch of 64 continuous, L=2^14, {threads} thread(s)",
                best_of(run_batch, repeat),
            )
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)

    ratios = [
        (
            "continuous L=2^20 / offline FFT L=2^20",
            "continuous rollout, L=2^20",
            "offline FFT convolution, L=2^20",
        ),
        (
            "naive / continuous, L=2^17 (speed-up)",
            "naive rollout, L=2^17",
            "continuous rollout, L=2^17",
        ),
        (
            "naive / epoched, L=2^17 (speed-up)",
            "naive rollout, L=2^17",
            "epoched rollout, L=2^17",
        ),
        (
            "epoched / continuous, L=2^17",
            "epoched rollout, L=2^17",
            "continuous rollout, L=2^17",
        ),
        (
            "MIMO 8x8 continuous / offline FFT, L=2^16",
            "MIMO 8x8 continuous rollout, L=2^16",
            "MIMO 8x8 offline FFT convolution, L=2^16",
        ),
        (
            "batch of 64: 1 thread / 2 threads (speed-up)",
            "batch of 64 continuous, L=2^14, 1 thread(s)",
            "batch of 64 continuous, L=2^14, 2 thread(s)",
        ),
    ]
    print()
    print("Ratios")
    for label, numerator, denominator in ratios:
        if numerator in times and denominator in times:
            print(f"  {label:<44} {times[numerator] / times[denominator]:10.2f} x")
        else:
            print(f"  {label:<44} {'n/a':>10}")


if __name__ == "__main__":
    main()
