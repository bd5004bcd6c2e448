"""Multichannel rollouts: 8 depthwise channels and an 8 x 8 MIMO bank.

``LayoutOfflineFFTConv`` is the offline bound for the same shapes: 8 (depthwise)
or 64 (MIMO) filter transforms, 8 input transforms and 8 inverse transforms.
"""

import ffstream

from .common import (
    PROMPT_LENGTH,
    SlowBenchmark,
    offline_conv,
    samples,
    stable_filters,
    warm_up_rollout,
)

CHANNELS = 8
#: Filter shape after the lag axis, per layout.
SHAPES = {"depthwise": (CHANNELS,), "mimo": (CHANNELS, CHANNELS)}
LENGTHS = [2**14, 2**16]
MAX_LENGTH = {"naive": 2**14, "continuous": 2**16}


class LayoutRollout(SlowBenchmark):
    """``ffstream.rollout`` of ``L`` steps with ``L``-tap multichannel filters."""

    params = (list(SHAPES), ["naive", "continuous"], LENGTHS)
    param_names = ["layout", "method", "L"]
    repeat = (1, 5, 10.0)
    rounds = 1
    timeout = 900

    def setup(self, layout, method, length):
        if length > MAX_LENGTH[method]:
            raise NotImplementedError(f"{method} is not run at L={length}")
        self.filters = stable_filters(length, SHAPES[layout])
        self.prompt = samples(PROMPT_LENGTH, (CHANNELS,))
        warm_up_rollout(self.filters, self.prompt, method)

    def time_rollout(self, layout, method, length):
        ffstream.rollout(self.filters, length, self.prompt, method=method)


class LayoutOfflineFFTConv:
    """One offline FFT convolution of ``L`` multichannel inputs with the same filters."""

    params = (list(SHAPES), LENGTHS)
    param_names = ["layout", "L"]
    number = 1
    repeat = (1, 10, 5.0)
    warmup_time = 0.1
    timeout = 300

    def setup(self, layout, length):
        self.filters = stable_filters(length, SHAPES[layout])
        self.inputs = samples(length, (CHANNELS,))

    def time_fft_conv(self, layout, length):
        offline_conv(self.inputs, self.filters)
