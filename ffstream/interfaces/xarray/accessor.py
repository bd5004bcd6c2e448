"""The ``.ffs`` accessors: ``DataArray.ffs`` and ``Dataset.ffs`` forward to the functions.

Importing this module (``import ffstream.xarray`` does) registers them. Each
method passes its DataArray, or each data variable of its Dataset, to the
function of the same name in :mod:`ffstream.xarray`; only
:meth:`FfsAccessor.plot_forecast` does more, combining two of them for a plot.
"""

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import xarray as xr

from ffstream.interfaces.xarray.backtesting import backtest
from ffstream.interfaces.xarray.convolution import convolve
from ffstream.interfaces.xarray.forecasting import (
    forecast,
    prediction_interval,
    sample_paths,
)


@xr.register_dataarray_accessor("ffs")
class FfsAccessor:
    """``obj.ffs``: the functions of :mod:`ffstream.xarray` as methods of a DataArray.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import ffstream
    >>> import ffstream.xarray
    >>> obj = xr.DataArray(np.arange(6.0), dims="time")
    >>> obj.ffs.forecast(ffstream.LastValue(), 2).values
    array([5., 5.])
    """

    def __init__(self, obj: xr.DataArray) -> None:
        self._obj = obj

    def convolve(self, filters: Any, **kwargs: Any) -> xr.DataArray:
        """:func:`ffstream.xarray.convolve` of this DataArray (same keyword arguments)."""
        return convolve(self._obj, filters, **kwargs)

    def forecast(self, model: Any, horizon: int, **kwargs: Any) -> xr.DataArray:
        """:func:`ffstream.xarray.forecast` of this DataArray (same keyword arguments)."""
        return forecast(self._obj, model, horizon, **kwargs)

    def sample_paths(
        self, model: Any, horizon: int, n_paths: int, **kwargs: Any
    ) -> xr.DataArray:
        """:func:`ffstream.xarray.sample_paths` of this DataArray (same keyword arguments)."""
        return sample_paths(self._obj, model, horizon, n_paths, **kwargs)

    def prediction_interval(
        self, model: Any, horizon: int, **kwargs: Any
    ) -> xr.Dataset:
        """:func:`ffstream.xarray.prediction_interval` of this DataArray (same keywords)."""
        return prediction_interval(self._obj, model, horizon, **kwargs)

    def backtest(self, model: Any, horizon: int, **kwargs: Any) -> xr.Dataset:
        """:func:`ffstream.xarray.backtest` of this DataArray (same keyword arguments)."""
        return backtest(self._obj, model, horizon, **kwargs)

    def plot_forecast(
        self,
        model: Any,
        horizon: int,
        *,
        level: float | Sequence[float] | None = 0.9,
        ax: Any = None,
        label: str | None = None,
        n_paths: int = 1000,
        seed: Any = None,
        dim: Hashable = "time",
        freq: Any = None,
        method: str = "continuous",
        **plot_kwargs: Any,
    ) -> Any:
        """Forecast this one-dimensional DataArray and plot it with its prediction interval.

        Fits a copy of ``model``, forecasts ``horizon`` steps and computes the
        interval(s) at ``level`` (:func:`ffstream.xarray.forecast` and
        :func:`ffstream.xarray.prediction_interval`), then draws them with
        :func:`ffstream.interfaces.plot.forecast.plot_forecast` (matplotlib
        needed: ``pip install "ffstream[plot]"``).

        Parameters
        ----------
        model : forecaster
            An unfitted template with ``prediction_interval`` (or any forecaster
            with ``level=None``).
        horizon : int
            Steps ahead.
        level : float, sequence of float or None, default 0.9
            Coverage(s) of the bands; ``None`` draws no band.
        ax : matplotlib.axes.Axes, optional
            Where to draw (a new figure by default).
        label : str, optional
            The model's name in the legend (default: the DataArray's name, else
            ``"forecast"``).
        n_paths, seed, dim, freq, method
            As for :func:`ffstream.xarray.prediction_interval`.
        **plot_kwargs
            ``actual``, ``color``, ``history_tail``: passed to ``plot_forecast``.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on.

        Raises
        ------
        ValueError
            If the DataArray is not one-dimensional (select one series first,
            e.g. ``obj.sel(station="a")``), and as the functions do.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> import pandas as pd
        >>> import xarray as xr
        >>> import ffstream
        >>> import ffstream.xarray
        >>> rng = np.random.default_rng(0)
        >>> obj = xr.DataArray(
        ...     np.sin(0.2 * np.arange(200)) + 0.1 * rng.standard_normal(200),
        ...     dims="time",
        ...     coords={"time": pd.date_range("2024-01-01", periods=200, freq="h")},
        ...     name="load",
        ... )
        >>> ax = obj.ffs.plot_forecast(
        ...     ffstream.FIRForecaster(order=4), 24, level=[0.8, 0.95], n_paths=200,
        ...     seed=0, history_tail=72,
        ... )
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['history', 'load', 'load 95% interval', 'load 80% interval']
        """
        obj = self._obj
        if obj.ndim != 1:
            raise ValueError(
                f"plot_forecast draws one series, but this DataArray has dimensions "
                f"{tuple(obj.dims)}: select one first (e.g. obj.isel(...) or obj.sel(...))"
            )
        from ffstream.interfaces.plot.forecast import plot_forecast

        options = {"dim": dim, "freq": freq, "method": method}
        point = forecast(obj, model, horizon, **options)
        interval = None
        if level is not None:
            interval = prediction_interval(
                obj, model, horizon, level=level, n_paths=n_paths, seed=seed, **options
            )
        if label is None:
            label = "forecast" if obj.name is None else str(obj.name)
        return plot_forecast(
            obj, point, interval=interval, label=label, ax=ax, **plot_kwargs
        )


