"""Autoregressive rollouts against a plain Python loop over a naive convolution."""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

import ffstream
from ffstream.engine.methods import METHODS

from reference import naive_rollout
from strategies import filter_lengths, methods, rollout_layouts, seeds

# -- feedbacks in Python, for the reference loop --------------------------------------


def py_identity(y, step, series, data):
    return y.copy()


def py_tanh(y, step, series, data):
    d_in = data.shape[2]
    return np.array(
        [np.tanh(y[i % len(y)]) + data[series, step, i] for i in range(d_in)]
    )


def py_noisy(y, step, series, data):
    d_in = data.shape[2]
    return np.array([y[i % len(y)] + data[series, step, i] for i in range(d_in)])


# -- numba feedbacks (one compiled rollout loop each) ----------------------------------


@numba.njit
def tanh_feedback(y, u, step, series, data):
    for i in range(u.shape[0]):
        u[i] = np.tanh(y[i % y.shape[0]]) + data[series, step, i]


@numba.njit
def noisy_feedback(y, u, step, series, data):
    for i in range(u.shape[0]):
        u[i] = y[i % y.shape[0]] + data[series, step, i]


@numba.njit
def step_noise_feedback(y, u, step, series, data):
    for i in range(u.shape[0]):
        u[i] = y[i % y.shape[0]] + data[step]


@numba.njit
def wrong_arity_feedback(y, u):
    u[0] = y[0]


FEEDBACKS = {
    "identity": (None, py_identity),
    "tanh": (tanh_feedback, py_tanh),
    "noisy": (noisy_feedback, py_noisy),
}

DIMS = {"scalar": (1, 1), "depthwise": (2, 2), "mimo-square": (2, 2), "mimo": (2, 3)}


def layout_filters(make_filters, rng, layout, length, gain=0.9):
    d_in, d_out = DIMS[layout]
    kind = "mimo" if layout.startswith("mimo") else layout
    return make_filters(rng, kind, length, d_in=d_in, d_out=d_out, gain=gain)


def layout_inputs(rng, layout, n, batch=()):
    d_in = DIMS[layout][0]
    return rng.standard_normal(batch + ((n,) if layout == "scalar" else (n, d_in)))


def noise(rng, n_series, steps, d_in, scale=0.1):
    return scale * rng.standard_normal((n_series, steps, d_in))


# -- identity, nonlinear and noisy feedbacks -----------------------------------------


@pytest.mark.parametrize("length", [1, 2, 3, 17, 64])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo-square"])
def test_identity_feedback_matches_python_loop(
    rng, make_filters, assert_rel_close, layout, length, method
):
    h = layout_filters(make_filters, rng, layout, length)
    prompt = layout_inputs(rng, layout, length + 3)
    steps = 3 * length + 10
    out = ffstream.rollout(h, steps, prompt, method=method)
    expected = naive_rollout(h, prompt, steps, py_identity)
    assert_rel_close(out, expected)
    # u[t+1] = y[t]: token 0 is the prompt's last output.
    y_prompt = ffstream.OnlineConv(h, method).push_block(prompt)
    assert_rel_close(out[0], y_prompt[-1])


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [1, 5, 40, 100])
def test_tanh_feedback_matches_python_loop(
    rng, make_filters, assert_rel_close, layout, length, method
):
    # A gain above one: only the bounded nonlinearity keeps the rollout bounded.
    h = layout_filters(make_filters, rng, layout, length, gain=1.5)
    d_in = DIMS[layout][0]
    prompt = layout_inputs(rng, layout, 2 * length + 1)
    steps = 2 * length + 30
    data = np.zeros((1, steps, d_in))
    out = ffstream.rollout(h, steps, prompt, tanh_feedback, method, feedback_data=data)
    expected = naive_rollout(h, prompt, steps, py_tanh, data)
    assert_rel_close(out, expected)
    assert np.all(np.abs(out) <= 1.0)
    assert np.ptp(out) > 0.1  # not a trivial constant rollout


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_noisy_feedback_matches_python_loop(
    rng, make_filters, assert_rel_close, layout, method
):
    length = 30
    h = layout_filters(make_filters, rng, layout, length)
    d_in = DIMS[layout][0]
    prompt = layout_inputs(rng, layout, 11)
    steps = 150
    data = noise(rng, 1, steps, d_in)
    out = ffstream.rollout(h, steps, prompt, noisy_feedback, method, feedback_data=data)
    assert_rel_close(out, naive_rollout(h, prompt, steps, py_noisy, data))


