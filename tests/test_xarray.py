"""ffstream.xarray on eager data: numbers equal to numpy loops, labels, and bad inputs."""

import copy
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.signal
import xarray as xr

import ffstream
import ffstream.xarray
from ffstream.interfaces.xarray import FfsAccessor

T = 60


def templates():
    return [
        ffstream.FIRForecaster(order=3),
        ffstream.SpectralForecaster(n_filters=2, context=8, ar_order=1),
        ffstream.LastValue(),
        ffstream.SeasonalNaive(4),
    ]


def hourly(rng, n_stations=3, length=T, **extra):
    values = rng.standard_normal((n_stations, length)).cumsum(axis=1) * 0.1
    values += rng.standard_normal((n_stations, length))
    return xr.DataArray(
        values,
        dims=("station", "time"),
        coords={
            "station": [f"s{i}" for i in range(n_stations)],
            "time": pd.date_range("2024-01-01", periods=length, freq="h"),
            "height": ("station", np.arange(n_stations) * 10.0),
            "hour": ("time", np.arange(length) % 24),
            "site": "north",
        },
        name="load",
        attrs={"units": "MW"},
        **extra,
    )


def loop(obj, function):
    """``function(y_i)`` for every row of ``obj`` ``(series, time)``, stacked."""
    return np.stack([function(row) for row in obj.values])


# -- forecast -------------------------------------------------------------------


@pytest.mark.parametrize("template", templates(), ids=repr)
def test_forecast_equals_a_loop_of_numpy_models_bit_for_bit(rng, template):
    obj = hourly(rng)
    result = ffstream.xarray.forecast(obj, template, 7)
    expected = loop(obj, lambda y: copy.deepcopy(template).fit(y).forecast(7))
    assert np.array_equal(result.values, expected)
    with pytest.raises(ffstream.models._base.NotFittedError):
        _ = template.n_seen  # the template stays unfitted


def test_forecast_labels_coordinates_attrs_and_name(rng):
    obj = hourly(rng)
    result = ffstream.xarray.forecast(obj, ffstream.FIRForecaster(order=2), 5)
    assert result.dims == obj.dims and result.name == "load"
    assert result.attrs == {"units": "MW"}
    expected_time = pd.date_range(obj.time.values[-1], periods=6, freq="h")[1:]
    assert (result.indexes["time"] == expected_time).all()
    assert list(result.station.values) == list(obj.station.values)
    assert np.array_equal(result.height, obj.height)
    assert result.site.item() == "north"
    assert "hour" not in result.coords  # along the time of the history only


def test_forecast_keeps_the_coordinates_attrs_of_time(rng):
    obj = hourly(rng)
    obj.time.attrs["long_name"] = "time of the sample"
    result = obj.ffs.forecast(ffstream.LastValue(), 2)
    assert result.time.attrs == {"long_name": "time of the sample"}


def test_forecast_continues_a_cftime_noleap_monthly_axis(rng):
    months = xr.date_range(
        "2001-11-01", periods=T, freq="MS", calendar="noleap", use_cftime=True
    )
    obj = xr.DataArray(rng.standard_normal(T), dims="time", coords={"time": months})
    result = ffstream.xarray.forecast(obj, ffstream.SeasonalNaive(12), 3)
    assert isinstance(result.indexes["time"], xr.CFTimeIndex)
    assert result.indexes["time"].calendar == "noleap"
    assert [str(t)[:10] for t in result.time.values] == [
        "2006-11-01",
        "2006-12-01",
        "2007-01-01",
    ]
    assert np.array_equal(result, obj.values[-12:-9])


def test_forecast_continues_an_integer_axis_by_its_step(rng):
    obj = xr.DataArray(
        rng.standard_normal(T), dims="t", coords={"t": np.arange(10, 10 + 2 * T, 2)}
    )
    result = ffstream.xarray.forecast(obj, ffstream.LastValue(), 3, dim="t")
    assert list(result.t.values) == [10 + 2 * T, 12 + 2 * T, 14 + 2 * T]


