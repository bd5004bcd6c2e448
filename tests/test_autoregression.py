"""fit_autoregression against statsmodels, dense least squares and known systems."""

import numpy as np
import pytest
from hypothesis import given
from scipy import signal
from statsmodels.regression.linear_model import yule_walker
from statsmodels.tsa.api import VAR
from statsmodels.tsa.ar_model import AutoReg

from ffstream.models._autoregression import (
    AutoregressionFit,
    _lagged_gram,
    _lagged_sums,
    fit_autoregression,
)

from reference import (
    dense_least_squares,
    dense_yule_walker,
    lagged_design,
    simulate_var,
)
from strategies import autoregression_problems


def _assert_close(actual, desired, rtol, scale=0.0):
    """Entrywise agreement relative to the largest entry of ``desired`` or ``scale``."""
    desired = np.asarray(desired)
    atol = rtol * max(np.abs(desired).max(), scale, 1e-300)
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)


def _ar_series(rng, n_samples, mean=2.0):
    """A stationary scalar AR(2) series with a non-zero mean, shaped ``(T, 1)``."""
    noise = rng.standard_normal(n_samples + 500)
    return mean + signal.lfilter([1.0], [1.0, -0.6, 0.25], noise)[500:, None]


# -- against statsmodels -----------------------------------------------------------


@pytest.mark.parametrize("order", [1, 5, 40])
def test_matches_autoreg(order):
    y = _ar_series(np.random.default_rng(order), 3000)
    fit = fit_autoregression(y, order)
    result = AutoReg(y[:, 0], lags=order, trend="c").fit()
    _assert_close(fit.intercept, result.params[:1], 1e-8)
    _assert_close(fit.coef[:, 0, 0], result.params[1:], 1e-8)
    _assert_close(fit.residual_cov, [[result.sigma2]], 1e-8)
    assert fit.n_equations == result.nobs == len(y) - order


@pytest.mark.parametrize("order", [1, 5, 40])
def test_matches_autoreg_without_intercept(order):
    y = _ar_series(np.random.default_rng(10 + order), 3000, mean=0.3)
    fit = fit_autoregression(y, order, fit_intercept=False)
    result = AutoReg(y[:, 0], lags=order, trend="n").fit()
    _assert_close(fit.coef[:, 0, 0], result.params, 1e-8)
    _assert_close(fit.residual_cov, [[result.sigma2]], 1e-8)
    np.testing.assert_array_equal(fit.intercept, [0.0])


@pytest.mark.parametrize(("d", "order"), [(2, 1), (2, 6), (3, 3)])
def test_matches_var(d, order):
    rng = np.random.default_rng(100 * d + order)
    true_coef = 0.4 / (order * d) * rng.uniform(-1.0, 1.0, (order, d, d))
    y = simulate_var(rng, true_coef, 2000, intercept=rng.standard_normal(d))
    fit = fit_autoregression(y, order)
    result = VAR(y).fit(order, trend="c")
    _assert_close(fit.coef, result.coefs, 1e-8)
    _assert_close(fit.intercept, result.intercept, 1e-8)
    _assert_close(fit.residual_cov, result.sigma_u_mle, 1e-8)
    assert fit.n_equations == result.nobs


# -- against the dense design ------------------------------------------------------


@given(autoregression_problems())
def test_normal_solver_matches_dense_least_squares(problem):
    y, order, ridge, fit_intercept = problem
    fit = fit_autoregression(y, order, ridge=ridge, fit_intercept=fit_intercept)
    coef, intercept, residual_cov = dense_least_squares(y, order, ridge, fit_intercept)
    scale = np.abs(y).max()
    _assert_close(fit.coef, coef, 1e-7, scale=1.0)
    _assert_close(fit.intercept, intercept, 1e-7, scale=scale)
    _assert_close(fit.residual_cov, residual_cov, 1e-7, scale=scale**2)
    assert fit.coef.shape == (order, y.shape[1], y.shape[1])
    assert fit.n_equations == len(y) - order


@pytest.mark.parametrize(
    ("n_samples", "order", "d"), [(12, 11, 1), (300, 150, 2), (90, 7, 3)]
)
def test_lagged_gram_equals_dense_products(n_samples, order, d):
    y = np.random.default_rng(order).standard_normal((n_samples, d)) + 0.5
    design = np.hstack([y[order - i : n_samples - i] for i in range(order + 1)])
    gram = _lagged_gram(y, order + 1)
    _assert_close(gram, design.T @ design, 1e-13)
    np.testing.assert_array_equal(gram, gram.T)
    _assert_close(_lagged_sums(y, order + 1), design.sum(axis=0), 1e-13)


def test_constant_series_falls_back_to_least_norm_solution():
    for solver in ("normal", "yule-walker"):
        for d in (1, 2):
            fit = fit_autoregression(np.full((30, d), 4.0), 3, solver=solver)
            np.testing.assert_array_equal(fit.coef, np.zeros((3, d, d)))
            np.testing.assert_allclose(fit.intercept, np.full(d, 4.0))
            np.testing.assert_allclose(fit.residual_cov, np.zeros((d, d)), atol=1e-20)


