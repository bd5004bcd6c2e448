"""Compiled loops that push blocks through a stream and roll it out with feedback.

The rollout loop calls the user's feedback through a first-class function type
with a fixed signature: the loop is compiled (and cached on disk) once per
dimensionality of ``feedback_data``, not once per feedback function, and each
feedback function is compiled once for that signature.
"""

import functools

import numba
import numpy as np
from numba import types
from numba.core.dispatcher import Dispatcher
from numba.core.typing.templates import Signature

from ffstream.kernels._jit import jit_options, kernel
from ffstream.kernels.schedules import prefill, step

#: ``feedback_data`` may have this many dimensions.
FEEDBACK_DATA_NDIMS = (1, 2, 3)

_VECTOR = types.Array(types.float64, 1, "C")


def _array(dtype: types.Type, ndim: int) -> types.Array:
    return types.Array(dtype, ndim, "C")


def feedback_signature(data_ndim: int) -> Signature:
    """Signature ``feedback(y, u, step, series, data) -> None`` for ``data_ndim``-D data.

    Parameters
    ----------
    data_ndim : int
        Dimensions of the ``feedback_data`` array.

    Returns
    -------
    numba.core.typing.templates.Signature
        The signature every feedback function is compiled for.
    """
    return types.void(
        _VECTOR, _VECTOR, types.int64, types.int64, _array(types.float64, data_ndim)
    )


@kernel(refcounted=False)
def push_block(plan: tuple, stream: tuple, block: np.ndarray, out: np.ndarray) -> None:
    """Push every row of ``block`` in turn, writing each output to the same row of ``out``."""
    g, depthwise, spectra, level_offsets, params = plan
    ring, cache, counters, last_y, block_spectra, partial_sums = stream
    for i in range(block.shape[0]):
        step(
            g, depthwise, spectra, level_offsets, params,
            ring, cache, counters, last_y, block_spectra, partial_sums, block, i,
        )  # fmt: skip
        for o in range(last_y.shape[0]):
            out[i, o] = last_y[o]


@kernel
def identity_feedback(
    y: np.ndarray, u: np.ndarray, step: int, series: int, data: np.ndarray
) -> None:
    """Feedback ``u[t+1] = y[t]``: the built-in default of every rollout."""
    for c in range(u.shape[0]):
        u[c] = y[c]


@kernel(inline=True)
def _rollout_one(
    plan: tuple, stream: tuple, feedback, data: np.ndarray, series: int, out: np.ndarray
) -> None:
    g, depthwise, spectra, level_offsets, params = plan
    ring, cache, counters, last_y, block_spectra, partial_sums = stream
    steps = out.shape[0]
    for i in range(steps):
        feedback(last_y, out[i], np.int64(i), np.int64(series), data)
        if i + 1 < steps:
            step(
                g, depthwise, spectra, level_offsets, params,
                ring, cache, counters, last_y, block_spectra, partial_sums, out, i,
            )  # fmt: skip


def _rollout_batch_loop(
    plan: tuple,
    rings: np.ndarray,
    caches: np.ndarray,
    counters: np.ndarray,
    last_ys: np.ndarray,
    block_spectra: np.ndarray,
    partial_sums: np.ndarray,
    prompts: np.ndarray,
    feedback,
    data: np.ndarray,
    out: np.ndarray,
    first_series: int,
) -> None:
    """Roll out ``out.shape[0]`` independent series, one after the other.

    Series ``b`` is the stream ``(rings[b], caches[b], counters[b], last_ys[b],
    block_spectra[b], partial_sums[b])``, the series ``first_series + b`` of the
    whole batch.
    It first ingests ``prompts[b]`` (possibly empty) with
    :func:`~ffstream.kernels.schedules.prefill`, then generates ``out[b]``:
    token ``i`` is ``feedback(y, out[b, i], i, first_series + b, data)`` of the
    latest output ``y``, and every token but the last is pushed into the stream.
    """
    for b in range(out.shape[0]):
        stream = (
            rings[b], caches[b], counters[b], last_ys[b], block_spectra[b],
            partial_sums[b],
        )  # fmt: skip
        prefill(plan, stream, prompts[b])
        _rollout_one(plan, stream, feedback, data, first_series + b, out[b])


@functools.cache
def rollout_batch(data_ndim: int) -> Dispatcher:
    """The batched rollout kernel for ``data_ndim``-D feedback data, compiled on first use.

    A batch is spread over threads by the caller, each running this serial loop
    on a contiguous group of series (see :mod:`ffstream.engine.threads`).

    Parameters
    ----------
    data_ndim : int
        Dimensions of the ``feedback_data`` array, one of :data:`FEEDBACK_DATA_NDIMS`.

    Returns
    -------
    numba dispatcher
        ``rollout_batch(plan, rings, caches, counters, last_ys, block_spectra,
        partial_sums, prompts, feedback, data, out, first_series)``.
    """
    f64, c128, i64 = types.float64, types.complex128, types.int64
    plan = types.Tuple(
        (
            _array(f64, 3),
            types.boolean,
            _array(c128, 3),
            _array(i64, 1),
            _array(i64, 1),
        )
    )
    signature = types.void(
        plan,
        _array(f64, 3),
        _array(f64, 3),
        _array(i64, 2),
        _array(f64, 2),
        _array(f64, 4),
        _array(f64, 3),
        _array(f64, 3),
        types.FunctionType(feedback_signature(data_ndim)),
        _array(f64, data_ndim),
        _array(f64, 3),
        i64,
    )
    return numba.njit(signature, **jit_options(refcounted=False))(_rollout_batch_loop)
