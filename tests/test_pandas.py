"""pandas in, pandas out: forecasters fitted on a Series or DataFrame label their results.

Every labelled result must hold exactly the numbers of the same call on numpy data,
indexed by the times after the history; labelled updates must continue the history.
"""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import ffstream

RNG = np.random.default_rng(7)
VALUES = RNG.standard_normal((300, 2)).cumsum(axis=0) * 0.1 + RNG.standard_normal(
    (300, 2)
)
VALUES.setflags(write=False)  # pandas may wrap it without a copy

#: Time indexes of 300 samples and the 3 labels that follow them.
INDEXES = {
    "hourly": (
        pd.date_range("2024-01-01", periods=300, freq="h", name="when"),
        pd.date_range("2024-01-13 12:00", periods=3, freq="h", name="when"),
    ),
    # Across the switch to summer time (2024-03-31 01:00 GMT).
    "london half-hours": (
        pd.date_range("2024-03-30", periods=300, freq="30min", tz="Europe/London"),
        pd.date_range("2024-04-05 07:00", periods=3, freq="30min", tz="Europe/London"),
    ),
    "month starts": (
        pd.date_range("2000-01-01", periods=300, freq="MS"),
        pd.DatetimeIndex(["2025-01-01", "2025-02-01", "2025-03-01"]),
    ),
    "periods": (
        pd.period_range("2000-01", periods=300, freq="M"),
        pd.period_range("2025-01", periods=3, freq="M"),
    ),
    "range": (pd.RangeIndex(300), pd.RangeIndex(300, 303)),
    "integers step 5": (
        pd.Index(np.arange(10, 1510, 5)),
        pd.Index([1510, 1515, 1520]),
    ),
    "no freq attribute": (
        pd.DatetimeIndex(pd.date_range("2024-01-01", periods=300, freq="D").values),
        pd.date_range("2024-10-27", periods=3, freq="D"),
    ),
}

MODELS = {
    "fir": lambda: ffstream.FIRForecaster(order=6),
    "spectral": lambda: ffstream.SpectralForecaster(n_filters=4, context=32),
    "seasonal naive": lambda: ffstream.SeasonalNaive(7),
    "last value": lambda: ffstream.LastValue(),
}


def assert_index_equal(got, expected):
    pd.testing.assert_index_equal(
        got, expected, exact=False, check_names=False, check_freq=False
    )
    assert got.name == expected.name


@pytest.mark.parametrize("index_name", INDEXES)
@pytest.mark.parametrize("model_name", MODELS)
def test_a_series_forecast_is_a_series_on_the_next_times(index_name, model_name):
    index, following = INDEXES[index_name]
    y = pd.Series(VALUES[:, 0], index=index, name="load")
    model = MODELS[model_name]().fit(y)
    got = model.forecast(3)
    assert isinstance(got, pd.Series) and got.name == "load"
    assert_index_equal(got.index, following.rename(index.name))
    expected = MODELS[model_name]().fit(VALUES[:, 0]).forecast(3)
    assert np.array_equal(got.to_numpy(), expected)


@pytest.mark.parametrize("model_name", MODELS)
def test_a_frame_forecast_keeps_the_columns_in_order(model_name):
    index, following = INDEXES["hourly"]
    y = pd.DataFrame(VALUES, index=index, columns=pd.Index(["b", "a"], name="site"))
    got = MODELS[model_name]().fit(y).forecast(3)
    assert isinstance(got, pd.DataFrame)
    assert list(got.columns) == ["b", "a"] and got.columns.name == "site"
    assert_index_equal(got.index, following)
    assert np.array_equal(got.to_numpy(), MODELS[model_name]().fit(VALUES).forecast(3))


def test_numpy_in_stays_numpy_out():
    model = ffstream.FIRForecaster(order=4).fit(VALUES)
    assert type(model.forecast(3)) is np.ndarray
    assert type(model.sample_paths(3, 2, seed=0)) is np.ndarray
    lower, upper = model.prediction_interval(3, n_paths=10, seed=0)
    assert type(lower) is np.ndarray and lower.shape == (3, 2)


def test_cftime_labels_from_xarray_continue_their_calendar():
    times = xr.date_range(
        "2000-01-01", periods=300, freq="MS", calendar="noleap", use_cftime=True
    )
    y = pd.Series(VALUES[:, 0], index=times)
    got = ffstream.FIRForecaster(order=3).fit(y).forecast(2)
    assert isinstance(got.index, xr.CFTimeIndex) and got.index.calendar == "noleap"
    assert [str(t)[:10] for t in got.index] == ["2025-01-01", "2025-02-01"]