def test_forecast_without_a_coordinate_continues_the_positions(rng):
    obj = xr.DataArray(rng.standard_normal((2, T)), dims=("x", "time"))
    result = ffstream.xarray.forecast(obj, ffstream.FIRForecaster(order=2), 4)
    assert list(result.time.values) == [T, T + 1, T + 2, T + 3]
    assert "x" not in result.coords


def test_freq_labels_a_coordinate_whose_step_cannot_be_inferred(rng):
    times = pd.DatetimeIndex(["2024-01-01", "2024-01-02"])
    obj = xr.DataArray([1.0, 2.0], dims="time", coords={"time": times})
    with pytest.raises(ValueError, match="obj's coordinate 'time'.*pass freq="):
        ffstream.xarray.forecast(obj, ffstream.LastValue(), 2)
    result = ffstream.xarray.forecast(obj, ffstream.LastValue(), 2, freq="D")
    assert list(result.indexes["time"].strftime("%m-%d")) == ["01-03", "01-04"]


def test_channel_dim_fits_one_multichannel_model_on_a_transposed_array(rng):
    values = rng.standard_normal((T, 3)).cumsum(axis=0) * 0.1
    obj = xr.DataArray(
        values.T,
        dims=("channel", "time"),
        coords={"channel": ["u", "v", "w"]},
        name="wind",
    )
    template = ffstream.FIRForecaster(order=2)
    result = ffstream.xarray.forecast(obj, template, 5, channel_dim="channel")
    expected = copy.deepcopy(template).fit(values).forecast(5)
    assert result.dims == ("channel", "time")
    assert np.array_equal(result.values, expected.T)
    assert list(result.channel.values) == ["u", "v", "w"]


def test_channel_dim_with_extra_series_dims(rng):
    values = rng.standard_normal((2, T, 3))  # (site, time, channel)
    obj = xr.DataArray(
        values, dims=("site", "time", "channel"), coords={"site": ["a", "b"]}
    )
    template = ffstream.FIRForecaster(order=2)
    result = ffstream.xarray.forecast(obj, template, 4, channel_dim="channel")
    assert result.dims == ("site", "time", "channel")
    for i in range(2):
        expected = copy.deepcopy(template).fit(values[i]).forecast(4)
        assert np.array_equal(result.values[i], expected)


def test_series_over_several_dims_with_time_in_the_middle(rng):
    values = rng.standard_normal((2, T, 3))
    obj = xr.DataArray(
        values,
        dims=("x", "time", "y"),
        coords={"x": [1, 2], "y": ["p", "q", "r"]},
    )
    template = ffstream.FIRForecaster(order=2)
    result = ffstream.xarray.forecast(obj, template, 3)
    assert result.dims == ("x", "time", "y")
    for i in range(2):
        for j in range(3):
            expected = copy.deepcopy(template).fit(values[i, :, j]).forecast(3)
            assert np.array_equal(result.values[i, :, j], expected)


def test_integer_data_is_forecast_as_floats():
    obj = xr.DataArray(np.arange(10), dims="time")
    result = ffstream.xarray.forecast(obj, ffstream.LastValue(), 2)
    assert result.dtype == np.float64 and list(result.values) == [9.0, 9.0]


def test_every_method_gives_the_same_forecast(rng, method):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=3)
    result = ffstream.xarray.forecast(obj, template, 6, method=method)
    expected = loop(obj, lambda y: copy.deepcopy(template).fit(y).forecast(6, method))
    assert np.array_equal(result.values, expected)


def test_progress_bar_gives_the_same_numbers(rng, capsys):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    with_bar = ffstream.xarray.forecast(obj, template, 3, progress=True)
    assert "series" in capsys.readouterr().err
    assert with_bar.identical(ffstream.xarray.forecast(obj, template, 3))


def test_progress_without_tqdm_says_how_to_install_it(rng, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r'pip install "ffstream\[progress\]"'):
        ffstream.xarray.forecast(hourly(rng), ffstream.LastValue(), 3, progress=True)


# -- sample paths and intervals ------------------------------------------------------


