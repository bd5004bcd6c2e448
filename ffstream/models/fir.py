"""``FIRForecaster``: a long causal FIR / (vector) autoregressive forecaster."""

import numpy as np

from ffstream.engine.checkpoint import Checkpoint, stored_array, stored_setting
from ffstream.engine.online import OnlineConv
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_real_number,
    as_ridge_setting,
)
from ffstream.kernels.nlms import nlms_adapt
from ffstream.models._autoregression import (
    AR_SOLVERS,
    CRITERIA,
    ARSolver,
    Criterion,
    default_max_order,
    fit_autoregression,
    information_criteria,
    largest_estimable_order,
)
from ffstream.models._base import (
    FitResult,
    LinearForecaster,
    check_determined,
    require_finite,
    restored_ridge,
)


class FIRForecaster(LinearForecaster):
    """Long autoregressive forecaster ``y[t+1] = c + sum_{i<order} A[i] y[t-i]``.

    For a multichannel series every channel is predicted from the past of all
    channels (a VAR model). Forecasts, sample paths and streaming updates run on
    the FutureFill engines with the filter ``A``.

    Parameters
    ----------
    order : int or "auto"
        Number of lags ``p >= 1`` (thousands are fine: the fit never builds the
        lagged design matrix), or ``"auto"``: the order is chosen from the data by
        ``criterion`` among ``0..max_order`` (see Notes) and stored in ``order_``.
    max_order : int or None, default None
        Largest candidate order of ``order="auto"`` (only then), ``>= 1`` and at
        most ``(T - d - k) // (1 + d)`` for ``T`` samples, ``d`` channels and
        ``k = 1`` with an intercept (so that the largest fit keeps ``d`` residual
        degrees of freedom; checked at fit). ``None``: ``round(12 (T / 100)^(1/4))``
        capped at that bound (statsmodels' default for ``VAR.select_order``; 14 for
        ``T = 200``, 67 for ``T = 10^5``).
    criterion : {"aic", "bic", "hqic"} or None, default None
        Information criterion of ``order="auto"`` (only then); ``None`` is ``"aic"``.
    ridge : float or "auto", default 0.0
        Ridge penalty on the lag coefficients (not the intercept), added to the
        diagonal of the normal equations' sums; ``0`` is ordinary least squares,
        identical to statsmodels' ``AutoReg``/``VAR``, and refused when the fit is
        not determined (at least as many regressors ``order d + 1`` per equation
        as equations ``T - order``; a :class:`~ffstream.FitWarning`
        when there are fewer than twice as many equations). ``"auto"``: the
        penalty minimising generalised cross-validation, stored in ``ridge_``
        (solver ``"normal"`` only; see Notes).
    fit_intercept : bool, default True
        Estimate the constant ``c`` (else ``c = 0``).
    solver : {"normal", "yule-walker"}, default "normal"
        ``"normal"``: least squares through normal equations whose lagged
        products come from FFT autocorrelations with exact edge corrections.
        ``"yule-walker"``: the Yule–Walker estimate from sample autocovariances
        (Levinson recursion for one channel), cheaper for very long orders but
        not identical to least squares.
    step_size : float, default 0.1
        Step of the normalised LMS adaptation used by ``update(..., learn=True)``,
        in ``(0, 2)``.
    difference : int, default 0
        Order ``d >= 0`` of the ordinary difference ``(1 - B)^d`` applied before
        fitting (an integrated model, ARIMA(p, d, 0) with ``order = p``):
        ``coef_``, ``intercept_`` (the drift for ``d = 1``), ``order_`` and the
        residuals are those of the differenced series; forecasts, sample paths
        and intervals are in the units of ``y`` (see Notes).
    seasonal_difference : int, default 0
        Period ``s`` of one seasonal difference ``(1 - B^s)`` applied before
        fitting (after ``difference``; ``0``: none).

    Attributes
    ----------
    order_ : int
        The fitted order: ``order``, or the one ``order="auto"`` chose (possibly 0:
        a constant forecast, white noise around ``intercept_``).
    ridge_ : float
        The penalty of the fit: ``ridge``, or the one ``ridge="auto"`` chose.
    criterion_values_ : numpy.ndarray or None
        ``(max_order + 1,)``: the criterion of each candidate order (index = order),
        ``nan`` for an order that is not a candidate; ``None`` for an integer
        ``order``.
    coef_ : numpy.ndarray
        ``(order_,)`` for a 1-D series, else ``(order_, d, d)``; ``coef_[i]``
        multiplies ``y[t-i]`` (``coef_[i][out, in]``).
    intercept_ : float or numpy.ndarray
        Constant ``c``: a float for a 1-D series, else ``(d,)``.
    residual_cov_ : numpy.ndarray
        ``(d, d)`` covariance of the in-sample one-step residuals (divided by the
        number of equations: statsmodels' ``sigma2`` / ``sigma_u_mle``).
    prediction_cov_ : numpy.ndarray
        ``residual_cov_`` scaled by the final prediction error factor ``(n + m)
        / (n - m)`` for ``n`` equations and ``m = order d + 1`` regressors: the
        noise of :meth:`sample_paths`. With ``ridge="auto"``, ``m`` is the
        effective number of regressors (the trace of the hat matrix).

    Notes
    -----
    ``order="auto"`` selects as statsmodels does: every candidate order is fitted
    by least squares on the same equations, those with targets ``y[max_order:]``,
    and the smallest criterion wins (the lowest order on ties). For one channel
    the criteria, candidates (``0..max_order``) and selection are those of
    ``ar_select_order(y, max_order, ic=criterion, trend="c" or "n")``; for several,
    those of ``VAR(y).select_order(max_order, trend="c" or "n")`` (candidates
    ``0..max_order`` with an intercept, ``1..max_order`` without; its criteria
    are per observation and count ``p d^2 + d k`` parameters, while the
    univariate ones are totals counting ``p + 1``), see
    :func:`~ffstream.models._autoregression.information_criteria`. The
    selection always compares ordinary least-squares fits, whatever ``ridge``
    and ``solver``. The chosen order is then refitted, with ``ridge`` and
    ``solver``, on the whole series (all ``T - order_`` equations), as
    ``AutoReg(y, lags=order_)`` is after ``ar_select_order``.

    The selection costs about one fit of order ``max_order``: one Gram matrix
    and one Cholesky factorisation give the residuals of every nested fit, then
    the chosen order is fitted (measured in docs/forecasting.md, "Choosing the
    order").

    ``ridge="auto"`` chooses the penalty by generalised cross-validation (Golub,
    Heath & Wahba 1979): the ``lambda`` minimising ``n RSS(lambda) / (n -
    df(lambda))^2`` over the fit's ``n`` equations, ``df`` being the trace of the
    hat matrix, with the channels' residual sums weighted by the inverse of their
    targets' sums of squares and one penalty for all of them (see
    :func:`~ffstream.models._ridge.ridge_by_gcv`). One eigendecomposition of the
    normal matrix gives the criterion of every penalty: one decomposition, not a
    fit per candidate (measured in docs/forecasting.md, "Choosing the ridge
    penalty").
    Generalised cross-validation, not a time-ordered hold-out: it uses every
    equation and needs no refit, and the one-step residuals of a well-specified
    autoregression are uncorrelated, which is what it assumes. With
    ``order="auto"`` the order is chosen first (by least squares), then its
    penalty.

    With ``difference`` or ``seasonal_difference``, the model is fitted on ``z =
    (1 - B)^d (1 - B^s) y`` (``q = d + s`` samples fewer) and its recursion on
    ``z`` is folded with the differencing polynomial into one filter of
    ``order_ + q`` taps on ``y``
    (:func:`~ffstream.models._differencing.integrate_filter`): the engines run
    it on the history of ``y``, ``filter_length`` counts it, ``update`` stays
    polylog per sample and every schedule gives the same forecast. Online
    learning adapts ``coef_`` to the differences of the new samples.

    Examples
    --------
    >>> import numpy as np, ffstream
    >>> rng = np.random.default_rng(0)
    >>> y = np.zeros(5000)
    >>> for t in range(2, 5000):
    ...     y[t] = 1.2 * y[t - 1] - 0.5 * y[t - 2] + rng.standard_normal()
    >>> model = ffstream.FIRForecaster(order=2).fit(y)
    >>> np.round(model.coef_, 1)
    array([ 1.2, -0.5])
    >>> model.forecast(3).shape
    (3,)

    The order chosen from the data, with the criterion of every candidate:

    >>> model = ffstream.FIRForecaster(order="auto", max_order=10, criterion="bic")
    >>> model = model.fit(y)
    >>> model.order_, model.coef_.shape, model.criterion_values_.shape
    (2, (2,), (11,))
    >>> int(np.argmin(model.criterion_values_))
    2

    A long order on a short series, its penalty chosen from the data:

    >>> model = ffstream.FIRForecaster(order=150, ridge="auto").fit(y[:400])
    >>> bool(model.ridge_ > 0), model.coef_.shape
    (True, (150,))
    """

    _name = "FIRForecaster"
    checkpoint_kind = "FIRForecaster"

    def __init__(
        self,
        order: int | str,
        ridge: float | str = 0.0,
        fit_intercept: bool = True,
        solver: ARSolver = "normal",
        step_size: float = 0.1,
        max_order: int | None = None,
        criterion: Criterion | None = None,
        difference: int = 0,
        seasonal_difference: int = 0,
    ) -> None:
        super().__init__(difference, seasonal_difference)
        self.order, self.max_order, self.criterion = _order_settings(
            order, max_order, criterion
        )
        if solver not in AR_SOLVERS:
            raise ValueError(
                f"solver must be 'normal' or 'yule-walker', got {solver!r}"
            )
        step_size = as_real_number(step_size, "step_size")
        if not 0.0 < step_size < 2.0:
            raise ValueError(f"step_size must be in (0, 2), got {step_size}")
        self.ridge = as_ridge_setting(ridge)
        if self.ridge == "auto" and solver != "normal":
            raise ValueError(
                "ridge='auto' chooses the penalty of the least-squares fit: it needs "
                f"solver='normal', got solver={solver!r}"
            )
        self.fit_intercept = as_flag(fit_intercept, "fit_intercept")
        self.solver = solver
        self.step_size = step_size
        self._coef: np.ndarray | None = None
        self.order_: int | None = None
        self.ridge_: float | None = None
        self.criterion_values_: np.ndarray | None = None

    @property
    def coef_(self) -> np.ndarray:
        """Lag coefficients: ``(order_,)`` for a 1-D series, else ``(order_, d, d)``."""
        self._fitted_stream()
        return self._coef[:, 0, 0].copy() if self._flat else self._coef.copy()

    def _minimum_length(self) -> int:
        if self.order == "auto":
            # Order 1 on one channel; max_order is checked against the data at fit.
            return 2 + int(self.fit_intercept)
        return self.order + 1

    def _settings(self) -> dict:
        return {
            "order": self.order,
            "ridge": self.ridge,
            "fit_intercept": self.fit_intercept,
            "solver": self.solver,
            "step_size": self.step_size,
            "max_order": self.max_order,
            "criterion": self.criterion,
            **self._differencing_settings(),
        }

    def _fitted_checkpoint(self, checkpoint: Checkpoint) -> Checkpoint:
        checkpoint.arrays["coef"] = self._coef
        checkpoint.settings["ridge_"] = self.ridge_
        if self.order == "auto":
            checkpoint.settings["order_"] = self.order_
            checkpoint.settings["max_order_"] = len(self.criterion_values_) - 1
            checkpoint.arrays["criterion_values"] = self.criterion_values_
        return checkpoint

    def _restore_fitted(self, checkpoint: Checkpoint, stream: OnlineConv) -> None:
        d = stream.n_inputs
        criterion_values = None
        if self.order == "auto":
            order = stored_setting(checkpoint, "order_", int)
            max_order = stored_setting(checkpoint, "max_order_", int)
            if not 0 <= order <= max_order:
                raise ValueError(
                    f"setting 'order_' must be a candidate order (0 to "
                    f"max_order_={max_order}), got {order}"
                )
            criterion_values = stored_array(
                checkpoint, "criterion_values", (max_order + 1,), finite=False
            )
        else:
            order = self.order
        q = self._difference_degree
        taps = max(order, 1) + q
        if stream.filter_length != taps or stream.n_seen < order + q:
            needed = f"order={order}" if q == 0 else f"order + q = {order + q}"
            raise ValueError(
                f"the history must hold at least {needed} samples in a filter of "
                f"{taps} taps, got {stream.n_seen} samples and "
                f"{stream.filter_length} taps"
            )
        ridge = restored_ridge(checkpoint, self.ridge)
        self._coef = stored_array(checkpoint, "coef", (order, d, d))
        self.order_, self.criterion_values_ = order, criterion_values
        self.ridge_ = ridge

    def _fit_parameters(self, y: np.ndarray) -> FitResult:
        n_samples, d = y.shape
        criterion_values = None
        if self.order == "auto":
            order, criterion_values = self._select_order(y)
        else:
            order = self.order
        n_regressors = order * d + int(self.fit_intercept)
        check_determined(
            n_samples - order,
            n_regressors,
            self.ridge,
            f"FIRForecaster(order={order}) on {n_samples} samples of {d} channel(s)",
        )
        ridge = 0.0 if self.ridge == "auto" else self.ridge
        if order == 0:
            mean = y.mean(axis=0) if self.fit_intercept else np.zeros(d)
            residuals = y - mean
            coef = np.zeros((0, d, d))
            intercept, residual_cov = mean, residuals.T @ residuals / n_samples
            n_equations = n_samples
        else:
            fit = fit_autoregression(
                y,
                order,
                ridge=self.ridge,
                fit_intercept=self.fit_intercept,
                solver=self.solver,
            )
            coef, intercept = fit.coef, fit.intercept
            residual_cov, n_equations = fit.residual_cov, fit.n_equations
            ridge, n_regressors = fit.ridge, fit.effective_regressors
        self._coef = coef
        self.order_, self.criterion_values_ = order, criterion_values
        self.ridge_ = ridge
        return FitResult(
            _engine_filter(coef), intercept, residual_cov, n_equations, n_regressors
        )

    def _select_order(self, y: np.ndarray) -> tuple[int, np.ndarray]:
        """The chosen order and the criterion of every candidate (``nan``: none)."""
        n_samples, d = y.shape
        if self.max_order is None:
            max_order = default_max_order(n_samples, d, self.fit_intercept)
        else:
            max_order = self.max_order
        largest = largest_estimable_order(n_samples, d, self.fit_intercept)
        if largest < 1:
            raise ValueError(
                f"y is too short to choose an order: {n_samples} samples of {d} "
                f"channel(s) cannot fit even order 1"
            )
        if max_order > largest:
            raise ValueError(
                f"max_order={max_order} is too large for {n_samples} samples of {d} "
                f"channel(s): at most {largest} leaves the largest fit more "
                f"equations ({n_samples} - max_order) than its "
                f"max_order * {d} + {int(self.fit_intercept)} regressors"
            )
        values = information_criteria(y, max_order, self.fit_intercept)
        chosen = values[self.criterion]
        return int(np.nanargmin(chosen)), chosen

    def _learn(self, y_new: np.ndarray) -> None:
        """Normalised LMS over ``y_new``: O(order d^2) per sample."""
        past = self._modelled_history(self.order_)
        series = np.concatenate([past, y_new])
        coef, intercept = self._coef.copy(), self._intercept.copy()
        nlms_adapt(
            coef, intercept, series, len(past), self.step_size, self.fit_intercept
        )
        require_finite(coef, intercept)
        self._coef, self._intercept = coef, intercept

    def _effective_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        return _engine_filter(self._coef), self._intercept

    def _describe(self) -> str:
        ridge = f"ridge={self.ridge!r}"
        if self.ridge == "auto" and self.ridge_ is not None:
            ridge += f", ridge_={self.ridge_:.3g}"
        if self.order != "auto":
            return f"order={self.order}, {ridge}, solver={self.solver!r}"
        chosen = "" if self.order_ is None else f", order_={self.order_}"
        return (
            f"order='auto', max_order={self.max_order}, "
            f"criterion={self.criterion!r}{chosen}, {ridge}, solver={self.solver!r}"
        )


def _engine_filter(coef: np.ndarray) -> np.ndarray:
    """``coef`` as the engine's filter: one zero tap for order 0 (no lags)."""
    if len(coef):
        return coef
    return np.zeros((1,) + coef.shape[1:])


def _order_settings(
    order: object, max_order: object, criterion: object
) -> tuple[int | str, int | None, str | None]:
    """Check ``order``, ``max_order`` and ``criterion``; return them as stored."""
    if isinstance(order, str):
        if order != "auto":
            raise ValueError(f"order must be an int >= 1 or 'auto', got {order!r}")
        if max_order is not None:
            max_order = as_count(max_order, "max_order", 1)
        criterion = "aic" if criterion is None else criterion
        if not isinstance(criterion, str) or criterion not in CRITERIA:
            raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
        return order, max_order, criterion
    order = as_count(order, "order", 1)
    for name, value in (("max_order", max_order), ("criterion", criterion)):
        if value is not None:
            raise ValueError(
                f"{name} only applies to order='auto', got {name}={value!r} with "
                f"order={order}"
            )
    return order, None, None
