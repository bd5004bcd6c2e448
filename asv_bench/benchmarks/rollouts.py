"""Single-channel rollouts of ``L`` tokens with ``L`` taps, against one offline FFT.

``Rollout.time_rollout`` and ``OfflineFFTConv.time_fftconvolve`` share their
lengths, so the cost of a rollout relative to the offline bound (and to the
naive method) can be read off one run. ``DelayLine`` runs the continuous
schedule with the delay line's block from the cost model, fixed fractions of
``R`` and ``R`` itself (the plain FutureFill schedule).
"""

import ffstream

from .common import (
    METHODS,
    PROMPT_LENGTH,
    SlowBenchmark,
    offline_conv,
    samples,
    stable_filters,
    warm_up_rollout,
)

LENGTHS = [2**12, 2**14, 2**16, 2**17, 2**18, 2**20]
#: Longest filter each method is run with: naive is O(L^2), epoched O(L^1.5).
MAX_LENGTH = {"naive": 2**17, "epoched": 2**18, "continuous": 2**20}


class Rollout(SlowBenchmark):
    """``ffstream.rollout(h, L, prompt, method=...)`` with ``len(h) == L``."""

    params = (list(METHODS), LENGTHS)
    param_names = ["method", "L"]
    repeat = (1, 5, 10.0)
    rounds = 1
    timeout = 900

    def setup(self, method, length):
        if length > MAX_LENGTH[method]:
            raise NotImplementedError(f"{method} is not run at L={length}")
        self.filters = stable_filters(length)
        self.prompt = samples(PROMPT_LENGTH)
        warm_up_rollout(self.filters, self.prompt, method)

    def time_rollout(self, method, length):
        ffstream.rollout(self.filters, length, self.prompt, method=method)


class OfflineFFTConv:
    """One offline FFT convolution of ``L`` inputs with ``L`` taps (the bound)."""

    params = LENGTHS
    param_names = ["L"]
    number = 1
    repeat = (1, 10, 5.0)
    warmup_time = 0.1
    timeout = 300

    def setup(self, length):
        self.filters = stable_filters(length)
        self.inputs = samples(length)

    def time_fftconvolve(self, length):
        offline_conv(self.inputs, self.filters)


class DelayLine(SlowBenchmark):
    """Continuous ``rollout`` of ``L`` tokens for several ``delay_line_block`` values."""

    params = ([2**14, 2**17], ["model", "R/64", "R/8", "R"])
    param_names = ["L", "block"]
    repeat = (1, 5, 10.0)
    rounds = 1
    timeout = 600

    def setup(self, length, block):
        self.filters = stable_filters(length)
        self.prompt = samples(PROMPT_LENGTH)
        divisor = {"model": None, "R/64": 64, "R/8": 8, "R": 1}[block]
        self.block = None if divisor is None else length // divisor
        warm_up_rollout(self.filters, self.prompt, "continuous")

    def time_rollout(self, length, block):
        ffstream.rollout(self.filters, length, self.prompt, delay_line_block=self.block)
