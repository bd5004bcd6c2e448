"""``SpectralForecaster``: spectral-filter features plus a short autoregression."""

import numpy as np
import scipy.linalg

from ffstream.engine.checkpoint import Checkpoint, stored_array, stored_setting
from ffstream.engine.online import OnlineConv
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_real_number,
    as_ridge_setting,
)
from ffstream.filters.spectral import (
    feature_bank,
    spectral_features,
    spectral_filters,
)
from ffstream.kernels.rls import rls_step
from ffstream.models._base import (
    FitResult,
    LinearForecaster,
    check_determined,
    require_finite,
    restored_ridge,
)
from ffstream.models._ridge import ridge_by_gcv

#: Rows of the regressor matrix built at once while accumulating normal equations.
_CHUNK = 8192


class SpectralForecaster(LinearForecaster):
    """Forecaster on spectral-filter features of the past (spectral filtering).

    The prediction is ``y[t+1] = c + sum_{i<ar_order} A[i] y[t-i] +
    sum_j (P[j] f_j[t] + N[j] g_j[t])``, where ``f_j[t] = sum_{s<context}
    phi_j[s] y[t-s]`` and ``g_j`` uses the sign-alternated filter
    ``(-1)^s phi_j[s]``, ``phi_j`` being the top eigenvectors of the Hankel matrix
    of :func:`~ffstream.spectral_filters`. The matrices are fitted by (ridge)
    least squares. For forecasts and streaming everything folds into one
    effective filter ``H[s] = sum_j phi_j[s] (P[j] + (-1)^s N[j]) + A[s]`` of
    ``max(context, ar_order)`` taps run by the FutureFill engines.

    Parameters
    ----------
    n_filters : int, default 24
        Number ``k`` of spectral filters (each used twice: plain and
        sign-alternated).
    context : int, default 1024
        Length of the spectral filters: how far back the features look.
    ar_order : int, default 2
        Lags of the direct autoregressive term (``0``: none). The fit uses the
        samples whose features see a full ``context`` of past (all but the
        first ``context - 1``; the second half of a series shorter than
        ``2 context``).
    ridge : float or "auto", default 1e-6
        Ridge penalty on every weight but the intercept, relative to the mean
        diagonal of the normal matrix. ``"auto"``: the penalty minimising
        generalised cross-validation, shared by all channels (as for
        :class:`~ffstream.FIRForecaster`), stored in ``ridge_``. ``0`` is refused
        when the fit is not determined (at least as many weights per channel as
        fitted rows).
    fit_intercept : bool, default True
        Estimate the constant ``c``.
    forgetting : float, default 1.0
        Forgetting factor in ``(0, 1]`` of the recursive least squares used by
        ``update(..., learn=True)``; ``1`` keeps the whole past, so that learning
        online continues the batch fit. Learning computes the features of new
        samples with one :class:`~ffstream.OnlineConv` per channel holding the
        ``2k`` filters (continuous schedule), built at the first learning update
        after ``fit`` or after updates without learning, then advanced with the
        stream: polylog time per sample and feature, plus the ``O(m^2)`` RLS
        step for ``m`` weights.
    difference : int, default 0
        Order ``d >= 0`` of the ordinary difference ``(1 - B)^d`` applied before
        fitting: the features, weights and residuals are those of the
        differenced series, and its recursion is folded with the differencing
        polynomial into one filter of ``max(context, ar_order) + q`` taps on
        ``y`` (``q = d + s``), so that forecasts, sample paths and intervals are
        in the units of ``y`` (as for :class:`~ffstream.FIRForecaster`).
    seasonal_difference : int, default 0
        Period ``s`` of one seasonal difference ``(1 - B^s)`` applied before
        fitting (after ``difference``; ``0``: none).

    Attributes
    ----------
    filters_ : numpy.ndarray
        ``(context, k)`` spectral filters.
    ridge_ : float
        The relative penalty of the fit: ``ridge``, or the one ``ridge="auto"``
        chose.
    weights_ : numpy.ndarray
        ``(m, d)`` regression weights on ``[f (k d), g (k d), lags (ar_order d),
        1]``.
    intercept_ : float or numpy.ndarray
        Constant ``c``: a float for a 1-D series, else ``(d,)``.
    residual_cov_ : numpy.ndarray
        In-sample residual covariance ``(d, d)``.
    prediction_cov_ : numpy.ndarray
        ``residual_cov_`` scaled by the final prediction error factor ``(n + m)
        / (n - m)`` for ``n`` fitted rows and ``m`` weights per channel: the
        noise of :meth:`sample_paths`; with ``ridge="auto"``, ``m`` is the
        effective number of weights (the trace of the hat matrix).

    Examples
    --------
    Four filters of 32 taps and two lags forecast a sum of two sines:

    >>> import numpy as np
    >>> import ffstream
    >>> t = np.arange(210)
    >>> y = np.sin(0.2 * t) + 0.5 * np.sin(0.05 * t)
    >>> model = ffstream.SpectralForecaster(n_filters=4, context=32).fit(y[:200])
    >>> model
    SpectralForecaster(n_filters=4, context=32, ar_order=2, ridge=1e-06, n_seen=200)
    >>> model.filters_.shape, model.weights_.shape, model.filter_length
    ((32, 4), (11, 1), 32)
    >>> bool(np.abs(model.forecast(10) - y[200:]).max() < 0.01)
    True
    """

    _name = "SpectralForecaster"
    checkpoint_kind = "SpectralForecaster"

    def __init__(
        self,
        n_filters: int = 24,
        context: int = 1024,
        ar_order: int = 2,
        ridge: float | str = 1e-6,
        fit_intercept: bool = True,
        forgetting: float = 1.0,
        difference: int = 0,
        seasonal_difference: int = 0,
    ) -> None:
        super().__init__(difference, seasonal_difference)
        self.context = as_count(context, "context", 1)
        self.n_filters = as_count(n_filters, "n_filters", 1)
        if self.n_filters > self.context:
            raise ValueError(
                f"n_filters must be at most context={self.context}, got {n_filters}"
            )
        self.ar_order = as_count(ar_order, "ar_order", 0)
        forgetting = as_real_number(forgetting, "forgetting")
        if not 0.0 < forgetting <= 1.0:
            raise ValueError(f"forgetting must be in (0, 1], got {forgetting}")
        self.ridge = as_ridge_setting(ridge)
        self.fit_intercept = as_flag(fit_intercept, "fit_intercept")
        self.forgetting = forgetting
        self.filters_: np.ndarray | None = None
        self.weights_: np.ndarray | None = None
        self.ridge_: float | None = None
        self._inverse: np.ndarray | None = None
        # Online feature engines (one per channel), the features at the newest
        # sample (2k, d), and the sample counts (engines', model's) at which
        # they last agreed with the history.
        self._feature_engines: list[OnlineConv] | None = None
        self._latest_features: np.ndarray | None = None
        self._features_in_step = (0, 0)

    def _minimum_length(self) -> int:
        return max(self.ar_order, 1) + 1

    def _settings(self) -> dict:
        return {
            "n_filters": self.n_filters,
            "context": self.context,
            "ar_order": self.ar_order,
            "ridge": self.ridge,
            "fit_intercept": self.fit_intercept,
            "forgetting": self.forgetting,
            **self._differencing_settings(),
        }

    def _fitted_checkpoint(self, checkpoint: Checkpoint) -> Checkpoint:
        checkpoint.arrays.update(
            filters=self.filters_, weights=self.weights_, inverse=self._inverse
        )
        checkpoint.settings["ridge_"] = self.ridge_
        engines = self._feature_engines
        checkpoint.settings["feature_engines"] = engines is not None
        if engines is None:
            return checkpoint
        checkpoint.settings["features_in_step"] = list(self._features_in_step)
        checkpoint.arrays["latest_features"] = self._latest_features
        for c, engine in enumerate(engines):
            checkpoint = checkpoint.with_part(
                f"feature_engine_{c}", engine._to_checkpoint()
            )
        return checkpoint

    def _restore_fitted(self, checkpoint: Checkpoint, stream: OnlineConv) -> None:
        d = stream.n_inputs
        q = self._difference_degree
        taps = max(self.context, self.ar_order) + q
        if stream.filter_length != taps or stream.n_seen < self.ar_order + 1 + q:
            plus_q = "" if q == 0 else " + q"
            raise ValueError(
                f"the history must hold more than ar_order{plus_q}={self.ar_order + q} "
                f"samples in a filter of max(context, ar_order){plus_q}={taps} taps, "
                f"got {stream.n_seen} samples and {stream.filter_length} taps"
            )
        n_weights = (2 * self.n_filters + self.ar_order) * d + int(self.fit_intercept)
        self.filters_ = stored_array(
            checkpoint, "filters", (self.context, self.n_filters)
        )
        self.weights_ = stored_array(checkpoint, "weights", (n_weights, d))
        self._inverse = stored_array(checkpoint, "inverse", (n_weights, n_weights))
        ridge = restored_ridge(checkpoint, self.ridge)
        self.ridge_ = ridge
        if not stored_setting(checkpoint, "feature_engines", bool):
            return
        in_step = stored_setting(checkpoint, "features_in_step", list)
        if len(in_step) != 2 or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in in_step
        ):
            raise ValueError(
                f"setting 'features_in_step' must be two integers, got {in_step!r}"
            )
        bank = feature_bank(self.filters_)[:, :, np.newaxis]
        engines = []
        for c in range(d):
            engine = OnlineConv._from_checkpoint(checkpoint.part(f"feature_engine_{c}"))
            if not np.array_equal(engine._plan.bank.user_filters(), bank):
                raise ValueError(
                    f"feature engine {c} does not hold the model's feature filters"
                )
            engines.append(engine)
        self._latest_features = stored_array(
            checkpoint, "latest_features", (2 * self.n_filters, d)
        )
        self._feature_engines = engines
        self._features_in_step = (in_step[0], in_step[1])

    def _regressors(self, series: np.ndarray, rows: slice) -> np.ndarray:
        """Regressors ``(n, m)`` of the times ``rows`` of ``series`` ``(T, d)``."""
        start, stop = rows.start, rows.stop
        first = max(0, start - self.context + 1)
        features = spectral_features(series[first:stop], self.filters_)
        return self._design(features[start - first :], series, start, stop)

    def _design(
        self, features: np.ndarray, series: np.ndarray, start: int, stop: int
    ) -> np.ndarray:
        """Regressors from ``features`` ``(n, 2k, d)`` of the times ``start .. stop-1``.

        Appends the lags of ``series`` ``(T, d)`` at those times (zero before the
        series) and the intercept column.
        """
        parts = [features.reshape(stop - start, -1)]
        for lag in range(self.ar_order):
            lagged = np.zeros((stop - start, series.shape[1]))
            begin = max(start, lag)
            lagged[begin - start :] = series[begin - lag : stop - lag]
            parts.append(lagged)
        if self.fit_intercept:
            parts.append(np.ones((stop - start, 1)))
        return np.concatenate(parts, axis=1)

    def _fit_parameters(self, y: np.ndarray) -> FitResult:
        d = y.shape[1]
        first = self._first_row(len(y))
        n_rows = len(y) - 1 - first
        n_weights = (2 * self.n_filters + self.ar_order) * d + int(self.fit_intercept)
        check_determined(
            n_rows,
            n_weights,
            self.ridge,
            f"SpectralForecaster(n_filters={self.n_filters}, context={self.context}, "
            f"ar_order={self.ar_order}) on {len(y)} samples of {d} channel(s)",
        )
        self.filters_ = spectral_filters(self.context, self.n_filters)
        self._feature_engines = self._latest_features = None
        gram, cross, target_squares = 0.0, 0.0, 0.0
        for start in range(first, len(y) - 1, _CHUNK):
            stop = min(start + _CHUNK, len(y) - 1)
            x = self._regressors(y, slice(start, stop))
            targets = y[start + 1 : stop + 1]
            gram = gram + x.T @ x
            cross = cross + x.T @ targets
            target_squares = target_squares + (targets**2).sum(axis=0)
        scale = np.trace(gram) / len(gram)
        if self.ridge == "auto":
            relative, effective = self._ridge_by_gcv(
                gram, cross, target_squares, n_rows, scale
            )
        else:
            relative, effective = self.ridge, float(n_weights)
        penalty = relative * scale * np.eye(len(gram))
        if self.fit_intercept:
            penalty[-1, -1] = 0.0
        regularised = gram + penalty
        self.weights_ = scipy.linalg.solve(regularised, cross, assume_a="sym")
        self._inverse = scipy.linalg.inv(regularised)
        self.ridge_ = float(relative)
        residual_ss = 0.0
        for start in range(first, len(y) - 1, _CHUNK):
            stop = min(start + _CHUNK, len(y) - 1)
            residuals = (
                y[start + 1 : stop + 1]
                - self._regressors(y, slice(start, stop)) @ self.weights_
            )
            residual_ss = residual_ss + residuals.T @ residuals
        filters, intercept = self._effective_filter(d)
        return FitResult(filters, intercept, residual_ss / n_rows, n_rows, effective)

    def _ridge_by_gcv(
        self,
        gram: np.ndarray,
        cross: np.ndarray,
        target_squares: np.ndarray,
        n_rows: int,
        scale: float,
    ) -> tuple[float, float]:
        """The relative penalty generalised cross-validation picks, and the effective weights.

        The intercept (the last weight, never penalised) is eliminated first:
        the normal equations of the other weights are then those of the
        centred regressors and targets.
        """
        n_eliminated = int(self.fit_intercept)
        if self.fit_intercept:
            sums, target_sums = gram[-1, :-1], cross[-1]
            gram = gram[:-1, :-1] - np.outer(sums, sums) / n_rows
            cross = cross[:-1] - np.outer(sums, target_sums) / n_rows
            target_squares = target_squares - target_sums**2 / n_rows
        choice = ridge_by_gcv(gram, cross, target_squares, n_rows, n_eliminated)
        return choice.penalty / scale, choice.effective_regressors

    def _first_row(self, length: int) -> int:
        """First time whose next sample is a fitted target.

        Features before ``context - 1`` see zeros in place of the unobserved
        past, which biases the fit for a series far from zero: those rows are left
        out, except for series shorter than ``2 context``, which keep their second
        half.
        """
        return max(self.ar_order - 1, min(self.context, length // 2) - 1, 0)

    def _effective_filter(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """Fold the weights into the filter ``(taps, d, d)`` and the intercept ``(d,)``."""
        n_features = 2 * self.n_filters
        w = self.weights_
        feature_weights = w[: n_features * d].reshape(n_features, d, d)
        taps = max(self.context, self.ar_order)
        effective = np.zeros((taps, d, d))
        effective[: self.context] = np.einsum(
            "sj,jco->soc", feature_bank(self.filters_), feature_weights
        )
        lags = w[n_features * d : (n_features + self.ar_order) * d].reshape(
            self.ar_order, d, d
        )
        effective[: self.ar_order] += lags.transpose(0, 2, 1)
        intercept = w[-1].copy() if self.fit_intercept else np.zeros(d)
        return effective, intercept

    def _effective_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        return self._effective_filter(self._fitted_stream().n_inputs)

    def _learn(self, y_new: np.ndarray) -> None:
        """Recursive least squares over ``y_new``, its features from the feature engines."""
        engines = self._synced_feature_engines()
        pushed = np.stack(
            [
                engine.push_block(y_new[:, c : c + 1])
                for c, engine in enumerate(engines)
            ],
            axis=2,
        )
        # Target y_new[i] is predicted from the features at the sample before it.
        features = np.concatenate([self._latest_features[np.newaxis], pushed[:-1]])
        past = self._modelled_history(self.ar_order)
        series = np.concatenate([past, y_new])
        x = self._design(features, series, len(past) - 1, len(series) - 1)
        weights, inverse = self.weights_.copy(), self._inverse.copy()
        for row, target in zip(x, y_new, strict=True):
            rls_step(weights, inverse, row, target, self.forgetting)
        require_finite(weights, inverse)
        self.weights_, self._inverse = weights, inverse
        self._latest_features = pushed[-1]
        self._features_in_step = (engines[0].n_seen, self._n_seen + len(y_new))

    def _synced_feature_engines(self) -> list[OnlineConv]:
        """The feature engines, rebuilt from the history unless they follow it.

        They follow it when every engine has ingested exactly the samples the
        model has since the last time they agreed. A fit, an update without
        learning, or a learning update that failed after pushing into them (the
        model's record of the counts is restored, the engines are not) breaks
        that, and they are rebuilt by a prefill of the last ``context`` samples.
        """
        engines = self._feature_engines
        engines_seen, model_seen = self._features_in_step
        if (
            engines is not None
            and model_seen == self._n_seen
            and all(engine.n_seen == engines_seen for engine in engines)
        ):
            return engines
        stream = self._fitted_stream()
        history = self._modelled_history(self.context)
        bank = feature_bank(self.filters_)
        template = OnlineConv(bank[:, :, np.newaxis])
        engines = [template.copy() for _ in range(stream.n_inputs)]
        for c, engine in enumerate(engines):
            engine.prefill(history[:, c : c + 1])
        # Features at the newest sample: sum_s bank[s] y[t - s].
        self._latest_features = bank[: len(history)].T @ history[::-1]
        self._feature_engines = engines
        self._features_in_step = (engines[0].n_seen, self._n_seen)
        return engines

    def _describe(self) -> str:
        chosen = ""
        if self.ridge == "auto" and self.ridge_ is not None:
            chosen = f", ridge_={self.ridge_:.3g}"
        return (
            f"n_filters={self.n_filters}, context={self.context}, "
            f"ar_order={self.ar_order}, ridge={self.ridge!r}{chosen}"
        )
