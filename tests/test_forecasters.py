"""FIRForecaster: agreement with statsmodels, streaming, forecasts, sample paths, errors."""

import numpy as np
import pytest
from scipy import signal
from statsmodels.tsa.api import VAR
from statsmodels.tsa.ar_model import AutoReg

import ffstream
from ffstream.models._base import NotFittedError, _noise_factor

from reference import simulate_var, var_forecast


@pytest.fixture
def ar2(rng):
    coef = np.array([[[1.2]], [[-0.5]]])
    return simulate_var(rng, coef, 3000, np.array([0.3]))[:, 0]


@pytest.fixture
def var2(rng):
    coef = np.array(
        [
            [[0.5, 0.1], [-0.2, 0.4]],
            [[0.1, 0.0], [0.05, -0.2]],
            [[0.0, 0.1], [0.0, 0.1]],
        ]
    )
    return simulate_var(rng, coef, 4000, np.array([0.1, -0.2]))


@pytest.mark.parametrize("order", [1, 3, 17])
def test_univariate_fit_and_forecast_match_statsmodels_autoreg(ar2, order):
    model = ffstream.FIRForecaster(order).fit(ar2)
    reference = AutoReg(ar2, lags=order, trend="c").fit()
    assert isinstance(model.intercept_, float)
    assert model.coef_.shape == (order,)
    np.testing.assert_allclose(model.intercept_, reference.params[0], rtol=1e-8)
    np.testing.assert_allclose(model.coef_, reference.params[1:], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.forecast(50), reference.forecast(50), rtol=1e-8)


def test_without_intercept_matches_autoreg_without_trend(ar2):
    model = ffstream.FIRForecaster(4, fit_intercept=False).fit(ar2)
    reference = AutoReg(ar2, lags=4, trend="n").fit()
    np.testing.assert_allclose(model.coef_, reference.params, rtol=1e-8)
    np.testing.assert_array_equal(model.intercept_, [0.0])


@pytest.mark.parametrize("order", [1, 3])
def test_multichannel_fit_and_forecast_match_statsmodels_var(var2, order):
    model = ffstream.FIRForecaster(order).fit(var2)
    reference = VAR(var2).fit(order, trend="c")
    assert model.coef_.shape == (order, 2, 2)
    np.testing.assert_allclose(model.coef_, reference.coefs, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, reference.intercept, rtol=1e-8)
    expected = reference.forecast(var2[-order:], 40)
    np.testing.assert_allclose(model.forecast(40), expected, rtol=1e-8)


def test_every_method_gives_the_recursion_forecast(var2, method):
    model = ffstream.FIRForecaster(5).fit(var2)
    expected = var_forecast(model.coef_, model.intercept_, var2, 300)
    np.testing.assert_allclose(model.forecast(300, method=method), expected, rtol=1e-10)


def test_forecast_leaves_the_model_unchanged(ar2):
    model = ffstream.FIRForecaster(8).fit(ar2)
    first = model.forecast(100)
    seen = model.n_seen
    np.testing.assert_array_equal(model.forecast(100), first)
    model.sample_paths(20, 3, seed=0)
    assert model.n_seen == seen
    np.testing.assert_array_equal(model.forecast(100), first)


def test_update_extends_the_history_without_refitting(var2, rng):
    train, new = var2[:3000], var2[3000:]
    model = ffstream.FIRForecaster(6).fit(train)
    coef = model.coef_
    chunks = np.split(new, np.sort(rng.choice(len(new), 8, replace=False)))
    for chunk in chunks:
        for sample in chunk[:2]:
            model.update(sample)
        model.update(chunk[2:])
    assert model.n_seen == len(var2)
    np.testing.assert_array_equal(model.coef_, coef)
    expected = var_forecast(coef, model.intercept_, var2, 64)
    np.testing.assert_allclose(model.forecast(64), expected, rtol=1e-10)


def test_univariate_update_accepts_scalars_and_chunks(ar2):
    model = ffstream.FIRForecaster(3).fit(ar2[:2000])
    model.update(ar2[2000])
    model.update(ar2[2001:2500])
    expected = var_forecast(model.coef_, model.intercept_, ar2[:2500], 10)
    np.testing.assert_allclose(model.forecast(10), expected, rtol=1e-10)


