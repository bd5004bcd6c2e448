"""Time the key ratios of ffstream's rollouts in one process and print them.

Run from anywhere with the environment that has ffstream installed::

    python asv_bench/measure.py            # best of 5 (naive timed once)
    python asv_bench/measure.py --repeat 3

Each case is warmed up (numba compilation, and one full-size run except for the
naive method) and then timed as the best of ``--repeat`` runs. Three kinds of
rollout of ``L`` tokens with an ``L``-tap filter are timed:

* ``from scratch``: ``ffstream.rollout`` with no prompt and a feedback adding
  pre-drawn noise (so the tokens are not all zero): one call, filter spectra
  included;
* ``prompted``: the same call after a prompt of 64 samples, which adds the
  prompt's one FFT (of twice the filter length) and its filter spectrum;
* ``warm``: ``OnlineConv.rollout`` of a stream whose filter spectra are already
  computed, as when a model forecasts again and again.

At ``L = 2^17`` the warm continuous rollout is also timed with
``delay_line_block=L``: the plain FutureFill schedule, without the delay line.

Single-threaded cases (everything but the batch) are timed in CPU time of the
calling thread, which time slices lost to other processes on a shared machine do
not inflate; the batch, which uses several threads, is timed in wall time.
"""

import argparse

from benchmarks.common import (
    PROMPT_LENGTH,
    add_noise,
    batch_prompts,
    best_of,
    max_threads,
    offline_conv,
    samples,
    stable_filters,
    use_threads,
    versions,
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


def rollout_cases(filters, method):
    """Closures for the three kinds of rollout (numba compiled beforehand)."""
    steps = filters.shape[0]
    channels = filters.shape[-1] if filters.ndim > 1 else 1
    noise = 1e-3 * samples(steps, (channels,), seed=3)
    prompt = samples(PROMPT_LENGTH, filters.shape[2:] or filters.shape[1:])
    warm_up_rollout(filters, prompt, method)
    ffstream.rollout(filters[:256], 256, feedback=add_noise, feedback_data=noise)
    stream = ffstream.OnlineConv(filters, method)
    return {
        "from scratch": lambda: ffstream.rollout(
            filters, steps, method=method, feedback=add_noise, feedback_data=noise
        ),
        "prompted": lambda: ffstream.rollout(filters, steps, prompt, method=method),
        "warm": lambda: stream.rollout(steps, add_noise, noise),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument(
        "--naive-repeat", type=int, default=1, help="timed runs of the naive rollout"
    )
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

    print(versions())
    print(
        f"best of {repeat} after warm-up (naive: {args.naive_repeat} run); "
        "thread CPU time, wall time for the batch"
    )
    print()
    times = {}

    def record(name, seconds):
        times[name] = seconds
        print(f"  {name:<52} {seconds:10.4f} s", flush=True)

    def record_rollouts(label, filters, methods):
        for method in methods:
            for kind, run in rollout_cases(filters, method).items():
                if method == "naive" and kind != "from scratch":
                    continue
                runs = max(1, args.naive_repeat) if method == "naive" else repeat
                seconds = best_of(run, runs, warm_up=method != "naive")
                record(f"{label} {method} {kind}", seconds)

    print("Absolute times")
    try:
        filters = stable_filters(BIG)
        record_rollouts("L=2^20", filters, ["continuous"])
        inputs = samples(BIG)
        record(
            "L=2^20 offline FFT", best_of(lambda: offline_conv(inputs, filters), repeat)
        )

        filters = stable_filters(NAIVE)
        record_rollouts("L=2^17", filters, ["continuous", "epoched", "naive"])
        plain = ffstream.OnlineConv(filters, delay_line_block=NAIVE)
        noise = 1e-3 * samples(NAIVE, (1,), seed=3)
        record(
            "L=2^17 plain FutureFill (no delay line) warm",
            best_of(lambda: plain.rollout(NAIVE, add_noise, noise), repeat),
        )

        filters = stable_filters(MIMO, (CHANNELS, CHANNELS))
        record_rollouts("MIMO 8x8 L=2^16", filters, ["continuous"])
        inputs = samples(MIMO, (CHANNELS,))
        record(
            "MIMO 8x8 L=2^16 offline FFT",
            best_of(lambda: offline_conv(inputs, filters), repeat),
        )

        filters = stable_filters(BATCH_LENGTH, (1,))
        prompts = batch_prompts(BATCH, BATCH_PROMPT)
        warm_up_rollout(filters, prompts, "continuous", batched=True)
        for threads in (1, 2):
            if threads > max_threads():
                print(f"  batch of 64 on {threads} threads: skipped (not available)")
                continue
            use_threads(threads)
            record(
                f"batch of 64, L=2^14, {threads} thread(s)",
                best_of(
                    lambda: ffstream.rollout(filters, BATCH_LENGTH, prompts), repeat
                ),
            )
    finally:
        use_threads(max_threads())

    ratios = [
        (
            f"L=2^20 continuous {kind} / offline FFT",
            f"L=2^20 continuous {kind}",
            "L=2^20 offline FFT",
        )
        for kind in ("from scratch", "prompted", "warm")
    ]
    ratios += [
        (
            f"L=2^17 naive / {method} from scratch (speed-up)",
            "L=2^17 naive from scratch",
            f"L=2^17 {method} from scratch",
        )
        for method in ("continuous", "epoched")
    ]
    ratios.append(
        (
            "L=2^17 plain FutureFill / continuous, warm",
            "L=2^17 plain FutureFill (no delay line) warm",
            "L=2^17 continuous warm",
        )
    )
    ratios += [
        (
            f"MIMO 8x8 continuous {kind} / offline FFT",
            f"MIMO 8x8 L=2^16 continuous {kind}",
            "MIMO 8x8 L=2^16 offline FFT",
        )
        for kind in ("from scratch", "prompted", "warm")
    ]
    ratios.append(
        (
            "batch of 64: 1 thread / 2 threads (speed-up)",
            "batch of 64, L=2^14, 1 thread(s)",
            "batch of 64, L=2^14, 2 thread(s)",
        )
    )
    print()
    print("Ratios")
    for label, numerator, denominator in ratios:
        if numerator in times and denominator in times:
            print(f"  {label:<52} {times[numerator] / times[denominator]:10.2f} x")


if __name__ == "__main__":
    main()
