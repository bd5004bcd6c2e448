"""Forks, resets, properties, ownership of arrays and O(L) memory."""

import math

import numpy as np
import pytest

import ffstream

DIMS = {"scalar": (1, 1), "depthwise": (3, 3), "mimo": (2, 3)}


def filters_and_inputs(rng, make_filters, make_inputs, layout, length, n):
    d_in, d_out = DIMS[layout]
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    return h, make_inputs(rng, layout, n, d_in=d_in)


# -- copy and reset -----------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("n_before", [0, 1, 29, 300])
def test_copy_is_an_independent_fork(
    rng,
    make_filters,
    make_inputs,
    scipy_conv,
    assert_rel_close,
    layout,
    method,
    n_before,
):
    h, u = filters_and_inputs(
        rng, make_filters, make_inputs, layout, 40, n_before + 200
    )
    _, other = filters_and_inputs(rng, make_filters, make_inputs, layout, 40, 200)
    stream = ffstream.OnlineConv(h, method)
    stream.push_block(u[:n_before])
    fork = stream.copy()
    assert isinstance(fork, ffstream.OnlineConv)
    assert fork is not stream
    assert fork.n_seen == stream.n_seen == n_before
    assert (fork.method, fork.epoch, fork.layout) == (
        stream.method,
        stream.epoch,
        stream.layout,
    )

    # The fork continues with other inputs, interleaved with the original.
    y_fork = np.concatenate([fork.push_block(other[:70]), fork.push_block(other[70:])])
    y_stream = stream.push_block(u[n_before:])
    assert_rel_close(y_stream, scipy_conv(h, u)[n_before:])
    forked_inputs = np.concatenate([u[:n_before], other])
    assert_rel_close(y_fork, scipy_conv(h, forked_inputs)[n_before:])
    assert fork.n_seen == stream.n_seen == n_before + 200


def test_pushing_to_a_copy_does_not_touch_the_original(
    rng, make_filters, make_inputs, method
):
    h, u = filters_and_inputs(rng, make_filters, make_inputs, "mimo", 33, 400)
    stream = ffstream.OnlineConv(h, method)
    twin = ffstream.OnlineConv(h, method)
    stream.push_block(u[:150])
    twin.push_block(u[:150])
    fork = stream.copy()
    fork.push_block(10.0 * u[150:])
    fork.prefill(u[:50])
    fork.reset()
    assert stream.n_seen == 150
    np.testing.assert_array_equal(stream.push_block(u[150:]), twin.push_block(u[150:]))


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_reset_equals_a_fresh_stream(rng, make_filters, make_inputs, layout, method):
    h, u = filters_and_inputs(rng, make_filters, make_inputs, layout, 50, 500)
    stream = ffstream.OnlineConv(h, method)
    stream.push_block(u[:333])
    stream.prefill(u[333:400])
    stream.push(u[400])
    stream.reset()
    assert stream.n_seen == 0
    fresh = ffstream.OnlineConv(h, method)
    np.testing.assert_array_equal(stream.push_block(u), fresh.push_block(u))
    assert stream.n_seen == fresh.n_seen == 500
    stream.reset()
    fresh = ffstream.OnlineConv(h, method)
    outputs = [stream.push(sample) for sample in u[:60]]
    np.testing.assert_array_equal(np.array(outputs), fresh.push_block(u[:60]))


# -- properties -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "layout", "n_inputs", "n_outputs"),
    [
        ((7,), "scalar", 1, 1),
        ((7, 1), "depthwise", 1, 1),
        ((7, 4), "depthwise", 4, 4),
        ((7, 1, 1), "mimo", 1, 1),
        ((7, 3, 2), "mimo", 2, 3),
        ((7, 2, 5), "mimo", 5, 2),
    ],
)
def test_properties(shape, layout, n_inputs, n_outputs, method):
    stream = ffstream.OnlineConv(np.ones(shape), method)
    assert stream.layout == layout
    assert stream.filter_length == 7
    assert stream.n_inputs == n_inputs
    assert stream.n_outputs == n_outputs
    assert stream.method == method
    assert stream.n_seen == 0
    if method == "epoched":
        assert stream.epoch == math.ceil(math.sqrt(7 * math.log2(7)))
    else:
        assert stream.epoch is None
    block = np.ones((5,) if layout == "scalar" else (5, n_inputs))
    assert stream.push_block(block).shape == (
        (5,) if layout == "scalar" else (5, n_outputs)
    )
    assert stream.n_seen == 5
    text = repr(stream)
    assert f"layout={layout!r}" in text
    assert "filter_length=7" in text
    assert f"method={method!r}" in text
    assert "n_seen=5" in text


@pytest.mark.parametrize("length", [1, 2, 3, 100])
def test_default_epoch(length):
    expected = max(1, math.ceil(math.sqrt(length * math.log2(max(length, 2)))))
    assert ffstream.OnlineConv(np.ones(length), "epoched").epoch == expected
    assert ffstream.OnlineConv(np.ones(length), "epoched", 5).epoch == 5


