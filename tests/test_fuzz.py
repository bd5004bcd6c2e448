"""Fuzzing the public API: random arrays, shapes, dtypes, forms, scalars and flags.

Every call either accepts its input and gives the float64 result of the plain
float64 array the input stands for, or rejects it with a ``ValueError`` or
``TypeError`` that names the argument, leaving the object exactly as it was.
"""

import copy
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffstream

from strategies import methods, seeds, stream_layouts, user_arrays

FUZZ = settings(max_examples=300)


def named_error(name: str) -> str:
    """A regex matching a message that names ``name`` as an argument."""
    return rf"(^|\W){re.escape(name)}(\W|$)"


def stream_snapshot(stream: ffstream.OnlineConv) -> dict:
    return {"n_seen": stream.n_seen, **stream.state()}


def same_snapshot(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def make_stream(layout: str, method: str, seed: int) -> ffstream.OnlineConv:
    rng = np.random.default_rng(seed)
    shape = {"scalar": (12,), "depthwise": (12, 2), "mimo": (12, 3, 2)}[layout]
    stream = ffstream.OnlineConv(rng.standard_normal(shape) * 0.3, method)
    stream.push_block(rng.standard_normal((5,) + sample_shape(layout)))
    return stream


def sample_shape(layout: str) -> tuple[int, ...]:
    return () if layout == "scalar" else (2,)


def assert_outcome(call, value, meaning, name, unchanged=lambda: True):
    """``call(value)`` if ``meaning`` is an array; else check the rejection.

    A rejection must be ``meaning`` (an exception class) with a message naming
    ``name``, and leave ``unchanged()`` true. Accepted moderate input never warns.
    """
    if isinstance(meaning, type):
        with pytest.raises(meaning, match=named_error(name)):
            call(value)
        assert unchanged()
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call(value)


@FUZZ
@given(
    layout=stream_layouts,
    method=methods,
    seed=seeds,
    n=st.integers(0, 30),
    data=st.data(),
)
def test_push_block_and_prefill_take_any_real_array_or_name_the_block(
    layout, method, seed, n, data
):
    block_shape = (n,) + sample_shape(layout)
    value, meaning = data.draw(user_arrays(block_shape))
    for entry in ("push_block", "prefill"):
        stream = make_stream(layout, method, seed)
        twin = make_stream(layout, method, seed)
        before = stream_snapshot(stream)
        call = getattr(stream, entry)
        got = assert_outcome(
            call,
            value,
            meaning,
            "block",
            lambda stream=stream, before=before: same_snapshot(
                stream_snapshot(stream), before
            ),
        )
        if isinstance(meaning, type):
            continue
        expected = getattr(twin, entry)(meaning)
        if entry == "push_block":
            assert got.dtype == np.float64
            assert np.array_equal(got, expected)
        assert same_snapshot(stream_snapshot(stream), stream_snapshot(twin))


@FUZZ
@given(layout=stream_layouts, method=methods, seed=seeds, data=st.data())
def test_push_takes_any_real_sample_or_names_it(layout, method, seed, data):
    value, meaning = data.draw(user_arrays(sample_shape(layout)))
    stream = make_stream(layout, method, seed)
    before = stream_snapshot(stream)
    got = assert_outcome(
        stream.push,
        value,
        meaning,
        "sample",
        lambda: same_snapshot(stream_snapshot(stream), before),
    )
    if not isinstance(meaning, type):
        expected = make_stream(layout, method, seed).push(meaning)
        assert np.array_equal(got, expected)
        assert np.asarray(got).dtype == np.float64


@FUZZ
@given(
    shape=st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple),
    layout=stream_layouts,
    seed=seeds,
)
def test_a_block_of_the_wrong_shape_is_refused_by_name(shape, layout, seed):
    stream = make_stream(layout, "continuous", seed)
    if layout == "scalar":  # (n,), or (n, 1) with its channel axis
        fits = len(shape) == 1 or len(shape) == 2 and shape[1] == 1
    else:
        fits = len(shape) == 2 and shape[1] == 2
    before = stream_snapshot(stream)
    block = np.ones(shape)
    if fits:
        assert stream.push_block(block).shape[0] == shape[0]
        return
    with pytest.raises(ValueError, match=r"block must have shape"):
        stream.push_block(block)
    assert same_snapshot(stream_snapshot(stream), before)


