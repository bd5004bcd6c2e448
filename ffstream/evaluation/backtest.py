"""Rolling-origin evaluation of forecasters.

:func:`backtest` fits a copy of a forecaster on the start of a series, then walks
the forecast origin through the rest of it: at every origin it forecasts a fixed
number of steps ahead, scores the forecast against what actually happened, and
ingests the next samples with ``update`` (or refits, if asked). The result, a
:class:`BacktestResult`, holds every forecast and error and summarises them
(MAE, RMSE, MASE per forecast step or overall); with ``levels``, also every
prediction interval and how often it held what happened (:meth:`BacktestResult.coverage`).
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ffstream.engine.methods import check_method
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_levels,
    as_real_array,
    as_seed,
)
from ffstream.evaluation.progress import with_progress
from ffstream.labels.pandas_labels import PandasLabels, split_pandas

__all__ = ["BacktestResult", "Forecaster", "backtest"]


class Forecaster(Protocol):
    """What :func:`backtest` needs from a model.

    ``fit(y)`` fits on ``(T,)`` or ``(T, d)`` samples and makes them the model's
    history; ``update(y_new, learn=False)`` appends a chunk ``(n,)`` or ``(n, d)``
    to the history; ``forecast(horizon, method)`` returns the next ``horizon``
    samples, shaped ``(horizon,)`` or ``(horizon, d)`` like the fitted series,
    without changing the model.
    """

    def fit(self, y: Any) -> Any:
        """Fit on ``y`` and make it the history."""
        ...

    def update(self, y_new: Any, learn: bool = False) -> Any:
        """Append ``y_new`` to the history."""
        ...

    def forecast(self, horizon: int, method: str = "continuous") -> np.ndarray:
        """Forecast ``horizon`` steps ahead."""
        ...


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Forecasts and errors of a rolling-origin backtest (see :func:`backtest`).

    The arrays are read-only. ``n`` is the number of origins, ``horizon`` the
    number of steps forecast from each, ``d`` the number of channels (the channel
    axis is absent for a 1-D series).

    Attributes
    ----------
    origins : numpy.ndarray
        ``(n,)`` int: forecast ``i`` was made knowing ``y[:origins[i]]``, and
        its step ``h`` (``0``-based) predicts ``y[origins[i] + h]``.
    forecasts : numpy.ndarray
        ``(n, horizon)`` or ``(n, horizon, d)``.
    actuals : numpy.ndarray
        The observed values ``y[origins[i] : origins[i] + horizon]``, shaped like
        ``forecasts``.
    errors : numpy.ndarray
        ``actuals - forecasts`` (positive: the forecast was too low).
    train : numpy.ndarray
        ``y[:initial]``, the samples of the first fit, which scale :meth:`mase`.
    labels : PandasLabels or None
        The time axis and column names of a pandas ``y`` (``None`` for numpy
        data): :attr:`origin_times` and :meth:`to_frame` use them.
    levels : tuple of float
        The coverages of the prediction intervals (``()`` without intervals).
    lower, upper : numpy.ndarray or None
        ``(n, len(levels), horizon)`` or ``(n, len(levels), horizon, d)``: the
        bounds of each origin's intervals (``None`` without intervals).

    Examples
    --------
    The last-value forecast of a ramp lags by one per step ahead:

    >>> import numpy as np
    >>> import ffstream
    >>> result = ffstream.backtest(
    ...     ffstream.LastValue(), np.arange(10.0), horizon=2, initial=6
    ... )
    >>> result
    BacktestResult(n_origins=3, horizon=2, forecasts=3x2, mae=1.5, rmse=1.58114)
    >>> result.actuals
    array([[6., 7.],
           [7., 8.],
           [8., 9.]])
    >>> np.array_equal(result.errors, result.actuals - result.forecasts)
    True
    >>> result.errors.flags.writeable
    False
    """

    origins: np.ndarray
    forecasts: np.ndarray
    actuals: np.ndarray
    errors: np.ndarray
    train: np.ndarray
    labels: PandasLabels | None = None
    levels: tuple[float, ...] = ()
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("origins", "forecasts", "actuals", "errors", "train"):
            array = np.array(getattr(self, name))
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        for name in ("lower", "upper"):
            if getattr(self, name) is not None:
                array = np.array(getattr(self, name))
                array.setflags(write=False)
                object.__setattr__(self, name, array)
        object.__setattr__(self, "levels", tuple(float(v) for v in self.levels))

    @property
    def n_origins(self) -> int:
        """Number of forecast origins ``n``."""
        return len(self.origins)

    @property
    def horizon(self) -> int:
        """Number of steps forecast from each origin."""
        return self.forecasts.shape[1]

    @property
    def origin_times(self) -> pd.Index:
        """The time of each origin's first forecast sample, ``y.index[origins]``.

        For numpy data, the positions :attr:`origins` as an index.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> import ffstream
        >>> y = pd.Series(np.arange(10.0), pd.date_range("2024-01-01", periods=10))
        >>> result = ffstream.backtest(ffstream.LastValue(), y, horizon=2, initial=7)
        >>> list(result.origin_times.strftime("%Y-%m-%d")), result.origin_times.name
        (['2024-01-08', '2024-01-09'], 'origin')
        """
        if self.labels is None:
            return pd.Index(self.origins, name="origin")
        return self._times(self.origins).rename("origin")

    def _times(self, positions: np.ndarray) -> pd.Index:
        """The time labels of sample ``positions`` of ``y``."""
        count = int(positions.max()) + 1 if len(positions) else 0
        return self.labels.time.from_first(count)[positions]

    def to_frame(self) -> pd.DataFrame:
        """Every forecast in long form, one row per origin, step (and channel).

        Returns
        -------
        pandas.DataFrame
            Columns ``origin`` (time of the origin's first forecast sample),
            ``time`` (the time forecast), ``step`` (1 to ``horizon``), ``channel``
            (for several channels: the column names of a DataFrame ``y``, else
            0, 1, ...), ``actual``, ``forecast`` and ``error``, and for a
            backtest with ``levels`` the bounds ``lower_0.8``, ``upper_0.8``...
            of each level. For numpy data the times are sample positions.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> result = ffstream.backtest(
        ...     ffstream.LastValue(), np.arange(6.0), horizon=2, initial=4
        ... )
        >>> result.to_frame()
           origin  time  step  actual  forecast  error
        0       4     4     1     4.0       3.0    1.0
        1       4     5     2     5.0       3.0    2.0
        """
        n, horizon = self.n_origins, self.horizon
        targets = (self.origins[:, None] + np.arange(horizon)).reshape(-1)
        if self.labels is None:
            origin, time = np.repeat(self.origins, horizon), targets
        else:
            origin = np.repeat(self.origin_times.to_numpy(), horizon)
            time = self._times(targets).to_numpy()
        columns = {
            "origin": origin,
            "time": time,
            "step": np.tile(np.arange(1, horizon + 1), n),
        }
        values = {
            "actual": self.actuals,
            "forecast": self.forecasts,
            "error": self.errors,
        }
        for i, level in enumerate(self.levels):
            values[f"lower_{level:g}"] = self.lower[:, i]
            values[f"upper_{level:g}"] = self.upper[:, i]
        if self.forecasts.ndim == 2:
            return pd.DataFrame(columns | {k: v.reshape(-1) for k, v in values.items()})
        d = self.forecasts.shape[2]
        names = (
            self.labels.columns
            if self.labels is not None and self.labels.columns is not None
            else pd.RangeIndex(d)
        )
        columns = {k: np.repeat(v, d) for k, v in columns.items()}
        columns["channel"] = np.tile(np.asarray(names, dtype=object), n * horizon)
        return pd.DataFrame(columns | {k: v.reshape(-1) for k, v in values.items()})

    def coverage(self, level: float, by_step: bool = False) -> float | np.ndarray:
        """How often the ``level`` prediction interval held the actual value.

        Parameters
        ----------
        level : float
            One of :attr:`levels` (the backtest's ``levels``).
        by_step : bool, default False
            ``False``: one fraction over all origins, steps and channels;
            ``True``: a ``(horizon,)`` array, one per step ahead.

        Returns
        -------
        float or numpy.ndarray
            The fraction of actual values with ``lower <= actual <= upper``; a
            calibrated interval of level ``0.8`` holds about 80% of them.

        Raises
        ------
        ValueError
            If the backtest computed no intervals, or none of this ``level``.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> y = np.random.default_rng(0).standard_normal(600)
        >>> result = ffstream.backtest(
        ...     ffstream.FIRForecaster(2), y, 5, initial=300, levels=[0.8, 0.95], seed=0
        ... )
        >>> result.lower.shape
        (296, 2, 5)
        >>> round(result.coverage(0.8), 2), round(result.coverage(0.95), 2)
        (0.83, 0.97)
        """
        by_step = as_flag(by_step, "by_step")
        if not self.levels:
            raise ValueError(
                "this backtest computed no prediction intervals: run backtest(..., "
                "levels=[0.8, 0.95]) for coverages"
            )
        matches = [i for i, v in enumerate(self.levels) if np.isclose(v, level)]
        if not matches:
            raise ValueError(
                f"level must be one of the backtest's levels {list(self.levels)}, "
                f"got {level!r}"
            )
        i = matches[0]
        inside = (self.lower[:, i] <= self.actuals) & (self.actuals <= self.upper[:, i])
        inside = inside.reshape(self.n_origins, self.horizon, -1)
        if by_step:
            return inside.mean(axis=(0, 2))
        return float(inside.mean())

    def _errors_3d(self) -> np.ndarray:
        """Errors as ``(n, horizon, d)``."""
        return self.errors.reshape(self.n_origins, self.horizon, -1)

    def mae(self, by_step: bool = False) -> float | np.ndarray:
        """Mean absolute error.

        Parameters
        ----------
        by_step : bool, default False
            ``False``: one number, the mean over origins, steps and channels.
            ``True``: a ``(horizon,)`` array whose entry ``h`` averages over
            origins and channels the errors of the forecasts ``h + 1`` steps ahead.

        Returns
        -------
        float or numpy.ndarray
            The MAE, or the MAE per step.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> result = ffstream.backtest(
        ...     ffstream.LastValue(), np.arange(10.0), horizon=2, initial=6
        ... )
        >>> result.errors
        array([[1., 2.],
               [1., 2.],
               [1., 2.]])
        >>> result.mae()
        1.5
        >>> result.mae(by_step=True)
        array([1., 2.])
        """
        absolute = np.abs(self._errors_3d())
        if as_flag(by_step, "by_step"):
            return absolute.mean(axis=(0, 2))
        return float(absolute.mean())

    def rmse(self, by_step: bool = False) -> float | np.ndarray:
        """Root mean squared error.

        Parameters
        ----------
        by_step : bool, default False
            ``False``: the square root of the mean squared error over origins,
            steps and channels (not the mean of the per-step RMSEs). ``True``: a
            ``(horizon,)`` array, the RMSE per step over origins and channels.

        Returns
        -------
        float or numpy.ndarray
            The RMSE, or the RMSE per step.

        Examples
        --------
        Errors of 1 and 2 steps ahead: the overall RMSE is ``sqrt((1 + 4) / 2)``.

        >>> import numpy as np
        >>> import ffstream
        >>> result = ffstream.backtest(
        ...     ffstream.LastValue(), np.arange(10.0), horizon=2, initial=6
        ... )
        >>> round(result.rmse(), 6)
        1.581139
        >>> result.rmse(by_step=True)
        array([1., 2.])
        """
        squared = self._errors_3d() ** 2
        if as_flag(by_step, "by_step"):
            return np.sqrt(squared.mean(axis=(0, 2)))
        return float(np.sqrt(squared.mean()))

    def mase(self, season: int = 1, by_step: bool = False) -> float | np.ndarray:
        """Mean absolute scaled error (Hyndman and Koehler, 2006).

        Each channel's absolute errors are divided by the in-sample MAE of the
        seasonal naive one-step forecast ``y[t] = y[t - season]`` on
        :attr:`train`, then averaged (over channels too). Below 1: better than
        that naive forecast was in-sample.

        Parameters
        ----------
        season : int, default 1
            Season length of the scaling naive forecast (``1``: last value).
        by_step : bool, default False
            ``True``: one value per step ahead, ``(horizon,)``.

        Returns
        -------
        float or numpy.ndarray
            The MASE, or the MASE per step.

        Raises
        ------
        ValueError
            If ``train`` has ``season`` samples or fewer, or a channel's scale is 0
            (a channel that is exactly periodic in-sample).

        Examples
        --------
        On a ramp the in-sample naive error is 1 per step (2 with ``season=2``):

        >>> import numpy as np
        >>> import ffstream
        >>> result = ffstream.backtest(
        ...     ffstream.LastValue(), np.arange(10.0), horizon=2, initial=6
        ... )
        >>> result.mase(), result.mase(season=2)
        (1.5, 0.75)
        >>> result.mase(by_step=True)
        array([1., 2.])

        An AR(2) model forecasts a sinusoid all but exactly:

        >>> y = np.cos(0.3 * np.arange(60))
        >>> model = ffstream.FIRForecaster(order=2)
        >>> exact = ffstream.backtest(model, y, horizon=3, initial=40)
        >>> bool(exact.mase() < 1e-6)
        True
        """
        season = as_count(season, "season", 1)
        train = self.train.reshape(len(self.train), -1)
        if len(train) <= season:
            raise ValueError(
                f"season must be less than the {len(train)} training samples, "
                f"got {season}"
            )
        scale = np.abs(train[season:] - train[:-season]).mean(axis=0)
        if not (scale > 0).all():
            raise ValueError(
                f"the in-sample seasonal naive MAE (season={season}) is 0 for a "
                "channel: MASE is undefined"
            )
        scaled = np.abs(self._errors_3d()) / scale
        if as_flag(by_step, "by_step"):
            return scaled.mean(axis=(0, 2))
        return float(scaled.mean())

    def __repr__(self) -> str:
        shape = "x".join(str(s) for s in self.forecasts.shape)
        return (
            f"BacktestResult(n_origins={self.n_origins}, horizon={self.horizon}, "
            f"forecasts={shape}, mae={self.mae():.6g}, rmse={self.rmse():.6g})"
        )