def _map_variables(
    ds: xr.Dataset,
    function: Callable[..., xr.DataArray],
    dim: Hashable,
    name: str,
    *args: Any,
    **kwargs: Any,
) -> xr.Dataset:
    """``function`` applied to each data variable of ``ds``, which must all have ``dim``."""
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"expected a Dataset, got {type(ds).__name__}")
    lacking = [
        key for key, variable in ds.data_vars.items() if dim not in variable.dims
    ]
    if lacking:
        raise ValueError(
            f"ds.ffs.{name} applies to every data variable, but {lacking} lack "
            f"dim={dim!r}: select the variables that have it first (ds[[...]])"
        )
    return xr.Dataset(
        {
            key: function(variable, *args, dim=dim, **kwargs)
            for key, variable in ds.data_vars.items()
        },
        attrs=dict(ds.attrs),
    )


@xr.register_dataset_accessor("ffs")
class FfsDatasetAccessor:
    """``ds.ffs``: :func:`ffstream.xarray.forecast` and ``convolve`` of every data variable.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import ffstream
    >>> import ffstream.xarray
    >>> ds = xr.Dataset({"a": ("time", np.arange(5.0)), "b": ("time", -np.arange(5.0))})
    >>> ds.ffs.forecast(ffstream.LastValue(), 2).to_array().values
    array([[ 4.,  4.],
           [-4., -4.]])
    """

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds

    def convolve(
        self, filters: Any, *, dim: Hashable = "time", **kwargs: Any
    ) -> xr.Dataset:
        """:func:`ffstream.xarray.convolve` of every data variable (each must have ``dim``)."""
        return _map_variables(self._ds, convolve, dim, "convolve", filters, **kwargs)

    def forecast(
        self, model: Any, horizon: int, *, dim: Hashable = "time", **kwargs: Any
    ) -> xr.Dataset:
        """:func:`ffstream.xarray.forecast` of every data variable (each must have ``dim``)."""
        return _map_variables(
            self._ds, forecast, dim, "forecast", model, horizon, **kwargs
        )
