"""Nonlinear and noisy autoregressive rollouts of a long filter.

Run with ``python examples/nonlinear_rollout.py``. The model is
``u[t+1] = tanh(GAIN * y[t]) + sigma * e[t]``, ``y = h * u``, with a filter of
8192 taps. The noise ``e`` is drawn beforehand from a seeded generator and handed to
the feedback through ``feedback_data``, so sample paths are reproducible. ``GAIN``
is a global constant, which numba freezes into the feedback when it compiles it.
The first call compiles the feedback (and, after a fresh install, the rollout loop).
"""

import time

import numba
import numpy as np
import scipy.signal

import ffstream

GAIN = 0.9


@numba.njit
def noisy_tanh(y, u, step, series, data):
    """Write the next input: a squashed output plus pre-drawn noise."""
    u[0] = np.tanh(GAIN * y[0]) + data[series, step]


L = 8192
t = np.arange(L)
h = np.exp(-t / 2000) * np.cos(2 * np.pi * t / 700)
h /= np.abs(h).sum()  # sum |h| = 1 and |tanh'| <= GAIN < 1: a contraction

rng = np.random.default_rng(42)
n_series, prompt_length, steps = 8, 2048, 20_000
prompts = rng.standard_normal((n_series, prompt_length))
noise = 0.1 * rng.standard_normal((n_series, steps))

start = time.perf_counter()
ffstream.rollout(h, 2, prompts, noisy_tanh, feedback_data=noise)  # same types
print(f"first call (compiles the feedback): {time.perf_counter() - start:.1f} s")

start = time.perf_counter()
paths = ffstream.rollout(h, steps, prompts, noisy_tanh, feedback_data=noise)
elapsed = time.perf_counter() - start
print(
    f"{n_series} sample paths of {steps} tokens in {elapsed:.2f} s, shape {paths.shape}"
)

# Same seed, same paths; and each path obeys its recursion: token i+1 is
# tanh(GAIN * y) + noise of the output y made from prompt + tokens 0..i.
again = ffstream.rollout(h, steps, prompts, noisy_tanh, feedback_data=noise)
assert np.array_equal(paths, again)
for b in range(n_series):
    y = scipy.signal.fftconvolve(np.concatenate([prompts[b], paths[b]]), h)
    y = y[prompt_length - 1 : prompt_length - 1 + steps]
    assert np.allclose(paths[b], np.tanh(GAIN * y) + noise[b], rtol=0, atol=1e-10)
print(f"every path satisfies u[t+1] = tanh({GAIN} y[t]) + noise[t]")

# The three schedules agree (the naive one on a shorter horizon: it costs O(L) a step).
short = 4096
ref = ffstream.rollout(h, short, prompts, noisy_tanh, "naive", feedback_data=noise)
for method in ("epoched", "continuous"):
    out = ffstream.rollout(h, short, prompts, noisy_tanh, method, feedback_data=noise)
    print(f"{method:<10} vs naive: max abs difference {np.abs(out - ref).max():.1e}")
    assert np.abs(out - ref).max() < 1e-10

print("path 0, last 5 tokens:", np.round(paths[0, -5:], 4))