@pytest.mark.parametrize("length", [1, 4, 50])
def test_noisy_rollout_is_an_autoregressive_process(
    rng, make_filters, assert_rel_close, length, method
):
    """Without a prompt, ``u[t+1] = y[t] + e[t+1]`` and ``u[0] = e[0]``: the AR filter
    ``u = e / (1 - z^-1 H(z))``, which scipy.signal.lfilter computes independently."""
    h = make_filters(rng, "scalar", length, gain=0.9)
    steps = 400
    data = noise(rng, 1, steps, 1, scale=1.0)
    out = ffstream.rollout(h, steps, None, noisy_feedback, method, feedback_data=data)
    expected = signal.lfilter([1.0], np.r_[1.0, -h], data[0, :, 0])
    assert_rel_close(out, expected)

    hd = make_filters(rng, "depthwise", length, d_in=3, gain=0.9)
    data = noise(rng, 1, steps, 3, scale=1.0)
    out = ffstream.rollout(hd, steps, None, noisy_feedback, method, feedback_data=data)
    for c in range(3):
        assert_rel_close(
            out[:, c], signal.lfilter([1.0], np.r_[1.0, -hd[:, c]], data[0, :, c])
        )


def test_noise_indexed_by_step(rng, make_filters, assert_rel_close, method):
    h = make_filters(rng, "scalar", 12, gain=0.9)
    steps = 250
    data = np.random.default_rng(99).standard_normal(steps)
    out = ffstream.rollout(
        h, steps, None, step_noise_feedback, method, feedback_data=data
    )
    assert_rel_close(out, signal.lfilter([1.0], np.r_[1.0, -h], data))
    again = ffstream.rollout(
        h, steps, None, step_noise_feedback, method, feedback_data=data.copy()
    )
    np.testing.assert_array_equal(out, again)
    # Every series of a batch reads the same noise: they only differ by their prompts.
    prompts = rng.standard_normal((3, 20))
    batch = ffstream.rollout(
        h, steps, prompts, step_noise_feedback, method, feedback_data=data
    )

    def py_step_noise(y, step, series, data):
        return y + data[step]

    for b in range(3):
        assert_rel_close(
            batch[b], naive_rollout(h, prompts[b], steps, py_step_noise, data, b)
        )


def test_feedback_with_the_wrong_signature_is_rejected(rng, make_filters):
    h = make_filters(rng, "depthwise", 10, d_in=2, gain=0.9)
    stream = ffstream.OnlineConv(h)
    twin = ffstream.OnlineConv(h)
    u = rng.standard_normal((30, 2))
    stream.push_block(u)
    twin.push_block(u)
    with pytest.raises(TypeError, match="feedback"):
        stream.rollout(5, wrong_arity_feedback)
    with pytest.raises(TypeError, match="feedback"):
        ffstream.rollout(h, 5, u, wrong_arity_feedback)
    assert stream.n_seen == 30
    np.testing.assert_array_equal(stream.push_block(u), twin.push_block(u))