def test_sample_paths_are_labelled_columns_of_paths():
    index, following = INDEXES["hourly"]
    series = ffstream.FIRForecaster(order=4).fit(pd.Series(VALUES[:, 0], index))
    paths = series.sample_paths(3, 5, seed=2)
    assert paths.shape == (3, 5) and paths.columns.name == "path"
    assert list(paths.columns) == [0, 1, 2, 3, 4]
    assert_index_equal(paths.index, following)
    plain = ffstream.FIRForecaster(order=4).fit(VALUES[:, 0]).sample_paths(3, 5, seed=2)
    assert np.array_equal(paths.to_numpy(), plain.T)

    frame = ffstream.FIRForecaster(order=4).fit(
        pd.DataFrame(VALUES, index, columns=["x", "y"])
    )
    paths = frame.sample_paths(3, 5, seed=2)
    assert paths.columns.names == ["path", "channel"]
    plain = ffstream.FIRForecaster(order=4).fit(VALUES).sample_paths(3, 5, seed=2)
    assert np.array_equal(paths[(4, "y")].to_numpy(), plain[4, :, 1])


def test_several_levels_come_from_the_same_paths():
    model = ffstream.FIRForecaster(order=4).fit(VALUES[:, 0])
    lower, upper = model.prediction_interval(5, level=[0.8, 0.95], n_paths=200, seed=3)
    assert lower.shape == upper.shape == (2, 5)
    paths = model.sample_paths(5, 200, seed=3)
    quantiles = np.quantile(
        paths, [(1 - 0.8) / 2, (1 - 0.95) / 2, (1 + 0.8) / 2, (1 + 0.95) / 2], axis=0
    )
    assert np.array_equal(lower, quantiles[:2]) and np.array_equal(upper, quantiles[2:])
    for k, level in enumerate([0.8, 0.95]):
        one = model.prediction_interval(5, level=level, n_paths=200, seed=3)
        assert np.array_equal(one[0], lower[k]) and np.array_equal(one[1], upper[k])
    one_in_a_list = model.prediction_interval(5, level=[0.8], n_paths=200, seed=3)
    assert one_in_a_list[0].shape == (1, 5)


def test_a_labelled_interval_has_a_column_per_bound_and_level():
    index, following = INDEXES["periods"]
    model = ffstream.FIRForecaster(order=4).fit(pd.Series(VALUES[:, 0], index))
    interval = model.prediction_interval(3, level=[0.8, 0.95], n_paths=100, seed=1)
    assert interval.columns.names == ["bound", "level"]
    assert list(interval.columns) == [
        ("lower", 0.8),
        ("lower", 0.95),
        ("upper", 0.8),
        ("upper", 0.95),
    ]
    assert_index_equal(interval.index, following)
    plain = ffstream.FIRForecaster(order=4).fit(VALUES[:, 0])
    lower, upper = plain.prediction_interval(3, level=[0.8, 0.95], n_paths=100, seed=1)
    assert np.array_equal(interval["lower", 0.95].to_numpy(), lower[1])
    assert np.array_equal(interval["upper", 0.8].to_numpy(), upper[0])

    frame = ffstream.FIRForecaster(order=4).fit(
        pd.DataFrame(VALUES, index, columns=["p", "q"])
    )
    interval = frame.prediction_interval(3, level=0.9, n_paths=100, seed=1)
    assert interval.columns.names == ["bound", "level", "channel"]
    lower, _ = (
        ffstream.FIRForecaster(order=4)
        .fit(VALUES)
        .prediction_interval(3, level=0.9, n_paths=100, seed=1)
    )
    assert np.array_equal(interval["lower", 0.9, "q"].to_numpy(), lower[:, 1])


def snapshot(model):
    forecast = model.forecast(2)
    return model.n_seen, forecast.index.tolist(), forecast.to_numpy().tobytes()


def frame_model(model_name="fir"):
    index = INDEXES["hourly"][0]
    frame = pd.DataFrame(VALUES[:200], index[:200], columns=["a", "b"])
    return MODELS[model_name]().fit(frame), index


