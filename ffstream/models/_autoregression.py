"""Least-squares and Yule-Walker fits of long (vector) autoregressions, without a design matrix.

The lagged design of an order-``p`` autoregression on ``T`` samples has ``T - p`` rows
and ``p d`` columns: for ``p`` in the thousands and ``T`` up to ``10^6`` it does not fit
in memory. Its Gram matrix is block-Toeplitz up to rank-one corrections from the
first and last ``p`` samples, so it is assembled here from FFT cross-correlations
(all channel pairs, lags ``0..p``) and cumulative sums instead.
"""

import operator
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from scipy import fft, linalg

from ffstream.engine.blas_threads import one_blas_thread_if_large
from ffstream.engine.validation import as_ridge, check_memory
from ffstream.models._ridge import ridge_by_gcv

#: How the autoregression's normal equations are solved.
ARSolver = Literal["normal", "yule-walker"]
AR_SOLVERS: tuple[str, ...] = get_args(ARSolver)


@dataclass(frozen=True)
class AutoregressionFit:
    """Coefficients and residual covariance of a fitted (vector) autoregression.

    The model is ``y[t+1] = intercept + sum_{i=0}^{order-1} coef[i] @ y[t-i] + e[t+1]``.

    Attributes
    ----------
    coef : numpy.ndarray
        ``(order, d, d)``: ``coef[i][out, in]`` multiplies ``y[t-i][in]``.
    intercept : numpy.ndarray
        ``(d,)``; zeros when the fit had ``fit_intercept=False``.
    residual_cov : numpy.ndarray
        ``(d, d)``: ``E^T E / n_equations`` over the in-sample one-step residuals
        ``E`` (the maximum-likelihood estimate: statsmodels ``AutoReg`` ``sigma2`` and
        ``VAR`` ``sigma_u_mle``, not the degrees-of-freedom corrected ``sigma_u``).
    n_equations : int
        Number of one-step equations ``T - order``.
    ridge : float
        The penalty the fit used: the ``ridge`` argument, or the one
        ``ridge="auto"`` chose.
    effective_regressors : float
        Regressors per equation the fit spends: ``order d + 1`` with an intercept
        (``order d`` without) for a fixed ``ridge``, the trace of the hat matrix
        for ``ridge="auto"``.

    Examples
    --------
    The fit of a noise-free AR(2) process, ``cos(0.3 t)``, on 100 samples:

    >>> import numpy as np
    >>> from ffstream.models._autoregression import fit_autoregression
    >>> fit = fit_autoregression(np.cos(0.3 * np.arange(100))[:, None], 2)
    >>> fit.coef.shape, fit.intercept.shape, fit.residual_cov.shape, fit.n_equations
    ((2, 1, 1), (1,), (1, 1), 98)
    >>> np.round(fit.coef[:, 0, 0], 3)
    array([ 1.911, -1.   ])
    >>> bool(fit.residual_cov[0, 0] < 1e-20)
    True
    """

    coef: np.ndarray
    intercept: np.ndarray
    residual_cov: np.ndarray
    n_equations: int
    ridge: float
    effective_regressors: float


