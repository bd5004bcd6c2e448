"""Every accepted array works in every memory form; unusable input is rejected by name.

Read-only (as pandas 3 hands out), non-contiguous, Fortran-ordered and byte-swapped
arrays give exactly the results of a plain array, at every entry point; masked
arrays with masked entries, datetimes and timedeltas are rejected; requests that
cannot fit in memory say so before allocating; nothing rejected changes a stream.
"""

import numba
import numpy as np
import pytest

import ffstream


def read_only(a):
    a = np.array(a)
    a.flags.writeable = False
    return a


def strided(a):
    a = np.asarray(a, dtype=float)
    wide = np.zeros(a.shape + (2,))
    wide[..., 0] = a
    return wide[..., 0]  # every other value of a wider buffer


def fortran(a):
    return np.asfortranarray(a)


def byte_swapped(a):
    return np.asarray(a, dtype=np.float64).astype(">f8")


FORMS = {
    "read-only": read_only,
    "strided": strided,
    "fortran": fortran,
    "byte-swapped": byte_swapped,
}


def test_the_forms_are_what_they_say():
    a = np.arange(12.0).reshape(6, 2)
    assert not read_only(a).flags.writeable
    assert not strided(a).flags.c_contiguous and np.array_equal(strided(a), a)
    assert fortran(a).flags.f_contiguous and not fortran(a).flags.c_contiguous
    assert not byte_swapped(a).dtype.isnative


@numba.njit
def drive(y, u, step, series, data):
    for i in range(u.shape[0]):
        u[i] = 0.5 * y[i % y.shape[0]] + data[series, step, i]


def _entry_points(rng):
    """``name -> call(form)``: each applies ``form`` to the arrays a user passes."""
    h = 0.5 ** np.arange(40)
    h2 = rng.standard_normal((40, 2)) * 0.02
    u = rng.standard_normal(150)
    u2 = rng.standard_normal((150, 2))
    data = 0.1 * rng.standard_normal((2, 30, 2))
    y = np.cumsum(rng.standard_normal((300, 2)), axis=0) * 0.1

    def stream_outputs(form):
        stream = ffstream.OnlineConv(form(h2))
        first = stream.push(form(u2[0]))
        stream.prefill(form(u2[1:60]))
        return np.vstack([first[np.newaxis], stream.push_block(form(u2[60:]))])

    def stream_rollout(form):
        stream = ffstream.OnlineConv(form(h))
        stream.push_block(form(u))
        return stream.rollout(5)

    def fir(form):
        model = ffstream.FIRForecaster(5).fit(form(y[:250]))
        model.update(form(y[250:]), learn=True)
        return model.forecast(10)

    def spectral(form):
        model = ffstream.SpectralForecaster(2, 32).fit(form(y[:250]))
        model.update(form(y[250:]), learn=True)
        return model.forecast(10)

    return {
        "rollout": lambda form: ffstream.rollout(form(h), 30, prompt=form(u)),
        "batched rollout": lambda form: ffstream.rollout(
            form(h2),
            30,
            prompt=form(np.stack([u2, u2[::-1]])),
            feedback=drive,
            feedback_data=form(data),
        ),
        "stream": stream_outputs,
        "stream rollout": stream_rollout,
        "FIRForecaster": fir,
        "SpectralForecaster": spectral,
        "backtest": lambda form: (
            ffstream.backtest(
                ffstream.FIRForecaster(3), form(y[:, 0]), 4, initial=200, step=25
            ).forecasts
        ),
        "SeasonalNaive": lambda form: (
            ffstream.SeasonalNaive(4)
            .fit(form(y[:40]))
            .update(form(y[40:45]))
            .forecast(6)
        ),
    }


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    "entry",
    [
        "rollout",
        "batched rollout",
        "stream",
        "stream rollout",
        "FIRForecaster",
        "SpectralForecaster",
        "backtest",
        "SeasonalNaive",
    ],
)
def test_every_memory_form_gives_the_plain_result(form, entry):
    call = _entry_points(np.random.default_rng(0))[entry]
    expected = call(np.array)
    got = call(FORMS[form])
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


def test_a_pandas_series_prompt():
    pd = pytest.importorskip("pandas")
    h = 0.5 ** np.arange(64)
    series = pd.Series(np.ones(100))
    np.testing.assert_array_equal(
        ffstream.rollout(h, 10, prompt=series),
        ffstream.rollout(h, 10, prompt=np.ones(100)),
    )


# -- rejected input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        np.array([1, 2], dtype="m8[s]"),
        np.array(["2020-01-01", "2020-01-02"], dtype="M8[D]"),
    ],
    ids=["timedelta", "datetime"],
)
def test_times_are_not_numbers(block):
    stream = ffstream.OnlineConv(np.ones(4))
    with pytest.raises(TypeError, match=r"block must hold real numbers .* got dtype"):
        stream.push_block(block)
    assert stream.n_seen == 0


