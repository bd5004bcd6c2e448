"""ffstream.xarray on dask-backed data: lazy, the same numbers as eager data, seeds per series."""

import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import ffstream
import ffstream.xarray

dask = pytest.importorskip("dask")

T = 50
SCHEDULERS = ["synchronous", "threads"]


@pytest.fixture(params=SCHEDULERS)
def scheduler(request):
    with dask.config.set(scheduler=request.param):
        yield request.param


def stations(rng, n=5):
    return xr.DataArray(
        rng.standard_normal((n, T)).cumsum(axis=1) * 0.1 + rng.standard_normal((n, T)),
        dims=("station", "time"),
        coords={
            "station": [f"s{i}" for i in range(n)],
            "time": pd.date_range("2024-01-01", periods=T, freq="D"),
        },
        name="flow",
        attrs={"units": "m3/s"},
    )


def assert_lazy_and_equal(lazy, eager):
    for name, variable in (
        lazy.data_vars.items() if isinstance(lazy, xr.Dataset) else [(None, lazy)]
    ):
        assert variable.chunks is not None, f"{name} was computed eagerly"
    computed = lazy.compute()
    assert computed.identical(eager)


def test_forecast_is_lazy_and_equals_eager(rng, scheduler):
    obj = stations(rng)
    template = ffstream.FIRForecaster(order=3)
    lazy = ffstream.xarray.forecast(obj.chunk({"station": 2}), template, 4)
    assert_lazy_and_equal(lazy, ffstream.xarray.forecast(obj, template, 4))


def test_convolve_is_lazy_and_equals_eager(rng, scheduler):
    obj = stations(rng)
    taps = rng.standard_normal(6)
    lazy = obj.chunk({"station": 3}).ffs.convolve(taps)
    assert_lazy_and_equal(lazy, obj.ffs.convolve(taps))


def test_channels_and_extra_dims_are_lazy_and_equal_eager(rng, scheduler):
    values = rng.standard_normal((3, T, 2))
    obj = xr.DataArray(
        values, dims=("site", "time", "channel"), coords={"site": [10, 20, 30]}
    )
    template = ffstream.FIRForecaster(order=2)
    lazy = obj.chunk({"site": 1}).ffs.forecast(template, 3, channel_dim="channel")
    assert_lazy_and_equal(lazy, obj.ffs.forecast(template, 3, channel_dim="channel"))


def test_sample_paths_do_not_depend_on_the_chunking(rng, scheduler):
    obj = stations(rng)
    template = ffstream.FIRForecaster(order=2)
    eager = obj.ffs.sample_paths(template, 3, 4, seed=11)
    for chunks in (1, 2, 5):
        lazy = obj.chunk({"station": chunks}).ffs.sample_paths(template, 3, 4, seed=11)
        assert_lazy_and_equal(lazy, eager)


def test_seeds_do_not_depend_on_the_chunking_over_two_series_dims(rng):
    values = rng.standard_normal((3, 4, T))
    obj = xr.DataArray(values, dims=("x", "y", "time"))
    template = ffstream.FIRForecaster(order=2)
    eager = obj.ffs.sample_paths(template, 2, 3, seed=5)
    lazy = obj.chunk({"x": 2, "y": 3}).ffs.sample_paths(template, 2, 3, seed=5)
    assert_lazy_and_equal(lazy, eager)


def test_fresh_entropy_is_drawn_once_per_call(rng):
    obj = stations(rng)
    template = ffstream.FIRForecaster(order=2)
    lazy = obj.chunk({"station": 1}).ffs.sample_paths(template, 2, 3)
    assert np.array_equal(lazy.compute(), lazy.compute())  # one seed in the graph


def test_prediction_interval_is_lazy_and_equals_eager(rng, scheduler):
    obj = stations(rng)
    template = ffstream.FIRForecaster(order=2)
    options = {"level": [0.5, 0.9], "n_paths": 30, "seed": 4}
    lazy = obj.chunk({"station": 2}).ffs.prediction_interval(template, 3, **options)
    assert_lazy_and_equal(lazy, obj.ffs.prediction_interval(template, 3, **options))


def test_backtest_is_lazy_and_equals_eager(rng, scheduler):
    obj = stations(rng)
    template = ffstream.FIRForecaster(order=2)
    lazy = obj.chunk({"station": 2}).ffs.backtest(template, 3, initial=40, step=2)
    assert_lazy_and_equal(lazy, obj.ffs.backtest(template, 3, initial=40, step=2))


def test_a_time_dim_split_over_chunks_is_refused(rng):
    obj = stations(rng).chunk({"time": 10})
    for call in (
        lambda: obj.ffs.forecast(ffstream.LastValue(), 2),
        lambda: obj.ffs.convolve([1.0]),
        lambda: obj.ffs.backtest(ffstream.LastValue(), 2, initial=30),
    ):
        with pytest.raises(ValueError, match=r"obj.chunk\(\{'time': -1\}\)"):
            call()
    channels = xr.DataArray(np.zeros((T, 4)), dims=("time", "c")).chunk({"c": 2})
    with pytest.raises(ValueError, match=r"channel_dim='c'.*obj.chunk\(\{'c': -1\}\)"):
        channels.ffs.forecast(ffstream.LastValue(), 2, channel_dim="c")


def test_nan_in_a_dask_block_is_reported_at_compute_with_its_coordinates(rng):
    obj = stations(rng)
    obj[3, 7] = np.nan
    lazy = obj.chunk({"station": 2}).ffs.forecast(ffstream.LastValue(), 2)
    with dask.config.set(scheduler="synchronous"):
        with pytest.raises(
            ValueError,
            match="obj contains 1 NaN value in one dask block, the first at "
            "station='s3', time=2024-01-08",
        ):
            lazy.compute()


def test_progress_is_ignored_for_dask_input(rng, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    obj = stations(rng)
    lazy = obj.chunk({"station": 2}).ffs.forecast(
        ffstream.LastValue(), 2, progress=True
    )
    with dask.config.set(scheduler="synchronous"):
        assert lazy.compute().identical(obj.ffs.forecast(ffstream.LastValue(), 2))


def test_dask_tasks_carry_short_indexes_only(rng, monkeypatch):
    monkeypatch.setattr(ffstream.interfaces.xarray._core, "MAX_CARRIED_LABELS", 10)
    obj = stations(rng)
    obj[3, 7] = np.nan
    lazy = obj.chunk({"station": 2}).ffs.convolve([1.0])
    with dask.config.set(scheduler="synchronous"):
        with pytest.raises(ValueError, match="station='s3', time position 7"):
            lazy.compute()
