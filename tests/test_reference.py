"""The oracles of ``tests/reference.py``, each checked once against a trusted library."""

import numpy as np
import pytest
from scipy import signal
from statsmodels.regression.linear_model import yule_walker
from statsmodels.tsa.api import VAR
from statsmodels.tsa.statespace.tools import diff

from reference import (
    as_matrices,
    dense_least_squares,
    dense_yule_walker,
    differenced,
    lagged_design,
    naive_causal_conv,
    naive_causal_conv_fast,
    naive_rollout,
    recursive_least_squares,
    scipy_causal_conv,
    simulate_var,
    spectral_features_by_loops,
    undifferenced,
    var_forecast,
)

DIMS = {"scalar": (1, 1), "depthwise": (3, 3), "mimo": (2, 3)}


# -- convolution ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [1, 4, 37])
def test_naive_convolutions_agree_with_scipy(
    rng, make_filters, make_inputs, assert_rel_close, layout, length
):
    d_in, d_out = DIMS[layout]
    h = make_filters(rng, layout, length, d_in=d_in, d_out=d_out)
    u = make_inputs(rng, layout, 3 * length + 11, d_in=d_in)
    expected = scipy_causal_conv(h, u)
    assert_rel_close(naive_causal_conv(h, u).reshape(expected.shape), expected, 1e-12)
    assert_rel_close(
        naive_causal_conv_fast(h, u).reshape(expected.shape), expected, 1e-12
    )


def test_naive_convolution_on_a_hand_computed_case():
    h = np.array([[[1.0, 2.0]], [[3.0, -1.0]]])  # L=2, d_out=1, d_in=2
    u = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    # y0 = 1; y1 = 2*1 + 3*1 = 5; y2 = (2 + 4) + (0 - 1) = 5
    np.testing.assert_array_equal(naive_causal_conv(h, u), [[1.0], [5.0], [5.0]])
    np.testing.assert_array_equal(scipy_causal_conv(h, u), [[1.0], [5.0], [5.0]])


def test_scipy_convolution_of_a_scalar_filter_is_numpy_convolve(rng):
    h, u = rng.standard_normal(9), rng.standard_normal(40)
    np.testing.assert_allclose(scipy_causal_conv(h, u), np.convolve(h, u)[:40])


def test_depthwise_banks_are_diagonal_matrices(rng):
    h = rng.standard_normal((5, 3))
    matrices = as_matrices(h)
    assert matrices.shape == (5, 3, 3)
    for s in range(5):
        np.testing.assert_array_equal(matrices[s], np.diag(h[s]))
    u = rng.standard_normal((20, 3))
    np.testing.assert_allclose(
        naive_causal_conv(matrices, u), naive_causal_conv(h, u), rtol=1e-14
    )


# -- rollout and forecasts ------------------------------------------------------------


def identity(y, step, series, data):
    return y.copy()


def test_identity_rollout_is_the_autoregression_with_the_taps_as_coefficients(rng):
    # u[t+1] = y[t] = sum_s h[s] u[t-s]: an AR(L) recursion, as lfilter runs it.
    h = 0.9 * rng.standard_normal(6) / 6
    prompt = rng.standard_normal(30)
    steps = 25
    tokens = naive_rollout(h, prompt, steps, identity)
    # lfilter with denominator [1, -h] and zero input continues the prompt.
    initial = signal.lfiltic([1.0], np.r_[1.0, -h], prompt[::-1][: len(h)])
    expected, _ = signal.lfilter([1.0], np.r_[1.0, -h], np.zeros(steps), zi=initial)
    np.testing.assert_allclose(tokens, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        var_forecast(h, 0.0, prompt, steps), expected, rtol=1e-12, atol=1e-14
    )


def test_rollout_without_a_prompt_starts_from_the_feedback_of_zero():
    def plus_one(y, step, series, data):
        return y + 1.0

    # u0 = f(0) = 1, y0 = 0.5; u1 = 1.5, y1 = 0.5 * 1.5 + 0.25 * 1 = 1.0; u2 = 2.0
    tokens = naive_rollout(np.array([0.5, 0.25]), [], 3, plus_one)
    np.testing.assert_allclose(tokens, [1.0, 1.5, 2.0])


def test_var_forecast_equals_statsmodels(rng):
    coef = np.array([[[0.5, 0.1], [-0.2, 0.4]], [[0.1, 0.0], [0.05, -0.2]]])
    y = simulate_var(rng, coef, 500, intercept=np.array([0.3, -0.1]))
    result = VAR(y).fit(2)
    expected = result.forecast(y[-2:], 12)
    got = var_forecast(result.coefs, result.intercept, y, 12)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_simulated_var_has_the_given_coefficients(rng):
    coef = np.array([[[0.5, 0.1], [-0.2, 0.4]], [[0.1, 0.0], [0.05, -0.2]]])
    intercept = np.array([1.0, -2.0])
    y = simulate_var(rng, coef, 40_000, intercept=intercept)
    result = VAR(y).fit(2)
    np.testing.assert_allclose(result.coefs, coef, atol=0.02)
    np.testing.assert_allclose(result.intercept, intercept, atol=0.05)
    # The sample mean is the stationary mean (I - sum_i A_i)^-1 c.
    mean = np.linalg.solve(np.eye(2) - coef.sum(axis=0), intercept)
    np.testing.assert_allclose(y.mean(axis=0), mean, atol=0.05)