def test_sample_paths_draw_from_one_spawned_generator_per_series(rng):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    paths = ffstream.xarray.sample_paths(obj, template, 4, 5, seed=3)
    assert paths.dims == ("path", "station", "time")
    assert paths.sizes == {"path": 5, "station": 3, "time": 4}
    assert paths.name == "load" and paths.attrs == {"units": "MW"}
    children = np.random.SeedSequence(3).spawn(3)
    for i, row in enumerate(obj.values):
        model = copy.deepcopy(template).fit(row)
        expected = model.sample_paths(4, 5, seed=np.random.default_rng(children[i]))
        assert np.array_equal(paths.values[:, i], expected)
    assert not np.array_equal(paths.values[:, 0], paths.values[:, 1])


def test_sample_paths_of_the_same_seed_agree_and_path_dim_names_the_paths(rng):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    first = obj.ffs.sample_paths(template, 3, 2, seed=np.random.SeedSequence(9))
    second = obj.ffs.sample_paths(template, 3, 2, seed=9, path_dim="draw")
    assert np.array_equal(first.values, second.values)
    assert second.dims == ("draw", "station", "time")


def test_prediction_interval_equals_the_models_with_the_series_generator(rng):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    interval = ffstream.xarray.prediction_interval(
        obj, template, 4, level=0.8, n_paths=50, seed=1
    )
    assert set(interval.data_vars) == {"lower", "upper"}
    assert interval.lower.dims == ("station", "time")
    assert float(interval.level) == 0.8
    children = np.random.SeedSequence(1).spawn(3)
    for i, row in enumerate(obj.values):
        model = copy.deepcopy(template).fit(row)
        lower, upper = model.prediction_interval(
            4, level=0.8, n_paths=50, seed=np.random.default_rng(children[i])
        )
        assert np.array_equal(interval.lower.values[i], lower)
        assert np.array_equal(interval.upper.values[i], upper)


def test_prediction_interval_of_several_levels_has_a_level_dim(rng):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    interval = obj.ffs.prediction_interval(
        template, 4, level=[0.8, 0.95], n_paths=50, seed=2
    )
    assert interval.lower.dims == ("level", "station", "time")
    assert list(interval.level.values) == [0.8, 0.95]
    assert interval.lower.attrs == {"units": "MW"}
    for level in (0.8, 0.95):
        one = obj.ffs.prediction_interval(template, 4, level=level, n_paths=50, seed=2)
        assert np.array_equal(interval.lower.sel(level=level), one.lower)
        assert np.array_equal(interval.upper.sel(level=level), one.upper)
    paths = obj.ffs.sample_paths(template, 4, 50, seed=2)
    quantile = np.quantile(paths.values, 0.025, axis=0)
    assert np.allclose(interval.lower.sel(level=0.95).values, quantile)


# -- backtest ----------------------------------------------------------------------


def test_backtest_equals_ffstream_backtest_per_series(rng):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    result = ffstream.xarray.backtest(obj, template, 3, initial=40, step=4)
    assert result.forecast.dims == ("origin", "step", "station")
    assert result.mae.dims == ("station",)
    assert list(result.step.values) == [1, 2, 3]
    origins = np.arange(40, T - 3 + 1, 4)
    assert (result.indexes["origin"] == obj.indexes["time"][origins]).all()
    for i, row in enumerate(obj.values):
        expected = ffstream.backtest(template, row, 3, initial=40, step=4)
        assert np.array_equal(result.forecast.values[:, :, i], expected.forecasts)
        assert np.array_equal(result.actual.values[:, :, i], expected.actuals)
        assert result.mae.values[i] == expected.mae()
    assert result.forecast.attrs == {"units": "MW"}


def test_backtest_of_channels_without_coordinate(rng):
    values = rng.standard_normal((T, 2))
    obj = xr.DataArray(values, dims=("time", "channel"))
    template = ffstream.FIRForecaster(order=2)
    result = obj.ffs.backtest(
        template, 2, initial=50, channel_dim="channel", learn=True
    )
    expected = ffstream.backtest(template, values, 2, initial=50, learn=True)
    assert result.forecast.dims == ("origin", "step", "channel")
    assert list(result.origin.values) == list(range(50, T - 1))
    assert np.array_equal(result.forecast.values, expected.forecasts)
    assert result.mae.item() == expected.mae()


