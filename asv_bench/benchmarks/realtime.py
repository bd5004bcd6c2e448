"""Real-time paths: one-sample ``push``, rollouts in chunks, checkpoints of a long stream.

Latencies are per-call wall-clock percentiles over many calls, measured in one
process after a warm-up, with Python's garbage collector collected before and
disabled during the measured loop (a collection would otherwise land on some
call at random and say nothing about ffstream).
"""

import gc
import tempfile
import time
from pathlib import Path

import numpy as np

import ffstream

from .common import SlowBenchmark, check_close, offline_conv, samples, stable_filters

PERCENTILES = ["p50", "p99", "p99.9", "max"]


def percentile_of(calls, percentile):
    """``calls`` (microseconds) at ``"p50"``, ``"p99"``, ``"p99.9"`` or ``"max"``."""
    if percentile == "max":
        return float(np.max(calls))
    return float(np.percentile(calls, float(percentile[1:])))


def per_call_times(function, arguments):
    """Wall-clock microseconds of ``function(a)`` for each ``a``, collector off."""
    times = np.empty(len(arguments))
    clock = time.perf_counter
    gc.collect()
    gc.disable()
    try:
        for i, argument in enumerate(arguments):
            start = clock()
            function(argument)
            times[i] = clock() - start
    finally:
        gc.enable()
    return 1e6 * times


def _prefilled_stream(length, method="continuous"):
    filters = stable_filters(length)
    inputs = samples(length, seed=4)
    n = min(4096, length)
    got = ffstream.OnlineConv(filters, method).push_block(inputs[:n])
    check_close(got, offline_conv(inputs[:n], filters)[:n], f"{method} push_block")
    stream = ffstream.OnlineConv(filters, method)
    stream.prefill(inputs)
    return stream


#: Samples pushed per latency measurement, by filter length: the continuous
#: schedule's largest block recurs every ``L`` samples, so at least 2 L of them.
LATENCY_SAMPLES = {2**14: 2**18, 2**17: 2**19, 2**20: 2**21}
#: Methods measured at each length (the naive one costs O(L) per sample).
LATENCY_METHODS = {
    2**14: ("naive", "epoched", "continuous", "bounded"),
    2**17: ("naive", "epoched", "continuous", "bounded"),
    2**20: ("epoched", "continuous", "bounded"),
}


def latencies(length, method, block, n_samples=None):
    """Per-call microseconds of pushing ``n_samples`` samples in blocks of ``block``.

    ``block == 1`` calls ``push(x)`` with a Python float, larger blocks
    ``push_block``. The stream is prefilled with ``length`` samples and warmed up
    with 64 calls first (compiled, every filter spectrum computed); the naive
    method pushes ``2**16`` samples at most (it costs ``O(L)`` each).
    """
    n_samples = n_samples or LATENCY_SAMPLES[length]
    if method == "naive":
        n_samples = min(n_samples, 2**16)
    stream = _prefilled_stream(length, method)
    values = samples(n_samples + 64 * block, seed=6)
    if block == 1:
        values = values.tolist()
        push = stream.push
    else:
        values = values.reshape(-1, block)
        push = stream.push_block
    for value in values[:64]:
        push(value)
    return per_call_times(push, values[64:])


class BlockLatency:
    """Per-call percentiles of ``push_block`` of 64 samples and ``push(x)``, every method.

    ``L = 2**14`` and ``2**20`` (the naive method at ``2**14`` only), over
    ``LATENCY_SAMPLES`` samples; ``asv_bench/latency.py`` prints the full table.
    """

    params = (
        ["naive", "epoched", "continuous", "bounded"],
        ["L=2^14", "L=2^20"],
        ["1", "64"],
        PERCENTILES,
    )
    param_names = ["method", "L", "block", "percentile"]
    unit = "microseconds"
    timeout = 1800

    def setup_cache(self):
        table = {}
        for length_name, length in (("L=2^14", 2**14), ("L=2^20", 2**20)):
            for method in LATENCY_METHODS[length]:
                for block in self.params[2]:
                    table[method, length_name, block] = latencies(
                        length, method, int(block)
                    )
        return table

    def setup(self, table, method, length, block, percentile):
        if (method, length, block) not in table:  # shown as n/a
            raise NotImplementedError(f"{method} is not measured at {length}")

    def track_latency(self, table, method, length, block, percentile):
        return percentile_of(table[method, length, block], percentile)


class ChunkedRollout:
    """``rollout(64, advance=True)`` 4096 times against one rollout of 2**18 tokens.

    ``L = 2**14``, continuous schedule. ``track_overhead_per_chunk`` is the extra
    time of a chunk in microseconds; ``track_ratio`` the chunked time over the
    whole one. The chunks are checked to equal the whole rollout bit for bit.
    """

    unit = "microseconds"
    timeout = 600
    chunk = 64
    steps = 2**18

    def setup_cache(self):
        stream = _prefilled_stream(2**14)
        whole = stream.copy().rollout(self.steps)
        chunked = stream.copy()
        parts = [chunked.rollout(self.chunk, advance=True) for _ in range(64)]
        if not np.array_equal(np.concatenate(parts), whole[: 64 * self.chunk]):
            raise AssertionError("chunked rollout differs from the whole one")
        clock = time.perf_counter
        best_whole = best_chunked = np.inf
        for _ in range(3):
            twin = stream.copy()
            start = clock()
            twin.rollout(self.steps)
            best_whole = min(best_whole, clock() - start)
            twin = stream.copy()
            start = clock()
            for _ in range(self.steps // self.chunk):
                twin.rollout(self.chunk, advance=True)
            best_chunked = min(best_chunked, clock() - start)
        return best_whole, best_chunked

    def track_overhead_per_chunk(self, times):
        whole, chunked = times
        return 1e6 * (chunked - whole) / (self.steps // self.chunk)

    def track_ratio(self, times):
        whole, chunked = times
        return chunked / whole

    track_ratio.unit = "ratio"


class Checkpoint(SlowBenchmark):
    """``save`` and ``ffstream.load`` of a continuous stream with ``L = 2**20``."""

    repeat = (1, 5, 30.0)
    timeout = 300

    def setup(self):
        self.stream = _prefilled_stream(2**20)
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "stream.ffs"
        self.stream.save(self.path)
        loaded = ffstream.load(self.path)
        block = samples(300, seed=7)
        if not np.array_equal(
            loaded.push_block(block), self.stream.copy().push_block(block)
        ):
            raise AssertionError("a loaded stream does not continue the saved one")

    def teardown(self):
        self.folder.cleanup()

    def time_save(self):
        self.stream.save(self.path)

    def time_load(self):
        ffstream.load(self.path)