# -- least squares and Yule-Walker ------------------------------------------------------


def test_dense_least_squares_equals_statsmodels_var(rng):
    coef = np.array([[[0.5, 0.1], [-0.2, 0.4]], [[0.1, 0.0], [0.05, -0.2]]])
    y = simulate_var(rng, coef, 400, intercept=np.array([0.3, -0.1]))
    result = VAR(y).fit(3, trend="c")
    got_coef, got_intercept, got_cov = dense_least_squares(y, 3, 0.0, True)
    np.testing.assert_allclose(got_coef, result.coefs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got_intercept, result.intercept, rtol=1e-9)
    np.testing.assert_allclose(got_cov, result.sigma_u_mle, rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_dense_ridge_is_least_squares_with_penalty_rows(rng, fit_intercept):
    # Ridge = ordinary least squares on the design stacked over sqrt(ridge) * I
    # (zero targets), without a row for the unpenalised intercept.
    y = rng.standard_normal((60, 2)).cumsum(axis=0)
    ridge, order = 3.0, 4
    design, targets = lagged_design(y, order, fit_intercept)
    penalty = np.sqrt(ridge) * np.eye(design.shape[1])[int(fit_intercept) :]
    stacked = np.vstack([design, penalty])
    padded = np.vstack([targets, np.zeros((len(penalty), 2))])
    solution = np.linalg.lstsq(stacked, padded, rcond=None)[0]
    lags = solution[1:] if fit_intercept else solution
    coef, intercept, _ = dense_least_squares(y, order, ridge, fit_intercept)
    np.testing.assert_allclose(
        coef, lags.reshape(order, 2, 2).transpose(0, 2, 1), rtol=1e-10
    )
    np.testing.assert_allclose(
        intercept, solution[0] if fit_intercept else np.zeros(2), atol=1e-10
    )


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("demean", [True, False])
def test_dense_yule_walker_equals_statsmodels(rng, demean):
    y = 2.0 + signal.lfilter([1.0], [1.0, -0.6, 0.25], rng.standard_normal(700))
    rho = yule_walker(y, order=5, method="mle", demean=demean)[0]
    got = dense_yule_walker(y[:, None], 5, 0.0, demean)
    np.testing.assert_allclose(got[:, 0, 0], rho, rtol=1e-10)


# -- spectral features and recursive least squares -------------------------------------------


def test_spectral_features_are_two_filters_per_column(rng):
    y = rng.standard_normal((50, 2))
    filters = rng.standard_normal((7, 3))
    features = spectral_features_by_loops(y, filters)
    signs = (-1.0) ** np.arange(7)
    for j in range(3):
        plain = signal.lfilter(filters[:, j], [1.0], y, axis=0)
        alternated = signal.lfilter(signs * filters[:, j], [1.0], y, axis=0)
        np.testing.assert_allclose(features[:, j], plain, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(features[:, 3 + j], alternated, atol=1e-13)


def test_recursive_least_squares_is_exponentially_weighted_ridge(rng):
    # From weights 0 and inverse I / delta, n steps of RLS with forgetting lam solve
    # min_w sum_i lam^(n-1-i) |x_i w - t_i|^2 + lam^n delta |w|^2.
    n, k, delta, lam = 80, 4, 0.5, 0.97
    rows = rng.standard_normal((n, k))
    targets = rng.standard_normal((n, 2))
    weights, inverse = recursive_least_squares(
        np.zeros((k, 2)), np.eye(k) / delta, rows, targets, lam
    )
    decay = lam ** np.arange(n - 1, -1, -1)
    gram = (rows * decay[:, None]).T @ rows + lam**n * delta * np.eye(k)
    expected = np.linalg.solve(gram, (rows * decay[:, None]).T @ targets)
    np.testing.assert_allclose(weights, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(inverse, np.linalg.inv(gram), rtol=1e-9, atol=1e-12)


# -- differencing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("difference", "seasonal"), [(0, 0), (1, 0), (2, 0), (0, 4), (1, 12), (2, 3)]
)
def test_differences_equal_statsmodels_and_are_undone(rng, difference, seasonal):
    y = np.cumsum(rng.standard_normal((80, 2)), axis=0)
    z = differenced(y, difference, seasonal)
    expected = diff(
        y,
        k_diff=difference,
        k_seasonal_diff=int(seasonal > 0),
        seasonal_periods=seasonal or 1,
    )
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)
    # The differences of the last 20 samples rebuild them from the samples before.
    np.testing.assert_allclose(
        undifferenced(z[-20:], y[:-20], difference, seasonal), y[-20:], rtol=1e-12
    )
