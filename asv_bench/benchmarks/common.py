"""Inputs shared by the benchmarks: stable filters, prompts and offline references.

Filters are random taps (biased positive) under a decaying envelope, scaled so
that every output channel's taps sum to 0.99 in absolute value (over lags and
input channels). The identity feedback ``u[t+1] = y[t]`` is then a contraction:
rollouts neither blow up nor underflow to subnormals, so their cost is the
cost of the schedule.
"""

import os
import platform
import time

import numba
import numpy as np
import scipy
import scipy.fft
import scipy.signal

import ffstream

#: The three online convolution schedules, slowest first.
METHODS = ("naive", "epoched", "continuous")
#: Length of the prompts: short against the filters, enough to start the rollout.
PROMPT_LENGTH = 64
#: Sum of absolute taps per output channel.
GAIN = 0.99


@numba.njit
def add_noise(y, u, step, series, data):
    """Feedback ``u[t+1] = y[t] + data[t]`` (one noise row per step)."""
    for c in range(u.shape[0]):
        u[c] = y[c] + data[step, c]


def stable_filters(length, channels=(), seed=0):
    """Random filters ``(length, *channels)`` whose identity-feedback rollout is stable.

    ``channels`` is ``()`` for one channel, ``(d,)`` for a depthwise bank and
    ``(d_out, d_in)`` for a MIMO bank.
    """
    rng = np.random.default_rng(seed)
    shape = (length, *channels)
    envelope = np.exp(-4.0 * np.arange(length) / length)
    taps = (rng.standard_normal(shape) + 1.0) * envelope.reshape(
        (-1,) + (1,) * len(channels)
    )
    gain = np.abs(taps).sum(axis=0)
    if gain.ndim == 2:
        gain = gain.sum(axis=1)
    return taps * (GAIN / np.max(gain))


def samples(length, channels=(), seed=1):
    """Standard normal samples ``(length, *channels)``: prompts and pushed inputs."""
    return np.random.default_rng(seed).standard_normal((length, *channels))


def batch_prompts(batch, length, channels=1, seed=2):
    """A batch of prompts ``(batch, length, channels)``."""
    return np.random.default_rng(seed).standard_normal((batch, length, channels))


def warm_up_rollout(filters, prompt, method, batched=False):
    """Compile the rollout for this layout, prompt layout and method with a tiny run.

    The tiny filters (300 taps) are longer than the default crossover, so the
    FFT code paths (a FutureFill block and the delay line) run too. The tiny
    rollout is checked against the naive method's once: a broken engine fails
    the benchmark's setup instead of posting a fast time.
    """
    taps = min(300, filters.shape[0])
    tiny_prompt = prompt[:, :8] if batched else prompt[:8]
    got = ffstream.rollout(filters[:taps], taps, tiny_prompt, method=method)
    want = ffstream.rollout(filters[:taps], taps, tiny_prompt, method="naive")
    check_close(got, want, f"a {method} rollout")


def warm_up_stream(filters, method):
    """Compile ``OnlineConv.push_block`` and ``prefill`` for this layout and method."""
    taps = min(300, filters.shape[0])
    stream = ffstream.OnlineConv(filters[:taps], method)
    channels = filters.shape[1:2] if filters.ndim == 2 else filters.shape[2:]
    stream.prefill(samples(taps, channels))
    stream.push_block(samples(2 * taps, channels))
    stream.push(samples(1, channels)[0])
    inputs = samples(2 * taps, channels, seed=6)
    got = ffstream.OnlineConv(filters[:taps], method).push_block(inputs)
    check_close(
        got, offline_conv(inputs, filters[:taps])[: 2 * taps], f"{method} push_block"
    )


def check_close(got, want, what):
    """Raise ``AssertionError`` unless ``got`` equals ``want`` to a relative 1e-9."""
    scale = float(np.max(np.abs(want))) if np.size(want) else 0.0
    if np.shape(got) != np.shape(want) or not np.allclose(
        got, want, rtol=1e-9, atol=1e-9 * scale
    ):
        raise AssertionError(f"{what} disagrees with its reference: broken engine?")


def offline_conv(inputs, filters):
    """Full linear convolution of ``inputs`` with ``filters`` by one FFT product.

    The bound no online method can beat: every input and filter channel is
    transformed once, the spectra are multiplied (per channel for depthwise
    banks, as a ``d_out x d_in`` matrix per frequency for MIMO banks) and every
    output channel is transformed back.

    Parameters
    ----------
    inputs : numpy.ndarray
        ``(n,)`` or ``(n, d_in)``.
    filters : numpy.ndarray
        ``(L,)``, ``(L, d)`` or ``(L, d_out, d_in)``.
    """
    if filters.ndim == 1:
        return scipy.signal.fftconvolve(inputs, filters)
    n_out = inputs.shape[0] + filters.shape[0] - 1
    n_fft = scipy.fft.next_fast_len(n_out, real=True)
    spectrum_in = scipy.fft.rfft(inputs, n_fft, axis=0)
    spectrum_h = scipy.fft.rfft(filters, n_fft, axis=0)
    if filters.ndim == 2:
        spectrum_out = spectrum_h * spectrum_in
    else:
        spectrum_out = np.matmul(spectrum_h, spectrum_in[:, :, np.newaxis])[:, :, 0]
    return scipy.fft.irfft(spectrum_out, n_fft, axis=0)[:n_out]


class SlowBenchmark:
    """asv timing settings of the benchmarks whose single call takes long.

    Each sample is one call (``number = 1``) with no warm-up calls, and one
    sample is enough; subclasses set ``repeat`` and ``timeout``.
    """

    number = 1
    warmup_time = 0.0
    min_run_count = 1


def best_of(function, repeat, warm_up=True, clock=time.thread_time):
    """Smallest ``clock`` time of ``repeat`` calls, after one untimed call if ``warm_up``.

    The default clock is the calling thread's CPU time, which time slices lost to
    other processes on a shared machine do not inflate.
    """
    if warm_up:
        function()
    times = []
    for _ in range(repeat):
        start = clock()
        function()
        times.append(clock() - start)
    return min(times)


def max_threads():
    """The cores this process may run on: the most threads a batch can use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def use_threads(n):
    """Spread ffstream's batches over ``n`` threads.

    ``ffstream.set_num_threads`` where ffstream has it; the commits before it ran
    batches in numba's parallel region, whose threads ``numba.set_num_threads`` sets.
    """
    if hasattr(ffstream, "set_num_threads"):
        ffstream.set_num_threads(n)
    else:
        numba.set_num_threads(n)


def versions():
    """One line naming the versions of ffstream and of what it runs on."""
    return (
        f"ffstream {ffstream.__version__}, numba {numba.__version__}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"python {platform.python_version()}; {os.cpu_count()} CPUs, "
        f"{max_threads()} usable"
    )
