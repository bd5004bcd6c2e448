"""One step of each online convolution schedule, on plain arrays.

A *plan* is the tuple ``(g, depthwise, spectra, level_offsets, params)``, shared
by every stream of one filter bank:

``g``
    the filter taps ``h`` ``(d_out, n_in, L)`` reversed along the lag axis, see
    :mod:`ffstream.kernels.direct`.
``depthwise``
    whether output ``o`` reads input channel ``o`` only.
``spectra``, ``level_offsets``
    pre-computed filter spectra ``(d_out, n_in, S)``, concatenated along the last
    axis. For the continuous schedule, the block of size ``2**j`` uses entries
    ``level_offsets[j] : level_offsets[j] + 2**j + 1`` (the real FFT of length
    ``2**(j+1)`` of ``h[..., 0 : 2**(j+1)]``); ``-1`` marks a level done directly
    or by the delay line. The delay line's ``M`` partition spectra follow from
    ``params[DELAY_OFFSET]``, ``P + 1`` entries each: partition ``j`` is the real
    FFT of length ``2 P`` of ``h[..., j P : j P + 2 P]`` (zero-padded), stored
    split (see :func:`~ffstream.kernels.spectral.delay_line_into_cache`). For the
    epoched schedule, all entries are the real FFT of length ``params[N_FFT]`` of
    ``h``.
``params``
    integers indexed by the constants below. The continuous schedule performs
    blocks of at least ``params[DIRECT_WINDOW]`` (a power of two ``W``) as
    FutureFill steps, and adds the contributions of the inputs of the current
    aligned window of ``W`` samples directly: together these are exactly the
    smaller blocks of the schedule, as one contiguous dot product per sample.
    With ``P = params[DELAY_BLOCK] > 0``, every block of at least ``P`` samples is
    replaced by one step of a frequency-domain delay line (uniformly partitioned
    convolution in blocks of ``P``): at each multiple of ``P`` the newest ``P``
    inputs are transformed once, and the product of the last ``M =
    params[DELAY_PARTS]`` block spectra with the ``M`` partition spectra gives, in
    one inverse transform, every contribution of earlier blocks to the next
    ``P`` outputs. This computes the same sums as the blocks it replaces (the
    pairs of input and output in different aligned ``P``-blocks) with fewer
    transforms.

A *stream* is the tuple ``(ring, cache, counters, last_y, block_spectra,
partial_sums)``, the
mutable state of one series: the doubled input ring ``(d_in, 2 R)``, the output
cache ``(d_out, C)`` (a ring of future outputs for the continuous schedule, the
current epoch's outputs for the epoched one), ``counters = [samples seen,
schedule origin]``, the last output ``(d_out,)`` and the delay line's spectra of
the last ``M`` input blocks ``(d_in, M, 2 (P + 1))``, stored split (block ``b``
counted from the origin, negative before it, in slot ``b mod M``; ``M = 0``
without a delay line), and the bounded schedule's products of the older
partitions accumulated for its next delay line step ``(d_out, 2 (P + 1))``
(``(d_out, 0)`` for the other schedules).
"""

import numpy as np

from ffstream.kernels._jit import kernel
from ffstream.kernels.direct import (
    block_into_cache,
    output_at,
    window_end,
    write_sample,
)
from ffstream.kernels.spectral import (
    accumulate_partitions,
    delay_line_into_cache,
    fft_block_into_cache,
    spread_partitions,
    store_block_spectra,
)

NAIVE = 0
EPOCHED = 1
CONTINUOUS = 2
BOUNDED = 3

# Indices into ``params``.
METHOD = 0
EPOCH = 1
MAX_BLOCK = 2
DIRECT_WINDOW = 3
N_FFT = 4
DELAY_BLOCK = 5
DELAY_PARTS = 6
DELAY_OFFSET = 7
N_PARAMS = 8

# Indices into ``counters``.
SEEN = 0
ORIGIN = 1


@kernel(inline=True)
def _lowest_power_of_two(q: int) -> int:
    return q & -q


@kernel
def _continuous_block(
    plan: tuple, ring: np.ndarray, cache: np.ndarray, t: int, k: int
) -> None:
    """FutureFill the ``k`` inputs before time ``t`` into the outputs ``t .. t+k-1``."""
    g, depthwise, spectra, level_offsets, _ = plan
    end = window_end(ring, t - 1)
    first = t & (cache.shape[1] - 1)
    level = 0
    while (1 << level) < k:
        level += 1
    offset = level_offsets[level]
    if offset < 0:
        block_into_cache(g, depthwise, ring, end, k, cache, first)
    else:
        spectrum = spectra[:, :, offset : offset + k + 1]
        fft_block_into_cache(spectrum, depthwise, ring, end, k, 2 * k, k, cache, first)


