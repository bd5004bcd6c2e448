"""Bad input: clear errors naming the argument, and no change to the stream's state."""

import numba
import numpy as np
import pytest

import ffstream

H = 0.5 ** np.arange(6)


def python_feedback(y, u, step, series, data):
    u[:] = y


@numba.njit
def first_outputs(y, u, step, series, data):  # never compiled: only bad calls use it
    for i in range(u.shape[0]):
        u[i] = y[i]


# -- filters, method, epoch, crossover --------------------------------------------------

BAD_FILTERS = [
    pytest.param([1.0, np.nan], ValueError, id="nan"),
    pytest.param([[1.0, 2.0], [np.inf, 0.0]], ValueError, id="inf"),
    pytest.param(np.full((3, 2, 2), -np.inf), ValueError, id="-inf-mimo"),
    pytest.param([], ValueError, id="empty"),
    pytest.param(np.zeros((0, 3)), ValueError, id="empty-depthwise"),
    pytest.param(np.zeros((4, 0)), ValueError, id="no-channels"),
    pytest.param(np.zeros((4, 2, 0)), ValueError, id="no-inputs"),
    pytest.param(1.0, ValueError, id="0-d"),
    pytest.param(np.ones((2, 2, 2, 2)), ValueError, id="4-d"),
    pytest.param([True, False], TypeError, id="bool"),
    pytest.param([1.0 + 2.0j, 0.5], TypeError, id="complex"),
    pytest.param(["1", "2"], TypeError, id="str"),
    pytest.param(np.array([1.0, None], dtype=object), TypeError, id="object"),
    pytest.param("abc", TypeError, id="string"),
]


@pytest.mark.parametrize(("filters", "error"), BAD_FILTERS)
def test_bad_filters(filters, error):
    with pytest.raises(error, match="filters"):
        ffstream.OnlineConv(filters)
    with pytest.raises(error, match="filters"):
        ffstream.rollout(filters, 3)


BAD_SETTINGS = [
    pytest.param({"method": "fft"}, ValueError, "method", id="unknown-method"),
    pytest.param({"method": "Naive"}, ValueError, "method", id="method-case"),
    pytest.param({"method": None}, ValueError, "method", id="method-none"),
    pytest.param({"method": "epoched", "epoch": 0}, ValueError, "epoch", id="epoch-0"),
    pytest.param(
        {"method": "epoched", "epoch": -4}, ValueError, "epoch", id="epoch-neg"
    ),
    pytest.param(
        {"method": "epoched", "epoch": 2.0}, TypeError, "epoch", id="epoch-float"
    ),
    pytest.param(
        {"method": "epoched", "epoch": "8"}, TypeError, "epoch", id="epoch-str"
    ),
    pytest.param(
        {"method": "epoched", "epoch": True}, TypeError, "epoch", id="epoch-bool"
    ),
    pytest.param(
        {"method": "naive", "epoch": 4}, ValueError, "epoch", id="epoch-naive"
    ),
    pytest.param(
        {"method": "continuous", "epoch": 4}, ValueError, "epoch", id="epoch-continuous"
    ),
    pytest.param({"epoch": 4}, ValueError, "epoch", id="epoch-default-method"),
    pytest.param({"crossover": 0}, ValueError, "crossover", id="crossover-0"),
    pytest.param({"crossover": -8}, ValueError, "crossover", id="crossover-neg"),
    pytest.param({"crossover": 1.5}, TypeError, "crossover", id="crossover-float"),
    pytest.param({"crossover": None}, TypeError, "crossover", id="crossover-none"),
    pytest.param({"crossover": False}, TypeError, "crossover", id="crossover-bool"),
    pytest.param(
        {"delay_line_block": 0}, ValueError, "delay_line_block", id="delay-line-0"
    ),
    pytest.param(
        {"delay_line_block": -4}, ValueError, "delay_line_block", id="delay-line-neg"
    ),
    pytest.param(
        {"delay_line_block": 24},
        ValueError,
        "delay_line_block must be a power of two",
        id="delay-line-not-power-of-two",
    ),
    pytest.param(
        {"delay_line_block": 8.0}, TypeError, "delay_line_block", id="delay-line-float"
    ),
    pytest.param(
        {"method": "naive", "delay_line_block": 8},
        ValueError,
        "delay_line_block is only used by method='continuous'",
        id="delay-line-naive",
    ),
    pytest.param(
        {"method": "epoched", "delay_line_block": 8},
        ValueError,
        "delay_line_block",
        id="delay-line-epoched",
    ),
]


@pytest.mark.parametrize(("kwargs", "error", "name"), BAD_SETTINGS)
def test_bad_settings(kwargs, error, name):
    with pytest.raises(error, match=name):
        ffstream.OnlineConv(H, **kwargs)
    with pytest.raises(error, match=name):
        ffstream.rollout(H, 3, **kwargs)