def test_docstring_example():
    stream = ffstream.OnlineConv(0.5 ** np.arange(100))
    assert stream.push(1.0) == 1.0
    assert stream.push(0.0) == 0.5
    np.testing.assert_allclose(
        stream.push_block(np.zeros(3)), [0.25, 0.125, 0.0625], rtol=1e-14
    )


# -- ownership of arrays ----------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [(300,), (300, 1), (300, 2), (300, 1, 1), (300, 2, 3)]
)
def test_filters_are_copied(rng, method, shape):
    # One channel is the case where a transposed view is already contiguous.
    # 300 taps with a crossover of 8: FFT blocks and the delay line run too.
    h = rng.standard_normal(shape) * 0.01
    u = rng.standard_normal((700,) + (shape[-1:] if len(shape) > 1 else ()))
    original = h.copy()
    kwargs = {"crossover": 8} if method == "continuous" else {}
    stream = ffstream.OnlineConv(h, method, **kwargs)
    h *= 2.0  # the caller reuses its array
    np.testing.assert_array_equal(
        stream.push_block(u),
        ffstream.OnlineConv(original, method, **kwargs).push_block(u),
    )


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_inputs_are_not_modified_and_outputs_not_reused(
    rng, make_filters, make_inputs, layout, method
):
    h, u = filters_and_inputs(rng, make_filters, make_inputs, layout, 16, 200)
    saved = u.copy()
    stream = ffstream.OnlineConv(h, method)
    twin = ffstream.OnlineConv(h, method)
    first = stream.push_block(u[:50])
    first_saved = first.copy()
    stream.prefill(u[50:100])
    one = stream.push(u[100])
    one_saved = np.copy(one)
    stream.push_block(u[101:])
    np.testing.assert_array_equal(u, saved)
    np.testing.assert_array_equal(first, first_saved)
    np.testing.assert_array_equal(one, one_saved)
    twin.push_block(u[:50])
    twin.prefill(u[50:100])
    twin.push(u[100])
    twin.push_block(u[101:])
    # Writing into a returned array does not disturb the stream.
    if layout != "scalar":
        one[:] = 1e6
    first[:] = 1e6
    np.testing.assert_array_equal(stream.push_block(u[:30]), twin.push_block(u[:30]))


# -- memory ---------------------------------------------------------------------------


def array_bytes(obj, path="stream", seen=None, found=None):
    """``{path: nbytes}`` of every numpy array reachable from ``obj``'s attributes."""
    seen = set() if seen is None else seen
    found = {} if found is None else found
    if id(obj) in seen:
        return found
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        found[path] = obj.nbytes
    elif isinstance(obj, dict):
        for key, value in obj.items():
            array_bytes(value, f"{path}[{key!r}]", seen, found)
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            array_bytes(value, f"{path}[{i}]", seen, found)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        for key, value in vars(obj).items():
            array_bytes(value, f"{path}.{key}", seen, found)
    return found


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [1, 37, 256])
def test_memory_stays_bounded(rng, make_filters, make_inputs, layout, length, method):
    h, u = filters_and_inputs(
        rng, make_filters, make_inputs, layout, length, 50 * length
    )
    d_in, d_out = DIMS[layout]
    stream = ffstream.OnlineConv(h, method)
    state = stream._state
    ring_bytes = state.ring.nbytes
    cache_bytes = state.cache.nbytes
    before = array_bytes(stream)
    assert any(size >= length * d_in * 8 for size in before.values())

    for start in range(0, len(u), 7 * length + 3):
        stream.push_block(u[start : start + 7 * length + 3])
    stream.prefill(u[: 3 * length])
    for sample in u[:length]:
        stream.push(sample)
    if layout != "mimo":
        stream.rollout(3, n_series=2)

    assert stream._state.ring.nbytes == ring_bytes
    assert stream._state.cache.nbytes == cache_bytes
    assert array_bytes(stream) == before
    # O(L): the state holds a bounded number of samples per filter tap.
    state_bytes = sum(v for k, v in before.items() if k.startswith("stream._state"))
    assert state_bytes <= 8 * (8 * length + 64) * (d_in + d_out)
    assert sum(before.values()) <= 8 * 2 * (16 * length + 128) * (
        d_in * d_out + d_in + d_out
    )


@pytest.mark.parametrize("shape", [(5,), (5, 2), (7, 3, 2)])
def test_recent_returns_the_last_pushed_samples(rng, shape, method):
    stream = ffstream.OnlineConv(rng.standard_normal(shape), method)
    sample_shape = () if len(shape) == 1 else (shape[-1],)
    assert stream.recent(4).shape == (0, *sample_shape)
    pushed = rng.standard_normal((30, *sample_shape))
    stream.push_block(pushed[:20])
    stream.prefill(pushed[20:29])
    stream.push(pushed[29])
    ring = 1 << (shape[0] - 1).bit_length()  # the stream keeps the last R >= L samples
    np.testing.assert_array_equal(stream.recent(3), pushed[-3:])
    np.testing.assert_array_equal(stream.recent(100), pushed[-ring:])
    assert stream.recent(0).shape == (0, *sample_shape)
    with pytest.raises(ValueError, match="n must be at least 0"):
        stream.recent(-1)