@kernel(inline=True)
def _zero(y: np.ndarray) -> None:
    """Set every element of the 1-D ``y`` to zero (element by element: no array view)."""
    for o in range(y.shape[0]):
        y[o] = 0.0


@kernel(inline=True)
def _load_column(cache: np.ndarray, column: int, y: np.ndarray, clear: bool) -> None:
    """Copy ``cache[:, column]`` into ``y`` (element by element: no array view per sample)."""
    for o in range(y.shape[0]):
        y[o] = cache[o, column]
        if clear:
            cache[o, column] = 0.0


@kernel(inline=True)
def step(
    g: np.ndarray,
    depthwise: bool,
    spectra: np.ndarray,
    level_offsets: np.ndarray,
    params: np.ndarray,
    ring: np.ndarray,
    cache: np.ndarray,
    counters: np.ndarray,
    last_y: np.ndarray,
    block_spectra: np.ndarray,
    partial_sums: np.ndarray,
    inputs: np.ndarray,
    row: int,
) -> None:
    """Push the input ``inputs[row]`` into a stream; its output is written to ``last_y``.

    The plan's and the stream's arrays are passed one by one rather than as
    tuples: taking arrays out of a tuple costs reference-count updates, which
    would be paid once per sample here.
    """
    method = params[METHOD]
    t = counters[SEEN]
    since_origin = t - counters[ORIGIN]
    n_taps = g.shape[2]
    if method == CONTINUOUS or method == BOUNDED:
        window = params[DIRECT_WINDOW]
        into_window = since_origin & (window - 1)
        delay_block = params[DELAY_BLOCK]
        if since_origin > 0 and into_window == 0:
            k = _lowest_power_of_two(since_origin)
            if delay_block > 0 and k >= delay_block:
                # The bounded schedule multiplies the newest partition only: the
                # others were accumulated into partial_sums over the last block.
                n_parts_now = 1 if method == BOUNDED else params[DELAY_PARTS]
                delay_line_into_cache(
                    spectra, params[DELAY_OFFSET], depthwise, ring,
                    window_end(ring, t - 1), delay_block, block_spectra,
                    since_origin // delay_block - 1, t, cache,
                    t & (cache.shape[1] - 1), n_parts_now, partial_sums,
                )  # fmt: skip
            else:
                plan = (g, depthwise, spectra, level_offsets, params)
                _continuous_block(plan, ring, cache, t, min(k, params[MAX_BLOCK]))
        if method == BOUNDED and delay_block > 0:
            # This sample's share of the next delay line step's older partitions.
            position = since_origin & (delay_block - 1)
            first, stop = spread_partitions(position, params[DELAY_PARTS], delay_block)
            if first < stop:
                accumulate_partitions(
                    spectra, params[DELAY_OFFSET], depthwise, delay_block,
                    block_spectra, since_origin // delay_block, first, stop,
                    t - position + delay_block, partial_sums,
                )  # fmt: skip
        n_lags = into_window + 1
        _load_column(cache, t & (cache.shape[1] - 1), last_y, True)
    elif method == EPOCHED:
        epoch = params[EPOCH]
        into_epoch = since_origin % epoch
        if into_epoch == 0:
            cache[:] = 0.0
            if t > 0:
                end = window_end(ring, t - 1)
                n_fft = params[N_FFT]
                fft_block_into_cache(
                    spectra, depthwise, ring, end, n_taps, n_fft, epoch, cache, 0
                )
        n_lags = into_epoch + 1
        _load_column(cache, into_epoch, last_y, False)
    else:
        n_lags = t + 1
        _zero(last_y)
    write_sample(ring, t, inputs, row)
    output_at(g, depthwise, ring, window_end(ring, t), min(n_lags, n_taps), last_y)
    counters[SEEN] = t + 1