def test_valid_settings_are_accepted():
    assert ffstream.OnlineConv(H, "epoched", np.int64(3)).epoch == 3
    assert ffstream.OnlineConv(H, "epoched", None).epoch >= 1
    assert (
        ffstream.OnlineConv(H, "continuous", crossover=np.int32(2)).method
        == "continuous"
    )
    assert ffstream.OnlineConv(H, np.str_("naive")).method == "naive"
    assert (
        ffstream.OnlineConv(
            H, crossover=1, delay_line_block=np.int64(2)
        ).delay_line_block
        == 2
    )


def test_unhashable_method_is_reported_by_name():
    with pytest.raises((ValueError, TypeError), match="method"):
        ffstream.OnlineConv(H, ["naive"])


# -- push, push_block, prefill ----------------------------------------------------------


def layout_filters(layout):
    rng = np.random.default_rng(7)
    shape = {"scalar": (9,), "depthwise": (9, 2), "mimo": (9, 3, 2)}[layout]
    return rng.standard_normal(shape) * 0.9 ** np.arange(9).reshape(
        (-1,) + (1,) * (len(shape) - 1)
    )


def bad_samples(layout):
    """``(sample, error)`` pairs ``push`` must reject for filters of ``layout``."""
    if layout == "scalar":
        return [
            (np.nan, ValueError),
            (np.inf, ValueError),
            ([1.0], ValueError),
            (np.ones((1, 1)), ValueError),
            (True, TypeError),
            (np.True_, TypeError),
            (1j, TypeError),
            ("1.0", TypeError),
            (None, TypeError),
        ]
    return [
        ([1.0, np.nan], ValueError),
        ([-np.inf, 1.0], ValueError),
        (1.0, ValueError),
        ([1.0, 2.0, 3.0], ValueError),
        ([1.0], ValueError),
        (np.ones((1, 2)), ValueError),
        ([True, False], TypeError),
        (np.array([1.0, 2.0], dtype=complex), TypeError),
        (["a", "b"], TypeError),
        (np.array([1.0, None], dtype=object), TypeError),
    ]


def bad_blocks(layout):
    """``(block, error)`` pairs ``push_block`` and ``prefill`` must reject."""
    d = 1 if layout == "scalar" else 2
    nan_block = np.ones((5, d))
    nan_block[3, 0] = np.nan
    inf_block = np.ones((5, d))
    inf_block[4, -1] = np.inf
    cases = [
        (nan_block, ValueError),
        (inf_block, ValueError),
        (np.ones((5, d + 1)), ValueError),
        (np.ones((5, d, 1)), ValueError),
        (np.ones(()), ValueError),
        (np.ones((5, d), dtype=bool), TypeError),
        (np.ones((5, d), dtype=complex), TypeError),
        (np.full((5, d), "x"), TypeError),
        (np.ones((5, d), dtype=object), TypeError),
    ]
    if layout == "scalar":
        cases.append(([0.0, np.nan, 1.0], ValueError))
    else:
        cases.append((np.ones(5), ValueError))
    return cases


def twin_streams(layout, method, n_history=23):
    rng = np.random.default_rng(11)
    h = layout_filters(layout)
    d = () if layout == "scalar" else (2,)
    history = rng.standard_normal((n_history,) + d)
    stream = ffstream.OnlineConv(h, method)
    twin = ffstream.OnlineConv(h, method)
    stream.push_block(history)
    twin.push_block(history)
    return stream, twin, rng.standard_normal((40,) + d)


def assert_same_state(stream, twin, future):
    assert stream.n_seen == twin.n_seen
    np.testing.assert_array_equal(stream.push_block(future), twin.push_block(future))
    assert stream.n_seen == twin.n_seen


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_rejected_push_leaves_the_stream_unchanged(layout, method):
    stream, twin, future = twin_streams(layout, method)
    for sample, error in bad_samples(layout):
        with pytest.raises(error, match="sample"):
            stream.push(sample)
        assert stream.n_seen == twin.n_seen
    assert_same_state(stream, twin, future)


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_rejected_push_block_leaves_the_stream_unchanged(layout, method):
    stream, twin, future = twin_streams(layout, method)
    for block, error in bad_blocks(layout):
        with pytest.raises(error, match="block"):
            stream.push_block(block)
        assert stream.n_seen == twin.n_seen
    assert_same_state(stream, twin, future)


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_rejected_prefill_leaves_the_stream_unchanged(layout, method):
    stream, twin, future = twin_streams(layout, method)
    for block, error in bad_blocks(layout):
        with pytest.raises(error, match="block"):
            stream.prefill(block)
        assert stream.n_seen == twin.n_seen
    assert_same_state(stream, twin, future)