def test_backtest_bad_arguments(rng):
    obj = hourly(rng)
    with pytest.raises(ValueError, match="initial must be at most"):
        obj.ffs.backtest(ffstream.LastValue(), 3, initial=T - 2)
    with pytest.raises(ValueError, match="learn=True cannot be combined"):
        obj.ffs.backtest(ffstream.LastValue(), 3, initial=10, refit=True, learn=True)
    with pytest.raises(TypeError, match="step must be an integer"):
        obj.ffs.backtest(ffstream.LastValue(), 3, initial=10, step=1.5)
    with pytest.raises(ValueError, match="failed: .*at least 21 samples"):
        obj.ffs.backtest(ffstream.FIRForecaster(order=20), 3, initial=10)


# -- convolve ----------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 5, 40])
def test_convolve_matches_scipy_lfilter_for_every_method(rng, method, length):
    taps = rng.standard_normal(length) * 0.9 ** np.arange(length)
    obj = hourly(rng, n_stations=7, length=90)
    result = ffstream.xarray.convolve(obj, taps, method=method)
    expected = scipy.signal.lfilter(taps, [1.0], obj.values, axis=-1)
    np.testing.assert_allclose(result.values, expected, rtol=1e-10, atol=1e-12)
    truncated = np.convolve(obj.values[2], taps)[:90]
    np.testing.assert_allclose(result.values[2], truncated, rtol=1e-10, atol=1e-12)
    assert result.dims == obj.dims and result.name == "load"
    assert result.attrs == {"units": "MW"}
    assert result.coords.to_dataset().identical(obj.coords.to_dataset())


def test_convolve_along_a_leading_dim_of_many_series(rng):
    taps = rng.standard_normal(3)
    values = rng.standard_normal((50, 130))  # (time, series): more than a group
    obj = xr.DataArray(values, dims=("t", "series"))
    result = obj.ffs.convolve(taps, dim="t")
    assert result.dims == ("t", "series")
    expected = scipy.signal.lfilter(taps, [1.0], values, axis=0)
    np.testing.assert_allclose(result.values, expected, rtol=1e-10, atol=1e-12)


def test_convolve_bad_filters(rng):
    obj = hourly(rng)
    with pytest.raises(ValueError, match=r"filters must be 1-D taps \(L,\)"):
        ffstream.xarray.convolve(obj, np.ones((3, 2)))
    with pytest.raises(ValueError, match="filters must not be empty"):
        ffstream.xarray.convolve(obj, [])
    with pytest.raises(TypeError, match="filters must hold real numbers"):
        ffstream.xarray.convolve(obj, ["a"])
    with pytest.raises(ValueError, match="method must be one of"):
        ffstream.xarray.convolve(obj, [1.0], method="fast")


# -- Datasets and plots --------------------------------------------------------------


def test_dataset_accessor_maps_over_the_data_variables(rng):
    obj = hourly(rng)
    ds = xr.Dataset({"load": obj, "double": 2 * obj}, attrs={"source": "test"})
    result = ds.ffs.forecast(ffstream.LastValue(), 2)
    assert set(result.data_vars) == {"load", "double"}
    assert result.attrs == {"source": "test"}
    assert result["load"].identical(obj.ffs.forecast(ffstream.LastValue(), 2))
    convolved = ds.ffs.convolve([1.0, -1.0])
    assert convolved.double.identical(
        (2 * obj).ffs.convolve([1.0, -1.0]).rename("double")
    )
    with pytest.raises(ValueError, match=r"\['flat'\] lack dim='time'"):
        ds.assign(flat=("station", np.zeros(3))).ffs.forecast(ffstream.LastValue(), 2)


