"""What every linear forecaster shares: a fitted effective filter run by an engine.

A forecaster predicts ``y[t+1] = c + sum_{s=0}^{p-1} H[s] y[t-s]``. Its history
is pushed through an :class:`~ffstream.OnlineConv` holding the filter ``H``, so
that ingesting new samples costs the engine's amortized polylog time per sample,
and forecasts are rollouts whose feedback adds the intercept (and, for sample
paths, the noise) to each output. Online learning changes ``H``: the engine is
rebuilt for the new filter only when a forecast needs it, so a stream of
learning updates does not pay for a rebuild per chunk.
"""

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ffstream.engine.checkpoint import (
    Checkpoint,
    Checkpointable,
    stored_array,
    stored_setting,
)
from ffstream.engine.html_table import html_table
from ffstream.engine.methods import Method
from ffstream.engine.online import OnlineConv
from ffstream.engine.user_warnings import warn_user
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_levels,
    as_seed,
    as_series,
    check_memory,
    drop_channel_axis,
)
from ffstream.kernels.feedbacks import add_offset, add_path_noise
from ffstream.labels.pandas_labels import PandasLabels, split_pandas
from ffstream.models._differencing import (
    apply_difference,
    difference_polynomial,
    integrate_filter,
)
from ffstream.models._labelled import (
    advance,
    label_rows,
    restored_labels,
    split_update,
    stored_labels,
)
from ffstream.models._path_quantiles import PathQuantiles
from ffstream.models._stability import UNSTABLE_GROWTH, impulse_growth

#: Sample paths simulated at once (each holds a copy of the stream's state).
_PATHS_AT_ONCE = 64


class NotFittedError(RuntimeError):
    """Raised when a forecaster is used before :meth:`fit`.

    Examples
    --------
    >>> import ffstream
    >>> from ffstream.models._base import NotFittedError
    >>> issubclass(NotFittedError, RuntimeError)
    True
    >>> ffstream.FIRForecaster(order=2).forecast(3)
    Traceback (most recent call last):
    ...
    ffstream.models._base.NotFittedError: this FIRForecaster is not fitted yet: call fit(y) first
    """


@dataclass(frozen=True)
class FitResult:
    """What a subclass's fit returns.

    Attributes
    ----------
    filters : numpy.ndarray
        The effective filter ``(p, d, d)``.
    intercept : numpy.ndarray
        ``(d,)``.
    residual_cov : numpy.ndarray
        ``(d, d)`` in-sample covariance of the one-step residuals (divided by
        ``n_equations``).
    n_equations : int
        One-step equations fitted (rows of the regression).
    n_regressors : float
        Regressors per equation (weights per output channel, intercept
        included); for a penalty chosen from the data, the effective number
        (the trace of the hat matrix).

    Examples
    --------
    The fit of ``y[t+1] = 0.1 + 0.5 y[t]`` on 100 samples of one channel:

    >>> import numpy as np
    >>> from ffstream.models._base import FitResult
    >>> result = FitResult(
    ...     filters=np.array([[[0.5]]]),
    ...     intercept=np.array([0.1]),
    ...     residual_cov=np.array([[0.04]]),
    ...     n_equations=99,
    ...     n_regressors=2,
    ... )
    >>> result.filters.shape, result.n_equations
    ((1, 1, 1), 99)
    >>> result.n_equations = 100
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'n_equations'
    """

    filters: np.ndarray
    intercept: np.ndarray
    residual_cov: np.ndarray
    n_equations: int
    n_regressors: float


class FitWarning(UserWarning):
    """A fit that ran, but whose estimates deserve caution.

    Issued when an unpenalised least-squares fit is barely determined (fewer
    than twice as many equations as regressors): its residual covariance then
    underestimates the noise badly and its coefficients are noisy; and when a
    fitted recursion is unstable (its forecasts diverge on long horizons).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import ffstream
    >>> y = np.random.default_rng(0).standard_normal(60)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = ffstream.FIRForecaster(order=25).fit(y)
    >>> caught[0].category is ffstream.FitWarning
    True
    """


