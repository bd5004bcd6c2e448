"""``prefill``: the stream continues exactly as if the block had been pushed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffstream

from strategies import filter_lengths, seeds, stream_layouts

DIMS = {"scalar": (1, 1), "depthwise": (3, 3), "mimo": (2, 3)}
#: Keyword arguments of OnlineConv: each method, and the continuous schedule with
#: small FFT blocks and a delay line of many partitions (the default settings
#: convolve filters of up to 256 taps directly).
SETTINGS = {
    "naive": {"method": "naive"},
    "epoched": {"method": "epoched"},
    "continuous": {"method": "continuous"},
    "delay-line": {"method": "continuous", "crossover": 2, "delay_line_block": 8},
}


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [1, 2, 37, 64])
@pytest.mark.parametrize("n_prompt", ["0", "1", "L-1", "L", "2L+3", "5L+1"])
def test_prefill_then_push_block_equals_push_block(
    rng,
    make_filters,
    make_inputs,
    scipy_conv,
    assert_rel_close,
    layout,
    length,
    settings,
    n_prompt,
):
    n_prompt = {
        "0": 0,
        "1": 1,
        "L-1": length - 1,
        "L": length,
        "2L+3": 2 * length + 3,
        "5L+1": 5 * length + 1,
    }[n_prompt]
    d_in, d_out = DIMS[layout]
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    u = make_inputs(rng, layout, n_prompt + 4 * length + 9, d_in=d_in)
    prompt, rest = u[:n_prompt], u[n_prompt:]

    stream = ffstream.OnlineConv(h, **SETTINGS[settings])
    assert stream.prefill(prompt) is None
    assert stream.n_seen == n_prompt
    y = stream.push_block(rest)

    twin = ffstream.OnlineConv(h, **SETTINGS[settings])
    y_twin = twin.push_block(u)[n_prompt:]
    assert_rel_close(y, y_twin)
    assert_rel_close(y, scipy_conv(h, u)[n_prompt:])
    assert stream.n_seen == twin.n_seen == len(u)


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [3, 50, 128])
def test_prefill_in_the_middle_of_a_stream(
    rng,
    make_filters,
    make_inputs,
    scipy_conv,
    assert_rel_close,
    layout,
    length,
    settings,
):
    d_in, d_out = DIMS[layout]
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    u = make_inputs(rng, layout, 12 * length + 20, d_in=d_in)
    # push 2L+5, prefill L+2, push 3, prefill 4L, push the rest
    cuts = np.cumsum([2 * length + 5, length + 2, 3, 4 * length])
    a, b, c, d, e = np.split(u, cuts)
    stream = ffstream.OnlineConv(h, **SETTINGS[settings])
    ya = stream.push_block(a)
    stream.prefill(b)
    yc = stream.push_block(c)
    stream.prefill(d)
    assert stream.n_seen == cuts[-1]
    ye = stream.push_block(e)
    expected = scipy_conv(h, u)
    assert_rel_close(ya, expected[: cuts[0]])
    assert_rel_close(yc, expected[cuts[1] : cuts[2]])
    assert_rel_close(ye, expected[cuts[3] :])


def test_prefill_of_an_empty_block_changes_nothing(
    rng, make_filters, make_inputs, method
):
    h = make_filters(rng, "depthwise", 20, d_in=2)
    u = make_inputs(rng, "depthwise", 100, d_in=2)
    stream = ffstream.OnlineConv(h, method)
    twin = ffstream.OnlineConv(h, method)
    stream.push_block(u[:33])
    twin.push_block(u[:33])
    stream.prefill(np.zeros((0, 2)))
    assert stream.n_seen == twin.n_seen == 33
    np.testing.assert_array_equal(stream.push_block(u[33:]), twin.push_block(u[33:]))


def test_prefill_accepts_flat_blocks_for_scalar_filters(
    rng, make_filters, assert_rel_close, method
):
    h = make_filters(rng, "scalar", 16)
    u = rng.standard_normal(80)
    flat = ffstream.OnlineConv(h, method)
    column = ffstream.OnlineConv(h, method)
    flat.prefill(u[:40])
    column.prefill(u[:40, None])
    assert_rel_close(flat.push_block(u[40:]), column.push_block(u[40:, None])[:, 0])


@settings(max_examples=150)
@given(
    layout=stream_layouts,
    length=filter_lengths(10, 140),
    settings=st.sampled_from(list(SETTINGS)),
    ops=st.lists(
        st.tuples(st.sampled_from(["push", "block", "prefill"]), st.integers(0, 300)),
        max_size=12,
    ),
    seed=seeds,
)
def test_random_interleavings_of_prefill_and_push(
    layout,
    length,
    settings,
    ops,
    seed,
    make_filters,
    make_inputs,
    scipy_conv,
    assert_rel_close,
):
    rng = np.random.default_rng(seed)
    d_in, d_out = DIMS[layout]
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    sizes = [1 if kind == "push" else size for kind, size in ops]
    u = make_inputs(rng, layout, sum(sizes) + length + 1, d_in=d_in)
    expected = scipy_conv(h, u)
    stream = ffstream.OnlineConv(h, **SETTINGS[settings])
    start = 0
    for (kind, _), size in zip(ops, sizes, strict=True):
        chunk = u[start : start + size]
        if kind == "prefill":
            stream.prefill(chunk)
        elif kind == "push":
            assert_rel_close(np.asarray(stream.push(chunk[0])), expected[start])
        else:
            assert_rel_close(stream.push_block(chunk), expected[start : start + size])
        start += size
        assert stream.n_seen == start
    # The final block spans more than a filter length after the last operation.
    assert_rel_close(stream.push_block(u[start:]), expected[start:])