def fit_autoregression(
    y: np.ndarray,
    order: int,
    *,
    ridge: float | str = 0.0,
    fit_intercept: bool = True,
    solver: ARSolver = "normal",
) -> AutoregressionFit:
    """Fit ``y[t+1] = c + sum_{i<order} A[i] @ y[t-i]`` by least squares or Yule-Walker.

    Parameters
    ----------
    y : numpy.ndarray
        ``(T, d)`` float64 series, finite, with ``T > order``.
    order : int
        Number of lags ``p >= 1``.
    ridge : float or "auto", default 0.0
        Non-negative Tikhonov penalty: ``ridge * I`` is added to the lag block of the
        Gram matrix (sums over equations, not averages), never to the intercept. For
        ``"yule-walker"`` it is added to the Toeplitz matrix of autocovariance sums
        ``T * gamma``, the analogue of that Gram matrix. ``"auto"`` (``"normal"``
        only): the penalty minimising the generalised cross-validation criterion
        (:func:`~ffstream.models._ridge.ridge_by_gcv`), shared by all channels.
    fit_intercept : bool, default True
        Fit the constant ``c``. Without it ``c = 0`` and ``"yule-walker"`` uses
        second moments about zero instead of autocovariances about the mean.
    solver : {"normal", "yule-walker"}, default "normal"
        ``"normal"``: ordinary least squares over the ``T - p`` equations
        ``t = p-1 .. T-2`` (the estimate of statsmodels ``AutoReg(y, lags=p,
        trend="c")`` and ``VAR(y).fit(p, trend="c")``), from the normal equations.
        ``"yule-walker"``: the classical estimate from the biased sample
        autocovariances ``gamma(h) = sum_{t>=h} y~[t] y~[t-h]^T / T`` of the
        demeaned series ``y~`` (statsmodels ``yule_walker(method="mle")`` for one
        channel). It is not the OLS estimate -- it treats the samples outside the
        series as zeros, which changes the Gram matrix by O(p / T) -- but its matrix
        is always positive semi-definite and, for one channel, solved by Levinson
        recursion: cheaper and more stable for very long orders.

    Returns
    -------
    AutoregressionFit
        Coefficients, intercept and the residual covariance over the same
        ``T - p`` one-step equations whatever the solver.

    Raises
    ------
    ValueError
        If ``y`` is not 2-D, ``order < 1``, ``T <= order``, ``ridge`` is negative,
        not finite or ``"auto"`` with ``"yule-walker"``, or ``solver`` is unknown.

    Notes
    -----
    The intercept is eliminated by centring ``y`` on its mean first (with an
    intercept and the ridge on the lags only, this changes nothing but rounding),
    then recovered as ``c = c~ + (I - sum_i A[i]) mean``.

    ``"normal"`` assembles ``X^T X`` and ``X^T Y`` of the design ``X`` (rows
    ``[1, y[t], ..., y[t-p+1]]``) without forming ``X``: the first block row of the
    Gram matrix of ``[y[s], y[s-1], ..., y[s-p]]`` over ``s = p .. T-1`` is an FFT
    cross-correlation, every further block follows exactly from
    ``G[i+1, j+1] = G[i, j] + y[p-1-i] y[p-1-j]^T - y[T-1-i] y[T-1-j]^T`` (the
    window slides back by one sample), and the intercept row is a difference of
    cumulative sums. The result equals the dense Gram matrix to rounding. The
    intercept is eliminated by its Schur complement (a rank-one update of the lag
    block) and the lag block solved by Cholesky; if it is not numerically positive
    definite (a singular design, e.g. a constant series without ridge), by
    ``scipy.linalg.lstsq``, which returns the minimum-norm lag coefficients. No
    warning is issued in that case.

    Cost, with ``p`` the order and ``d`` the channels: ``O(d^2 T log T)`` for the
    correlations and the residuals (FFT convolutions), ``O((p d)^2 d)`` and
    ``O((p d)^2)`` memory for the Gram matrix, ``O((p d)^3)`` for the solve.
    ``"yule-walker"`` costs the same FFTs, then ``O(p^2)`` time and ``O(p)``
    memory for ``d = 1`` (Levinson) or a dense ``O((p d)^3)`` solve for ``d > 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import signal
    >>> noise = np.random.default_rng(0).standard_normal(20_000)
    >>> y = signal.lfilter([1.0], [1.0, -0.5, 0.3], noise)[:, None]
    >>> fit = fit_autoregression(y, 2)
    >>> np.round(fit.coef[:, 0, 0], 1)
    array([ 0.5, -0.3])
    """
    order = _check_arguments(y, order, ridge, solver)
    n_samples, n_channels = y.shape
    check_memory(
        fit_memory_values(n_samples, n_channels, order, solver),
        f"a fit of order={order} on {n_channels} channel(s) and {n_samples} samples",
    )
    mean = y.mean(axis=0) if fit_intercept else np.zeros(n_channels)
    centered = y - mean
    effective = order * n_channels + int(fit_intercept)
    if solver == "yule-walker":
        coef, shift = _yule_walker(centered, order, ridge), np.zeros(n_channels)
    elif ridge == "auto":
        coef, shift, ridge, effective = _least_squares_gcv(
            centered, order, fit_intercept
        )
    else:
        coef, shift = _least_squares(centered, order, ridge, fit_intercept)
    intercept = shift + (np.eye(n_channels) - coef.sum(axis=0)) @ mean
    residuals = _one_step_residuals(centered, coef, shift)
    return AutoregressionFit(
        coef=coef,
        intercept=intercept,
        residual_cov=residuals.T @ residuals / len(residuals),
        n_equations=n_samples - order,
        ridge=float(ridge),
        effective_regressors=float(effective),
    )


