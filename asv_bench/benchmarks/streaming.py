"""Streaming throughput at ``L = 2**14``: blocks of 256 samples and single samples.

Each stream is first prefilled with ``L`` samples, so the timings are those of
the steady state (full history, ring buffers wrapping).
"""

import ffstream

from .common import (
    METHODS,
    SlowBenchmark,
    offline_conv,
    samples,
    stable_filters,
    warm_up_stream,
)

LENGTH = 2**14
CHUNK = 256
#: Samples pushed per timed call: 2**14 in blocks, 2**10 one at a time.
BLOCK_SAMPLES = 2**14
SINGLE_SAMPLES = 2**10


def _prefilled_stream(method):
    filters = stable_filters(LENGTH)
    warm_up_stream(filters, method)
    stream = ffstream.OnlineConv(filters, method)
    stream.prefill(samples(LENGTH, seed=3))
    return stream


class PushBlock(SlowBenchmark):
    """``OnlineConv.push_block`` of 2**14 samples in blocks of 256."""

    params = list(METHODS)
    param_names = ["method"]
    repeat = (1, 10, 10.0)
    timeout = 600

    def setup(self, method):
        self.stream = _prefilled_stream(method)
        self.blocks = samples(BLOCK_SAMPLES).reshape(-1, CHUNK)

    def time_push_block(self, method):
        for block in self.blocks:
            self.stream.push_block(block)


class Push(SlowBenchmark):
    """``OnlineConv.push`` of 2**10 single samples (Python floats)."""

    params = list(METHODS)
    param_names = ["method"]
    repeat = (1, 10, 10.0)
    timeout = 600

    def setup(self, method):
        self.stream = _prefilled_stream(method)
        self.values = samples(SINGLE_SAMPLES).tolist()

    def time_push(self, method):
        for value in self.values:
            self.stream.push(value)


class OfflineFFTConvBlock:
    """Offline reference: one FFT convolution of 2**14 samples with ``L`` taps."""

    number = 1
    repeat = (1, 10, 5.0)
    timeout = 300

    def setup(self):
        self.filters = stable_filters(LENGTH)
        self.inputs = samples(BLOCK_SAMPLES)

    def time_fftconvolve(self):
        offline_conv(self.inputs, self.filters)