def test_masked_entries_are_rejected_by_name_and_change_nothing():
    stream = ffstream.OnlineConv(np.ones(4))
    stream.push_block(np.ones(3))
    masked = np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0])
    with pytest.raises(TypeError, match=r"block is a masked array with 1 masked"):
        stream.push_block(masked)
    assert stream.n_seen == 3
    model = ffstream.FIRForecaster(2).fit(np.random.default_rng(0).standard_normal(50))
    with pytest.raises(TypeError, match=r"y_new is a masked array"):
        model.update(masked)
    assert model.n_seen == 50
    with pytest.raises(TypeError, match=r"y is a masked array"):
        ffstream.FIRForecaster(2).fit(
            np.ma.masked_array(np.ones(50), mask=np.eye(50)[0])
        )


def test_a_masked_array_without_masked_entries_is_its_data():
    stream = ffstream.OnlineConv(np.ones(4))
    np.testing.assert_array_equal(
        stream.push_block(np.ma.masked_array([1.0, 2.0])), [1.0, 3.0]
    )


def test_an_empty_batch_of_prompts():
    with pytest.raises(ValueError, match=r"prompt must hold at least one series"):
        ffstream.rollout(np.ones(4), 5, prompt=np.ones((0, 10)))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda s: s.rollout(10**12),
            r"steps=1000000000000 for 1 series would need 7\.3 TiB",
        ),
        (lambda s: s.rollout(2**63), r"steps=9223372036854775808 .* PiB"),
        (
            lambda s: s.rollout(5, n_series=2**63),
            r"for n_series=9223372036854775808 series",
        ),
    ],
    ids=["steps 10**12", "steps 2**63", "n_series 2**63"],
)
def test_a_rollout_too_large_for_memory_says_so_and_changes_nothing(call, match):
    stream = ffstream.OnlineConv(0.5 ** np.arange(64))
    stream.push_block(np.ones(10))
    with pytest.raises(ValueError, match=match):
        call(stream)
    assert stream.n_seen == 10
    with pytest.raises(ValueError, match=r"would need 7\.3 TiB"):
        ffstream.rollout(0.5 ** np.arange(64), 10**12, prompt=np.ones(10))


def test_an_epoch_too_large_for_memory():
    with pytest.raises(ValueError, match=r"epoch=1099511627776 would need .* TiB"):
        ffstream.OnlineConv(np.ones(64), "epoched", 2**40)


def test_forecasts_too_large_for_memory():
    model = ffstream.FIRForecaster(3).fit(np.random.default_rng(0).standard_normal(300))
    with pytest.raises(ValueError, match=r"would need 7\.3 TiB"):
        model.forecast(10**12)
    with pytest.raises(ValueError, match=r"horizon=1000000 and n_paths=1000000"):
        model.sample_paths(10**6, 10**6)
    assert model.n_seen == 300


@pytest.mark.parametrize(
    ("level", "error", "match"),
    [
        ("0.9", TypeError, r"level must be a real number, got str"),
        (True, TypeError, r"level must be a real number, got bool"),
        (1.5, ValueError, r"level must be strictly between 0 and 1, got 1\.5"),
        (0.0, ValueError, r"level must be strictly between 0 and 1"),
    ],
)
def test_bad_levels(level, error, match):
    model = ffstream.FIRForecaster(3).fit(np.random.default_rng(0).standard_normal(300))
    with pytest.raises(error, match=match):
        model.prediction_interval(3, level=level)


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (-1, ValueError, r"seed must be None, a generator or an integer >= 0, got -1"),
        (1.5, TypeError, r"seed must be .* got float"),
        ("0", TypeError, r"seed must be .* got str"),
    ],
)
def test_bad_seeds(seed, error, match):
    model = ffstream.FIRForecaster(3).fit(np.random.default_rng(0).standard_normal(300))
    with pytest.raises(error, match=match):
        model.sample_paths(3, 2, seed=seed)


def test_a_generator_seed_is_drawn_from():
    model = ffstream.FIRForecaster(3).fit(np.random.default_rng(0).standard_normal(300))
    rng = np.random.default_rng(5)
    first = model.sample_paths(3, 2, seed=rng)
    second = model.sample_paths(3, 2, seed=rng)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(
        first, model.sample_paths(3, 2, seed=np.random.default_rng(5))
    )


# -- what a feedback may write, overflow ----------------------------------------------


@numba.njit
def scribble_on_data(y, u, step, series, data):
    u[0] = y[0] + data[series, step, 0]
    data[series, step, 0] = 99.0


def test_a_feedback_writing_to_its_data_does_not_change_the_callers_array():
    data = np.zeros((1, 5, 1))
    ffstream.rollout(
        0.5 ** np.arange(8),
        5,
        prompt=np.ones(8),
        feedback=scribble_on_data,
        feedback_data=data,
    )
    np.testing.assert_array_equal(data, np.zeros((1, 5, 1)))