def _check_arguments(y: np.ndarray, order: int, ridge: object, solver: str) -> int:
    """Raise ``ValueError`` naming the bad argument; return ``order`` as an ``int``."""
    if solver not in AR_SOLVERS:
        raise ValueError(f"solver must be one of {AR_SOLVERS}, got {solver!r}")
    if ridge == "auto":
        if solver != "normal":
            raise ValueError(
                "ridge='auto' chooses the penalty of the least-squares fit: it needs "
                f"solver='normal', got solver={solver!r}"
            )
    else:
        as_ridge(ridge)
    order = operator.index(order)
    if order < 1:
        raise ValueError(f"order must be at least 1, got {order}")
    if y.ndim != 2:
        raise ValueError(f"y must be a (T, d) array, got shape {y.shape}")
    if y.shape[0] <= order:
        raise ValueError(
            f"y must have more samples than order={order}, got T={y.shape[0]}"
        )
    return order


def fit_memory_values(
    n_samples: int, n_channels: int, order: int, solver: ARSolver
) -> int:
    """About how many float64 values :func:`fit_autoregression` holds at its peak.

    The normal equations hold the ``((order + 1) d)^2`` Gram matrix and the
    Cholesky factor of its lag block; the dense Yule-Walker system holds the
    block-Toeplitz matrix, the copy its reshaping makes and the factor (one
    channel: Levinson, no matrix). A singular system is solved by least squares
    instead, which needs one more matrix of the lag block's order. Each adds a
    few FFT arrays of the series.

    Examples
    --------
    >>> from ffstream.models._autoregression import fit_memory_values
    >>> round(fit_memory_values(10**6, 1, 16384, "normal") * 8 / 2**30, 1)  # GiB
    6.1
    """
    n_fft = fft.next_fast_len(n_samples + order, real=True)
    series = 2 * n_samples * n_channels + 6 * n_fft * n_channels
    lags = order * n_channels
    if solver == "normal":
        return series + (lags + n_channels) ** 2 + 2 * lags**2
    if n_channels == 1:
        return series
    return series + 4 * lags**2


def _cross_correlation(a: np.ndarray, b: np.ndarray, max_lag: int) -> np.ndarray:
    """``r[h, i, j] = sum_s a[s, i] b[s-h, j]`` for ``h = 0..max_lag``, ``b`` zero before 0.

    ``a`` and ``b`` are ``(T, d)``; the result is ``(max_lag + 1, d, d)``. The FFT
    length ``>= T + max_lag`` keeps the circular correlation free of wrap-around.
    """
    n_fft = fft.next_fast_len(len(a) + max_lag, real=True)
    a_spectrum = fft.rfft(a, n=n_fft, axis=0)
    b_spectrum = np.conj(a_spectrum if b is a else fft.rfft(b, n=n_fft, axis=0))
    result = np.empty((max_lag + 1, a.shape[1], b.shape[1]))
    for i in range(a.shape[1]):
        product = a_spectrum[:, i, None] * b_spectrum
        result[:, i, :] = fft.irfft(product, n=n_fft, axis=0)[: max_lag + 1]
    return result