def test_noisy_rollout_is_reproducible_and_driven_by_the_data(rng, make_filters):
    h = make_filters(rng, "depthwise", 25, d_in=2, gain=0.9)
    prompt = rng.standard_normal((9, 2))
    data = noise(np.random.default_rng(1234), 1, 80, 2)
    same = noise(np.random.default_rng(1234), 1, 80, 2)
    other = noise(np.random.default_rng(4321), 1, 80, 2)
    first = ffstream.rollout(h, 80, prompt, noisy_feedback, feedback_data=data)
    again = ffstream.rollout(h, 80, prompt, noisy_feedback, feedback_data=same)
    np.testing.assert_array_equal(first, again)
    different = ffstream.rollout(h, 80, prompt, noisy_feedback, feedback_data=other)
    assert np.all(np.abs(different - first).max(axis=0) > 1e-3)
    # The noise arrays are read only.
    np.testing.assert_array_equal(data, same)


@pytest.mark.parametrize("feedback", ["identity", "tanh", "noisy"])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo-square"])
def test_all_methods_agree(rng, make_filters, assert_rel_close, layout, feedback):
    h = layout_filters(make_filters, rng, layout, 70)
    prompt = layout_inputs(rng, layout, 90)
    data = noise(rng, 1, 300, DIMS[layout][0])
    fb = FEEDBACKS[feedback][0]
    if fb is None:
        data = None
    outs = [
        ffstream.rollout(h, 300, prompt, fb, m, feedback_data=data) for m in METHODS
    ]
    outs.append(ffstream.rollout(h, 300, prompt, fb, "epoched", 3, feedback_data=data))
    outs.append(ffstream.rollout(h, 300, prompt, fb, crossover=1, feedback_data=data))
    outs.append(
        ffstream.rollout(h, 300, prompt, fb, crossover=10**9, feedback_data=data)
    )
    for crossover, block in [(1, 1), (4, 8), (2, 128)]:
        outs.append(
            ffstream.rollout(
                h,
                300,
                prompt,
                fb,
                crossover=crossover,
                delay_line_block=block,
                feedback_data=data,
            )
        )
    for out in outs[1:]:
        assert_rel_close(out, outs[0])


def test_mimo_feedback_maps_outputs_to_inputs(rng, make_filters, assert_rel_close):
    d_in, d_out = 2, 3
    h = make_filters(rng, "mimo", 20, d_in=d_in, d_out=d_out, gain=0.9)
    prompt = rng.standard_normal((7, d_in))
    data = noise(rng, 1, 60, d_in)
    with pytest.raises(ValueError, match="feedback"):
        ffstream.rollout(h, 60, prompt)
    out = ffstream.rollout(h, 60, prompt, noisy_feedback, feedback_data=data)
    assert out.shape == (60, d_in)
    assert_rel_close(out, naive_rollout(h, prompt, 60, py_noisy, data))
    stream = ffstream.OnlineConv(h)
    y = stream.push_block(prompt)
    assert y.shape == (7, d_out)
    assert_rel_close(out[0], y[-1, :d_in] + data[0, 0])
    assert_rel_close(stream.rollout(60, noisy_feedback, data), out)


# -- prompts, batches and series ------------------------------------------------------------


def test_no_prompt_starts_from_a_zero_output(rng, make_filters, method):
    h = make_filters(rng, "depthwise", 10, d_in=2, gain=0.9)
    np.testing.assert_array_equal(
        ffstream.rollout(h, 25, method=method), np.zeros((25, 2))
    )
    data = np.zeros((1, 25, 2))
    data[0, 0] = [1.0, -2.0]
    out = ffstream.rollout(h, 25, None, noisy_feedback, method, feedback_data=data)
    np.testing.assert_array_equal(out[0], [1.0, -2.0])  # f(0) = 0 + data[0, 0]
    np.testing.assert_allclose(out[1], h[0] * out[0], rtol=1e-12)
    empty_prompt = ffstream.rollout(
        h, 25, np.zeros((0, 2)), noisy_feedback, method, feedback_data=data
    )
    np.testing.assert_array_equal(empty_prompt, out)