def test_sample_paths_are_reproducible_and_centred_on_the_forecast(ar2):
    model = ffstream.FIRForecaster(2).fit(ar2)
    paths = model.sample_paths(30, 4000, seed=7)
    assert paths.shape == (4000, 30)
    np.testing.assert_array_equal(model.sample_paths(30, 4000, seed=7), paths)
    assert not np.array_equal(model.sample_paths(30, 4000, seed=8), paths)
    # The mean of the paths estimates the point forecast (noise enters linearly).
    spread = paths.std(axis=0) / np.sqrt(len(paths))
    assert np.all(np.abs(paths.mean(axis=0) - model.forecast(30)) < 5 * spread)
    # One-step-ahead spread is the prediction standard deviation.
    np.testing.assert_allclose(
        paths[:, 0].std(), np.sqrt(model.prediction_cov_[0, 0]), rtol=0.1
    )


def implied_noise(model, history, path):
    """The noise each step of ``path`` adds to the fitted recursion's prediction."""
    coef = model.coef_.reshape(model.filter_length, model.n_channels, -1)
    path = path.reshape(len(path), -1)
    values = list(history.reshape(len(history), -1)[-len(coef) :]) + list(path)
    order = len(coef)
    return np.array(
        [
            path[t]
            - model.intercept_
            - sum(coef[i] @ values[order + t - 1 - i] for i in range(order))
            for t in range(len(path))
        ]
    )


def drawn_noise(model, horizon, n_paths, seed):
    """The noise ``sample_paths`` draws: seeded normals times a factor of the covariance."""
    shocks = np.random.default_rng(seed).standard_normal(
        (n_paths, horizon, model.n_channels)
    )
    factor = _noise_factor(model.prediction_cov_)
    np.testing.assert_allclose(factor @ factor.T, model.prediction_cov_, atol=1e-12)
    return shocks @ factor.T


def test_sample_paths_are_the_recursion_driven_by_the_drawn_noise(var2):
    model = ffstream.FIRForecaster(3).fit(var2)
    paths = model.sample_paths(25, 5, seed=3)
    assert paths.shape == (5, 25, 2)
    expected = drawn_noise(model, 25, 5, seed=3)
    for path, noise in zip(paths, expected, strict=True):
        np.testing.assert_allclose(implied_noise(model, var2, path), noise, atol=1e-9)


def test_prediction_interval_brackets_the_forecast(ar2):
    model = ffstream.FIRForecaster(2).fit(ar2)
    lower, upper = model.prediction_interval(20, level=0.8, n_paths=2000, seed=1)
    point = model.forecast(20)
    assert lower.shape == upper.shape == point.shape
    assert np.all(lower < point) and np.all(point < upper)
    sigma = np.sqrt(model.prediction_cov_[0, 0])
    np.testing.assert_allclose(upper[0] - lower[0], 2 * 1.2816 * sigma, rtol=0.1)


def test_prediction_cov_is_the_residual_cov_scaled_by_the_final_prediction_error(
    var2,
):
    model = ffstream.FIRForecaster(3).fit(var2)
    n, m = len(var2) - 3, 3 * 2 + 1  # equations; lags times channels plus intercept
    np.testing.assert_allclose(
        model.prediction_cov_, model.residual_cov_ * (n + m) / (n - m), rtol=1e-14
    )
    no_intercept = ffstream.FIRForecaster(3, fit_intercept=False).fit(var2)
    np.testing.assert_allclose(
        no_intercept.prediction_cov_,
        no_intercept.residual_cov_ * (n + m - 1) / (n - m + 1),
        rtol=1e-14,
    )


def test_intervals_of_a_long_fit_on_a_short_series_cover_near_nominal():
    # AR(2) data, 40 lags fitted on 300 samples: the in-sample residuals
    # underestimate the prediction error by about 25% in variance. Over 200
    # independent series the 90% intervals of the next 5 samples covered 0.838
    # of them with the residual covariance, and cover 0.888 with the final
    # prediction error correction.
    horizon, order, n_train, n_series = 5, 40, 300, 200
    inside = 0
    for seed in range(n_series):
        noise = np.random.default_rng(seed).standard_normal(n_train + horizon + 200)
        y = signal.lfilter([1.0], [1.0, -1.2, 0.5], noise)[200:]
        model = ffstream.FIRForecaster(order).fit(y[:n_train])
        lower, upper = model.prediction_interval(horizon, 0.9, n_paths=400, seed=seed)
        truth = y[n_train:]
        inside += np.count_nonzero((lower <= truth) & (truth <= upper))
    coverage = inside / (n_series * horizon)
    assert 0.87 <= coverage <= 0.93