def _lagged_gram(x: np.ndarray, n_blocks: int) -> np.ndarray:
    """``sum_s w_s w_s^T`` over ``s = n_blocks-1 .. T-1``, ``w_s = [x[s], ..., x[s-n_blocks+1]]``.

    Returns the symmetric ``(n_blocks d, n_blocks d)`` matrix, block ``(i, j)`` being
    ``G[i, j] = sum_s x[s-i] x[s-j]^T``. The first block row is an FFT
    cross-correlation; shifting the window of ``s`` down by one gives
    ``G[i+1, j+1] = G[i, j] + u_i u_j^T - v_i v_j^T`` with ``u_i = x[n_blocks-2-i]``
    (the sample that enters) and ``v_i = x[T-1-i]`` (the one that leaves), which
    fills the upper triangle block row by block row, each mirrored to the block
    column below, in ``O((n_blocks d)^2 d)`` time and no memory beyond the result.
    """
    n_samples, d = x.shape
    entering = x[: n_blocks - 1][::-1]
    leaving = x[n_samples - n_blocks + 1 :][::-1]
    window = x.copy()
    window[: n_blocks - 1] = 0.0
    gram = np.empty((n_blocks, d, n_blocks, d))
    gram[0] = _cross_correlation(window, x, n_blocks - 1).transpose(1, 0, 2)
    gram[0, :, 0] = (gram[0, :, 0] + gram[0, :, 0].T) / 2.0
    for i in range(n_blocks - 1):
        gram[i + 1, :, i + 1 :] = (
            gram[i, :, i:-1]
            + entering[i][:, None, None] * entering[i:][None]
            - leaving[i][:, None, None] * leaving[i:][None]
        )
        gram[i + 1 :, :, i] = gram[i, :, i + 1 :].transpose(1, 2, 0)
    return gram.reshape(n_blocks * d, n_blocks * d)


def _lagged_sums(x: np.ndarray, n_blocks: int) -> np.ndarray:
    """``sum_s w_s`` over the windows of :func:`_lagged_gram`, ``(n_blocks d,)``, by cumsums."""
    n_samples = len(x)
    cumulative = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    lags = np.arange(n_blocks)
    return (cumulative[n_samples - lags] - cumulative[n_blocks - 1 - lags]).ravel()


def _least_squares(
    x: np.ndarray, order: int, ridge: float, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray]:
    """OLS/ridge ``(coef, intercept)`` of ``x[s]`` on ``[1, x[s-1], ..., x[s-order]]``.

    The intercept is eliminated from the normal equations by its Schur complement
    (a rank-one update of the lag block, in place): the lag coefficients solve
    ``(G + ridge I - s s^T / n) B = g - s m^T / n`` with ``s`` and ``m`` the sums of
    the lagged regressors and of the targets, and ``c = (m - B^T s) / n``.
    """
    d = x.shape[1]
    gram = _lagged_gram(x, order + 1)
    lhs, rhs = gram[d:, d:], gram[d:, :d]
    lhs[np.diag_indices_from(lhs)] += ridge
    if not fit_intercept:
        return _coef_from_rows(_solve_positive(lhs, rhs), order), np.zeros(d)
    sums = _lagged_sums(x, order + 1)
    target_sums, lag_sums = sums[:d], sums[d:]
    n_equations = len(x) - order
    lhs -= np.outer(lag_sums, lag_sums / n_equations)
    rhs -= np.outer(lag_sums, target_sums / n_equations)
    lag_rows = _solve_positive(lhs, rhs)
    intercept = (target_sums - lag_sums @ lag_rows) / n_equations
    return _coef_from_rows(lag_rows, order), intercept