@pytest.mark.parametrize("model_name", MODELS)
def test_an_update_that_continues_the_history_is_taken(model_name):
    model, index = frame_model(model_name)
    model.update(pd.DataFrame(VALUES[200:250], index[200:250], columns=["a", "b"]))
    model.update(VALUES[250:260])  # numpy: the next samples at the history's step
    model.update(pd.DataFrame(VALUES[260:300], index[260:300], columns=["a", "b"]))
    got = model.forecast(3)
    assert_index_equal(got.index, INDEXES["hourly"][1])
    plain = MODELS[model_name]().fit(VALUES[:200]).update(VALUES[200:])
    assert np.array_equal(got.to_numpy(), plain.forecast(3))


@pytest.mark.parametrize(
    ("make_update", "error", "message"),
    [
        (lambda i: (VALUES[200:203], i[201:204], ["a", "b"]), ValueError, "a gap"),
        (lambda i: (VALUES[200:203], i[199:202], ["a", "b"]), ValueError, "an overlap"),
        (lambda i: (VALUES[200:203], i[200:205:2], ["a", "b"]), ValueError, "step 'h'"),
        (lambda i: (VALUES[200:203], i[200:203], ["b", "a"]), ValueError, "order"),
        (lambda i: (VALUES[200:203], i[200:203], ["a", "c"]), ValueError, "missing"),
        (
            lambda i: (
                np.c_[VALUES[200:203], VALUES[200:203]],
                i[200:203],
                list("abcd"),
            ),
            ValueError,
            "unexpected",
        ),
        (
            lambda i: (VALUES[200:203], i[200:203].tz_localize("UTC"), ["a", "b"]),
            ValueError,
            "time zone",
        ),
        (
            lambda i: (VALUES[200:203], pd.RangeIndex(200, 203), ["a", "b"]),
            TypeError,
            "",
        ),
    ],
)
def test_an_update_that_does_not_continue_is_refused(make_update, error, message):
    model, index = frame_model()
    before = snapshot(model)
    values, new_index, columns = make_update(index)
    with pytest.raises(error, match=f"y_new.*{message}|{message}.*y_new"):
        model.update(pd.DataFrame(values, new_index, columns=columns))
    assert snapshot(model) == before


def test_a_series_update_of_a_frame_history_and_a_renamed_series_are_refused():
    model, index = frame_model()
    before = snapshot(model)
    with pytest.raises(TypeError, match="y_new must be a pandas DataFrame"):
        model.update(pd.Series([1.0, 2.0], index=["a", "b"]))
    assert snapshot(model) == before
    series_model = ffstream.FIRForecaster(order=3).fit(
        pd.Series(VALUES[:200, 0], index[:200], name="load")
    )
    with pytest.raises(ValueError, match="y_new is named 'price'"):
        series_model.update(pd.Series([1.0], index[200:201], name="price"))
    series_model.update(pd.Series([1.0], index[200:201]))  # unnamed: taken
    assert series_model.n_seen == 201


def test_a_numpy_model_takes_pandas_updates_by_their_values():
    model = ffstream.FIRForecaster(order=3).fit(VALUES[:200])
    model.update(pd.DataFrame(VALUES[200:], columns=["x", "y"]))
    expected = ffstream.FIRForecaster(order=3).fit(VALUES[:200]).update(VALUES[200:])
    assert type(model.forecast(2)) is np.ndarray
    assert np.array_equal(model.forecast(2), expected.forecast(2))


@pytest.mark.parametrize(
    ("index", "freq", "error", "message"),
    [
        (
            pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-04"] * 100),
            None,
            ValueError,
            "duplicate",
        ),
        (
            pd.date_range("2024-01-01", periods=300, freq="D")[::-1],
            None,
            ValueError,
            "must increase",
        ),
        (
            pd.DatetimeIndex(
                np.r_[
                    pd.date_range("2024-01-01", periods=150, freq="D"),
                    pd.date_range("2024-07-01", periods=150, freq="D"),
                ]
            ),
            None,
            ValueError,
            "irregular steps.*pass freq=",
        ),
        (
            pd.date_range("2024-01-01", periods=300, freq="D"),
            "h",
            ValueError,
            "do not follow the step 'h' given as freq",
        ),
        (
            pd.date_range("2024-01-01", periods=300, freq="D"),
            "fortnightly",
            ValueError,
            "freq must be a pandas frequency",
        ),
        (
            pd.Index([f"s{i}" for i in range(300)]),
            None,
            TypeError,
            "must be labelled by time",
        ),
        (
            pd.Index(np.linspace(0.0, 1.0, 300)),
            None,
            TypeError,
            "must be labelled by time",
        ),
        (
            pd.period_range("2000-01", periods=300, freq="M"),
            "D",
            ValueError,
            "differs from the frequency",
        ),
        (pd.RangeIndex(300), 2, ValueError, "differs from the step 1"),
        (pd.RangeIndex(300), "D", TypeError, "freq must be a positive int"),
    ],
)
def test_time_indexes_that_are_not_regular_are_refused(index, freq, error, message):
    model = ffstream.FIRForecaster(order=3)
    with pytest.raises(error, match=message):
        model.fit(pd.Series(VALUES[:, 0], index=index), freq=freq)
    with pytest.raises(ffstream.models._base.NotFittedError):
        model.forecast(1)


