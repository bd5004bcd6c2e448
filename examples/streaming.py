"""Stream samples through a long filter, one at a time or in blocks; check exactness.

Run with ``python examples/streaming.py``. Every schedule returns the outputs of the
causal convolution ``y[t] = sum_s h[s] u[t-s]`` as soon as ``u[t]`` arrives; here they
are compared with one offline convolution of the whole signal by ``scipy.signal``.
"""

import numpy as np
import scipy.signal

import ffstream

rng = np.random.default_rng(0)
L = 4096
h = np.exp(-np.arange(L) / 800) * np.cos(0.02 * np.arange(L)) / 400
u = rng.standard_normal(10_000)
expected = scipy.signal.fftconvolve(u, h)[: len(u)]

for method in ("naive", "epoched", "continuous"):
    stream = ffstream.OnlineConv(h, method=method)
    first = np.array([stream.push(x) for x in u[:100]])  # one sample at a time
    rest = stream.push_block(u[100:])  # or many at once: same results
    y = np.concatenate([first, rest])
    error = np.abs(y - expected).max() / np.abs(expected).max()
    print(f"{method:<10} {stream.n_seen} samples, max relative error {error:.1e}")
    assert error < 1e-10

# Depthwise: 3 independent channels, samples are (3,) vectors, blocks (n, 3).
H = np.stack([h, 0.5 * h, h[::-1] / 10], axis=1)  # (L, 3)
stream = ffstream.OnlineConv(H)
U = rng.standard_normal((2_000, 3))
Y = stream.push_block(U)
for c in range(3):
    expected_c = scipy.signal.fftconvolve(U[:, c], H[:, c])[: len(U)]
    assert np.allclose(
        Y[:, c], expected_c, rtol=0, atol=1e-10 * np.abs(expected_c).max()
    )
print("depthwise outputs", Y.shape, "match scipy.signal.fftconvolve")

# Prefill a long history (only its last output is computed, one FFT), then fork:
# the copy continues independently of the original.
stream = ffstream.OnlineConv(h)
stream.prefill(u[:9_000])
fork = stream.copy()
a = stream.push_block(u[9_000:])
free = fork.push_block(np.zeros(1_000))  # the fork hears silence: its free response
free_expected = scipy.signal.fftconvolve(u[:9_000], h)[9_000:10_000]
scale = np.abs(expected).max()
assert np.allclose(a, expected[9_000:], rtol=0, atol=1e-10 * scale)
assert np.allclose(free, free_expected, rtol=0, atol=1e-10 * scale)
print(
    f"after prefill: stream saw {stream.n_seen} samples, fork {fork.n_seen}; both exact"
)
