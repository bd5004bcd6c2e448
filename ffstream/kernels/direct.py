"""Direct (time-domain) causal convolution primitives.

Arrays are channel-first so that every inner loop runs over contiguous lags.
Filters are given time-reversed, ``g[out, j, L - 1 - lag] = h[lag]`` for a filter
``h`` of ``L`` taps: a dot product of taps with consecutive inputs then reads both
arrays forwards, which vectorises without lane shuffles. For a depthwise bank
``j`` has size one and output ``out`` reads input channel ``out``; for a MIMO
bank output ``out`` reads input channel ``j``. Inputs live in a *doubled ring*
``ring[channel, slot]`` of ``2 R`` slots: sample ``t`` is written at slots
``t % R`` and ``t % R + R``, so any window of at most ``R`` consecutive samples is
one contiguous slice.

Indices computed by subtraction are cast to unsigned integers: they are never
negative here, and numba then skips its negative-index wrap-around, which would
otherwise keep the inner loops from vectorising.
"""

import numpy as np

from ffstream.kernels._jit import kernel


@kernel(inline=True)
def write_sample(ring: np.ndarray, t: int, inputs: np.ndarray, row: int) -> None:
    """Store the input ``inputs[row]`` (time-first) as time ``t`` in the doubled ring."""
    size = ring.shape[1] // 2
    slot = t & (size - 1)
    for c in range(ring.shape[0]):
        ring[c, slot] = inputs[row, c]
        ring[c, slot + size] = inputs[row, c]


@kernel(inline=True)
def window_end(ring: np.ndarray, t: int) -> int:
    """Slot of ``ring`` holding time ``t`` such that the slots before it hold ``t-1, t-2, ...``."""
    size = ring.shape[1] // 2
    return (t & (size - 1)) + size


@kernel(inline=True)
def output_at(
    g: np.ndarray,
    depthwise: bool,
    ring: np.ndarray,
    end: int,
    n_lags: int,
    y: np.ndarray,
) -> None:
    """Add ``sum_{s < n_lags} h[s] u[t - s]`` to ``y``; slot ``end`` of ``ring`` holds ``u[t]``.

    ``g`` holds the time-reversed taps of ``h``.
    """
    first_tap = g.shape[2] - n_lags
    start = end - n_lags + 1
    for o in range(g.shape[0]):
        # A local accumulator keeps the sum in a register and lets it vectorise.
        acc = 0.0
        for j in range(g.shape[1]):
            c = o if depthwise else j
            for m in range(n_lags):
                acc += g[o, j, np.uint64(first_tap + m)] * ring[c, np.uint64(start + m)]
        y[o] += acc


@kernel
def block_into_cache(
    g: np.ndarray,
    depthwise: bool,
    ring: np.ndarray,
    end: int,
    k: int,
    cache: np.ndarray,
    first: int,
) -> None:
    """Add the contribution of a block of ``k`` inputs to the ``k`` outputs after it.

    The block is ``u[p-k .. p-1]`` (its last sample at slot ``end`` of ``ring``);
    output ``p + n`` for ``n < k`` receives ``sum_m h[n + k - m] u[p - k + m]`` in
    column ``(first + n) % cache.shape[1]`` of ``cache[out, column]``. ``g`` holds
    the time-reversed taps of ``h``: ``h[n + k - m] = g[L - 1 - n - k + m]``.
    """
    n_taps = g.shape[2]
    size = cache.shape[1]
    start = end - k + 1
    for n in range(k):
        column = first + n
        if column >= size:
            column -= size
        # lag = n + k - m must be below the filter length: m > n + k - n_taps.
        m_low = max(0, n + k - n_taps + 1)
        first_tap = n_taps - 1 - n - k
        for o in range(g.shape[0]):
            acc = 0.0
            for j in range(g.shape[1]):
                c = o if depthwise else j
                for m in range(m_low, k):
                    acc += (
                        g[o, j, np.uint64(first_tap + m)]
                        * ring[c, np.uint64(start + m)]
                    )
            cache[o, column] += acc