def test_freq_labels_an_index_whose_step_cannot_be_inferred():
    two_days = pd.DatetimeIndex(["2024-01-01", "2024-01-02"])
    with pytest.raises(ValueError, match="too few to infer their step: pass freq="):
        ffstream.LastValue().fit(pd.Series([1.0, 2.0], two_days))
    model = ffstream.LastValue().fit(pd.Series([1.0, 2.0], two_days), freq="D")
    assert list(model.forecast(2).index) == list(pd.date_range("2024-01-03", periods=2))
    business = pd.bdate_range("2024-01-01", periods=300)
    business = pd.DatetimeIndex(business.values)  # the frequency is inferred again
    got = (
        ffstream.FIRForecaster(order=3)
        .fit(pd.Series(VALUES[:, 0], business))
        .forecast(2)
    )
    assert list(got.index.day_name()) == ["Monday", "Tuesday"]
    with pytest.raises(ValueError, match="freq is for pandas data"):
        ffstream.LastValue().fit([1.0, 2.0], freq="D")


def test_missing_values_are_counted_and_located():
    index = INDEXES["hourly"][0]
    frame = pd.DataFrame(VALUES.copy(), index, columns=["a", "b"])
    frame.iloc[[5, 9], 1] = np.nan
    frame.iloc[40, 0] = np.inf
    with pytest.raises(
        ValueError,
        match=r"y holds 3 NaN or infinite values, the first at 2024-01-01 05:00:00 in column 'b'",
    ):
        ffstream.FIRForecaster(order=3).fit(frame)
    model, _ = frame_model()
    before = snapshot(model)
    with pytest.raises(ValueError, match="y_new holds 1 NaN"):
        model.update(frame.iloc[200:201].assign(a=np.nan))
    assert snapshot(model) == before
    with pytest.raises(TypeError, match="y column 'a' must hold real numbers"):
        ffstream.FIRForecaster(order=3).fit(frame.assign(a="x"))
    with pytest.raises(ValueError, match="columns must be unique"):
        ffstream.FIRForecaster(order=3).fit(frame.set_axis(["a", "a"], axis=1))


def test_a_backtest_of_pandas_data_knows_its_times():
    index = INDEXES["hourly"][0]
    y = pd.DataFrame(VALUES, index, columns=["a", "b"])
    labelled = ffstream.backtest(
        ffstream.FIRForecaster(order=4), y, 3, initial=250, step=10
    )
    plain = ffstream.backtest(
        ffstream.FIRForecaster(order=4), VALUES, 3, initial=250, step=10
    )
    assert np.array_equal(labelled.forecasts, plain.forecasts)
    assert np.array_equal(labelled.origins, plain.origins)
    assert list(labelled.origin_times) == list(index[plain.origins])
    frame = labelled.to_frame()
    assert list(frame.columns) == [
        "origin",
        "time",
        "step",
        "channel",
        "actual",
        "forecast",
        "error",
    ]
    assert len(frame) == labelled.n_origins * 3 * 2
    row = frame[
        (frame.origin == index[260]) & (frame.step == 3) & (frame.channel == "b")
    ]
    assert row.time.item() == index[262]
    assert row.forecast.item() == plain.forecasts[1, 2, 1]
    assert row.actual.item() == VALUES[262, 1]
    plain_frame = plain.to_frame()
    assert list(plain_frame.origin.unique()) == list(plain.origins)
    assert np.array_equal(plain_frame.error, frame.error)


def test_backtest_progress_bar(capsys):
    pytest.importorskip("tqdm")
    y = pd.Series(VALUES[:, 0], INDEXES["range"][0])
    result = ffstream.backtest(ffstream.LastValue(), y, 2, initial=280, progress=True)
    assert result.n_origins == 19
    assert "origins" in capsys.readouterr().err


