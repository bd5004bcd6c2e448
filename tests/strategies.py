"""The hypothesis strategies of the test suite: random streams, rollouts and fits."""

from typing import Any

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


#: Dtypes a user's array may have that mean real numbers.
REAL_DTYPES = ["float64", "float32", "float16", "int64", "int16", "uint8", ">f8", "<i4"]

#: Dtypes that do not: booleans, complex numbers, text, objects and times.
NOT_REAL_DTYPES = ["bool", "complex128", "U8", "object", "datetime64[s]", "m8[s]"]

#: How the array reaches the call.
ARRAY_FORMS = [
    "plain",
    "read-only",
    "strided",
    "fortran",
    "list",
    "masked",
    "masked-entry",
    "pandas",
]


def _in_form(array: np.ndarray, form: str):
    """``array`` handed over as ``form`` (see :data:`ARRAY_FORMS`)."""
    array = np.asarray(array)
    if form == "read-only":
        array = array.copy()
        array.flags.writeable = False
        return array
    if form == "strided":
        wide = np.zeros(array.shape + (3,), dtype=array.dtype)
        wide[..., 1] = array
        return wide[..., 1]
    if form == "fortran":
        return np.asarray(array, order="F")  # asfortranarray makes 0-d arrays 1-d
    if form == "list":
        return array.tolist()
    if form == "masked":
        return np.ma.masked_array(array, mask=np.zeros(array.shape, dtype=bool))
    if form == "masked-entry":
        mask = np.zeros(array.shape, dtype=bool)
        mask.flat[0] = True
        return np.ma.masked_array(array, mask=mask)
    if form == "pandas":
        import pandas as pd

        return pd.Series(array) if array.ndim == 1 else pd.DataFrame(array)
    return array


@st.composite
def user_arrays(draw, shape: tuple[int, ...]):
    """``(value, meaning)``: a user's array of ``shape`` and what it must be taken as.

    ``meaning`` is the float64 array the value stands for, or the exception class
    it must be rejected with: ``TypeError`` for dtypes that are not real numbers
    and masked entries, ``ValueError`` for NaN or infinity. Forms are drawn from
    :data:`ARRAY_FORMS` (pandas only for 1-D and 2-D, masked entries only when
    there are entries).
    """
    rng = np.random.default_rng(draw(seeds))
    # Kept an array: ufuncs make 0-d arrays numpy scalars (whose astype(object) is a float).
    scale = draw(st.sampled_from([1.0, 100.0]))
    values = np.asarray(rng.standard_normal(shape) * scale)
    real = draw(st.booleans()) or draw(st.booleans())
    forms = [
        f
        for f in ARRAY_FORMS
        if (f != "pandas" or len(shape) in (1, 2))
        and (f != "masked-entry" or values.size > 0)
        # A list cannot say the shape of an empty array, nor be 0-d.
        and (f != "list" or values.size > 0 and len(shape) > 0)
    ]
    form = draw(st.sampled_from(forms))
    if real:
        dtype = np.dtype(draw(st.sampled_from(REAL_DTYPES)))
        if dtype.kind in "iu":
            values = np.asarray(np.abs(values)) if dtype.kind == "u" else values
            array = np.asarray(np.round(values)).astype(dtype)
        else:
            array = values.astype(dtype)
        meaning: Any = array.astype(np.float64)
        if dtype.kind == "f" and values.size and draw(st.booleans()):
            array.flat[draw(st.integers(0, values.size - 1))] = draw(
                st.sampled_from([np.nan, np.inf, -np.inf])
            )
            meaning = ValueError
    else:
        dtype = np.dtype(draw(st.sampled_from(NOT_REAL_DTYPES)))
        if dtype.kind in "Mm":
            array = np.asarray(np.round(values)).astype(np.int64).astype(dtype)
        else:
            array = values.astype(dtype)
        meaning = TypeError
    if form == "masked-entry":
        meaning = TypeError
    if form == "list" and dtype.kind in "MmO":
        # A list of datetimes, or of an object array's floats, is a list of
        # Python objects that numpy reads back as something else.
        form = "plain"
    return _in_form(array, form), meaning