def test_nan_late_in_a_long_block_is_rejected_before_any_sample(method):
    stream, twin, future = twin_streams("depthwise", method)
    block = np.ones((1000, 2))
    block[-1, 1] = np.nan
    with pytest.raises(ValueError, match="block"):
        stream.push_block(block)
    with pytest.raises(ValueError, match="block"):
        stream.prefill(block)
    assert_same_state(stream, twin, future)


@pytest.mark.parametrize("name", ["filters", "sample", "block", "prefill", "prompt"])
def test_ragged_input_is_reported_by_name(name):
    stream = ffstream.OnlineConv(np.ones((3, 2)))
    ragged_sample = [1.0, [2.0, 3.0]]
    ragged_block = [[1.0, 2.0], [3.0]]
    calls = {
        "filters": lambda: ffstream.OnlineConv(ragged_block),
        "sample": lambda: stream.push(ragged_sample),
        "block": lambda: stream.push_block(ragged_block),
        "prefill": lambda: stream.prefill(ragged_block),
        "prompt": lambda: ffstream.rollout(
            np.ones((3, 2)), 2, [ragged_block, ragged_block]
        ),
    }
    match = "block" if name == "prefill" else name
    with pytest.raises((ValueError, TypeError), match=match):
        calls[name]()
    assert stream.n_seen == 0


# -- rollouts ---------------------------------------------------------------------------


BAD_STEPS = [
    pytest.param(-1, ValueError, id="negative"),
    pytest.param(2.0, TypeError, id="float"),
    pytest.param("3", TypeError, id="str"),
    pytest.param(True, TypeError, id="bool"),
    pytest.param(None, TypeError, id="none"),
    pytest.param(np.array([3]), TypeError, id="array"),
]


@pytest.mark.parametrize(("steps", "error"), BAD_STEPS)
def test_bad_steps(steps, error):
    with pytest.raises(error, match="steps"):
        ffstream.rollout(H, steps, np.ones(4))
    stream, twin, future = twin_streams("scalar", "continuous")
    with pytest.raises(error, match="steps"):
        stream.rollout(steps)
    assert_same_state(stream, twin, future)


