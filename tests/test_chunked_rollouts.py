"""Rollouts in chunks: ``rollout(n, ..., advance=True)`` continues bit for bit."""

import numba
import numpy as np
import pytest

import ffstream

from reference import naive_rollout


@numba.njit
def add_noise(y, u, step, series, data):
    """``u[t+1] = 0.5 y[t] + data[step]`` (the rollout's own step count)."""
    for c in range(u.shape[0]):
        u[c] = 0.5 * y[c] + data[step, c]


@numba.njit
def project(y, u, step, series, data):
    """A feedback for MIMO banks with more outputs than inputs: ``u = 0.3 y[:d_in]``."""
    for c in range(u.shape[0]):
        u[c] = 0.3 * y[c]


@numba.njit
def fail_at_step_40(y, u, step, series, data):
    """Identity, but reads past ``data`` at token 40 (caught with check_bounds)."""
    for c in range(u.shape[0]):
        u[c] = y[c]
    if step == 40:
        u[0] = data[data.shape[0] + 5]


def _chunks(rng, total):
    """Random chunk sizes summing to ``total``, zeros and ones among them."""
    sizes = []
    while sum(sizes) < total:
        sizes.append(int(rng.choice([0, 1, 2, 63, 64, 65, 300])))
    sizes[-1] -= sum(sizes) - total
    return sizes


def _state_equal(a, b):
    first, second = a.state(), b.state()
    return all(np.array_equal(first[k], second[k]) for k in first)


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [1, 50, 700])
def test_chunks_equal_one_rollout_and_the_pushed_tokens(
    rng, method, layout, length, make_filters, make_inputs
):
    filters = make_filters(rng, layout, length, d_in=2, d_out=2, gain=0.9)
    history = make_inputs(rng, layout, 333)
    stream = ffstream.OnlineConv(filters, method)
    stream.push_block(history)
    whole = stream.rollout(1500)
    pushed = stream.copy()
    parts = [stream.rollout(n, advance=True) for n in _chunks(rng, 1500)]
    tokens = np.concatenate(parts)
    assert np.array_equal(tokens, whole)
    assert stream.n_seen == 333 + 1500
    # The stream is exactly one that was pushed the tokens.
    pushed.push_block(tokens)
    assert _state_equal(stream, pushed)
    assert np.array_equal(stream.rollout(20), pushed.rollout(20))


def test_chunks_follow_the_naive_reference(rng, method, make_filters):
    filters = make_filters(rng, "mimo", 90, d_in=2, d_out=3, gain=0.9)
    prompt = rng.standard_normal((40, 2))
    stream = ffstream.OnlineConv(filters, method)
    stream.push_block(prompt)
    tokens = np.concatenate(
        [stream.rollout(n, project, advance=True) for n in _chunks(rng, 400)]
    )

    def reference_feedback(y, step, series, data):
        return 0.3 * y[:2]

    expected = naive_rollout(filters, prompt, 400, reference_feedback)
    np.testing.assert_allclose(tokens, expected, rtol=1e-10, atol=1e-12)


def test_each_chunk_takes_its_own_feedback_data(rng, method, make_filters):
    filters = make_filters(rng, "depthwise", 200, d_in=2, gain=0.9)
    noise = rng.standard_normal((1000, 2))
    stream = ffstream.OnlineConv(filters, method)
    whole = stream.rollout(1000, add_noise, noise)
    start, parts = 0, []
    for n in _chunks(rng, 1000):
        parts.append(
            stream.rollout(n, add_noise, noise[start : start + n], advance=True)
        )
        start += n
    assert np.array_equal(np.concatenate(parts), whole)


@pytest.mark.parametrize("method", ["epoched", "continuous"])
def test_a_million_tokens_in_chunks_of_64_equal_one_rollout(rng, method):
    envelope = np.exp(-4.0 * np.arange(4096) / 4096)
    h = (rng.standard_normal(4096) + 1.0) * envelope
    h *= 0.99 / np.abs(h).sum()
    stream = ffstream.OnlineConv(h, method)
    stream.push_block(rng.standard_normal(5000))
    steps = 10**6
    whole = stream.rollout(steps)
    chunks = [stream.rollout(64, advance=True) for _ in range(steps // 64)]
    tail = stream.rollout(steps % 64, advance=True)
    assert np.array_equal(np.concatenate([*chunks, tail]), whole)
    assert stream.n_seen == 5000 + steps


def test_advance_refuses_several_series_and_leaves_the_stream(rng):
    stream = ffstream.OnlineConv(rng.standard_normal(30))
    stream.push_block(rng.standard_normal(10))
    before = stream.copy()
    with pytest.raises(
        ValueError, match="advance=True .* cannot be combined with n_series=3"
    ):
        stream.rollout(5, n_series=3, advance=True)
    for bad in ("yes", 1, None):
        with pytest.raises(TypeError, match="advance must be True or False"):
            stream.rollout(5, advance=bad)
    with pytest.raises(ValueError, match="steps"):
        stream.rollout(-1, advance=True)
    with pytest.raises(TypeError, match="feedback must be a numba"):
        stream.rollout(5, feedback=lambda *a: None, advance=True)
    assert stream.rollout(0, advance=True).shape == (0,)
    assert _state_equal(stream, before)


def test_a_feedback_error_keeps_the_tokens_made_before_it(rng):
    h = rng.standard_normal(64) * 0.9 ** np.arange(64)
    stream = ffstream.OnlineConv(h)
    stream.push(1.0)
    twin = stream.copy()
    expected = twin.copy().rollout(40)
    with pytest.raises(IndexError, match="fail_at_step_40"):
        stream.rollout(
            100, fail_at_step_40, np.zeros(3), check_bounds=True, advance=True
        )
    # Tokens 0..39 were made and pushed; token 40 failed.
    assert stream.n_seen == 1 + 40
    twin.push_block(expected)
    assert _state_equal(stream, twin)


def test_the_overflow_warning_of_an_advancing_rollout(rng):
    stream = ffstream.OnlineConv(np.array([2.0]))
    stream.push(1e300)
    with pytest.warns(RuntimeWarning, match="NaN or infinite") as caught:
        stream.rollout(40, advance=True)
    assert caught[0].filename == __file__
    assert stream.n_seen == 41
