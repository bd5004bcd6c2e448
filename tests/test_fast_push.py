"""The short path of ``push`` for a float into a scalar stream: same bits, same checks."""

import threading

import numpy as np
import pytest

import ffstream


@pytest.mark.parametrize("length", [1, 5, 300, 2000])
def test_pushed_floats_equal_the_block_outputs(rng, method, length):
    h = rng.standard_normal(length) * 0.995 ** np.arange(length)
    u = rng.standard_normal(3 * length + 600)
    by_block = ffstream.OnlineConv(h, method).push_block(u)
    stream = ffstream.OnlineConv(h, method)
    one_by_one = [stream.push(float(x)) for x in u[:-300]]
    one_by_one += [stream.push(np.float64(x)) for x in u[-300:]]
    assert all(type(y) is float for y in one_by_one)
    assert np.array_equal(one_by_one, by_block)


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), -np.inf, np.float64("nan")]
)
def test_a_non_finite_float_is_rejected_and_the_stream_unchanged(rng, bad):
    stream = ffstream.OnlineConv(rng.standard_normal(40))
    stream.push_block(rng.standard_normal(50))
    before = stream.state()
    with pytest.raises(ValueError, match="sample must be finite"):
        stream.push(bad)
    after = stream.state()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_float_into_a_channelled_stream_is_a_shape_error():
    for filters in (np.ones((4, 2)), np.ones((4, 1)), np.ones((4, 1, 1))):
        stream = ffstream.OnlineConv(filters)
        with pytest.raises(ValueError, match="sample must have shape"):
            stream.push(1.0)
        assert stream.n_seen == 0


def test_other_scalars_take_the_checked_path():
    stream = ffstream.OnlineConv(np.array([1.0, 1.0]))
    assert stream.push(1) == 1.0
    assert stream.push(np.float32(2.0)) == 3.0
    assert stream.push(np.array(1.0)) == 3.0
    for bad in (True, "1.0", 1j):
        with pytest.raises(TypeError, match="sample must hold real numbers"):
            stream.push(bad)
    assert stream.n_seen == 3


def test_the_overflow_warning_points_at_the_callers_line():
    stream = ffstream.OnlineConv(np.array([1e300, 1e300]))
    with pytest.warns(RuntimeWarning, match="overflowed") as caught:
        stream.push(1e300)
    assert caught[0].filename == __file__


def test_two_threads_pushing_floats_share_the_stream_safely(rng):
    h = rng.standard_normal(512)
    stream = ffstream.OnlineConv(h)
    outputs = {0: [], 1: []}

    def push_ones(index):
        for _ in range(3000):
            outputs[index].append(stream.push(1.0))

    threads = [threading.Thread(target=push_ones, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stream.n_seen == 6000
    # Every push saw a whole number of earlier ones: the outputs of the 6000
    # pushes, merged, are those of 6000 ones in a row.
    expected = ffstream.OnlineConv(h).push_block(np.ones(6000))
    assert sorted(outputs[0] + outputs[1]) == sorted(expected.tolist())
