"""``forecast``, ``sample_paths`` and ``prediction_interval`` of every series of a DataArray.

Each function fits one deep copy of an unfitted template per series (numpy data,
``(T,)`` or ``(T, d)`` with ``channel_dim``), then asks it for the forecast,
paths or interval. The results are labelled by the times that continue ``obj``'s
time coordinate (:func:`~ffstream.labels.time_axis.time_axis`).
"""

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import xarray as xr

from ffstream.engine.methods import Method, check_method
from ffstream.engine.validation import as_count, as_flag, as_levels
from ffstream.interfaces.xarray._core import (
    Series,
    apply_to_series,
    check_template,
    continued_labels,
    finish,
    fitted_copies,
    label_time,
    require_new_dim,
    seed_sequence,
    series_generator,
    series_of,
    series_rows,
)

#: The dimension of the levels of :func:`prediction_interval` given a list.
LEVEL_DIM = "level"


def forecast_array(
    values: np.ndarray,
    positions: np.ndarray,
    *,
    series: Series,
    template: Any,
    horizon: int,
    method: Method,
    progress: bool,
) -> np.ndarray:
    """The numpy core of :func:`forecast`: ``(..., T[, C])`` -> ``(..., horizon[, C])``.

    Series ``i`` gets ``copy.deepcopy(template).fit(y_i).forecast(horizon, method=method)``.
    """
    rows, flat_positions, loop_shape = series_rows(values, positions, series)
    out = np.empty((len(rows), horizon, *rows.shape[2:]))
    for i, model in fitted_copies(template, rows, flat_positions, series, progress):
        out[i] = model.forecast(horizon, method=method)
    return out.reshape(*loop_shape, *out.shape[1:])


def sample_paths_array(
    values: np.ndarray,
    positions: np.ndarray,
    *,
    series: Series,
    template: Any,
    horizon: int,
    n_paths: int,
    root: np.random.SeedSequence,
    method: Method,
    progress: bool,
) -> np.ndarray:
    """The numpy core of :func:`sample_paths`: ``(..., T[, C])`` -> ``(..., n_paths, h[, C])``.

    Series at flat position ``p`` draws its noise from
    :func:`~ffstream.interfaces.xarray._core.series_generator` ``(root, p)``.
    """
    rows, flat_positions, loop_shape = series_rows(values, positions, series)
    out = np.empty((len(rows), n_paths, horizon, *rows.shape[2:]))
    for i, model in fitted_copies(template, rows, flat_positions, series, progress):
        rng = series_generator(root, flat_positions[i])
        out[i] = model.sample_paths(horizon, n_paths, seed=rng, method=method)
    return out.reshape(*loop_shape, *out.shape[1:])