def test_plot_forecast_draws_the_forecast_and_its_bands(rng):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = hourly(rng).isel(station=0)
    ax = series.ffs.plot_forecast(
        ffstream.FIRForecaster(order=2), 6, level=[0.5, 0.9], n_paths=40, seed=0
    )
    texts = [text.get_text() for text in ax.get_legend().get_texts()]
    assert texts == ["history", "load", "load 90% interval", "load 50% interval"]
    ax = series.ffs.plot_forecast(ffstream.LastValue(), 6, level=None, ax=ax)
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="plot_forecast draws one series"):
        hourly(rng).ffs.plot_forecast(ffstream.LastValue(), 6)


def test_the_accessor_is_registered_on_import():
    assert xr.DataArray.ffs is FfsAccessor


# -- bad inputs --------------------------------------------------------------------


def test_a_missing_dim_lists_the_dims(rng):
    obj = hourly(rng)
    with pytest.raises(
        ValueError,
        match=r"dim='day' is not a dimension of obj, .*\('station', 'time'\)",
    ):
        ffstream.xarray.forecast(obj, ffstream.LastValue(), 2, dim="day")
    with pytest.raises(ValueError, match="channel_dim='c' is not a dimension"):
        ffstream.xarray.forecast(obj, ffstream.LastValue(), 2, channel_dim="c")
    with pytest.raises(ValueError, match="channel_dim must differ from dim"):
        ffstream.xarray.forecast(obj, ffstream.LastValue(), 2, channel_dim="time")
    with pytest.raises(ValueError, match="dim='day' is not a dimension"):
        ffstream.xarray.convolve(obj, [1.0], dim="day")


def test_nan_says_how_many_and_where_the_first_is(rng):
    obj = hourly(rng)
    obj[1, 4] = np.nan
    obj[2, 0] = np.nan
    obj[2, 7] = np.inf
    message = (
        r"obj contains 3 NaN or infinite values, the first at station='s1', "
        r"time=2024-01-01 04:00:00"
    )
    for call in (
        lambda: ffstream.xarray.forecast(obj, ffstream.LastValue(), 2),
        lambda: ffstream.xarray.convolve(obj, [1.0]),
        lambda: obj.ffs.backtest(ffstream.LastValue(), 2, initial=10),
    ):
        with pytest.raises(ValueError, match=message):
            call()
    daily = xr.DataArray(
        [1.0, np.nan, 3.0, np.nan],
        dims="time",
        coords={"time": pd.date_range("2024-01-04", periods=4)},
    )
    with pytest.raises(
        ValueError, match="contains 2 NaN values, the first at time=2024-01-05"
    ):
        daily.ffs.forecast(ffstream.LastValue(), 1)


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"], "must increase"),
        (["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"], "duplicate"),
        (["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"], "irregular"),
    ],
)
def test_a_bad_time_coordinate_is_named(times, message):
    obj = xr.DataArray(
        np.arange(4.0), dims="time", coords={"time": pd.DatetimeIndex(times)}
    )
    with pytest.raises(ValueError, match=f"obj's coordinate 'time'.*{message}"):
        ffstream.xarray.forecast(obj, ffstream.LastValue(), 2)
    if message != "irregular":
        with pytest.raises(ValueError, match=f"obj's coordinate 'time'.*{message}"):
            obj.ffs.backtest(ffstream.LastValue(), 1, initial=2)


def test_freq_without_a_coordinate_is_refused(rng):
    obj = xr.DataArray(rng.standard_normal(10), dims="time")
    with pytest.raises(ValueError, match="freq='D' is the step of a time coordinate"):
        ffstream.xarray.forecast(obj, ffstream.LastValue(), 2, freq="D")


def test_a_fitted_template_or_a_class_is_refused(rng):
    obj = hourly(rng)
    fitted = ffstream.FIRForecaster(order=2).fit(obj.values[0])
    with pytest.raises(ValueError, match="model must be an unfitted forecaster"):
        ffstream.xarray.forecast(obj, fitted, 2)
    with pytest.raises(ValueError, match="model must be an unfitted forecaster"):
        obj.ffs.backtest(fitted, 2, initial=10)
    with pytest.raises(TypeError, match="got the class FIRForecaster"):
        ffstream.xarray.forecast(obj, ffstream.FIRForecaster, 2)
    with pytest.raises(TypeError, match="LastValue has no sample_paths"):
        ffstream.xarray.sample_paths(obj, ffstream.LastValue(), 2, 3)
    with pytest.raises(TypeError, match="model must be an unfitted forecaster"):
        ffstream.xarray.forecast(obj, object(), 2)