def test_backtest_progress_without_tqdm_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r'pip install "ffstream\[progress\]"'):
        ffstream.backtest(
            ffstream.LastValue(), VALUES[:, 0], 2, initial=280, progress=True
        )


def test_no_warnings_on_the_labelled_path():
    index = INDEXES["month starts"][0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ffstream.FIRForecaster(order=3).fit(pd.Series(VALUES[:, 0], index))
        model.prediction_interval(2, level=[0.5, 0.9], n_paths=20, seed=0)


@pytest.mark.parametrize("index_name", INDEXES)
@pytest.mark.parametrize("model_name", MODELS)
def test_a_checkpoint_keeps_the_labels(model_name, index_name, tmp_path):
    index, _ = INDEXES[index_name]
    frame = pd.DataFrame(VALUES, index, columns=pd.Index([3, "b"], name="site"))
    for y in (frame, frame["b"].rename("load"), frame[3]):
        model = MODELS[model_name]().fit(y[:250]).update(y[250:])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model.save(tmp_path / "model.ffs")
        loaded = ffstream.load(tmp_path / "model.ffs")
        if isinstance(y, pd.Series):
            pd.testing.assert_series_equal(loaded.forecast(3), model.forecast(3))
        else:
            pd.testing.assert_frame_equal(loaded.forecast(3), model.forecast(3))
        following = pd.DataFrame(
            VALUES[:2] + 1.0,
            index=model.forecast(2).index,
            columns=frame.columns,
        )
        new = (
            following if isinstance(y, pd.DataFrame) else following["b"].rename(y.name)
        )
        loaded.update(new)  # the restored labels check updates as before
        model.update(new)
        assert loaded.forecast(1).index.equals(model.forecast(1).index)


def test_cftime_labels_survive_a_checkpoint(tmp_path):
    times = xr.date_range(
        "2000-01-01", periods=300, freq="MS", calendar="360_day", use_cftime=True
    )
    model = ffstream.FIRForecaster(order=3).fit(pd.Series(VALUES[:, 0], times))
    model.save(tmp_path / "model.ffs")
    got = ffstream.load(tmp_path / "model.ffs").forecast(2)
    assert got.index.calendar == "360_day" and got.index.equals(model.forecast(2).index)


def test_labels_json_cannot_hold_are_dropped_with_a_warning(tmp_path):
    columns = pd.MultiIndex.from_tuples([("a", 1), ("a", 2)])
    model = ffstream.FIRForecaster(order=3).fit(pd.DataFrame(VALUES, columns=columns))
    with pytest.warns(UserWarning, match="not its pandas labels"):
        model.save(tmp_path / "model.ffs")
    loaded = ffstream.load(tmp_path / "model.ffs")
    assert type(loaded.forecast(2)) is np.ndarray
    assert np.array_equal(loaded.forecast(2), model.forecast(2).to_numpy())


def test_the_html_summary_shows_the_labels():
    index = INDEXES["hourly"][0]
    frame = pd.DataFrame(VALUES, index, columns=["<a>", "b"])
    html = ffstream.FIRForecaster(order=3).fit(frame)._repr_html_()
    assert "2024-01-01 00:00:00 to 2024-01-13 11:00:00, step h" in html
    assert "&lt;a&gt;, b" in html
    html = (
        ffstream.LastValue()
        .fit(pd.Series(VALUES[:, 0], index, name="load"))
        ._repr_html_()
    )
    assert "load" in html and "step h" in html
    assert (
        "<th" in html and "time" not in ffstream.LastValue().fit(VALUES)._repr_html_()
    )


def test_daily_labels_in_a_time_zone_keep_their_wall_time_across_summer_time(tmp_path):
    full = pd.date_range("2024-03-26", periods=10, freq="D", tz="Europe/London")
    model = ffstream.LastValue().fit(pd.Series(np.arange(6.0), full[:6]))
    assert model.forecast(2).index.equals(full[6:8])
    model.update(pd.Series([1.0, 2.0], full[6:8]))
    assert model.forecast(2).index.equals(full[8:10])
    model.save(tmp_path / "model.ffs")
    assert ffstream.load(tmp_path / "model.ffs").forecast(2).index.equals(full[8:10])
    result = ffstream.backtest(
        ffstream.LastValue(), pd.Series(np.arange(10.0), full), 1, initial=7
    )
    assert list(result.origin_times) == list(full[7:10])


def test_a_monthly_date_offset_is_applied_step_after_step(tmp_path):
    months = pd.DateOffset(months=1)
    index = pd.date_range(
        "2024-01-31", periods=8, freq=months
    )  # 31 Jan, 29 Feb, 29 Mar...
    y = pd.Series(np.arange(8.0), index)
    result = ffstream.backtest(ffstream.LastValue(), y, 1, initial=5, freq=months)
    assert list(result.origin_times) == list(index[5:])
    model = ffstream.LastValue().fit(y[:5], freq=months)
    assert model.forecast(3).index.equals(index[5:])
    with pytest.warns(UserWarning, match="no exact text form"):
        model.save(
            tmp_path / "model.ffs"
        )  # "<DateOffset: months=1>" does not come back
    assert type(ffstream.load(tmp_path / "model.ffs").forecast(1)) is np.ndarray


def test_custom_business_days_with_holidays_are_not_stored_without_them(tmp_path):
    days = pd.offsets.CustomBusinessDay(holidays=["2024-01-10"])
    index = pd.date_range("2024-01-01", periods=30, freq=days)
    model = ffstream.LastValue().fit(pd.Series(np.arange(30.0), index), freq=days)
    with pytest.warns(UserWarning, match="no exact text form"):
        model.save(tmp_path / "model.ffs")


def test_numpy_scalar_names_are_stored_as_numbers(tmp_path):
    frame = pd.DataFrame(VALUES, INDEXES["hourly"][0], columns=pd.Index([10, 20]))
    series = frame.iloc[:, 1]  # named np.int64(20)
    model = ffstream.FIRForecaster(order=3).fit(series)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save(tmp_path / "model.ffs")
    assert ffstream.load(tmp_path / "model.ffs").forecast(1).name == 20


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (pd.DatetimeIndex(["2024-01-01", "NaT", "2024-01-03"]), "missing time label"),
        (pd.PeriodIndex(["2024-01", None, "2024-03"], freq="M"), "missing time label"),
    ],
)
def test_missing_time_labels_are_refused(index, message):
    with pytest.raises(ValueError, match=message):
        ffstream.LastValue().fit(pd.Series([1.0, 2.0, 3.0], index))