def check_determined(
    n_equations: int, n_regressors: int, ridge: float | str, what: str
) -> None:
    """Refuse an unpenalised fit with no residual degrees of freedom; warn if barely determined.

    Parameters
    ----------
    n_equations : int
        Rows of the regression.
    n_regressors : int
        Regressors per equation, the intercept included.
    ridge : float or "auto"
        The fit's penalty: only ``0`` (ordinary least squares) is checked.
    what : str
        The fit, as the messages name it (e.g. ``"FIRForecaster(order=12) on 500
        samples of 50 channels"``).

    Raises
    ------
    ValueError
        If ``ridge == 0`` and ``n_regressors >= n_equations``: least squares
        then fits the data exactly, its residual covariance is rounding noise
        and its intervals have no width.

    Warns
    -----
    FitWarning
        If ``ridge == 0`` and ``n_equations < 2 n_regressors``.

    Examples
    --------
    >>> from ffstream.models._base import check_determined
    >>> check_determined(1000, 10, 0.0, "a fit")
    >>> check_determined(488, 601, 0.0, "a fit")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a fit is not determined: 601 regressors per equation but only 488 ...
    >>> check_determined(488, 601, "auto", "a fit")
    """
    if ridge != 0:
        return
    advice = "Use ridge='auto' (a penalty chosen from the data), a smaller order, or more samples"
    counts = f"{n_regressors} regressors per equation but only {n_equations} equations"
    if n_regressors >= n_equations:
        raise ValueError(f"{what} is not determined: {counts}. {advice}")
    if n_equations < 2 * n_regressors:
        warn_user(
            f"{what} is barely determined: {counts} (fewer than twice as many): the "
            f"residual covariance underestimates the noise and the coefficients are "
            f"noisy. {advice}",
            FitWarning,
        )


def restored_ridge(checkpoint: Checkpoint, ridge: float | str) -> float:
    """The penalty ``ridge_`` stored in a fitted model's checkpoint, checked.

    Parameters
    ----------
    checkpoint : Checkpoint
        The fitted model's checkpoint.
    ridge : float or "auto"
        The model's ``ridge`` setting. A checkpoint saved before ``ridge_`` was
        stored holds none: its penalty is then the fixed ``ridge``.

    Returns
    -------
    float
        The fit's penalty.

    Raises
    ------
    ValueError
        If the stored penalty is negative or not finite, or differs from a fixed
        ``ridge``.

    Examples
    --------
    >>> from ffstream.engine.checkpoint import Checkpoint
    >>> from ffstream.models._base import restored_ridge
    >>> restored_ridge(Checkpoint("FIRForecaster", {"ridge_": 2.5}), "auto")
    2.5
    >>> restored_ridge(Checkpoint("FIRForecaster", {}), 1.0)
    1.0
    """
    if "ridge_" in checkpoint.settings or ridge == "auto":
        chosen = stored_setting(checkpoint, "ridge_", float)
    else:
        chosen = ridge
    if not 0.0 <= chosen < np.inf or (ridge != "auto" and chosen != ridge):
        raise ValueError(
            f"setting 'ridge_' must be the fit's non-negative penalty "
            f"(ridge={ridge!r}), got {chosen}"
        )
    return float(chosen)


def final_prediction_error_factor(n_equations: int, n_regressors: float) -> float:
    """Akaike's final prediction error factor ``(n + m) / (n - m)``.

    The in-sample residual covariance of a least-squares fit of ``m`` regressors
    on ``n`` equations underestimates the error of a prediction with the
    estimated parameters: its expectation is ``sigma^2 (n - m) / n``, while a
    one-step prediction on new data errs by about ``sigma^2 (n + m) / n``.
    Scaling by this factor accounts, to first order, for the error of the
    estimated parameters.

    Parameters
    ----------
    n_equations : int
        ``n``, the rows of the regression.
    n_regressors : float
        ``m``, the weights per equation (or their effective number).

    Returns
    -------
    float
        ``(n + m) / (n - m)``; ``n + m`` when ``n <= m`` (no residual degrees of
        freedom: the in-sample residuals then say nothing of the noise).

    Examples
    --------
    >>> final_prediction_error_factor(1000, 10)
    1.02020202020202
    """
    return (n_equations + n_regressors) / max(n_equations - n_regressors, 1)