@kernel
def prefill(plan: tuple, stream: tuple, block: np.ndarray) -> None:
    """Ingest ``block`` without computing its outputs, then re-anchor the schedule.

    Only the last output is computed (directly, into ``last_y``). The schedule
    restarts from here, and the contribution of every past input to the outputs
    ahead is set up from the input ring, as in prompted FutureFill generation:
    without a delay line, one block of the last ``R`` inputs fills the cache of
    the next ``R`` outputs; with one, the spectra of the last ``M`` blocks of
    ``P`` inputs (those that reach the first sample), transformed in one batch,
    are stored in the delay line, which adds their share to each coming block of
    outputs, and one delay line step fills the first.
    """
    g, depthwise, spectra, _, params = plan
    ring, cache, counters, last_y, block_spectra, partial_sums = stream
    n = block.shape[0]
    if n == 0:
        return
    t0 = counters[SEEN]
    size = ring.shape[1] // 2
    for i in range(max(0, n - size), n):
        write_sample(ring, t0 + i, block, i)
    t = t0 + n
    counters[SEEN] = t
    counters[ORIGIN] = t
    last_y[:] = 0.0
    output_at(g, depthwise, ring, window_end(ring, t - 1), min(t, g.shape[2]), last_y)
    if params[METHOD] != CONTINUOUS and params[METHOD] != BOUNDED:
        return
    cache[:] = 0.0
    partial_sums[:] = 0.0
    width = params[DELAY_BLOCK]
    if width == 0:
        _continuous_block(plan, ring, cache, t, params[MAX_BLOCK])
        return
    end = window_end(ring, t - 1)
    # Blocks -2 .. -M before the origin, as far as they reach the first sample
    # (-1 is stored by the delay line step, which ignores earlier blocks).
    n_back = min(params[DELAY_PARTS], (t + width - 1) // width)
    if n_back >= 2:
        store_block_spectra(ring, end - width, width, n_back - 1, block_spectra, -2)
    delay_line_into_cache(
        spectra, params[DELAY_OFFSET], depthwise, ring, end, width, block_spectra,
        -1, t, cache, t & (cache.shape[1] - 1), params[DELAY_PARTS], partial_sums,
    )  # fmt: skip


@kernel(inline=True)
def _fft_pair_work(n_channels: int, n_fft: int) -> float:
    """A real FFT of length ``n_fft`` per channel (forward and inverse): ``n log2 n`` each."""
    return n_channels * n_fft * np.log2(n_fft)


@kernel
def step_work(
    params: np.ndarray,
    level_offsets: np.ndarray,
    n_taps: int,
    n_channels: int,
    n_products: int,
    mac_cost: float,
    counters: np.ndarray,
) -> float:
    """The work :func:`step` schedules for the next sample of a stream, for tests.

    The same decisions as :func:`step`, from the plan's ``params`` and the
    stream's ``counters``, counted in the cost model's units
    (:mod:`ffstream.engine.cost_model`): a real FFT of length ``n`` costs ``n
    log2 n`` per channel (``n_channels`` = inputs plus outputs transformed), a
    complex multiply-add of spectra ``mac_cost``, a direct multiply-add 1 (per
    product of an output and an input channel, ``n_products`` of them).
    """
    method = params[METHOD]
    t = counters[SEEN]
    since_origin = t - counters[ORIGIN]
    if method == NAIVE:
        return float(min(t + 1, n_taps) * n_products)
    if method == EPOCHED:
        epoch = params[EPOCH]
        into_epoch = since_origin % epoch
        work = float((into_epoch + 1) * n_products)
        if into_epoch == 0 and t > 0:
            n_fft = params[N_FFT]
            work += _fft_pair_work(n_channels, n_fft)
            work += mac_cost * n_products * (n_fft // 2 + 1)
        return work
    window = params[DIRECT_WINDOW]
    into_window = since_origin & (window - 1)
    delay_block = params[DELAY_BLOCK]
    n_parts = params[DELAY_PARTS]
    work = float(min(into_window + 1, n_taps) * n_products)
    if since_origin > 0 and into_window == 0:
        k = _lowest_power_of_two(since_origin)
        if delay_block > 0 and k >= delay_block:
            reaching = min(n_parts, (t + delay_block - 1) // delay_block)
            parts = 1 if method == BOUNDED else reaching
            work += _fft_pair_work(n_channels, 2 * delay_block)
            work += mac_cost * n_products * (delay_block + 1) * parts
        else:
            k = min(k, params[MAX_BLOCK])
            level = 0
            while (1 << level) < k:
                level += 1
            if level_offsets[level] < 0:
                work += float(k * k * n_products)
            else:
                work += _fft_pair_work(n_channels, 2 * k)
                work += mac_cost * n_products * (k + 1)
    if method == BOUNDED and delay_block > 0:
        position = since_origin & (delay_block - 1)
        first, stop = spread_partitions(position, n_parts, delay_block)
        reaching = (t - position + 2 * delay_block - 1) // delay_block
        stop = min(stop, reaching)
        if first < stop:
            work += mac_cost * n_products * (delay_block + 1) * (stop - first)
    return work