def test_objects_that_are_not_dataarrays_are_refused(rng):
    obj = hourly(rng)
    with pytest.raises(TypeError, match=r"got a Dataset: .*ds.ffs.forecast"):
        ffstream.xarray.forecast(obj.to_dataset(), ffstream.LastValue(), 2)
    with pytest.raises(TypeError, match="obj must be an xarray.DataArray, got ndarray"):
        ffstream.xarray.convolve(obj.values, [1.0])
    with pytest.raises(TypeError, match="obj must hold real numbers"):
        ffstream.xarray.forecast(obj.astype(complex), ffstream.LastValue(), 2)


def test_other_bad_arguments_are_named(rng):
    obj = hourly(rng)
    template = ffstream.FIRForecaster(order=2)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        ffstream.xarray.forecast(obj, template, 0)
    with pytest.raises(ValueError, match="method must be one of"):
        ffstream.xarray.forecast(obj, template, 2, method="fast")
    with pytest.raises(TypeError, match="progress must be True or False"):
        ffstream.xarray.forecast(obj, template, 2, progress="yes")
    with pytest.raises(ValueError, match="n_paths must be at least 1"):
        ffstream.xarray.sample_paths(obj, template, 2, 0)
    with pytest.raises(ValueError, match="path_dim='station' names the new dimension"):
        ffstream.xarray.sample_paths(obj, template, 2, 3, path_dim="station")
    with pytest.raises(ValueError, match="seed must be None, an integer >= 0"):
        ffstream.xarray.sample_paths(obj, template, 2, 3, seed=-1)
    with pytest.raises(TypeError, match="seed must be None"):
        ffstream.xarray.sample_paths(obj, template, 2, 3, seed=1.5)
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        ffstream.xarray.prediction_interval(obj, template, 2, level=1.5)
    with pytest.raises(ValueError, match="new dimension 'level'"):
        ffstream.xarray.prediction_interval(
            obj.rename(station="level"), template, 2, level=[0.5, 0.9]
        )
    with pytest.raises(
        ValueError, match="cannot fit FIRForecaster.* the series at station='s0'"
    ):
        ffstream.xarray.forecast(obj, ffstream.FIRForecaster(order=T), 2)


def test_one_level_keeps_a_scalar_level_coordinate_of_obj():
    obj = hourly(np.random.default_rng(3)).assign_coords(level=850)
    model = ffstream.FIRForecaster(order=3)
    bands = ffstream.xarray.prediction_interval(
        obj, model, 4, level=0.9, n_paths=20, seed=0
    )
    assert bands.lower.shape == (3, 4)
    with pytest.raises(ValueError, match="new dimension 'level'"):
        ffstream.xarray.prediction_interval(obj, model, 4, level=[0.8, 0.9], n_paths=20)


def test_a_dataset_hint_names_only_the_accessor_methods_that_exist():
    ds = xr.Dataset({"load": hourly(np.random.default_rng(4))})
    with pytest.raises(TypeError, match=r"ds.ffs.forecast\(\.\.\.\)"):
        ffstream.xarray.forecast(ds, ffstream.LastValue(), 2)
    with pytest.raises(TypeError, match=r"select a variable \(ds\['name'\]\)$"):
        ffstream.xarray.sample_paths(ds, ffstream.FIRForecaster(order=2), 2, 3)


def test_an_empty_time_dimension_is_refused():
    obj = xr.DataArray(np.empty((3, 0)), dims=("station", "time"))
    for call in (
        lambda: ffstream.xarray.forecast(obj, ffstream.LastValue(), 2),
        lambda: ffstream.xarray.convolve(obj, np.ones(3)),
    ):
        with pytest.raises(ValueError, match="no samples along dim='time'"):
            call()
