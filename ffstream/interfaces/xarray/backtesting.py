"""``backtest``: a rolling-origin backtest of every series of a DataArray."""

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ffstream.engine.methods import Method, check_method
from ffstream.engine.validation import as_count, as_flag
from ffstream.evaluation.backtest import backtest as backtest_series
from ffstream.evaluation.progress import with_progress
from ffstream.interfaces.xarray._core import (
    Series,
    apply_to_series,
    check_template,
    check_time_order,
    require_new_dim,
    series_of,
    series_rows,
)

#: The new dimensions of the result: the forecast origins and the steps ahead.
ORIGIN_DIM, STEP_DIM = "origin", "step"


def backtest_array(
    values: np.ndarray,
    positions: np.ndarray,
    *,
    series: Series,
    template: Any,
    horizon: int,
    initial: int,
    step: int,
    refit: bool,
    learn: bool,
    method: Method,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The numpy core of :func:`backtest`: forecasts, actuals and MAE of each series.

    ``values`` ``(..., T[, C])`` give forecasts and actuals ``(..., n_origins,
    horizon[, C])`` and the MAE ``(...)``.

    Series ``i`` runs ``ffstream.backtest(template, y_i, horizon, initial=..., ...)``.
    """
    rows, flat_positions, loop_shape = series_rows(values, positions, series)
    n_origins = (rows.shape[1] - horizon - initial) // step + 1
    shape = (len(rows), n_origins, horizon, *rows.shape[2:])
    forecasts, actuals = np.empty(shape), np.empty(shape)
    mae = np.empty(len(rows))
    for i in with_progress(
        range(len(rows)), progress, total=len(rows), description="series"
    ):
        try:
            result = backtest_series(
                template,
                rows[i],
                horizon,
                initial=initial,
                step=step,
                refit=refit,
                learn=learn,
                method=method,
            )
        except ValueError as error:
            where = series.describe(flat_positions[i])
            raise ValueError(
                f"the backtest of {where} of obj failed: {error}"
            ) from error
        forecasts[i], actuals[i], mae[i] = (
            result.forecasts,
            result.actuals,
            result.mae(),
        )
    return (
        forecasts.reshape(*loop_shape, *shape[1:]),
        actuals.reshape(*loop_shape, *shape[1:]),
        mae.reshape(loop_shape),
    )


def backtest(
    obj: xr.DataArray,
    model: Any,
    horizon: int,
    *,
    initial: int,
    step: int = 1,
    dim: Hashable = "time",
    channel_dim: Hashable | None = None,
    refit: bool = False,
    learn: bool = False,
    method: Method = "continuous",
    progress: bool = False,
) -> xr.Dataset:
    """Rolling-origin backtest of every series of ``obj``, with :func:`ffstream.backtest`.

    Each series (every index of the dimensions other than ``dim`` and
    ``channel_dim``) runs ``ffstream.backtest(model, y_i, horizon,
    initial=initial, step=step, refit=refit, learn=learn, method=method)`` on
    its numpy values: a copy of ``model`` fitted on ``y_i[:initial]``, then
    forecasts of ``horizon`` steps from the origins ``initial, initial + step,
    ...`` while the copy ingests the series.

    Parameters
    ----------
    obj : xarray.DataArray
        Real, finite samples, oldest first along ``dim`` (increasing, unique
        labels if it has a coordinate); dask-backed data stays lazy.
    model : forecaster
        An **unfitted** template with ``fit``, ``update`` and ``forecast``.
    horizon : int
        Steps forecast from each origin, ``>= 1``.
    initial : int
        Samples of the first fit, ``1 <= initial <= T - horizon``.
    step : int, default 1
        Distance between consecutive origins.
    dim, channel_dim, method, progress
        As for :func:`~ffstream.interfaces.xarray.forecasting.forecast`.
    refit, learn : bool, default False
        As for :func:`ffstream.backtest`.

    Returns
    -------
    xarray.Dataset
        ``forecast`` and ``actual``, dimensions ``(origin, step, *others)``
        (``others``: ``obj``'s dimensions but ``dim``), and ``mae`` per series
        (mean over origins, steps and channels). Coordinate ``origin``: the
        time label of each origin's first forecast sample (its position
        when ``dim`` has no coordinate); ``step``: ``1 .. horizon``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`~ffstream.interfaces.xarray.forecasting.forecast`, and
        for ``horizon``, ``initial`` or ``step`` out of range, or
        ``refit=True`` with ``learn=True``.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import ffstream
    >>> import ffstream.xarray
    >>> obj = xr.DataArray(
    ...     np.stack([np.arange(10.0), 2 * np.arange(10.0)]),
    ...     dims=("station", "time"),
    ...     coords={"station": ["a", "b"], "time": np.arange(0, 20, 2)},
    ... )
    >>> result = ffstream.xarray.backtest(obj, ffstream.LastValue(), 2, initial=6)
    >>> result.forecast.dims, result.origin.values, result.step.values
    (('origin', 'step', 'station'), array([12, 14, 16]), array([1, 2]))
    >>> result.mae.values
    array([1.5, 3. ])
    >>> obj.ffs.backtest(ffstream.LastValue(), 2, initial=6).actual.sel(station="a").values
    array([[6., 7.],
           [7., 8.],
           [8., 9.]])
    """
    series = series_of(obj, dim, channel_dim, "backtest")
    check_template(model, ("update", "forecast"))
    horizon = as_count(horizon, "horizon", 1)
    initial = as_count(initial, "initial", 1)
    step = as_count(step, "step", 1)
    length = obj.sizes[dim]
    if initial > length - horizon:
        raise ValueError(
            f"initial must be at most obj.sizes[{dim!r}] - horizon = {length - horizon} "
            f"so that at least one forecast can be scored, got {initial}"
        )
    check_method(method)
    refit, learn = as_flag(refit, "refit"), as_flag(learn, "learn")
    if refit and learn:
        raise ValueError("learn=True cannot be combined with refit=True")
    progress = as_flag(progress, "progress") and not series.lazy
    check_time_order(obj, dim)
    for name in (ORIGIN_DIM, STEP_DIM):
        require_new_dim(obj, name)

    origins = np.arange(initial, length - horizon + 1, step)
    core = [ORIGIN_DIM, STEP_DIM, *series.channel_dims]
    forecasts, actuals, mae = apply_to_series(
        backtest_array,
        obj,
        series,
        output_core_dims=[core, core, []],
        output_sizes={ORIGIN_DIM: len(origins), STEP_DIM: horizon},
        kwargs={
            "template": model,
            "horizon": horizon,
            "initial": initial,
            "step": step,
            "refit": refit,
            "learn": learn,
            "method": method,
            "progress": progress,
        },
    )
    if dim in obj.indexes:
        origin_labels = obj.indexes[dim][origins].rename(ORIGIN_DIM)
    else:
        origin_labels = pd.Index(origins, name=ORIGIN_DIM)
    others = [d for d in obj.dims if d != dim]
    dims = (ORIGIN_DIM, STEP_DIM, *others)
    result = xr.Dataset(
        {
            "forecast": forecasts.transpose(*dims),
            "actual": actuals.transpose(*dims),
            "mae": mae.transpose(*series.series_dims),
        }
    )
    result = result.assign_coords(
        {ORIGIN_DIM: origin_labels, STEP_DIM: np.arange(1, horizon + 1)}
    )
    for name in ("forecast", "actual"):
        result[name].attrs = dict(obj.attrs)
    result["mae"].attrs = {}
    return result