def test_online_learning_converges_to_a_new_system(rng):
    old = simulate_var(rng, np.array([[[0.2]], [[0.1]]]), 500)[:, 0]
    truth = np.array([0.6, -0.3])
    new = simulate_var(rng, truth.reshape(2, 1, 1), 40_000)[:, 0]
    model = ffstream.FIRForecaster(2, step_size=0.05).fit(old)
    before = np.abs(model.coef_ - truth).max()
    model.update(new, learn=True)
    after = np.abs(model.coef_ - truth).max()
    assert before > 0.3
    assert after < 0.1
    assert model.n_seen == 40_500
    expected = var_forecast(model.coef_, model.intercept_, np.r_[old, new], 5)
    np.testing.assert_allclose(model.forecast(5), expected, rtol=1e-10)


def test_bad_inputs_are_rejected_by_name_and_leave_the_model_unchanged(var2):
    with pytest.raises(ValueError, match="y must be finite"):
        ffstream.FIRForecaster(2).fit(np.r_[var2[:100], [[np.nan, 0.0]]])
    with pytest.raises(ValueError, match="y must have at least 11 samples"):
        ffstream.FIRForecaster(10).fit(var2[:10])
    with pytest.raises(ValueError, match="order must be at least 1"):
        ffstream.FIRForecaster(0)
    with pytest.raises(ValueError, match="ridge"):
        ffstream.FIRForecaster(2, ridge=-1.0)
    with pytest.raises(ValueError, match="solver"):
        ffstream.FIRForecaster(2, solver="qr")
    with pytest.raises(NotFittedError, match="fit"):
        ffstream.FIRForecaster(2).forecast(3)
    model = ffstream.FIRForecaster(2).fit(var2)
    expected = model.forecast(10)
    seen = model.n_seen
    for bad in (np.ones((4, 3)), np.ones(3), [[np.inf, 0.0]], [["a", "b"]]):
        with pytest.raises((ValueError, TypeError), match="y_new"):
            model.update(bad)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        model.forecast(0)
    with pytest.raises(ValueError, match="n_paths must be at least 1"):
        model.sample_paths(5, 0)
    with pytest.raises(ValueError, match="level"):
        model.prediction_interval(5, level=1.5)
    assert model.n_seen == seen
    np.testing.assert_array_equal(model.forecast(10), expected)


def test_many_sample_paths_are_simulated_in_groups_with_the_same_result(ar2):
    model = ffstream.FIRForecaster(3).fit(ar2)
    many = model.sample_paths(12, 150, seed=4)  # more paths than one group holds
    assert many.shape == (150, 12)
    np.testing.assert_array_equal(many, model.sample_paths(12, 150, seed=4))
    # Each path, whatever its group, is driven by its own row of the drawn noise.
    expected = drawn_noise(model, 12, 150, seed=4)[..., 0]
    for index in (0, 63, 64, 149):
        np.testing.assert_allclose(
            implied_noise(model, ar2, many[index])[:, 0], expected[index], atol=1e-9
        )
    lower, upper = model.prediction_interval(12, n_paths=150, seed=4, method="naive")
    np.testing.assert_allclose(
        lower, np.quantile(many, 0.05, axis=0), rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("learn", [False, True])
@pytest.mark.parametrize("kind", ["fir", "spectral"])
def test_an_empty_update_changes_nothing(var2, kind, learn):
    model = (
        ffstream.FIRForecaster(3)
        if kind == "fir"
        else ffstream.SpectralForecaster(n_filters=2, context=16)
    ).fit(var2)
    expected, seen = model.forecast(5), model.n_seen
    assert model.update(np.zeros((0, 2)), learn=learn) is model
    assert model.n_seen == seen
    np.testing.assert_array_equal(model.forecast(5), expected)


def test_a_diverging_online_update_is_rejected_and_leaves_the_model_unchanged(rng):
    y = rng.standard_normal(500)
    model = ffstream.FIRForecaster(3).fit(y)
    expected, coef, seen = model.forecast(5), model.coef_, model.n_seen
    with pytest.raises(ValueError, match="finite"):
        model.update(np.full(5, 1e300), learn=True)  # NLMS overflows to NaN
    assert model.n_seen == seen
    np.testing.assert_array_equal(model.coef_, coef)
    np.testing.assert_array_equal(model.forecast(5), expected)
    model.update(y[:10], learn=True)  # and the model still works
    assert model.n_seen == seen + 10