@pytest.mark.parametrize("method", [*METHODS, "delay-line"])
@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_batch_prompts_equal_single_rollouts(
    rng, make_filters, assert_rel_close, layout, method
):
    n_series, n_prompt, steps = 4, 33, 70
    h = layout_filters(make_filters, rng, layout, 21)
    d_in = DIMS[layout][0]
    prompts = layout_inputs(rng, layout, n_prompt, batch=(n_series,))
    data = noise(rng, n_series, steps, d_in)
    settings = {"method": method}
    if method == "delay-line":
        # Small FFT blocks and a delay line of 6 partitions of 4 samples.
        settings = {"method": "continuous", "crossover": 2, "delay_line_block": 4}
    out = ffstream.rollout(
        h, steps, prompts, noisy_feedback, feedback_data=data, **settings
    )
    assert out.shape == (n_series, steps) + (() if layout == "scalar" else (d_in,))
    for b in range(n_series):
        # A single series is series 0: give it its own row of noise.
        single = ffstream.rollout(
            h,
            steps,
            prompts[b],
            noisy_feedback,
            feedback_data=data[b : b + 1],
            **settings,
        )
        assert_rel_close(out[b], single)
        assert_rel_close(out[b], naive_rollout(h, prompts[b], steps, py_noisy, data, b))
    if layout != "mimo":
        identity = ffstream.rollout(h, steps, prompts, **settings)
        for b in range(n_series):
            assert_rel_close(
                identity[b], ffstream.rollout(h, steps, prompts[b], **settings)
            )


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_n_series_feeds_the_series_index(
    rng, make_filters, assert_rel_close, layout, method
):
    n_series, steps = 5, 64
    h = layout_filters(make_filters, rng, layout, 16)
    d_in = DIMS[layout][0]
    history = layout_inputs(rng, layout, 40)
    stream = ffstream.OnlineConv(h, method)
    stream.push_block(history)
    data = noise(rng, n_series, steps, d_in)
    out = stream.rollout(steps, noisy_feedback, data, n_series=n_series)
    assert out.shape == (n_series, steps) + (() if layout == "scalar" else (d_in,))
    for b in range(n_series):
        assert_rel_close(out[b], naive_rollout(h, history, steps, py_noisy, data, b))
    # Series only differ through their noise.
    assert np.abs(out[0] - out[1]).max() > 1e-3
    shared = np.repeat(data[:1], n_series, axis=0)
    same = stream.rollout(steps, noisy_feedback, shared, n_series=n_series)
    for b in range(1, n_series):
        np.testing.assert_array_equal(same[b], same[0])
    assert stream.n_seen == 40


# -- OnlineConv.rollout ---------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_stream_rollout_leaves_the_stream_unchanged(rng, make_filters, layout, method):
    h = layout_filters(make_filters, rng, layout, 37)
    history = layout_inputs(rng, layout, 150)
    future = layout_inputs(rng, layout, 120)
    data = noise(rng, 3, 90, DIMS[layout][0])
    stream = ffstream.OnlineConv(h, method)
    twin = ffstream.OnlineConv(h, method)
    stream.push_block(history)
    twin.push_block(history)

    first = stream.rollout(90, noisy_feedback, data[:1])
    second = stream.rollout(90, noisy_feedback, data[:1])
    np.testing.assert_array_equal(first, second)
    stream.rollout(90, noisy_feedback, data, n_series=3)
    stream.rollout(90, tanh_feedback, data)
    if layout != "mimo":
        stream.rollout(90)

    assert stream.n_seen == twin.n_seen == 150
    np.testing.assert_array_equal(stream.push_block(future), twin.push_block(future))
    np.testing.assert_array_equal(
        stream.rollout(90, noisy_feedback, data[:1]),
        twin.rollout(90, noisy_feedback, data[:1]),
    )


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("n_prompt", [1, 20, 100])
def test_rollout_function_equals_stream_rollout(
    rng, make_filters, assert_rel_close, layout, method, n_prompt
):
    h = layout_filters(make_filters, rng, layout, 30)
    prompt = layout_inputs(rng, layout, n_prompt)
    data = noise(rng, 1, 75, DIMS[layout][0])
    out = ffstream.rollout(h, 75, prompt, tanh_feedback, method, feedback_data=data)

    pushed = ffstream.OnlineConv(h, method)
    pushed.push_block(prompt)
    assert_rel_close(pushed.rollout(75, tanh_feedback, data), out)

    prefilled = ffstream.OnlineConv(h, method)
    prefilled.prefill(prompt)
    assert_rel_close(prefilled.rollout(75, tanh_feedback, data), out)

    # Generated tokens continue the stream: pushing them reproduces the rollout.
    expected_next = np.array(
        [
            py_tanh(np.atleast_1d(y), i + 1, 0, data)
            for i, y in enumerate(pushed.push_block(out[:-1]))
        ]
    )
    assert_rel_close(out[1:], expected_next.reshape(out[1:].shape))