def _least_squares_gcv(
    x: np.ndarray, order: int, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """:func:`_least_squares` with the penalty chosen by generalised cross-validation.

    Returns ``(coef, intercept, penalty, effective regressors)``; the normal
    equations are those of :func:`_least_squares` without ridge, and the targets'
    centred sums of squares come from the target block of the same Gram matrix.
    """
    d = x.shape[1]
    gram = _lagged_gram(x, order + 1)
    n_equations = len(x) - order
    if fit_intercept:
        sums = _lagged_sums(x, order + 1)
        gram -= np.outer(sums, sums / n_equations)
    choice = ridge_by_gcv(
        gram[d:, d:],
        gram[d:, :d],
        np.diag(gram[:d, :d]).copy(),
        n_equations,
        int(fit_intercept),
    )
    intercept = np.zeros(d)
    if fit_intercept:
        intercept = (sums[:d] - sums[d:] @ choice.solution) / n_equations
    coef = _coef_from_rows(choice.solution, order)
    return coef, intercept, choice.penalty, choice.effective_regressors


def _yule_walker(x: np.ndarray, order: int, ridge: float) -> np.ndarray:
    """Yule-Walker ``coef`` from the lag-product sums of ``x`` (centred by the caller or not)."""
    d = x.shape[1]
    acov = _cross_correlation(x, x, order)
    rhs = acov[1:].transpose(0, 2, 1).reshape(order * d, d)
    if d == 1:
        column = acov[:order, 0, 0].copy()
        column[0] += ridge
        try:
            return linalg.solve_toeplitz(column, rhs[:, 0]).reshape(order, 1, 1)
        except linalg.LinAlgError:
            pass  # a singular leading minor: solve the dense system below instead
    lhs = _block_toeplitz(acov[:order])
    lhs[np.diag_indices_from(lhs)] += ridge
    return _coef_from_rows(_solve_positive(lhs, rhs), order)


def _block_toeplitz(acov: np.ndarray) -> np.ndarray:
    """Symmetric ``(p d, p d)`` matrix of blocks ``acov[j-i]`` (``acov[i-j]^T`` if ``i > j``)."""
    order, d, _ = acov.shape
    two_sided = np.concatenate([acov[:0:-1].transpose(0, 2, 1), acov])
    lags = np.arange(order)[None, :] - np.arange(order)[:, None] + order - 1
    blocks = two_sided[lags]
    return blocks.transpose(0, 2, 1, 3).reshape(order * d, order * d)


def _solve_positive(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve the symmetric system by Cholesky, or by minimum-norm lstsq if it is singular.

    Large systems are solved on one BLAS thread (see :mod:`ffstream.engine.blas_threads`).
    """
    with one_blas_thread_if_large(len(lhs)):
        try:
            factor = linalg.cho_factor(lhs)
        except linalg.LinAlgError:
            return linalg.lstsq(lhs, rhs)[0]
        return linalg.cho_solve(factor, rhs)


def _coef_from_rows(rows: np.ndarray, order: int) -> np.ndarray:
    """Normal-equation solution ``(order d, d)`` (row ``i d + in``, column ``out``) as ``coef``."""
    d = rows.shape[1]
    return np.ascontiguousarray(rows.reshape(order, d, d).transpose(0, 2, 1))


def _one_step_residuals(
    x: np.ndarray, coef: np.ndarray, intercept: np.ndarray
) -> np.ndarray:
    """``x[s] - intercept - sum_i coef[i] @ x[s-1-i]`` for ``s = order .. T-1``, by FFT convolution.

    An FFT length ``>= T`` suffices: the circular wrap-around only reaches ``s < order``.
    """
    n_samples = len(x)
    order = len(coef)
    n_fft = fft.next_fast_len(n_samples, real=True)
    spectrum = fft.rfft(x, n=n_fft, axis=0)
    taps = np.concatenate([np.zeros((1,) + coef.shape[1:]), coef])
    residuals = x[order:] - intercept
    for out in range(x.shape[1]):
        response = fft.rfft(taps[:, out, :], n=n_fft, axis=0)
        prediction = fft.irfft((response * spectrum).sum(axis=1), n=n_fft)
        residuals[:, out] -= prediction[order:n_samples]
    return residuals


# -- order selection -----------------------------------------------------------------

#: Information criteria the order of an autoregression can be chosen by.
Criterion = Literal["aic", "bic", "hqic"]
CRITERIA: tuple[str, ...] = get_args(Criterion)


def largest_estimable_order(
    n_samples: int, n_channels: int, fit_intercept: bool
) -> int:
    """Largest order whose least-squares fit keeps ``n_channels`` residual degrees of freedom.

    statsmodels' rule for ``VAR.select_order``: ``(T - d - k) // (1 + d)`` with ``k``
    the deterministic terms (1 with an intercept). For that order ``p`` the
    ``T - p`` equations exceed the ``p d + k`` regressors by at least ``d``.

    Examples
    --------
    >>> from ffstream.models._autoregression import largest_estimable_order
    >>> largest_estimable_order(200, 1, True), largest_estimable_order(200, 3, False)
    (99, 49)
    """
    return (n_samples - n_channels - int(fit_intercept)) // (1 + n_channels)


def default_max_order(n_samples: int, n_channels: int, fit_intercept: bool) -> int:
    """``round(12 (T / 100)^(1/4))`` (Schwert's rule), capped at the largest estimable order.

    The default of statsmodels' ``VAR.select_order(maxlags=None)``; at least 1.

    Examples
    --------
    >>> from ffstream.models._autoregression import default_max_order
    >>> default_max_order(200, 1, True), default_max_order(10**5, 1, True)
    (14, 67)
    """
    rule = round(12 * (n_samples / 100.0) ** 0.25)
    return max(
        1, min(rule, largest_estimable_order(n_samples, n_channels, fit_intercept))
    )


def information_criteria(
    y: np.ndarray, max_order: int, fit_intercept: bool = True
) -> dict[str, np.ndarray]:
    """AIC, BIC and HQIC of the least-squares fits of orders ``0..max_order`` on one sample.

    Every order is fitted to the same ``n = T - max_order`` equations (targets
    ``y[max_order:]``), as statsmodels' ``ar_select_order`` and
    ``VAR.select_order`` do, and its criteria are computed with statsmodels'
    definitions, which differ between one channel and several:

    * one channel (``AutoReg``, as ``ar_select_order`` computes them):
      ``-2 llf + c (p + 1)`` with ``-2 llf = n (log(2 pi sigma2) + 1)``,
      ``sigma2 = RSS_p / n`` and ``c = 2``, ``log n`` or ``2 log log n``. The
      parameter count is ``p + 1`` with or without an intercept (statsmodels
      counts the lags plus one). Orders ``0..max_order``.
    * several channels (``VAR``): ``log det(Sigma_p) + c (p d^2 + d k) / n`` with
      ``Sigma_p`` the residual covariance divided by ``n`` and ``k`` = 1 with an
      intercept, else 0. Orders ``0..max_order`` with an intercept,
      ``1..max_order`` without (order 0 is then ``nan``, as statsmodels skips it).

    Parameters
    ----------
    y : numpy.ndarray
        ``(T, d)`` float64 series, finite.
    max_order : int
        Largest order, at most :func:`largest_estimable_order`.
    fit_intercept : bool, default True
        Fit a constant in every candidate (statsmodels ``trend="c"``, else ``"n"``).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{"aic": ..., "bic": ..., "hqic": ...}``, each ``(max_order + 1,)`` indexed
        by the order.

    Raises
    ------
    ValueError
        If ``max_order`` is below 1 or above :func:`largest_estimable_order`.

    Notes
    -----
    One Gram matrix, one factorisation. The Gram matrix ``G`` of
    ``[y[s], y[s-1], ..., y[s-P]]`` over ``s = P .. T-1`` is that of the fit of
    order ``P = max_order`` (:func:`_lagged_gram`, the intercept eliminated by its
    Schur complement). Reordered as ``[lag 1, ..., lag P, target]`` its Cholesky
    factor ``L`` holds every nested fit: the first ``p`` lag blocks of ``L``'s
    target block row ``B_1 .. B_P`` and its diagonal block ``D`` give the residual
    sums of squares of the fit on the first ``p`` lags as
    ``RSS_p = D D^T + sum_{j > p} B_j B_j^T`` (sums of positive semi-definite
    terms: no cancellation, even for a noise-free series). Cost: that of one fit of
    order ``P`` -- ``O(d^2 T log T)`` for the correlations, ``O((P d)^2 d)`` for the
    Gram matrix, ``(P d)^3 / 3`` for the Cholesky factorisation, ``O(P d^3)`` for
    the ``RSS_p`` -- instead of ``P`` fits. If the factorisation fails (a singular
    design), each ``RSS_p`` is computed from its leading block by
    ``scipy.linalg.lstsq`` instead (``O(P^4 d^3)``).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import signal
    >>> from ffstream.models._autoregression import information_criteria
    >>> noise = np.random.default_rng(0).standard_normal(2000)
    >>> y = signal.lfilter([1.0], [1.0, -0.5, 0.3], noise)[:, None]
    >>> values = information_criteria(y, 8)
    >>> values["bic"].shape, int(np.argmin(values["bic"]))
    ((9,), 2)
    """
    n_samples, d = y.shape
    max_order = operator.index(max_order)
    largest = largest_estimable_order(n_samples, d, fit_intercept)
    if not 1 <= max_order <= largest:
        raise ValueError(
            f"max_order must be between 1 and {largest} for {n_samples} samples of "
            f"{d} channel(s) (the largest order leaving {d} residual degree(s) of "
            f"freedom), got {max_order}"
        )
    check_memory(
        fit_memory_values(n_samples, d, max_order, "normal"),
        f"an order selection up to max_order={max_order} on {d} channel(s) and "
        f"{n_samples} samples",
    )
    x = y - y.mean(axis=0) if fit_intercept else y
    gram = _lagged_gram(x, max_order + 1)
    n_equations = n_samples - max_order
    if fit_intercept:
        sums = _lagged_sums(x, max_order + 1)
        gram -= np.outer(sums, sums) / n_equations
    rss = _nested_residual_sums(gram, max_order, d)
    orders = np.arange(max_order + 1)
    terms = {
        "aic": 2.0,
        "bic": np.log(n_equations),
        "hqic": 2.0 * np.log(np.log(n_equations)),
    }
    if d == 1:
        sigma2 = rss[:, 0, 0] / n_equations
        deviance = n_equations * (np.log(2 * np.pi * sigma2) + 1.0)
        return {name: deviance + c * (orders + 1) for name, c in terms.items()}
    logdet = np.linalg.slogdet(rss / n_equations)[1]
    free = (orders * d * d + d * int(fit_intercept)) / n_equations
    values = {name: logdet + c * free for name, c in terms.items()}
    if not fit_intercept:
        for array in values.values():
            array[0] = np.nan
    return values


def _nested_residual_sums(gram: np.ndarray, max_order: int, d: int) -> np.ndarray:
    """``(max_order + 1, d, d)`` residual sums of squares of block 0 on blocks ``1..p``.

    ``gram`` is the ``((max_order + 1) d)^2`` Gram matrix of ``[target, lag 1, ...,
    lag max_order]`` (see :func:`information_criteria` for the method).
    """
    lags = max_order * d
    reorder = np.r_[d : lags + d, 0:d]
    matrix = gram[np.ix_(reorder, reorder)]
    with one_blas_thread_if_large(len(matrix)):
        try:
            factor = linalg.cholesky(matrix, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return _nested_residual_sums_lstsq(matrix, max_order, d)
    row = factor[lags:, :lags].reshape(d, max_order, d)
    last = factor[lags:, lags:]
    contributions = np.einsum("ajb,cjb->jac", row, row)
    tail = np.cumsum(contributions[::-1], axis=0)[::-1]
    rss = np.empty((max_order + 1, d, d))
    rss[:] = last @ last.T
    rss[:max_order] += tail
    return rss


def _nested_residual_sums_lstsq(
    matrix: np.ndarray, max_order: int, d: int
) -> np.ndarray:
    """:func:`_nested_residual_sums` from the reordered matrix, by one lstsq per order."""
    lags = max_order * d
    cross, target = matrix[:lags, lags:], matrix[lags:, lags:]
    rss = np.empty((max_order + 1, d, d))
    rss[0] = target
    for p in range(1, max_order + 1):
        k = p * d
        solution = linalg.lstsq(matrix[:k, :k], cross[:k])[0]
        rss[p] = target - cross[:k].T @ solution
        rss[p] = (rss[p] + rss[p].T) / 2.0
    return rss