@pytest.mark.parametrize(
    ("n_series", "error"),
    [
        (0, ValueError),
        (-2, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        ("2", TypeError),
    ],
)
def test_bad_n_series(n_series, error):
    stream, twin, future = twin_streams("depthwise", "epoched")
    with pytest.raises(error, match="n_series"):
        stream.rollout(4, n_series=n_series)
    assert_same_state(stream, twin, future)


@pytest.mark.parametrize(
    "feedback",
    [python_feedback, lambda y, u, step, series, data: None, np.tanh, "identity", 1.0],
    ids=["python-function", "lambda", "ufunc", "str", "float"],
)
def test_feedback_must_be_a_numba_function(feedback):
    with pytest.raises(TypeError, match="feedback"):
        ffstream.rollout(H, 3, np.ones(4), feedback)
    stream, twin, future = twin_streams("mimo", "naive")
    with pytest.raises(TypeError, match="feedback"):
        stream.rollout(3, feedback)
    assert_same_state(stream, twin, future)


def test_identity_feedback_needs_as_many_outputs_as_inputs(method):
    h = layout_filters("mimo")  # 2 inputs, 3 outputs
    with pytest.raises(ValueError, match="feedback"):
        ffstream.rollout(h, 5, np.ones((4, 2)), method=method)
    with pytest.raises(ValueError, match="feedback"):
        ffstream.rollout(np.ones((4, 2, 3)), 5, method=method)
    stream, twin, future = twin_streams("mimo", method)
    with pytest.raises(ValueError, match="feedback"):
        stream.rollout(5)
    with pytest.raises(ValueError, match="feedback"):
        stream.rollout(5, n_series=2)
    assert_same_state(stream, twin, future)


def bad_prompts(layout):
    d = () if layout == "scalar" else (2,)
    nan_prompt = np.ones((6,) + d)
    nan_prompt[2] = np.nan
    cases = [
        (nan_prompt, ValueError),
        (np.full((3, 6) + d, np.inf), ValueError),
        (np.ones((3, 6) + d + (1,)), ValueError),
        (np.ones(()), ValueError),
        (np.ones((6,) + d, dtype=bool), TypeError),
        (np.ones((6,) + d, dtype=complex), TypeError),
        (np.full((6,) + d, "u"), TypeError),
    ]
    if layout != "scalar":
        cases += [
            (np.ones((6, 3)), ValueError),
            (np.ones((2, 6, 1)), ValueError),
            (np.ones(6), ValueError),
        ]
    return cases


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
def test_bad_prompts(layout):
    h = layout_filters(layout)
    for prompt, error in bad_prompts(layout):
        with pytest.raises(error, match="prompt"):
            ffstream.rollout(h, 3, prompt, first_outputs, method="epoched")


def test_errors_are_raised_before_compiling_anything():
    """Argument errors are reported even when the rollout would otherwise be valid."""
    with pytest.raises(ValueError, match="steps"):
        ffstream.rollout(np.ones((4, 3, 2)), -5, np.ones((2, 2)))
    with pytest.raises(ValueError, match="epoch"):
        ffstream.rollout(H, 4, np.ones(3), method="naive", epoch=2)


# -- flags -------------------------------------------------------------------------------

NOT_FLAGS = ["False", "yes", 0, 1, 1.0, None, np.array([True]), [True]]


def fitted_fir():
    return ffstream.FIRForecaster(order=2).fit(np.linspace(0.0, 1.0, 40))


FLAG_CALLS = [
    pytest.param(
        lambda value: ffstream.FIRForecaster(2, fit_intercept=value),
        "fit_intercept",
        id="fir-fit_intercept",
    ),
    pytest.param(
        lambda value: ffstream.SpectralForecaster(fit_intercept=value),
        "fit_intercept",
        id="spectral-fit_intercept",
    ),
    pytest.param(
        lambda value: ffstream.backtest(
            ffstream.FIRForecaster(2), np.ones(40), 2, initial=20, refit=value
        ),
        "refit",
        id="backtest-refit",
    ),
    pytest.param(
        lambda value: ffstream.backtest(
            ffstream.FIRForecaster(2), np.ones(40), 2, initial=20, learn=value
        ),
        "learn",
        id="backtest-learn",
    ),
]


@pytest.mark.parametrize(("call", "name"), FLAG_CALLS)
@pytest.mark.parametrize("value", NOT_FLAGS)
def test_a_flag_is_true_or_false_not_its_truth_value(call, name, value):
    with pytest.raises(TypeError, match=rf"^{name} must be True or False, got "):
        call(value)


@pytest.mark.parametrize("value", NOT_FLAGS)
def test_update_learn_is_a_flag_and_a_rejected_update_changes_nothing(value):
    model = fitted_fir()
    before = model.forecast(5)
    naive = ffstream.SeasonalNaive(4).fit(np.arange(12.0))
    for forecaster in (model, naive):
        with pytest.raises(TypeError, match="learn must be True or False"):
            forecaster.update(np.ones(3), learn=value)
    assert model.n_seen == 40 and naive.n_seen == 12
    assert np.array_equal(model.forecast(5), before)


@pytest.mark.parametrize("metric", ["mae", "rmse", "mase"])
def test_by_step_is_a_flag(metric):
    result = ffstream.backtest(
        ffstream.FIRForecaster(2), np.sin(np.arange(60.0)), 3, initial=30
    )
    with pytest.raises(TypeError, match="by_step must be True or False, got str"):
        getattr(result, metric)(by_step="False")
    assert getattr(result, metric)(by_step=np.bool_(True)).shape == (3,)


# -- real-number settings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda v: ffstream.FIRForecaster(2, step_size=v), "step_size"),
        (lambda v: ffstream.FIRForecaster(2, ridge=v), "ridge"),
        (lambda v: ffstream.SpectralForecaster(forgetting=v), "forgetting"),
        (lambda v: ffstream.SpectralForecaster(ridge=v), "ridge"),
    ],
    ids=["fir-step_size", "fir-ridge", "spectral-forgetting", "spectral-ridge"],
)
@pytest.mark.parametrize("value", ["0.5", True, np.bool_(True), 0.5j, [0.5], None])
def test_a_real_setting_is_a_number_not_something_float_accepts(make, name, value):
    with pytest.raises(TypeError, match=rf"^{name} must be a real number, got "):
        make(value)


def test_numpy_numbers_are_real_settings():
    model = ffstream.FIRForecaster(2, step_size=np.float32(0.5), ridge=np.int64(1))
    assert (model.step_size, model.ridge) == (0.5, 1.0)
    assert type(model.step_size) is float


def test_times_are_not_counts_seeds_or_real_numbers():
    """numpy counts timedelta64 among the signed integers: ffstream does not."""
    delta = np.timedelta64(3, "s")
    with pytest.raises(TypeError, match="order must be an integer, got timedelta64"):
        ffstream.FIRForecaster(delta)
    with pytest.raises(TypeError, match="steps must be an integer, got timedelta64"):
        ffstream.rollout(H, delta)
    with pytest.raises(TypeError, match="forgetting must be a real number"):
        ffstream.SpectralForecaster(forgetting=np.timedelta64(1, "ns"))
    model = ffstream.FIRForecaster(2).fit(np.linspace(0.0, 1.0, 40))
    with pytest.raises(TypeError, match="seed must be None, a numpy.random.Generator"):
        model.sample_paths(3, 2, seed=delta)