def test_rollout_after_many_samples_and_prefill(
    rng, make_filters, assert_rel_close, method
):
    h = make_filters(rng, "scalar", 45, gain=0.9)
    u = rng.standard_normal(1000)
    stream = ffstream.OnlineConv(h, method)
    stream.push_block(u[:500])
    stream.prefill(u[500:900])
    stream.push_block(u[900:])
    data = noise(rng, 1, 100, 1)
    out = stream.rollout(100, noisy_feedback, data)
    assert_rel_close(out, naive_rollout(h, u, 100, py_noisy, data))


# -- shapes and edge cases ----------------------------------------------------------------


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_zero_steps_returns_empty_arrays(rng, make_filters, layout):
    h = layout_filters(make_filters, rng, layout, 8)
    d_in = DIMS[layout][0]
    sample = () if layout == "scalar" else (d_in,)
    data = np.zeros((3, 0, d_in))
    prompt = layout_inputs(rng, layout, 5)
    prompts = layout_inputs(rng, layout, 5, batch=(3,))
    assert (
        ffstream.rollout(h, 0, None, noisy_feedback, feedback_data=data).shape
        == (0,) + sample
    )
    assert (
        ffstream.rollout(h, 0, prompt, noisy_feedback, feedback_data=data).shape
        == (0,) + sample
    )
    assert ffstream.rollout(
        h, 0, prompts, noisy_feedback, feedback_data=data
    ).shape == ((3, 0) + sample)
    stream = ffstream.OnlineConv(h)
    stream.push_block(prompt)
    assert stream.rollout(0, noisy_feedback, data).shape == (0,) + sample
    assert stream.rollout(0, noisy_feedback, data, n_series=3).shape == (3, 0) + sample
    assert stream.n_seen == 5


def test_rollout_warns_when_it_diverges():
    h = np.array([1e10, 0.0])
    with pytest.warns(RuntimeWarning, match="NaN or infinite"):
        out = ffstream.rollout(h, 60, prompt=np.ones(3))
    assert not np.isfinite(out[-1])
    assert out[0] == 1e10


# -- random cases -----------------------------------------------------------------------------


@settings(max_examples=100)
@given(
    layout=rollout_layouts,
    length=filter_lengths(8, 80),
    method=methods,
    n_prompt=st.integers(0, 150),
    steps=st.integers(0, 120),
    feedback=st.sampled_from(["identity", "tanh", "noisy"]),
    seed=seeds,
)
def test_random_rollouts_match_python_loop(
    layout,
    length,
    method,
    n_prompt,
    steps,
    feedback,
    seed,
    make_filters,
    assert_rel_close,
):
    if layout == "mimo" and feedback == "identity":
        feedback = "noisy"
    rng = np.random.default_rng(seed)
    h = layout_filters(make_filters, rng, layout, length)
    prompt = layout_inputs(rng, layout, n_prompt)
    data = noise(rng, 1, steps, DIMS[layout][0])
    fb, py_fb = FEEDBACKS[feedback]
    if fb is None:
        data = None
    out = ffstream.rollout(h, steps, prompt, fb, method, feedback_data=data)
    assert_rel_close(out, naive_rollout(h, prompt, steps, py_fb, data))
