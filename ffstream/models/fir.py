"""``FIRForecaster``: a long causal FIR / (vector) autoregressive forecaster."""

import numpy as np

from ffstream.engine.checkpoint import Checkpoint, stored_array
from ffstream.engine.online import OnlineConv
from ffstream.engine.validation import as_count, as_flag, as_real_number, as_ridge
from ffstream.kernels.nlms import nlms_adapt
from ffstream.models._autoregression import AR_SOLVERS, ARSolver, fit_autoregression
from ffstream.models._base import FitResult, LinearForecaster, require_finite


class FIRForecaster(LinearForecaster):
    """Long autoregressive forecaster ``y[t+1] = c + sum_{i<order} A[i] y[t-i]``.

    For a multichannel series every channel is predicted from the past of all
    channels (a VAR model). Forecasts, sample paths and streaming updates run on
    the FutureFill engines with the filter ``A``.

    Parameters
    ----------
    order : int
        Number of lags ``p >= 1`` (thousands are fine: the fit never builds the
        lagged design matrix).
    ridge : float, default 0.0
        Ridge penalty on the lag coefficients (not the intercept); ``0`` is
        ordinary least squares, identical to statsmodels' ``AutoReg``/``VAR``.
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

    Attributes
    ----------
    coef_ : numpy.ndarray
        ``(order,)`` for a 1-D series, else ``(order, d, d)``; ``coef_[i]``
        multiplies ``y[t-i]`` (``coef_[i][out, in]``).
    intercept_ : float or numpy.ndarray
        Constant ``c``: a float for a 1-D series, else ``(d,)``.
    residual_cov_ : numpy.ndarray
        ``(d, d)`` covariance of the in-sample one-step residuals (divided by the
        number of equations: statsmodels' ``sigma2`` / ``sigma_u_mle``).
    prediction_cov_ : numpy.ndarray
        ``residual_cov_`` scaled by the final prediction error factor ``(n + m)
        / (n - m)`` for ``n`` equations and ``m = order d + 1`` regressors: the
        noise of :meth:`sample_paths`.

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
    """

    _name = "FIRForecaster"
    checkpoint_kind = "FIRForecaster"

    def __init__(
        self,
        order: int,
        ridge: float = 0.0,
        fit_intercept: bool = True,
        solver: ARSolver = "normal",
        step_size: float = 0.1,
    ) -> None:
        super().__init__()
        self.order = as_count(order, "order", 1)
        if solver not in AR_SOLVERS:
            raise ValueError(
                f"solver must be 'normal' or 'yule-walker', got {solver!r}"
            )
        step_size = as_real_number(step_size, "step_size")
        if not 0.0 < step_size < 2.0:
            raise ValueError(f"step_size must be in (0, 2), got {step_size}")
        self.ridge = as_ridge(ridge)
        self.fit_intercept = as_flag(fit_intercept, "fit_intercept")
        self.solver = solver
        self.step_size = step_size
        self._coef: np.ndarray | None = None

    @property
    def coef_(self) -> np.ndarray:
        """Lag coefficients: ``(order,)`` for a 1-D series, else ``(order, d, d)``."""
        self._fitted_stream()
        return self._coef[:, 0, 0].copy() if self._flat else self._coef.copy()

    def _minimum_length(self) -> int:
        return self.order + 1

    def _settings(self) -> dict:
        return {
            "order": self.order,
            "ridge": self.ridge,
            "fit_intercept": self.fit_intercept,
            "solver": self.solver,
            "step_size": self.step_size,
        }

    def _fitted_checkpoint(self, checkpoint: Checkpoint) -> Checkpoint:
        checkpoint.arrays["coef"] = self._coef
        return checkpoint

    def _restore_fitted(self, checkpoint: Checkpoint, stream: OnlineConv) -> None:
        d = stream.n_inputs
        if stream.filter_length != self.order or stream.n_seen < self.order:
            raise ValueError(
                f"the history must hold at least order={self.order} samples in a "
                f"filter of as many taps, got {stream.n_seen} samples and "
                f"{stream.filter_length} taps"
            )
        self._coef = stored_array(checkpoint, "coef", (self.order, d, d))

    def _fit_parameters(self, y: np.ndarray) -> FitResult:
        fit = fit_autoregression(
            y,
            self.order,
            ridge=self.ridge,
            fit_intercept=self.fit_intercept,
            solver=self.solver,
        )
        self._coef = fit.coef
        n_regressors = self.order * y.shape[1] + int(self.fit_intercept)
        return FitResult(
            fit.coef, fit.intercept, fit.residual_cov, fit.n_equations, n_regressors
        )

    def _learn(self, y_new: np.ndarray) -> None:
        """Normalised LMS over ``y_new``: O(order d^2) per sample."""
        stream = self._fitted_stream()
        past = stream.recent(self.order).reshape(-1, stream.n_inputs)
        series = np.concatenate([past, y_new])
        coef, intercept = self._coef.copy(), self._intercept.copy()
        nlms_adapt(
            coef, intercept, series, len(past), self.step_size, self.fit_intercept
        )
        require_finite(coef, intercept)
        self._coef, self._intercept = coef, intercept

    def _effective_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        return self._coef, self._intercept

    def _describe(self) -> str:
        return f"order={self.order}, ridge={self.ridge}, solver={self.solver!r}"