def backtest(
    model: Forecaster,
    y: Any,
    horizon: int,
    *,
    initial: int,
    step: int = 1,
    refit: bool = False,
    learn: bool = False,
    method: str = "continuous",
    freq: Any = None,
    progress: bool = False,
    levels: float | Sequence[float] | None = None,
    n_paths: int = 1000,
    seed: int | np.random.Generator | None = None,
) -> BacktestResult:
    """Rolling-origin (walk-forward) backtest of a forecaster.

    A deep copy of ``model`` is fitted on ``y[:initial]`` (``model`` itself is
    never changed). Then, for every origin ``o = initial, initial + step, ...``
    with ``o + horizon <= len(y)``, the copy forecasts ``horizon`` steps from its
    current state, the forecast is compared with ``y[o : o + horizon]``, and the
    copy moves to the next origin by ingesting ``y[o : o + step]``:

    * ``refit=False`` (default): ``update(y[o : o + step], learn=learn)``. The
      parameters stay those of the first fit (unless ``learn``), only the history
      grows. For the ffstream forecasters this costs amortized polylog time per
      sample, so the whole backtest costs about one fit plus
      ``n_origins`` forecasts.
    * ``refit=True``: ``fit(y[: o + step])`` from scratch, so every forecast uses
      parameters estimated on all the data before its origin. Each refit costs a
      full fit on a growing series: about ``n_origins`` times the cost of the
      first fit, ``O(n_origins * len(y))`` work or more.

    Parameters
    ----------
    model : Forecaster
        An object with ``fit(y)``, ``update(y_new, learn=False)`` and
        ``forecast(horizon, method)``, like
        :class:`~ffstream.models.fir.FIRForecaster`,
        :class:`~ffstream.models.spectral.SpectralForecaster`,
        :class:`LastValue` or :class:`SeasonalNaive`. Fitted or not: only its
        configuration is used.
    y : array_like, pandas.Series or pandas.DataFrame
        ``(T,)`` or ``(T, d)`` finite real samples, oldest first. For pandas
        data indexed by time, the result knows the times
        (:attr:`BacktestResult.origin_times`, :meth:`BacktestResult.to_frame`);
        the model is fitted on the values.
    horizon : int
        Steps forecast from each origin, ``>= 1``.
    initial : int
        Samples of the first fit, the first origin: ``1 <= initial <= T - horizon``
        (and enough for the model to fit).
    step : int, default 1
        Distance between consecutive origins, ``>= 1``.
    refit : bool, default False
        Refit at every origin instead of updating (see above).
    learn : bool, default False
        Pass ``learn=True`` to ``update``: the model adapts its parameters online
        (e.g. NLMS or recursive least squares) while the origin moves. Not
        allowed with ``refit=True``.
    method : {"continuous", "epoched", "naive", "bounded"}, default "continuous"
        Passed to ``model.forecast``: the online convolution schedule of the
        ffstream forecasters (all agree up to rounding).
    freq : str, pandas offset, int or None
        The time step of a pandas ``y`` whose index has none.
    progress : bool, default False
        Draw a progress bar over the origins (needs tqdm: ``pip install
        "ffstream[progress]"``).
    levels : float, sequence of float or None, default None
        Also compute, at every origin, the central prediction intervals of these
        coverages (e.g. ``[0.8, 0.95]``) with ``model.prediction_interval``
        (quantiles of ``n_paths`` simulated sample paths), kept in the result
        and scored by :meth:`BacktestResult.coverage`. The model must have a
        ``prediction_interval`` method (the ffstream forecasters do, the
        baselines do not). Each origin then costs ``n_paths`` rollouts more.
    n_paths : int, default 1000
        Sample paths per origin for ``levels``.
    seed : int, numpy.random.Generator or None
        Seed of the paths' noise for ``levels``: one generator drawn from origin
        after origin, so that a seed gives the same intervals every run.

    Returns
    -------
    BacktestResult
        ``n = (T - horizon - initial) // step + 1`` forecasts and their errors.

    Raises
    ------
    ValueError
        For an argument out of range (the message names it), ``y`` not finite or
        not 1-D / 2-D, ``initial`` too small for the model to fit, or a model
        whose forecasts are not shaped like ``y[o : o + horizon]``.
    TypeError
        For counts that are not integers, ``y`` that is not real numbers, or
        ``levels`` for a model without ``prediction_interval``.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream import LastValue, backtest
    >>> y = np.arange(10.0)
    >>> result = backtest(LastValue(), y, horizon=2, initial=6)
    >>> result.origins
    array([6, 7, 8])
    >>> result.forecasts
    array([[5., 5.],
           [6., 6.],
           [7., 7.]])
    >>> result.mae(by_step=True)
    array([1., 2.])
    """
    values, labels = split_pandas(y, "y", freq)
    series = as_real_array(values, "y")
    if series.ndim not in (1, 2):
        raise ValueError(f"y must have shape (T,) or (T, d), got shape {series.shape}")
    horizon = as_count(horizon, "horizon", 1)
    initial = as_count(initial, "initial", 1)
    step = as_count(step, "step", 1)
    if len(series) < horizon + 1:
        raise ValueError(
            f"y must have more than horizon={horizon} samples, got {len(series)}"
        )
    if initial > len(series) - horizon:
        raise ValueError(
            f"initial must be at most len(y) - horizon = {len(series) - horizon} so "
            f"that at least one forecast can be scored, got {initial}"
        )
    check_method(method)
    refit, learn = as_flag(refit, "refit"), as_flag(learn, "learn")
    progress = as_flag(progress, "progress")
    if refit and learn:
        raise ValueError("learn=True cannot be combined with refit=True")
    interval_levels: tuple[float, ...] = ()
    if levels is not None:
        interval_levels = as_levels(levels, "levels")[0]
        n_paths = as_count(n_paths, "n_paths", 1)
        generator = as_seed(seed)
        if not callable(getattr(model, "prediction_interval", None)):
            raise TypeError(
                f"levels needs a model with a prediction_interval method, and "
                f"{type(model).__name__} has none"
            )

    origins = np.arange(initial, len(series) - horizon + 1, step)
    steps = with_progress(
        enumerate(origins), progress, total=len(origins), description="origins"
    )
    working = copy.deepcopy(model)
    try:
        working.fit(series[:initial])
    except ValueError as error:
        raise ValueError(
            f"cannot fit {model!r} on y[:initial] with initial={initial}: {error}"
        ) from error

    forecasts = np.empty((len(origins), *series[:horizon].shape))
    bounds = np.empty((2, len(origins), len(interval_levels), *forecasts.shape[1:]))
    for i, origin in steps:
        prediction = np.asarray(working.forecast(horizon, method=method))
        if prediction.shape != forecasts.shape[1:]:
            raise ValueError(
                f"{model!r} forecast shape {prediction.shape} for horizon={horizon}, "
                f"expected {forecasts.shape[1:]} like y[o:o+horizon]"
            )
        forecasts[i] = prediction
        if interval_levels:
            bounds[:, i] = working.prediction_interval(
                horizon,
                level=list(interval_levels),
                n_paths=n_paths,
                seed=generator,
                method=method,
            )
        if i + 1 < len(origins):
            if refit:
                working.fit(series[: origin + step])
            else:
                working.update(series[origin : origin + step], learn=learn)

    actuals = np.stack([series[o : o + horizon] for o in origins])
    return BacktestResult(
        origins=origins,
        forecasts=forecasts,
        actuals=actuals,
        errors=actuals - forecasts,
        train=series[:initial],
        labels=labels,
        levels=interval_levels,
        lower=bounds[0] if interval_levels else None,
        upper=bounds[1] if interval_levels else None,
    )