@FUZZ
@given(
    layout=st.sampled_from(["scalar", "depthwise"]),
    n_prompts=st.one_of(st.none(), st.integers(1, 3)),
    length=st.integers(0, 8),
    steps=st.integers(0, 6),
    data=st.data(),
)
def test_rollout_takes_any_real_prompt_or_names_it(
    layout, n_prompts, length, steps, data
):
    filters = 0.5 ** np.arange(8) if layout == "scalar" else np.full((8, 2), 0.1)
    shape = (length,) + sample_shape(layout)
    if n_prompts is not None:
        shape = (n_prompts,) + shape
    value, meaning = data.draw(user_arrays(shape))
    got = assert_outcome(
        lambda prompt: ffstream.rollout(filters, steps, prompt),
        value,
        meaning,
        "prompt",
    )
    if not isinstance(meaning, type):
        assert got.dtype == np.float64
        assert np.array_equal(got, ffstream.rollout(filters, steps, meaning))


@FUZZ
@given(layout=stream_layouts, data=st.data())
def test_filters_take_any_real_array_or_are_named(layout, data):
    shape = {"scalar": (6,), "depthwise": (6, 2), "mimo": (6, 2, 2)}[layout]
    value, meaning = data.draw(user_arrays(shape))
    got = assert_outcome(
        lambda filters: ffstream.OnlineConv(filters).push_block(
            np.ones((4,) + shape[1:2])
        ),
        value,
        meaning,
        "filters",
    )
    if not isinstance(meaning, type):
        expected = ffstream.OnlineConv(meaning).push_block(np.ones((4,) + shape[1:2]))
        assert np.array_equal(got, expected)


def fitted_fir(d: int) -> ffstream.FIRForecaster:
    y = np.random.default_rng(d).standard_normal((60, d)).cumsum(axis=0) * 0.1
    return ffstream.FIRForecaster(order=3).fit(y[:, 0] if d == 1 else y)


def model_snapshot(model) -> tuple:
    return model.n_seen, model.forecast(4).tobytes()


@FUZZ
@given(d=st.integers(1, 2), n=st.integers(0, 12), data=st.data())
def test_fit_and_update_take_any_real_series_or_name_it(d, n, data):
    shape = (n + 20,) if d == 1 else (n + 20, d)
    value, meaning = data.draw(user_arrays(shape))
    model = ffstream.FIRForecaster(order=3)
    got = assert_outcome(lambda y: model.fit(y).forecast(3), value, meaning, "y")
    if not isinstance(meaning, type):
        expected = ffstream.FIRForecaster(order=3).fit(meaning).forecast(3)
        assert np.array_equal(got, expected)
    value, meaning = data.draw(user_arrays((n,) + shape[1:]))
    model = fitted_fir(d)
    before = model_snapshot(model)
    learn = data.draw(st.booleans())
    got = assert_outcome(
        lambda y: model.update(y, learn=learn).forecast(3),
        value,
        meaning,
        "y_new",
        lambda: model_snapshot(model) == before,
    )
    if not isinstance(meaning, type):
        expected = fitted_fir(d).update(meaning, learn=learn).forecast(3)
        assert np.array_equal(got, expected)


#: Values a user might pass where a number or a flag is expected.
ANY_SCALAR = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, 1, 2**40, 10**12, 2**63, -(2**63)]),
    st.integers(0, 40).map(np.int64),
    st.integers(0, 40).map(np.uint8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 0.9, 2.0, np.float64(0.8), np.float32(0.8)]),
    st.booleans(),
    st.sampled_from(["3", "0.9", "", None, [3], (0.5,), np.array(3), 1 + 0j]),
    st.sampled_from([np.timedelta64(3, "s"), np.datetime64(3, "s"), np.complex128(1)]),
)


def expect_count(value, minimum: int, limit: int):
    """The int ``value`` stands for as a count of at least ``minimum``, or the error."""
    not_a_count = (bool, np.bool_, np.timedelta64)  # numpy: timedelta64 is an integer
    if isinstance(value, not_a_count) or not isinstance(value, (int, np.integer)):
        return TypeError
    if value < minimum or value > limit:
        return ValueError
    return int(value)


