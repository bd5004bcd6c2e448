"""Exactness of online convolution: every method against a naive reference and scipy."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffstream
from ffstream.engine.methods import METHODS

from reference import naive_causal_conv, naive_causal_conv_fast
from strategies import seeds, streaming_cases

# -- helpers -------------------------------------------------------------------------


def make_stream(filters, method, epoch=None, crossover=None, delay_line_block=None):
    kwargs = {"delay_line_block": delay_line_block}
    if crossover is not None:
        kwargs["crossover"] = crossover
    return ffstream.OnlineConv(filters, method, epoch, **kwargs)


def push_in_chunks(stream, inputs, chunks):
    """Push ``inputs`` as consecutive blocks of the given sizes (``-1``: one ``push``)."""
    outputs = []
    start = 0
    for size in chunks:
        if size < 0:
            y = stream.push(inputs[start])
            outputs.append(np.asarray(y).reshape((1,) + np.shape(y)))
            start += 1
        else:
            outputs.append(stream.push_block(inputs[start : start + size]))
            start += size
    outputs.append(stream.push_block(inputs[start:]))
    return np.concatenate(outputs, axis=0)


def random_chunks(rng, n, max_size):
    """Sizes in ``0 .. max_size`` and ``-1`` (single pushes) covering at most ``n``."""
    chunks = []
    left = n
    while left > 0:
        size = int(rng.integers(-1, max_size + 1))
        size = min(size, left)
        chunks.append(size)
        left -= 1 if size < 0 else size
    return chunks


def dims(layout):
    return {"scalar": (1, 1), "depthwise": (3, 3), "mimo": (2, 3)}[layout]


# -- long streams, every layout, length and method -------------------------------


LENGTHS = [1, 2, 3, 5, 64, 100, 256, 333]


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_long_stream_matches_references(
    rng, make_filters, make_inputs, scipy_conv, assert_rel_close, layout, length, method
):
    d_in, d_out = dims(layout)
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    n = 10 * length + 7  # the ring buffers wrap many times
    u = make_inputs(rng, layout, n, d_in=d_in)
    stream = ffstream.OnlineConv(h, method)
    y = stream.push_block(u)
    expected = naive_causal_conv_fast(h, u)
    assert y.dtype == np.float64
    assert_rel_close(y, expected)
    assert_rel_close(y, scipy_conv(h, u))
    assert stream.n_seen == n


@pytest.mark.parametrize("layout", ["scalar", "depthwise"])
def test_longest_filter_long_stream(
    rng, make_filters, make_inputs, scipy_conv, assert_rel_close, layout, method
):
    length = 600
    h = make_filters(rng, layout, length, d_in=2)
    u = make_inputs(rng, layout, 5 * length + 3, d_in=2)
    y = push_in_chunks(ffstream.OnlineConv(h, method), u, random_chunks(rng, 3000, 700))
    assert_rel_close(y, scipy_conv(h, u))


@pytest.mark.parametrize("length", [1, 2, 3, 17, 64])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_sample_by_sample_push(
    rng, make_filters, make_inputs, assert_rel_close, layout, length, method
):
    d_in, d_out = dims(layout)
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    u = make_inputs(rng, layout, 4 * length + 5, d_in=d_in)
    stream = ffstream.OnlineConv(h, method)
    outputs = [stream.push(sample) for sample in u]
    expected = naive_causal_conv_fast(h, u)
    if layout == "scalar":
        assert all(type(y) is float for y in outputs)
    else:
        assert all(y.shape == (d_out,) and y.dtype == np.float64 for y in outputs)
    assert_rel_close(np.array(outputs), expected)
    assert stream.n_seen == len(u)


@pytest.mark.parametrize("length", [1, 3, 8, 13])
def test_impulse_response_is_the_filter_bank(rng, make_filters, length, method):
    """Lag 0 is included and ``H[s]`` multiplies ``u`` as a ``d_out x d_in`` matrix."""
    d_out, d_in = 3, 2
    h = make_filters(rng, "mimo", length, d_in=d_in, d_out=d_out)
    for j in range(d_in):
        impulse = np.zeros((length + 4, d_in))
        impulse[0, j] = 1.0
        y = ffstream.OnlineConv(h, method).push_block(impulse)
        np.testing.assert_allclose(y[:length], h[:, :, j], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(y[length:], 0.0, atol=1e-14)
    hd = make_filters(rng, "depthwise", length, d_in=4)
    y = ffstream.OnlineConv(hd, method).push_block(
        np.vstack([np.ones((1, 4)), np.zeros((length, 4))])
    )
    np.testing.assert_allclose(y[:length], hd, rtol=1e-12, atol=1e-14)
    hs = make_filters(rng, "scalar", length)
    y = ffstream.OnlineConv(hs, method).push_block(np.r_[1.0, np.zeros(length)])
    np.testing.assert_allclose(y[:length], hs, rtol=1e-12, atol=1e-14)
    assert abs(y[length]) < 1e-14


# -- crossovers and epochs -----------------------------------------------------------------


def check_long_continuous_stream(fixtures, layout, length, **settings):
    """Push ``10 L + 7`` samples in random chunks; check against scipy and naive.

    ``fixtures`` is ``(rng, make_filters, make_inputs, scipy_conv, assert_rel_close)``.
    Returns the stream.
    """
    rng, make_filters, make_inputs, scipy_conv, assert_rel_close = fixtures
    d_in, d_out = dims(layout)
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    n = 10 * length + 7
    u = make_inputs(rng, layout, n, d_in=d_in)
    stream = ffstream.OnlineConv(h, "continuous", **settings)
    y = push_in_chunks(stream, u, random_chunks(rng, n // 2, 2 * length))
    assert_rel_close(y, scipy_conv(h, u))
    assert_rel_close(y, ffstream.OnlineConv(h, "naive").push_block(u))
    return stream


@pytest.fixture
def fixtures(rng, make_filters, make_inputs, scipy_conv, assert_rel_close):
    return rng, make_filters, make_inputs, scipy_conv, assert_rel_close


@pytest.mark.parametrize("crossover", [1, 2, 8, 64, 10**9])
@pytest.mark.parametrize("length", [100, 256])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_continuous_crossovers(fixtures, layout, length, crossover):
    check_long_continuous_stream(fixtures, layout, length, crossover=crossover)


@pytest.mark.parametrize("block", [1, 2, 8, 32, 128, 2**20])
@pytest.mark.parametrize(("length", "crossover"), [(100, 8), (129, 1), (256, 16)])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_continuous_delay_line_blocks(fixtures, layout, length, crossover, block):
    # Every block size from the direct window W (the value is raised to it) to
    # the ring R (lowered to it: one partition, the plain FutureFill schedule),
    # with lengths that are and are not multiples of the block.
    stream = check_long_continuous_stream(
        fixtures, layout, length, crossover=crossover, delay_line_block=block
    )
    window = 1 << (crossover - 1).bit_length()
    ring = 1 << (length - 1).bit_length()
    assert stream.delay_line_block == min(max(block, window), ring)


@pytest.mark.parametrize(
    ("length", "n_channels", "n_products", "block"),
    [
        (2**14, 2, 1, 512),  # one channel: 32 partitions
        (2**20, 2, 1, 2**15),  # 32 partitions
        (2**24, 2, 1, 2**18),  # 64 partitions
        (2**16, 16, 64, 2**14),  # MIMO 8x8: products 8 times denser, 4 partitions
        (300, 2, 1, 256),  # 2 partitions beat the plain schedule's block of 512
    ],
)
def test_delay_line_cost_model_choices(length, n_channels, n_products, block):
    # The values docs/methods.md quotes.
    from ffstream.engine.cost_model import delay_line_block, next_power_of_two

    ring = next_power_of_two(length)
    assert delay_line_block(length, ring, 256, n_channels, n_products) == block


def test_delay_line_block_is_none_without_fft_blocks():
    h = np.ones(100)
    assert ffstream.OnlineConv(h, "continuous").delay_line_block is None  # W = R
    assert ffstream.OnlineConv(h, "naive").delay_line_block is None
    assert ffstream.OnlineConv(h, "epoched").delay_line_block is None


def test_with_a_delay_line_no_block_is_longer_than_its_block(rng):
    # The delay line replaces every FutureFill block of P samples or more,
    # including the one of R samples that re-anchors a plain schedule after a
    # prefill: no spectrum longer than 2P is kept.
    stream = ffstream.OnlineConv(rng.standard_normal(300), crossover=8)
    block = stream.delay_line_block
    offsets = stream._plan.level_offsets
    assert [1 << level for level in range(len(offsets)) if offsets[level] >= 0] == [
        k for k in (8, 16, 32, 64, 128, 256) if k < block
    ]
    plain = ffstream.OnlineConv(
        rng.standard_normal(300), crossover=8, delay_line_block=512
    )
    assert plain.delay_line_block == 512
    assert plain._plan.level_offsets[-1] == -1  # the delay line of one partition


@pytest.mark.parametrize("epoch", [1, 2, 7, "L+5", "3L", None])
@pytest.mark.parametrize("length", [33, 100])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_epoch_lengths(
    rng, make_filters, make_inputs, scipy_conv, assert_rel_close, layout, length, epoch
):
    if epoch == "L+5":
        epoch = length + 5
    elif epoch == "3L":
        epoch = 3 * length
    d_in, d_out = dims(layout)
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    n = 10 * length + 7
    u = make_inputs(rng, layout, n, d_in=d_in)
    stream = ffstream.OnlineConv(h, "epoched", epoch)
    expected_epoch = (
        math.ceil(math.sqrt(length * math.log2(length))) if epoch is None else epoch
    )
    assert stream.epoch == expected_epoch
    y = push_in_chunks(stream, u, random_chunks(rng, n // 2, 2 * expected_epoch + 3))
    assert_rel_close(y, scipy_conv(h, u))


# -- random shapes, lengths and chunkings ----------------------------------------------


@settings(max_examples=200)
@given(case=streaming_cases())
def test_random_chunkings_match_reference(
    case, make_filters, make_inputs, assert_rel_close
):
    layout, length, d_in, d_out, settings, n, chunks, seed = case
    rng = np.random.default_rng(seed)
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    u = make_inputs(rng, layout, n, d_in=d_in)
    # Keep the chunks that fit in the stream; the remainder is pushed at the end.
    fitted = []
    used = 0
    for size in chunks:
        step = 1 if size < 0 else size
        if used + step > n:
            break
        fitted.append(size)
        used += step
    stream = make_stream(h, *settings)
    y = push_in_chunks(stream, u, fitted)
    expected = naive_causal_conv_fast(h, u)
    assert_rel_close(y, expected)
    assert stream.n_seen == n


@settings(max_examples=60)
@given(
    length=st.integers(1, 40),
    n=st.integers(0, 200),
    seed=seeds,
)
def test_all_methods_agree_with_each_other(length, n, seed, make_filters, make_inputs):
    rng = np.random.default_rng(seed)
    h = make_filters(rng, "mimo", length, d_in=2, d_out=3)
    u = make_inputs(rng, "mimo", n, d_in=2)
    outputs = [ffstream.OnlineConv(h, m).push_block(u) for m in METHODS]
    scale = max(1.0, float(np.max(np.abs(outputs[0]), initial=0.0)))
    for y in outputs[1:]:
        assert y.shape == (n, 3)
        assert np.max(np.abs(y - outputs[0]), initial=0.0) <= 1e-10 * scale


# -- input forms ----------------------------------------------------------------------


def test_scalar_filters_accept_column_blocks(rng, make_filters, method):
    h = make_filters(rng, "scalar", 20)
    u = rng.standard_normal(90)
    flat = ffstream.OnlineConv(h, method).push_block(u)
    column = ffstream.OnlineConv(h, method).push_block(u[:, None])
    assert flat.shape == (90,)
    assert column.shape == (90, 1)
    np.testing.assert_array_equal(column[:, 0], flat)


def test_integer_float32_and_list_inputs_are_converted(rng, method):
    h_int = rng.integers(-3, 4, size=(12, 2, 2))
    u_int = rng.integers(-5, 6, size=(50, 2))
    expected = ffstream.OnlineConv(h_int.astype(float), method).push_block(
        u_int.astype(float)
    )
    np.testing.assert_array_equal(
        ffstream.OnlineConv(h_int, method).push_block(u_int), expected
    )
    np.testing.assert_array_equal(
        ffstream.OnlineConv(h_int.tolist(), method).push_block(u_int.tolist()), expected
    )
    np.testing.assert_array_equal(
        ffstream.OnlineConv(h_int.astype(np.float32), method).push_block(
            u_int.astype(np.float32)
        ),
        expected,
    )
    # Integer data gives integer sums: the result is exact up to rounding of the FFTs.
    np.testing.assert_allclose(expected, naive_causal_conv(h_int, u_int), atol=1e-9)


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_empty_blocks(rng, make_filters, make_inputs, layout):
    d_in, d_out = dims(layout)
    h = make_filters(rng, layout, 10, d_in=d_in, d_out=d_out)
    stream = ffstream.OnlineConv(h)
    first = stream.push_block(make_inputs(rng, layout, 5, d_in=d_in))
    empty = stream.push_block(make_inputs(rng, layout, 0, d_in=d_in))
    assert empty.shape == ((0,) if layout == "scalar" else (0, d_out))
    assert stream.n_seen == 5
    assert first.shape[0] == 5


def test_non_contiguous_inputs(rng, make_filters, assert_rel_close):
    h = make_filters(rng, "mimo", 30, d_in=2, d_out=3)
    big = rng.standard_normal((400, 4))
    u = big[::2, ::2]  # strided view
    assert not u.flags.c_contiguous
    h_fortran = np.asfortranarray(h)
    assert not h_fortran.flags.c_contiguous
    reversed_taps = h[::-1].copy()[::-1]  # negative strides
    expected = naive_causal_conv_fast(h, np.ascontiguousarray(u))
    for method in METHODS:
        assert_rel_close(ffstream.OnlineConv(h_fortran, method).push_block(u), expected)
        stream = ffstream.OnlineConv(reversed_taps, method)
        assert_rel_close(stream.push_block(u[::-1][::-1]), expected)
        stream.reset()
        stream.prefill(u[:50])
        assert_rel_close(stream.push_block(u[50:]), expected[50:])