def test_updates_of_another_frequency_or_calendar_are_refused():
    months = pd.period_range("2000-01", periods=20, freq="M")
    model = ffstream.LastValue().fit(pd.Series(np.arange(20.0), months))
    with pytest.raises(ValueError, match="frequency D of y_new differs"):
        model.update(
            pd.Series([1.0], pd.period_range("2001-09-01", periods=1, freq="D"))
        )
    noleap = xr.date_range(
        "2000-01-01", periods=20, freq="MS", calendar="noleap", use_cftime=True
    )
    model = ffstream.LastValue().fit(pd.Series(np.arange(20.0), noleap))
    other = xr.date_range(
        "2001-09-01", periods=1, freq="MS", calendar="360_day", use_cftime=True
    )
    with pytest.raises(ValueError, match="calendar '360_day' of y_new differs"):
        model.update(pd.Series([1.0], other))
    assert model.n_seen == 20


def test_an_empty_pandas_update_is_nothing_to_ingest():
    model, index = frame_model()
    before = snapshot(model)
    model.update(pd.DataFrame(np.empty((0, 2)), index[:0], columns=["a", "b"]))
    assert snapshot(model) == before


@pytest.mark.parametrize(
    "change",
    [
        {"step": "0h"},
        {"step": "-1h"},
        {"step": 3},
        {"first": False},
        {"name": [1]},
        {"series_name": {"a": 1}},
        {"kind": "cftime", "calendar": None},
        {"tz": "Mars/Olympus"},
        {"unit": "fortnights"},
        {"length": 299},
        {"last": "2030-01-01T00:00:00"},
        {"step": "fortnightly"},
        {"kind": "weekly"},
        {"columns": ["a"]},
    ],
)
def test_tampered_stored_labels_are_refused_at_load(change, tmp_path):
    import json
    import zipfile

    model = ffstream.FIRForecaster(order=3).fit(
        pd.Series(VALUES[:, 0], INDEXES["hourly"][0])
    )
    model.save(tmp_path / "model.ffs")
    with zipfile.ZipFile(tmp_path / "model.ffs") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    metadata = json.loads(members["checkpoint.json"])
    metadata["settings"]["labels"].update(change)
    with zipfile.ZipFile(tmp_path / "altered.ffs", "w") as archive:
        for name, data in members.items():
            if name == "checkpoint.json":
                data = json.dumps(metadata).encode()
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="altered.ffs"):
        ffstream.load(tmp_path / "altered.ffs")