def expect_probability(value):
    not_real = (bool, np.bool_, np.timedelta64)
    if isinstance(value, not_real) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        return TypeError
    if not 0.0 < float(value) < 1.0:
        return ValueError
    return float(value)


def check_scalar_call(call, value, expected, name, model):
    """``call(value)``, or the error ``expected``, naming ``name``; ``model`` unchanged."""
    before = model_snapshot(model)
    if isinstance(expected, type):
        with pytest.raises(expected, match=named_error(name)):
            call(value)
        assert model_snapshot(model) == before
        return None
    got = call(value)
    assert model_snapshot(model) == before
    return got


#: Counts above this are refused as too large for memory: the scalars drawn are
#: at most 40 or at least 2**40, which would need terabytes on any machine.
TOO_LARGE = 10**6


@FUZZ
@given(horizon=ANY_SCALAR, n_paths=ANY_SCALAR, level=ANY_SCALAR, seed=ANY_SCALAR)
def test_forecast_arguments_are_checked_by_name(horizon, n_paths, level, seed):
    model = fitted_fir(2)
    expected = expect_count(horizon, 1, TOO_LARGE)
    got = check_scalar_call(model.forecast, horizon, expected, "horizon", model)
    if got is not None:
        assert got.shape == (expected, 2) and got.dtype == np.float64
    expected = expect_count(n_paths, 1, TOO_LARGE)
    got = check_scalar_call(
        lambda n: model.sample_paths(3, n, seed=0), n_paths, expected, "n_paths", model
    )
    if got is not None:
        assert got.shape == (expected, 3, 2) and got.dtype == np.float64
    # A list of levels (ANY_SCALAR has lists of one element) is one level per entry.
    several = isinstance(level, list | tuple)
    got = check_scalar_call(
        lambda q: model.prediction_interval(3, q, n_paths=20, seed=0),
        level,
        expect_probability(level[0] if several else level),
        "level",
        model,
    )
    if got is not None:
        lower, upper = got
        assert lower.shape == upper.shape == ((1, 3, 2) if several else (3, 2))
        assert (lower <= upper).all()
    if seed is not None:
        expected = expect_count(seed, 0, float("inf"))
        check_scalar_call(
            lambda s: model.sample_paths(2, 3, seed=s), seed, expected, "seed", model
        )


@FUZZ
@given(steps=ANY_SCALAR, n_series=ANY_SCALAR, learn=ANY_SCALAR)
def test_stream_arguments_are_checked_by_name(steps, n_series, learn):
    stream = make_stream("depthwise", "continuous", 0)
    before = stream_snapshot(stream)
    expected = expect_count(steps, 0, TOO_LARGE)
    if isinstance(expected, type):
        with pytest.raises(expected, match=named_error("steps")):
            stream.rollout(steps)
    else:
        assert stream.rollout(steps).shape == (expected, 2)
    expected = expect_count(n_series, 1, TOO_LARGE)
    if n_series is None:  # the default: one series, no series axis
        assert stream.rollout(3, n_series=None).shape == (3, 2)
    elif isinstance(expected, type):
        with pytest.raises(expected, match=named_error("n_series")):
            stream.rollout(3, n_series=n_series)
    else:
        assert stream.rollout(3, n_series=n_series).shape == (expected, 3, 2)
    assert same_snapshot(stream_snapshot(stream), before)
    model = fitted_fir(1)
    snapshot = model_snapshot(model)
    if isinstance(learn, (bool, np.bool_)):
        model.update(np.ones(2), learn=learn)
        assert model.n_seen == 62
    else:
        with pytest.raises(TypeError, match="learn must be True or False"):
            model.update(np.ones(2), learn=learn)
        assert model_snapshot(model) == snapshot


def test_a_deep_copy_of_a_rejected_model_is_unchanged_too():
    """The rejection checks above compare forecasts: also compare every attribute once."""
    model = fitted_fir(2)
    reference = copy.deepcopy(model)
    for bad in (np.ones((3, 3)), np.full((3, 2), np.nan), np.ones((3, 2), dtype=bool)):
        with pytest.raises((TypeError, ValueError), match="y_new"):
            model.update(bad)
    assert np.array_equal(model.coef_, reference.coef_)
    assert same_snapshot(model._stream.state(), reference._stream.state())