class LinearForecaster(Checkpointable):
    """Base class: subclasses provide the fit and, optionally, online learning.

    Subclasses implement :meth:`_fit_parameters`, :meth:`_settings` and the
    checkpoint hooks :meth:`_fitted_checkpoint` and :meth:`_restore_fitted`, and
    may override :meth:`_learn` and :meth:`_effective_parameters`; everything
    else (validation, differencing, streaming, forecasts, sample paths, intervals,
    checkpoints) lives here.
    """

    #: Name used in error messages and ``repr``.
    _name = "LinearForecaster"

    def __init__(self, difference: int = 0, seasonal_difference: int = 0) -> None:
        self.difference = as_count(difference, "difference", 0)
        self.seasonal_difference = as_count(
            seasonal_difference, "seasonal_difference", 0
        )
        self._difference_polynomial = difference_polynomial(
            self.difference, self.seasonal_difference
        )
        self._stream: OnlineConv | None = None
        self._taps: np.ndarray | None = None
        self._flat = False
        self._n_seen = 0
        self._intercept: np.ndarray | None = None
        self._filter_outdated = False
        self._labels: PandasLabels | None = None
        self.residual_cov_: np.ndarray | None = None
        self.prediction_cov_: np.ndarray | None = None

    # -- to implement ------------------------------------------------------------

    def _fit_parameters(self, y: np.ndarray) -> FitResult:
        """Fit on ``y`` ``(T, d)``, the differenced series of an integrated model."""
        raise NotImplementedError

    def _learn(self, y_new: np.ndarray) -> None:
        """Adapt the parameters to ``y_new`` ``(n, d)`` online.

        ``y_new`` is differenced for an integrated model. Reads the history
        before it from :meth:`_modelled_history`, and replaces (never
        modifies in place) the parameter attributes; raises before replacing
        them if they come out non-finite (:func:`require_finite`), and the base
        class then restores every attribute. On success the base class pushes
        ``y_new`` into the history.
        """
        raise NotImplementedError(f"{self._name} does not learn online")

    def _effective_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """The current filter ``(p, d, d)`` and intercept ``(d,)`` (after learning).

        For an integrated model, the filter of the differenced series.
        """
        raise NotImplementedError(f"{self._name} does not learn online")

    def _minimum_length(self) -> int:
        """Fewest samples of the differenced series the subclass's fit accepts."""
        raise NotImplementedError

    def _settings(self) -> dict[str, Any]:
        """The constructor's arguments, as JSON values: ``type(self)(**settings)``."""
        raise NotImplementedError

    def _fitted_checkpoint(self, checkpoint: Checkpoint) -> Checkpoint:
        """``checkpoint`` with the subclass's fitted parameters and working state added."""
        raise NotImplementedError

    def _restore_fitted(self, checkpoint: Checkpoint, stream: OnlineConv) -> None:
        """Set the subclass's fitted attributes from ``checkpoint``, checking their shapes.

        ``stream`` is the restored history's engine; raise ``ValueError`` if
        anything does not fit it or the settings.
        """
        raise NotImplementedError

    # -- checkpoints -------------------------------------------------------------

    def _to_checkpoint(self) -> Checkpoint:
        settings: dict[str, Any] = {
            "parameters": self._settings(),
            "fitted": self._stream is not None,
        }
        if self._stream is None:
            return Checkpoint(self.checkpoint_kind, settings)
        settings.update(
            flat=self._flat,
            n_seen=self._n_seen,
            filter_outdated=self._filter_outdated,
            labels=stored_labels(self._labels),
        )
        arrays = {
            "intercept": self._intercept,
            "residual_cov": self.residual_cov_,
            "prediction_cov": self.prediction_cov_,
        }
        checkpoint = Checkpoint(self.checkpoint_kind, settings, arrays)
        checkpoint = checkpoint.with_part("stream", self._stream._to_checkpoint())
        return self._fitted_checkpoint(checkpoint)

    @classmethod
    def _from_checkpoint(cls, checkpoint: Checkpoint) -> "LinearForecaster":
        model = cls(**stored_setting(checkpoint, "parameters", dict))
        if not stored_setting(checkpoint, "fitted", bool):
            return model
        stream = OnlineConv._from_checkpoint(checkpoint.part("stream"))
        d = stream.n_inputs
        if stream.layout != ("scalar" if d == 1 else "mimo") or stream.n_outputs != d:
            raise ValueError(
                f"the history's stream must map {d} channel(s) to themselves"
            )
        flat = stored_setting(checkpoint, "flat", bool)
        if flat and d != 1:
            raise ValueError(f"a model fitted on a 1-D series has one channel, not {d}")
        n_seen = stored_setting(checkpoint, "n_seen", int)
        if n_seen < 0:
            raise ValueError(f"setting 'n_seen' must be >= 0, got {n_seen}")
        model._stream = stream
        model._taps = stream._plan.bank.user_filters()
        model._flat = flat
        model._n_seen = n_seen
        model._filter_outdated = stored_setting(checkpoint, "filter_outdated", bool)
        model._labels = restored_labels(
            checkpoint.settings.get("labels"), d, flat, n_seen
        )
        model._intercept = stored_array(checkpoint, "intercept", (d,))
        model.residual_cov_ = stored_array(checkpoint, "residual_cov", (d, d))
        model.prediction_cov_ = stored_array(checkpoint, "prediction_cov", (d, d))
        model._restore_fitted(checkpoint, stream)
        return model

    # -- state -------------------------------------------------------------------

    @property
    def intercept_(self) -> float | np.ndarray:
        """The constant ``c``: a float for a model fitted on a 1-D series, else ``(d,)``."""
        self._current_stream()
        return float(self._intercept[0]) if self._flat else self._intercept.copy()

    @property
    def n_channels(self) -> int:
        """Channels ``d`` of the series the model was fitted on."""
        return self._fitted_stream().n_inputs

    @property
    def filter_length(self) -> int:
        """Taps ``p`` of the effective prediction filter."""
        return self._fitted_stream().filter_length

    @property
    def n_seen(self) -> int:
        """Samples of history ingested (by :meth:`fit` and :meth:`update`)."""
        self._fitted_stream()
        return self._n_seen

    def _fitted_stream(self) -> OnlineConv:
        """The history's engine (its filter may predate online learning)."""
        if self._stream is None:
            raise NotFittedError(
                f"this {self._name} is not fitted yet: call fit(y) first"
            )
        return self._stream

    @property
    def _difference_degree(self) -> int:
        """``q``: the taps differencing adds to the filter, the samples it consumes."""
        return len(self._difference_polynomial) - 1

    def _modelled_history(self, n: int) -> np.ndarray:
        """The last ``n`` samples ``(n, d)`` of the series the subclass models.

        The history itself, or its differences for an integrated model (from the
        last ``n + q`` samples); fewer when the history holds fewer.
        """
        stream = self._fitted_stream()
        recent = stream.recent(n + self._difference_degree)
        return apply_difference(
            recent.reshape(-1, stream.n_inputs), self._difference_polynomial
        )

    def _current_stream(self) -> OnlineConv:
        """The history's engine, rebuilt first if learning has changed the filter."""
        self._fitted_stream()
        if self._filter_outdated:
            self._install(*self._effective_parameters())
            self._filter_outdated = False
        return self._stream

    @contextlib.contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Restore every attribute if the block raises (a failed fit or learning step).

        The parameters and the history's stream are replaced, never modified in
        place, by fitting and learning (a new stream replaces the old one, see
        :meth:`_install`), so a shallow copy is a complete snapshot of them.
        Working state that a subclass advances in place (the spectral model's
        feature engines) must be checked against restored attributes before it
        is trusted again.
        """
        snapshot = self.__dict__.copy()
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(snapshot)
            raise

    def _install(self, filters: np.ndarray, intercept: np.ndarray) -> None:
        """Use ``filters`` ``(p, d, d)`` from now on, keeping the history.

        ``filters`` are the subclass's (of the differenced series for an
        integrated model: integrated here). The old stream is left as it was: a
        new one, prefilled with the old one's history, replaces it once it is
        complete (a non-finite filter is rejected before anything changes).
        """
        require_finite(filters, intercept)
        filters = integrate_filter(filters, self._difference_polynomial)
        taps = filters[:, 0, 0] if filters.shape[1] == 1 else filters
        stream = OnlineConv(taps)
        if self._stream is not None:
            stream.prefill(self._stream.recent(filters.shape[0]))
        self._taps, self._stream = taps, stream
        self._intercept = intercept

    def _shape_out(self, values: np.ndarray) -> np.ndarray:
        """Drop the channel axis for models fitted on a 1-D series."""
        return drop_channel_axis(values, self._flat)

    # -- fitting and streaming ---------------------------------------------------------

    def fit(self, y: Any, freq: Any = None) -> "LinearForecaster":
        """Fit the model on the series ``y`` and make it the model's history.

        Parameters
        ----------
        y : array_like, pandas.Series or pandas.DataFrame
            ``(T,)`` or ``(T, d)`` real, finite samples, oldest first. A Series
            or DataFrame indexed by time (a DatetimeIndex or PeriodIndex with a
            regular step, or an integer index such as a RangeIndex) makes the
            forecasts, sample paths and intervals pandas objects indexed by the
            times that follow (see docs/pandas.md); the columns are the channels.
        freq : str, pandas offset, int or None
            The time step of a pandas ``y`` when its index has no ``freq`` and
            it cannot be inferred (e.g. ``"D"``, ``"30min"``, ``"MS"``); checked
            against the index when given. Only for pandas ``y``.

        Returns
        -------
        LinearForecaster
            ``self``.

        Warns
        -----
        FitWarning
            If the fitted recursion is unstable (its impulse response grows
            exponentially: see docs/forecasting.md, "Unstable fits"), or an
            unpenalised fit is barely determined. The model is fitted all the
            same.

        Examples
        --------
        A noise-free AR(2) process, ``cos(0.3 t) = 2 cos(0.3) cos(0.3 (t-1)) -
        cos(0.3 (t-2))``, is recovered exactly:

        >>> import numpy as np
        >>> import ffstream
        >>> y = np.cos(0.3 * np.arange(100))
        >>> model = ffstream.FIRForecaster(order=2).fit(y)
        >>> model.n_seen, model.filter_length
        (100, 2)
        >>> np.round(model.coef_, 3)
        array([ 1.911, -1.   ])
        >>> round(float(2 * np.cos(0.3)), 3)
        1.911

        A pandas series gives pandas forecasts, indexed by the next times:

        >>> import pandas as pd
        >>> hours = pd.date_range("2024-01-01", periods=100, freq="h")
        >>> model = ffstream.FIRForecaster(order=2).fit(pd.Series(y, hours, name="load"))
        >>> model.forecast(2).round(3)
        2024-01-05 04:00:00    0.154
        2024-01-05 05:00:00    0.439
        Freq: h, Name: load, dtype: float64
        """
        values, labels = split_pandas(y, "y", freq)
        series = as_series(values, "y")
        q = self._difference_degree
        if len(series) < self._minimum_length() + q:
            consumed = (
                f" ({q} consumed by difference={self.difference}, "
                f"seasonal_difference={self.seasonal_difference})"
                if q
                else ""
            )
            raise ValueError(
                f"y must have at least {self._minimum_length() + q} samples for this "
                f"{self._name}{consumed}, got {len(series)}"
            )
        with self._all_or_nothing():
            result = self._fit_parameters(
                apply_difference(series, self._difference_polynomial)
            )
            self._stream = None
            self._flat = np.ndim(values) == 1
            self._labels = labels
            self._filter_outdated = False
            self._install(result.filters, result.intercept)
            self.residual_cov_ = result.residual_cov
            self.prediction_cov_ = result.residual_cov * final_prediction_error_factor(
                result.n_equations, result.n_regressors
            )
            self._stream.prefill(series)
            self._n_seen = len(series)
        self._warn_if_unstable(result.filters)
        return self

    def _warn_if_unstable(self, filters: np.ndarray) -> None:
        """Warn with :class:`FitWarning` if the fitted recursion is explosive.

        ``filters`` are the subclass's (of the differenced series for an
        integrated model, whose unit roots are the differencing's by design).
        """
        growth, steps = impulse_growth(filters)
        if growth > UNSTABLE_GROWTH:
            warn_user(
                f"{self._name}({self._describe()}) fitted an unstable recursion: its "
                f"impulse response grows {growth:.3g}-fold over {steps} steps, so its "
                f"forecasts diverge on long horizons. Try ridge='auto', a shorter "
                f"order or context, or difference=1",
                FitWarning,
            )

    def update(self, y_new: Any, learn: bool = False) -> "LinearForecaster":
        """Ingest new samples.

        Parameters
        ----------
        y_new : array_like, pandas.Series or pandas.DataFrame
            One sample (a scalar, or ``(d,)``) or a chunk ``(n,)`` / ``(n, d)``.
            For a model fitted on pandas data, a pandas ``y_new`` must be the same
            kind of object with the same columns in the same order, indexed by
            the times right after the history (no gap, no overlap, same step);
            numpy samples are taken as the next samples at the history's step.
        learn : bool, default False
            ``False`` only extends the history (amortized polylog cost per sample,
            parameters unchanged). ``True`` also adapts the parameters online
            (see the subclass); the engine is rebuilt for the new filter at the
            next forecast.

        Returns
        -------
        LinearForecaster
            ``self``. A rejected ``y_new`` leaves the model unchanged.

        Examples
        --------
        New samples extend the history the forecasts start from:

        >>> import numpy as np
        >>> import ffstream
        >>> model = ffstream.FIRForecaster(order=2).fit(np.cos(0.3 * np.arange(100)))
        >>> model = model.update(np.cos(0.3 * np.arange(100, 102)))
        >>> model.n_seen
        102
        >>> np.allclose(model.forecast(3), np.cos(0.3 * np.arange(102, 105)))
        True

        With ``learn=True`` the coefficients also adapt (here they are already exact):

        >>> model = model.update(np.cos(0.3 * np.arange(102, 110)), learn=True)
        >>> model.n_seen, np.round(model.coef_, 3)
        (110, array([ 1.911, -1.   ]))
        """
        stream = self._fitted_stream()
        values, labels = split_update(self._labels, y_new)
        series = as_series(values, "y_new", stream.n_inputs)
        learn = as_flag(learn, "learn")
        if len(series) == 0:
            return self
        if learn:
            q = self._difference_degree
            past = stream.recent(q).reshape(-1, stream.n_inputs)
            modelled = apply_difference(
                np.concatenate([past, series]), self._difference_polynomial
            )
            with self._all_or_nothing():
                self._learn(modelled)
            self._filter_outdated = True
        stream.push_block(series)
        self._n_seen += len(series)
        self._labels = advance(labels, y_new, len(series))
        return self

    # -- forecasting ---------------------------------------------------------------------

    def forecast(self, horizon: int, method: Method = "continuous") -> np.ndarray:
        """Point forecast of the next ``horizon`` samples, leaving the model unchanged.

        Parameters
        ----------
        horizon : int
            Number of steps ahead, ``>= 1``.
        method : {"continuous", "epoched", "naive", "bounded"}, default "continuous"
            Online convolution schedule of the rollout: all give the same
            forecast up to rounding.

        Returns
        -------
        numpy.ndarray, pandas.Series or pandas.DataFrame
            ``(horizon,)`` for a model fitted on a 1-D series, else ``(horizon, d)``;
            for a model fitted on pandas data, a Series or DataFrame indexed by
            the ``horizon`` times after the history.

        Examples
        --------
        The forecast continues a noise-free AR(2) process:

        >>> import numpy as np
        >>> import ffstream
        >>> model = ffstream.FIRForecaster(order=2).fit(np.cos(0.3 * np.arange(100)))
        >>> np.round(model.forecast(3), 3)
        array([0.154, 0.439, 0.685])
        >>> np.round(np.cos(0.3 * np.arange(100, 103)), 3)
        array([0.154, 0.439, 0.685])
        >>> np.allclose(model.forecast(20), np.cos(0.3 * np.arange(100, 120)))
        True

        Every schedule gives the same forecast up to rounding:

        >>> np.allclose(model.forecast(20, method="naive"), model.forecast(20))
        True
        """
        horizon = as_count(horizon, "horizon", 1)
        stream = self._engine(method)
        check_memory(horizon * stream.n_inputs, f"a forecast of horizon={horizon}")
        tokens = stream.rollout(horizon, add_offset, self._intercept.reshape(1, 1, -1))
        values = self._shape_out(tokens.reshape(horizon, -1))
        return values if self._labels is None else self._labels.forecast(values)

    def sample_paths(
        self,
        horizon: int,
        n_paths: int,
        seed: int | np.random.Generator | None = None,
        method: Method = "continuous",
    ) -> np.ndarray:
        """Simulate futures driven by Gaussian noise of the one-step prediction covariance.

        Each path feeds its own noisy samples back through the model:
        ``y[t+1] = c + sum_s H[s] y[t-s] + e[t+1]``, ``e ~ N(0, prediction_cov_)``:
        the in-sample residual covariance scaled by Akaike's final prediction
        error factor (see :func:`final_prediction_error_factor`). Paths run in
        parallel over the machine's cores.

        Parameters
        ----------
        horizon : int
            Steps ahead, ``>= 1``.
        n_paths : int
            Number of paths, ``>= 1``.
        seed : int, numpy.random.Generator or None
            Seed or generator of the noise: the same seed gives the same paths.
        method : {"continuous", "epoched", "naive", "bounded"}, default "continuous"
            Online convolution schedule.

        Returns
        -------
        numpy.ndarray or pandas.DataFrame
            ``(n_paths, horizon)`` for a model fitted on a 1-D series, else
            ``(n_paths, horizon, d)``. For a model fitted on pandas data, a
            DataFrame indexed by the next times with one column per path
            (``path`` = 0, 1, ...), or a ``(path, channel)`` MultiIndex of
            columns for a DataFrame history.

        Examples
        --------
        Paths of an AR(1) model fitted on a noisy series:

        >>> import numpy as np
        >>> import ffstream
        >>> rng = np.random.default_rng(0)
        >>> y = np.zeros(200)
        >>> for t in range(1, 200):
        ...     y[t] = 0.8 * y[t - 1] + rng.standard_normal()
        >>> model = ffstream.FIRForecaster(order=1).fit(y)
        >>> paths = model.sample_paths(4, n_paths=3, seed=1)
        >>> paths.shape
        (3, 4)
        >>> np.array_equal(paths, model.sample_paths(4, n_paths=3, seed=1))
        True

        On average over many paths, they follow the point forecast:

        >>> mean = model.sample_paths(4, n_paths=2000, seed=1).mean(axis=0)
        >>> bool(np.abs(mean - model.forecast(4)).max() < 0.1)
        True
        """
        horizon = as_count(horizon, "horizon", 1)
        n_paths = as_count(n_paths, "n_paths", 1)
        rng = as_seed(seed)
        stream = self._engine(method)
        d = stream.n_inputs
        # The paths, and the shocks, noise and tokens of one group at a time.
        check_memory(
            (n_paths + 3 * min(n_paths, _PATHS_AT_ONCE)) * horizon * d,
            f"sample_paths of horizon={horizon} and n_paths={n_paths}",
        )
        paths = np.empty((n_paths, horizon, d))
        for start, group in self._path_groups(stream, horizon, n_paths, rng):
            paths[start : start + len(group)] = group
        values = self._shape_out(paths)
        return values if self._labels is None else self._labels.paths(values)

    def _path_groups(
        self,
        stream: OnlineConv,
        horizon: int,
        n_paths: int,
        rng: np.random.Generator,
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Simulate the paths in groups: ``(first path, (g, horizon, d) paths)``.

        Each path runs on its own copy of the stream's state (O(L) memory), so
        groups bound the memory whatever ``n_paths`` is. The shocks are drawn
        group by group in path order: the same numbers as one draw of all paths.
        """
        d = stream.n_inputs
        factor = _noise_factor(self.prediction_cov_).T
        for start in range(0, n_paths, _PATHS_AT_ONCE):
            size = min(_PATHS_AT_ONCE, n_paths - start)
            noise = rng.standard_normal((size, horizon, d)) @ factor + self._intercept
            tokens = stream.rollout(horizon, add_path_noise, noise, n_series=size)
            del noise  # while the caller holds the tokens, only they stay alive
            yield start, tokens.reshape(size, horizon, d)

    def prediction_interval(
        self,
        horizon: int,
        level: float | Sequence[float] = 0.9,
        n_paths: int = 1000,
        seed: int | np.random.Generator | None = None,
        method: Method = "continuous",
    ) -> tuple[np.ndarray, np.ndarray] | pd.DataFrame:
        """Central prediction intervals from the quantiles of simulated sample paths.

        Parameters
        ----------
        horizon : int
            Steps ahead, ``>= 1``.
        level : float or sequence of float, default 0.9
            Coverage, strictly between 0 and 1, or a list of coverages such as
            ``[0.8, 0.95]`` (all computed from the same paths).
        n_paths : int, default 1000
            Paths simulated (more paths, smoother quantiles).
        seed : int, numpy.random.Generator or None
            Seed of the noise.
        method : {"continuous", "epoched", "naive", "bounded"}, default "continuous"
            Online convolution schedule of the simulations.

        Returns
        -------
        lower, upper : numpy.ndarray
            The ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles per step
            (and channel), shaped like :meth:`forecast` (numpy data) for one
            level, with a leading axis of levels for a list: exactly
            ``numpy.quantile`` of :meth:`sample_paths` with the same seed.
        interval : pandas.DataFrame
            Instead, for a model fitted on pandas data: indexed by the next
            times, with a ``(bound, level)`` MultiIndex of columns
            (``interval["lower", 0.8]``), ``(bound, level, channel)`` for a
            DataFrame history.

        Notes
        -----
        The paths are simulated 64 at a time and only the order statistics the
        two quantiles read are kept between groups (the ``m`` smallest and the
        ``m`` largest values per step, ``m = floor((n_paths - 1) (1 - level) / 2) + 2``):
        the peak memory is about ``8 (2 (2 m + 64) + 4 * 64) horizon d`` bytes
        plus one copy of the stream's state per path of a group: it grows with
        ``n_paths`` only through ``m`` (for the defaults, ``m = 51``: 4.7 kB per step and
        channel, 0.47 GB for ``horizon=10**5``). With several levels, ``m`` is
        that of the narrowest.

        Examples
        --------
        The interval of an AR(2) model fitted on a noisy sine brackets its point
        forecast:

        >>> import numpy as np
        >>> import ffstream
        >>> noise = np.random.default_rng(0).standard_normal(200)
        >>> y = np.sin(0.2 * np.arange(200)) + 0.3 * noise
        >>> model = ffstream.FIRForecaster(order=2).fit(y)
        >>> lower, upper = model.prediction_interval(4, level=0.9, seed=1)
        >>> point = model.forecast(4)
        >>> lower.shape, upper.shape
        ((4,), (4,))
        >>> bool(np.all((lower < point) & (point < upper)))
        True

        Several levels at once come with a leading axis of levels:

        >>> lower, upper = model.prediction_interval(4, level=[0.8, 0.95], seed=1)
        >>> lower.shape
        (2, 4)
        >>> bool(np.all(lower[1] < lower[0]))
        True
        """
        levels, several = as_levels(level, "level")
        horizon = as_count(horizon, "horizon", 1)
        n_paths = as_count(n_paths, "n_paths", 1)
        rng = as_seed(seed)
        stream = self._engine(method)
        d = stream.n_inputs
        probabilities = [(1 - p) / 2 for p in levels] + [(1 + p) / 2 for p in levels]
        quantiles = PathQuantiles(probabilities, n_paths)
        group = min(n_paths, _PATHS_AT_ONCE)
        # The kept order statistics, their merge with a group and its partition
        # copy, and the group's shocks, noise, the copy the feedback reads and tokens.
        check_memory(
            (2 * (quantiles.kept_paths + group) + 4 * group) * horizon * d,
            f"prediction_interval of horizon={horizon} and n_paths={n_paths}",
        )
        for _, paths in self._path_groups(stream, horizon, n_paths, rng):
            quantiles.add(paths)
        bounds = self._shape_out(quantiles.result())
        lower, upper = bounds[: len(levels)], bounds[len(levels) :]
        if self._labels is not None:
            return self._labels.interval(levels, lower, upper)
        return (lower, upper) if several else (lower[0], upper[0])

    def _engine(self, method: Method) -> OnlineConv:
        """An engine holding the current history and filter, for ``method``."""
        stream = self._current_stream()
        if method == stream.method:
            return stream
        engine = OnlineConv(self._taps, method)
        engine.prefill(stream.recent(stream.filter_length))
        return engine

    def __repr__(self) -> str:
        state = "not fitted" if self._stream is None else f"n_seen={self.n_seen}"
        differencing = "".join(
            f", {name}={value}"
            for name, value in self._differencing_settings().items()
            if value
        )
        return f"{self._name}({self._describe()}{differencing}, {state})"

    def _differencing_settings(self) -> dict[str, int]:
        """``difference`` and ``seasonal_difference``, for :meth:`_settings`."""
        return {
            "difference": self.difference,
            "seasonal_difference": self.seasonal_difference,
        }

    def _describe(self) -> str:
        return ""

    def _summary_rows(self) -> list[tuple[str, Any]]:
        """The ``(name, value)`` rows of :meth:`_repr_html_`: settings, then the fit."""
        rows: list[tuple[str, Any]] = list(self._settings().items())
        if self._stream is None:
            return [*rows, ("fitted", "no")]
        # After online learning the engine is rebuilt only by a forecast: read the
        # current parameters without rebuilding it.
        if self._filter_outdated:
            filters, intercept = self._effective_parameters()
            filters = integrate_filter(filters, self._difference_polynomial)
        else:
            filters, intercept = self._taps, self._intercept
        return [
            *rows,
            ("fitted", "yes"),
            ("channels", self._stream.n_inputs),
            ("filter length", self._stream.filter_length),
            ("samples seen", self._n_seen),
            *label_rows(self._labels),
            ("largest |coefficient|", float(np.abs(filters).max())),
            ("intercept", intercept),
            ("residual std", np.sqrt(np.diag(self.residual_cov_))),
        ]

    def _repr_html_(self) -> str:
        """An HTML table of the model's settings and fit (for Jupyter).

        Returns
        -------
        str
            A two-column ``<table>`` titled with the class name: the constructor's
            settings, whether the model is fitted and, if it is, its channels,
            filter length, samples seen, the largest absolute coefficient of its
            effective filter, its intercept and the standard deviation of its
            in-sample one-step residuals per channel (at most four channels
            shown, then ``"..."``).

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> model = ffstream.FIRForecaster(order=2)
        >>> "<table" in model._repr_html_()
        True
        >>> model = model.fit(np.cos(0.3 * np.arange(100)))
        >>> print([row for row in model._repr_html_().splitlines() if "samples" in row][0])
        ... # doctest: +ELLIPSIS
        <tr><th ...>samples seen</th><td ...>100</td></tr>
        """
        return html_table(type(self).__name__, self._summary_rows())


def require_finite(*parameters: np.ndarray) -> None:
    """Raise ``ValueError`` unless every one of ``parameters`` is finite.

    Parameters
    ----------
    *parameters : numpy.ndarray
        Estimated parameters (filters, weights, intercepts).

    Raises
    ------
    ValueError
        If any value is NaN or infinite.
    """
    if not all(np.isfinite(p).all() for p in parameters):
        raise ValueError(
            "the estimated parameters are not finite (data too large, or an "
            "online update that diverged): the model was left unchanged"
        )


def _noise_factor(cov: np.ndarray) -> np.ndarray:
    """A factor ``F`` with ``F F^T = cov``, by eigen-decomposition (``cov`` may be singular)."""
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(values, 0.0, None))