def prediction_interval_array(
    values: np.ndarray,
    positions: np.ndarray,
    *,
    series: Series,
    template: Any,
    horizon: int,
    levels: tuple[float, ...],
    several: bool,
    n_paths: int,
    root: np.random.SeedSequence,
    method: Method,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The numpy core of :func:`prediction_interval`: ``lower, upper`` of each series.

    Each is ``(..., n_levels, horizon[, C])``, without the level axis unless ``several``.

    Every level of a series comes from the same paths, those of
    :func:`sample_paths_array` with the same ``root``.
    """
    rows, flat_positions, loop_shape = series_rows(values, positions, series)
    shape = (len(rows), len(levels), horizon, *rows.shape[2:])
    lower, upper = np.empty(shape), np.empty(shape)
    for i, model in fitted_copies(template, rows, flat_positions, series, progress):
        rng = series_generator(root, flat_positions[i])
        lower[i], upper[i] = model.prediction_interval(
            horizon, level=list(levels), n_paths=n_paths, seed=rng, method=method
        )
    kept = slice(None) if several else 0
    return (
        lower[:, kept].reshape(*loop_shape, *lower.shape[1 + (not several) :]),
        upper[:, kept].reshape(*loop_shape, *upper.shape[1 + (not several) :]),
    )


def _prepare(
    obj: Any,
    model: Any,
    horizon: Any,
    dim: Hashable,
    channel_dim: Hashable | None,
    freq: Any,
    method: Any,
    progress: Any,
    function: str,
    needs: tuple[str, ...],
) -> tuple[Series, int, Any, bool]:
    """The checks the three functions share: the series, horizon, labels and progress flag."""
    series = series_of(obj, dim, channel_dim, function)
    check_template(model, needs)
    horizon = as_count(horizon, "horizon", 1)
    check_method(method)
    progress = as_flag(progress, "progress") and not series.lazy
    labels = continued_labels(obj, dim, horizon, freq)
    return series, horizon, labels, progress


def forecast(
    obj: xr.DataArray,
    model: Any,
    horizon: int,
    *,
    dim: Hashable = "time",
    channel_dim: Hashable | None = None,
    freq: Any = None,
    method: Method = "continuous",
    progress: bool = False,
) -> xr.DataArray:
    """Fit a copy of ``model`` on every series of ``obj`` and forecast ``horizon`` steps.

    Every dimension other than ``dim`` (and ``channel_dim``) indexes independent
    series: each gets its own deep copy of ``model``, fitted on its numpy
    values, so the numbers are those of
    ``copy.deepcopy(model).fit(y_i).forecast(horizon, method=method)``, bit for bit.

    Parameters
    ----------
    obj : xarray.DataArray
        Real, finite samples, oldest first along ``dim``. Dask-backed data stays
        lazy: chunk it along the series dimensions, with ``dim`` (and
        ``channel_dim``) in one chunk.
    model : forecaster
        An **unfitted** template: :class:`~ffstream.FIRForecaster`,
        :class:`~ffstream.SpectralForecaster`, :class:`~ffstream.LastValue`,
        :class:`~ffstream.SeasonalNaive` or anything with ``fit``, ``forecast``
        and ``n_seen``. It is never changed.
    horizon : int
        Steps ahead, ``>= 1``.
    dim : Hashable, default "time"
        The time dimension.
    channel_dim : Hashable, optional
        A dimension whose entries are the channels of one multichannel model
        (fitted on ``(T, d)`` arrays: a VAR for ``FIRForecaster``).
    freq : str, pandas offset, int or None
        The step of ``obj``'s time coordinate when it has none that can be
        inferred (e.g. ``"D"``, ``"MS"``; an int for integer coordinates).
    method : {"continuous", "epoched", "naive", "bounded"}, default "continuous"
        Online convolution schedule of the forecasts.
    progress : bool, default False
        Draw a tqdm progress bar over the series (``pip install
        "ffstream[progress]"``). Ignored for dask-backed ``obj``: its blocks
        run on workers (use ``dask.diagnostics.ProgressBar`` or the dashboard).

    Returns
    -------
    xarray.DataArray
        ``obj``'s dimensions, with ``dim`` now of ``horizon`` labels continuing
        its time coordinate (``T .. T + horizon - 1`` when ``dim`` has none);
        the other coordinates (those not along ``dim``), attributes and name kept.

    Raises
    ------
    TypeError
        If ``obj`` is not a DataArray of real numbers (map over a Dataset's
        variables with ``ds.ffs.forecast``), or ``model`` is not a forecaster.
    ValueError
        For a ``dim`` or ``channel_dim`` that ``obj`` lacks (or the same two),
        NaN in ``obj`` (the count and the first one's coordinates), a time
        coordinate that is not increasing, unique and regular (without
        ``freq``), ``dim`` split over dask chunks, or a fitted ``model``.

    Examples
    --------
    Two hourly series, each forecast by its own AR(2) model:

    >>> import numpy as np
    >>> import pandas as pd
    >>> import xarray as xr
    >>> import ffstream
    >>> import ffstream.xarray
    >>> t = np.arange(100)
    >>> hours = pd.date_range("2024-01-01", periods=100, freq="h")
    >>> obj = xr.DataArray(
    ...     np.stack([np.cos(0.3 * t), np.sin(0.2 * t)]),
    ...     dims=("station", "time"),
    ...     coords={"station": ["a", "b"], "time": hours},
    ...     name="load",
    ... )
    >>> result = ffstream.xarray.forecast(obj, ffstream.FIRForecaster(order=2), 3)
    >>> result.dims, result.name
    (('station', 'time'), 'load')
    >>> list(result.time.dt.strftime("%Y-%m-%d %H:%M").values)
    ['2024-01-05 04:00', '2024-01-05 05:00', '2024-01-05 06:00']
    >>> np.allclose(result.sel(station="a"), np.cos(0.3 * np.arange(100, 103)))
    True

    The accessor forwards to it; a last-value forecast repeats the last sample:

    >>> last = obj.ffs.forecast(ffstream.LastValue(), 2)
    >>> bool((last == obj.isel(time=-1, drop=True)).all())
    True
    """
    series, horizon, labels, progress = _prepare(
        obj,
        model,
        horizon,
        dim,
        channel_dim,
        freq,
        method,
        progress,
        "forecast",
        ("forecast",),
    )
    result = apply_to_series(
        forecast_array,
        obj,
        series,
        output_core_dims=[[dim, *series.channel_dims]],
        output_sizes={dim: horizon},
        kwargs={
            "template": model,
            "horizon": horizon,
            "method": method,
            "progress": progress,
        },
    )
    return finish(label_time(result, obj, dim, labels), obj, obj.dims)


def sample_paths(
    obj: xr.DataArray,
    model: Any,
    horizon: int,
    n_paths: int,
    *,
    seed: Any = None,
    path_dim: Hashable = "path",
    dim: Hashable = "time",
    channel_dim: Hashable | None = None,
    freq: Any = None,
    method: Method = "continuous",
    progress: bool = False,
) -> xr.DataArray:
    """Simulate ``n_paths`` futures of every series of ``obj``, from a copy of ``model`` each.

    Parameters
    ----------
    obj, model, horizon, dim, channel_dim, freq, method, progress
        As for :func:`forecast`; ``model`` must have ``sample_paths`` (the
        ffstream forecasters do, the baselines do not).
    n_paths : int
        Paths per series, ``>= 1``.
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        The root of the noise. The series at flat position ``p`` of the
        series dimensions (C order, in ``obj``'s dimension order) draws from
        ``numpy.random.default_rng(numpy.random.SeedSequence(seed).spawn(n)[p])``:
        independent streams per series, the same however ``obj`` is chunked.
        ``None`` draws fresh entropy once per call.
    path_dim : Hashable, default "path"
        Name of the new dimension of the paths.

    Returns
    -------
    xarray.DataArray
        Dimensions ``(path_dim, *obj.dims)``, ``dim`` labelled as in :func:`forecast`.

    Raises
    ------
    TypeError, ValueError
        As for :func:`forecast`; also for a bad ``n_paths`` or ``seed``, or a
        ``path_dim`` that ``obj`` already has.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import ffstream
    >>> import ffstream.xarray
    >>> rng = np.random.default_rng(0)
    >>> obj = xr.DataArray(rng.standard_normal((3, 200)), dims=("station", "time"))
    >>> paths = ffstream.xarray.sample_paths(
    ...     obj, ffstream.FIRForecaster(order=2), horizon=5, n_paths=4, seed=1
    ... )
    >>> paths.sizes
    Frozen({'path': 4, 'station': 3, 'time': 5})
    >>> paths.time.values
    array([200, 201, 202, 203, 204])

    The same seed gives the same paths:

    >>> again = obj.ffs.sample_paths(ffstream.FIRForecaster(order=2), 5, 4, seed=1)
    >>> bool((paths == again).all())
    True
    """
    series, horizon, labels, progress = _prepare(
        obj,
        model,
        horizon,
        dim,
        channel_dim,
        freq,
        method,
        progress,
        "sample_paths",
        ("sample_paths",),
    )
    n_paths = as_count(n_paths, "n_paths", 1)
    require_new_dim(obj, path_dim, "path_dim")
    root = seed_sequence(seed)
    result = apply_to_series(
        sample_paths_array,
        obj,
        series,
        output_core_dims=[[path_dim, dim, *series.channel_dims]],
        output_sizes={path_dim: n_paths, dim: horizon},
        kwargs={
            "template": model,
            "horizon": horizon,
            "n_paths": n_paths,
            "root": root,
            "method": method,
            "progress": progress,
        },
    )
    return finish(label_time(result, obj, dim, labels), obj, (path_dim, *obj.dims))


def prediction_interval(
    obj: xr.DataArray,
    model: Any,
    horizon: int,
    *,
    level: float | Sequence[float] = 0.9,
    n_paths: int = 1000,
    seed: Any = None,
    dim: Hashable = "time",
    channel_dim: Hashable | None = None,
    freq: Any = None,
    method: Method = "continuous",
    progress: bool = False,
) -> xr.Dataset:
    """Central prediction intervals of every series of ``obj``, from simulated paths.

    Parameters
    ----------
    obj, model, horizon, dim, channel_dim, freq, method, progress
        As for :func:`forecast`; ``model`` must have ``prediction_interval``.
    level : float or sequence of float, default 0.9
        Coverage strictly between 0 and 1, or a list such as ``[0.8, 0.95]``:
        the result then has a ``level`` dimension (all levels of a series come
        from the same paths).
    n_paths : int, default 1000
        Paths simulated per series.
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        As for :func:`sample_paths`: the interval of a series is exactly the
        quantiles of its paths there, with the same seed.

    Returns
    -------
    xarray.Dataset
        Variables ``lower`` and ``upper`` (the ``(1 - level) / 2`` and
        ``(1 + level) / 2`` quantiles), each with ``obj``'s dimensions,
        ``dim`` labelled as in :func:`forecast`, led by ``level`` for a list
        of levels; ``obj``'s attributes on both.

    Raises
    ------
    TypeError, ValueError
        As for :func:`forecast`; also for a bad ``level``, ``n_paths`` or ``seed``.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import ffstream
    >>> import ffstream.xarray
    >>> rng = np.random.default_rng(0)
    >>> obj = xr.DataArray(rng.standard_normal((2, 300)), dims=("station", "time"))
    >>> model = ffstream.FIRForecaster(order=2)
    >>> interval = ffstream.xarray.prediction_interval(
    ...     obj, model, 4, level=[0.8, 0.95], n_paths=200, seed=0
    ... )
    >>> interval.lower.dims, interval.level.values
    (('level', 'station', 'time'), array([0.8 , 0.95]))
    >>> bool((interval.lower.sel(level=0.95) < interval.lower.sel(level=0.8)).all())
    True
    >>> point = obj.ffs.forecast(model, 4)
    >>> one = obj.ffs.prediction_interval(model, 4, n_paths=200, seed=0)
    >>> bool(((one.lower < point) & (point < one.upper)).all())
    True
    """
    series, horizon, labels, progress = _prepare(
        obj,
        model,
        horizon,
        dim,
        channel_dim,
        freq,
        method,
        progress,
        "prediction_interval",
        ("prediction_interval",),
    )
    levels, several = as_levels(level, "level")
    n_paths = as_count(n_paths, "n_paths", 1)
    level_dims = [LEVEL_DIM] if several else []
    if several:  # one level adds only a scalar coordinate, which obj's replaces
        require_new_dim(obj, LEVEL_DIM)
    root = seed_sequence(seed)
    core_dims = [*level_dims, dim, *series.channel_dims]
    sizes = {dim: horizon} | ({LEVEL_DIM: len(levels)} if several else {})
    bounds = apply_to_series(
        prediction_interval_array,
        obj,
        series,
        output_core_dims=[core_dims, core_dims],
        output_sizes=sizes,
        kwargs={
            "template": model,
            "horizon": horizon,
            "levels": levels,
            "several": several,
            "n_paths": n_paths,
            "root": root,
            "method": method,
            "progress": progress,
        },
    )
    dims = (*level_dims, *obj.dims)
    lower, upper = (
        finish(label_time(bound, obj, dim, labels), obj, dims) for bound in bounds
    )
    interval = xr.Dataset({"lower": lower, "upper": upper})
    if several:
        interval = interval.assign_coords({LEVEL_DIM: list(levels)})
    else:
        interval = interval.assign_coords({LEVEL_DIM: levels[0]})
    return interval
