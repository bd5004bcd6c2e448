"""The hypothesis strategies of the test suite: random streams, rollouts and fits."""

import numpy as np
from hypothesis import strategies as st

from ffstream.engine.methods import METHODS

#: A seed for ``numpy.random.default_rng``.
seeds = st.integers(0, 2**32 - 1)

#: A schedule's name.
methods = st.sampled_from(METHODS)

#: The filter-bank layouts of a stream.
stream_layouts = st.sampled_from(["scalar", "depthwise", "mimo"])

#: The layouts of a rollout: a square MIMO bank feeds its outputs back one to one.
rollout_layouts = st.sampled_from(["scalar", "depthwise", "mimo-square", "mimo"])


def filter_lengths(short: int, longest: int) -> st.SearchStrategy[int]:
    """Lengths ``1 .. short`` as often as ``short + 1 .. longest``.

    The short lengths are where the schedules' edge cases are (fewer taps than an
    epoch, a block or a partition).
    """
    return st.one_of(st.integers(1, short), st.integers(short + 1, longest))


@st.composite
def streaming_cases(draw):
    """``(layout, length, d_in, d_out, settings, n, chunks, seed)`` of one stream.

    ``settings`` is ``(method, epoch, crossover, delay_line_block)`` for
    ``OnlineConv``; ``chunks`` are block sizes, ``-1`` meaning one ``push``. The
    lengths include the powers of two around which the FFT blocks change.
    """
    layout = draw(stream_layouts)
    length = draw(
        st.one_of(
            st.integers(1, 9),
            st.sampled_from([16, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129]),
            st.integers(10, 200),
        )
    )
    if layout == "scalar":
        d_in = d_out = 1
    elif layout == "depthwise":
        d_in = d_out = draw(st.integers(1, 3))
    else:
        d_in = draw(st.integers(1, 3))
        d_out = draw(st.integers(1, 3))
    method = draw(methods)
    epoch = crossover = delay_line_block = None
    if method == "epoched":
        epoch = draw(st.one_of(st.none(), st.integers(1, 2 * length + 3)))
    if method == "continuous":
        crossover = draw(st.one_of(st.integers(1, 80), st.just(10**9)))
        delay_line_block = draw(st.one_of(st.none(), st.sampled_from([1, 4, 16, 64])))
    n = draw(st.integers(0, 6 * length + 40))
    sizes = st.one_of(
        st.just(-1), st.just(0), st.just(1), st.integers(0, 3 * length + 2)
    )
    chunks = draw(st.lists(sizes, max_size=30))
    seed = draw(seeds)
    settings = (method, epoch, crossover, delay_line_block)
    return layout, length, d_in, d_out, settings, n, chunks, seed


@st.composite
def autoregression_problems(draw):
    """``(y, order, ridge, fit_intercept)``: a random-walk-like ``(T, d)`` series.

    Without ridge there are more equations than unknowns, so that the least-squares
    fit is unique.
    """
    d = draw(st.integers(1, 3))
    order = draw(st.integers(1, 6))
    ridge = draw(st.sampled_from([0.0, 0.01, 1.0, 30.0]))
    fit_intercept = draw(st.booleans())
    minimum = order + 1 if ridge > 0 else order + order * d + 3
    n_samples = draw(st.integers(minimum, minimum + 40))
    rng = np.random.default_rng(draw(seeds))
    offset = draw(st.sampled_from([0.0, 1.0, -5.0]))
    y = offset + rng.standard_normal((n_samples, d)).cumsum(axis=0) * 0.3
    return y, order, ridge, fit_intercept