# -- Yule-Walker --------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("order", [1, 6, 30])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_yule_walker_matches_statsmodels(order, fit_intercept):
    y = _ar_series(np.random.default_rng(order), 800)
    fit = fit_autoregression(
        y, order, solver="yule-walker", fit_intercept=fit_intercept
    )
    rho = yule_walker(y[:, 0], order=order, method="mle", demean=fit_intercept)[0]
    _assert_close(fit.coef[:, 0, 0], rho, 1e-10)
    if fit_intercept:
        _assert_close(fit.intercept, (1.0 - rho.sum()) * y.mean(axis=0), 1e-10)
    else:
        np.testing.assert_array_equal(fit.intercept, [0.0])


@given(autoregression_problems())
def test_yule_walker_matches_dense_block_toeplitz(problem):
    y, order, ridge, fit_intercept = problem
    fit = fit_autoregression(
        y, order, ridge=ridge, fit_intercept=fit_intercept, solver="yule-walker"
    )
    scale = np.abs(y).max()
    reference = dense_yule_walker(y, order, ridge, fit_intercept)
    _assert_close(fit.coef, reference, 1e-7, scale=1.0)
    design, targets = lagged_design(y, order, fit_intercept=False)
    lag_rows = fit.coef.transpose(0, 2, 1).reshape(-1, y.shape[1])
    residuals = targets - fit.intercept - design @ lag_rows
    residual_cov = residuals.T @ residuals / len(residuals)
    _assert_close(fit.residual_cov, residual_cov, 1e-7, scale=scale**2)


def test_yule_walker_recovers_ar2():
    rng = np.random.default_rng(7)
    noise = rng.standard_normal(100_000)
    y = 3.0 + signal.lfilter([1.0], [1.0, -0.5, 0.3], noise)[:, None]
    fit = fit_autoregression(y, 2, solver="yule-walker")
    np.testing.assert_allclose(fit.coef[:, 0, 0], [0.5, -0.3], atol=0.015)
    np.testing.assert_allclose(fit.intercept, [3.0 * (1 - 0.5 + 0.3)], atol=0.05)
    np.testing.assert_allclose(fit.residual_cov, [[1.0]], atol=0.02)
    ols = fit_autoregression(y, 2)
    np.testing.assert_allclose(fit.coef, ols.coef, atol=1e-3)


def test_yule_walker_recovers_var2():
    rng = np.random.default_rng(8)
    true_coef = np.array([[[0.5, 0.2], [-0.1, 0.3]], [[-0.2, 0.0], [0.1, 0.2]]])
    y = simulate_var(rng, true_coef, 100_000, intercept=np.array([1.0, -1.0]))
    for solver in ("yule-walker", "normal"):
        fit = fit_autoregression(y, 2, solver=solver)
        np.testing.assert_allclose(fit.coef, true_coef, atol=0.015)
        np.testing.assert_allclose(fit.residual_cov, np.eye(2), atol=0.03)


# -- long orders ----------------------------------------------------------------------


def test_long_order_recovers_sparse_system():
    order, n_samples = 2048, 200_000
    true_coef = np.zeros(order)
    true_coef[[0, 99, order - 1]] = [0.4, 0.2, 0.3]
    noise = np.random.default_rng(2048).standard_normal(n_samples + 20_000)
    y = signal.lfilter([1.0], np.concatenate([[1.0], -true_coef]), noise)[20_000:, None]
    for solver in ("normal", "yule-walker"):
        fit = fit_autoregression(y, order, solver=solver)
        assert fit.coef.shape == (order, 1, 1)
        np.testing.assert_allclose(fit.coef[:, 0, 0], true_coef, atol=0.02)
        np.testing.assert_allclose(fit.residual_cov, [[1.0]], atol=0.02)
        assert fit.n_equations == n_samples - order


# -- arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"solver": "qr"}, "solver"),
        ({"ridge": -1.0}, "ridge"),
        ({"ridge": np.nan}, "ridge"),
        ({"order": 0}, "order"),
        ({"order": 10}, "y must have more samples than order"),
        ({"y": np.zeros(20)}, "y must"),
    ],
)
def test_bad_arguments_raise(kwargs, name):
    arguments = {"y": np.zeros((10, 2)), "order": 2} | kwargs
    y, order = arguments.pop("y"), arguments.pop("order")
    with pytest.raises(ValueError, match=name):
        fit_autoregression(y, order, **arguments)


def test_returns_autoregression_fit():
    y = np.random.default_rng(0).standard_normal((50, 2))
    fit = fit_autoregression(y, 3, fit_intercept=False)
    assert isinstance(fit, AutoregressionFit)
    assert fit.coef.shape == (3, 2, 2)
    assert fit.intercept.shape == (2,)
    assert fit.residual_cov.shape == (2, 2)
    np.testing.assert_array_equal(fit.intercept, np.zeros(2))
    assert fit.n_equations == 47