def test_overflowing_outputs_warn_and_reset_recovers(method):
    rng = np.random.default_rng(1)
    h = rng.standard_normal(300)
    stream = ffstream.OnlineConv(h, method)
    huge = np.full(10, 1e308)
    with pytest.warns(RuntimeWarning, match=r"overflowed .* call reset\(\)"):
        stream.push_block(huge)
    with pytest.warns(RuntimeWarning, match=r"overflowed"):
        stream.push(1e308)
    stream.reset()
    u = rng.standard_normal(50)
    np.testing.assert_allclose(
        stream.push_block(u), np.convolve(u, h)[:50], rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda stream: stream.push(1e308),
        lambda stream: stream.push_block(np.full(3, 1e308)),
        lambda stream: stream.rollout(4000, n_series=2),
        lambda stream: ffstream.rollout(np.full(3, 2.0), 4000, np.ones(2)),
    ],
    ids=["push", "push_block", "stream-rollout", "rollout"],
)
def test_a_warning_points_at_the_users_line(call):
    stream = ffstream.OnlineConv(np.full(3, 2.0))
    stream.push(1.0)
    with pytest.warns(RuntimeWarning) as caught:
        call(stream)
    assert [w.filename for w in caught] == [__file__]


def test_a_warning_from_inside_a_forecaster_points_at_the_users_line():
    model = ffstream.FIRForecaster(2).fit(1.5 ** np.arange(40.0))  # growing
    with pytest.warns(RuntimeWarning, match="overflowed") as caught:
        model.update(np.full(3, 1e308))  # pushed into the model's stream
    assert {w.filename for w in caught} == {__file__}
    with pytest.warns(RuntimeWarning, match="rollout produced NaN") as caught:
        model.forecast(4)  # a rollout of the model's stream
    assert {w.filename for w in caught} == {__file__}
    with pytest.warns(RuntimeWarning, match="eigenvalues") as caught:
        ffstream.spectral_filters(64, 40)  # more filters than are meaningful
    assert {w.filename for w in caught} == {__file__}


def test_finite_outputs_do_not_warn(recwarn):
    ffstream.OnlineConv(np.ones(300)).push_block(np.full(100, 1e300))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# -- threads ----------------------------------------------------------------------------


def test_a_stream_shared_by_threads_sees_every_block_whole(method):
    import threading

    # All-ones input through a filter longer than the stream: output t is t + 1,
    # so every output says where in the stream it was computed.
    n_blocks, size = 40, 64
    total = 2 * n_blocks * size
    stream = ffstream.OnlineConv(np.ones(total), method)
    outputs = {0: [], 1: []}
    start = threading.Barrier(2)

    def pusher(index):
        start.wait()
        for _ in range(n_blocks):
            outputs[index].append(stream.push_block(np.ones(size)))

    threads = [threading.Thread(target=pusher, args=(i,)) for i in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stream.n_seen == total
    blocks = outputs[0] + outputs[1]
    firsts = sorted(float(block[0]) for block in blocks)
    # The blocks tile the stream: consecutive positions, each block whole.
    np.testing.assert_allclose(firsts, 1.0 + size * np.arange(2 * n_blocks))
    for block in blocks:
        np.testing.assert_allclose(block, block[0] + np.arange(size))


def test_a_copy_and_a_pickle_have_their_own_lock():
    import pickle

    stream = ffstream.OnlineConv(0.5 ** np.arange(16))
    stream.push_block(np.ones(5))
    for twin in (stream.copy(), pickle.loads(pickle.dumps(stream))):
        assert twin._lock is not stream._lock
        np.testing.assert_array_equal(
            twin.push_block(np.ones(3)), stream.copy().push_block(np.ones(3))
        )


def test_a_byte_swapped_state_is_imported():
    stream = ffstream.OnlineConv(0.5 ** np.arange(16))
    stream.push_block(np.arange(5.0))
    swapped = {
        key: value.astype(value.dtype.newbyteorder(">"))
        for key, value in stream.state().items()
    }
    twin = ffstream.OnlineConv.from_state(0.5 ** np.arange(16), swapped)
    np.testing.assert_array_equal(
        twin.push_block(np.ones(3)), stream.push_block(np.ones(3))
    )


def test_a_complex_level_is_not_a_real_number():
    model = ffstream.FIRForecaster(3).fit(np.random.default_rng(0).standard_normal(300))
    with pytest.raises(TypeError, match=r"level must be a real number, got complex"):
        model.prediction_interval(3, level=0.5 + 0j)


def test_a_forecast_too_large_names_the_horizon():
    model = ffstream.FIRForecaster(3).fit(np.random.default_rng(0).standard_normal(300))
    with pytest.raises(
        ValueError, match=r"a forecast of horizon=1000000000000 would need"
    ):
        model.forecast(10**12)
