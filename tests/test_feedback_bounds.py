"""Feedback functions that index out of bounds: ``check_bounds=True`` turns them into errors."""

import numba
import numpy as np
import pytest

import ffstream
from ffstream.kernels._numba import bounds_checked

H = 0.5 ** np.arange(16)


@numba.njit
def read_far_in_data(y, u, step, series, data):
    u[0] = y[0] + data[step * 100_000_000]


@numba.njit
def write_past_u(y, u, step, series, data):
    u[0] = y[0]
    if step == 3:
        u[5] = 1.0


@numba.njit
def read_noise(y, u, step, series, data):
    u[0] = 0.5 * y[0] + data[series, step]


def noise(n_series=3, steps=20):
    return np.random.default_rng(0).standard_normal((n_series, steps))


@pytest.mark.parametrize(
    ("feedback", "what"),
    [(read_far_in_data, "read_far_in_data"), (write_past_u, "write_past_u")],
    ids=["data-read", "u-write"],
)
@pytest.mark.parametrize("prompt", [np.ones(4), np.ones((3, 4))], ids=["one", "batch"])
def test_an_index_out_of_bounds_is_an_index_error_naming_the_feedback(
    feedback, what, prompt
):
    with pytest.raises(IndexError, match=rf"feedback {what} indexed an array out of"):
        ffstream.rollout(
            H, 10, prompt, feedback, feedback_data=np.ones(8), check_bounds=True
        )


def test_the_message_gives_the_shapes_the_feedback_saw():
    with pytest.raises(IndexError) as raised:
        ffstream.rollout(
            H,
            10,
            np.ones(4),
            write_past_u,
            feedback_data=np.ones((2, 3)),
            check_bounds=True,
        )
    assert "y has shape (1,), u (1,), data (2, 3)" in str(raised.value)
    assert "numba said: index is out of bounds" in str(raised.value)


@pytest.mark.parametrize("method", ["naive", "continuous"])
def test_a_checked_rollout_in_bounds_equals_the_unchecked_one(method):
    data = noise()
    prompts = np.ones((3, 5))
    unchecked = ffstream.rollout(H, 20, prompts, read_noise, method, feedback_data=data)
    checked = ffstream.rollout(
        H, 20, prompts, read_noise, method, feedback_data=data, check_bounds=True
    )
    assert np.array_equal(checked, unchecked)


def test_a_stream_rollout_is_checked_and_leaves_the_stream_unchanged():
    stream = ffstream.OnlineConv(H)
    stream.push_block(np.arange(5.0))
    before = stream.state()
    with pytest.raises(IndexError, match="feedback write_past_u"):
        stream.rollout(10, write_past_u, check_bounds=True)
    with pytest.raises(IndexError, match="feedback read_far_in_data"):
        stream.rollout(10, read_far_in_data, np.ones(3), n_series=2, check_bounds=True)
    after = stream.state()
    assert after.keys() == before.keys()
    assert all(np.array_equal(after[key], before[key]) for key in before)
    checked = stream.rollout(20, read_noise, noise(1), check_bounds=True)
    assert np.array_equal(checked, stream.rollout(20, read_noise, noise(1)))


def test_the_checked_twin_is_compiled_once_per_feedback():
    twin = bounds_checked(read_noise)
    assert bounds_checked(read_noise) is twin
    assert twin.targetoptions["boundscheck"] is True
    assert read_noise.targetoptions["boundscheck"] is None  # unchanged: numba's default
    assert twin.py_func is read_noise.py_func


def test_a_feedback_raising_index_error_itself_is_reported_unchanged_when_unchecked():
    @numba.njit
    def refuses(y, u, step, series, data):
        if step == 2:
            raise IndexError("my own index error")
        u[0] = y[0]

    with pytest.raises(IndexError, match="^my own index error$"):
        ffstream.rollout(H, 10, np.ones(3), refuses)


@pytest.mark.parametrize("value", ["True", 1, 0.0, None, np.array([True])])
def test_check_bounds_must_be_a_bool(value):
    with pytest.raises(TypeError, match="check_bounds must be True or False"):
        ffstream.rollout(H, 10, prompt=np.ones(3), check_bounds=value)
    stream = ffstream.OnlineConv(H)
    with pytest.raises(TypeError, match="check_bounds must be True or False"):
        stream.rollout(10, check_bounds=value)


def test_check_bounds_warns_when_numba_bounds_checks_are_switched_off(monkeypatch):
    monkeypatch.setattr(numba.config, "BOUNDSCHECK", 0)  # as NUMBA_BOUNDSCHECK=0 does
    with pytest.warns(RuntimeWarning, match="NUMBA_BOUNDSCHECK=0") as caught:
        ffstream.rollout(
            H, 5, np.ones(3), read_noise, feedback_data=noise(1, 5), check_bounds=True
        )
    assert [w.filename for w in caught] == [__file__]
