"""ridge="auto" (generalised cross-validation) and the determination check of ridge=0."""

import warnings

import numpy as np
import pytest

import ffstream
from ffstream import FitWarning
from ffstream.models._autoregression import fit_autoregression
from ffstream.models._ridge import ridge_by_gcv

from reference import dense_least_squares, lagged_design, simulate_var


def _brute_gcv(x, y, penalty, n_eliminated):
    """GCV of the ridge fit of centred ``y`` on centred ``x`` from the explicit hat matrix."""
    n = len(x)
    hat = x @ np.linalg.solve(x.T @ x + penalty * np.eye(x.shape[1]), x.T)
    residuals = y - hat @ y
    weighted = ((residuals**2).sum(axis=0) / (y**2).sum(axis=0)).sum()
    free = n - n_eliminated - np.trace(hat)
    return n * weighted / free**2, n_eliminated + np.trace(hat)


def _centred_problem(rng, n, m, d, signal):
    x = rng.standard_normal((n, m)) @ rng.standard_normal((m, m)) / np.sqrt(m)
    y = x @ (signal * rng.standard_normal((m, d))) + rng.standard_normal((n, d))
    return x - x.mean(axis=0), y - y.mean(axis=0)


@pytest.mark.parametrize(
    ("n", "m", "d", "signal"),
    [(80, 10, 1, 1.0), (80, 40, 2, 0.3), (60, 90, 1, 0.2), (200, 60, 3, 0.05)],
)
def test_chosen_penalty_minimises_the_brute_force_criterion(n, m, d, signal):
    rng = np.random.default_rng(n + m + d)
    x, y = _centred_problem(rng, n, m, d, signal)
    choice = ridge_by_gcv(x.T @ x, x.T @ y, (y**2).sum(axis=0), n, 1)
    chosen, trace = _brute_gcv(x, y, choice.penalty, 1)
    scale = np.trace(x.T @ x) / m
    grid = scale * 10.0 ** np.linspace(-8, 3, 221)
    best_on_grid = min(_brute_gcv(x, y, penalty, 1)[0] for penalty in grid)
    assert chosen <= best_on_grid * (1 + 1e-9)
    np.testing.assert_allclose(choice.effective_regressors, trace, rtol=1e-9)
    explicit = np.linalg.solve(x.T @ x + choice.penalty * np.eye(m), x.T @ y)
    np.testing.assert_allclose(choice.solution, explicit, rtol=1e-8, atol=1e-10)


def test_noise_is_shrunk_hard_and_a_clean_signal_hardly_at_all():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((400, 20))
    noise = rng.standard_normal((400, 1))
    clean = x @ rng.standard_normal((20, 1)) + 0.01 * noise
    for y, few_regressors in ((noise, True), (clean, False)):
        choice = ridge_by_gcv(x.T @ x, x.T @ y, (y**2).sum(axis=0), 400, 0)
        if few_regressors:
            assert choice.effective_regressors < 5
        else:
            assert choice.effective_regressors > 19.9


# -- fit_autoregression and the models agree with an explicit fit at the chosen penalty


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n_samples", "order", "d"), [(300, 40, 1), (400, 30, 3)])
def test_autoregression_equals_the_explicit_ridge_fit(
    n_samples, order, d, fit_intercept
):
    rng = np.random.default_rng(order)
    coef = 0.4 * np.eye(d)[None] * np.array([1.0, -0.3])[:, None, None]
    y = simulate_var(rng, coef, n_samples, intercept=np.full(d, 2.0))
    fit = fit_autoregression(y, order, ridge="auto", fit_intercept=fit_intercept)
    assert fit.ridge > 0
    expected_coef, expected_intercept, _ = dense_least_squares(
        y, order, fit.ridge, fit_intercept
    )
    np.testing.assert_allclose(fit.coef, expected_coef, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(fit.intercept, expected_intercept, rtol=1e-7, atol=1e-9)
    # The effective regressors are the trace of the hat matrix of the design.
    design, _ = lagged_design(y, order, fit_intercept)
    lags = design[:, int(fit_intercept) :]
    if fit_intercept:
        lags = lags - lags.mean(axis=0)
    hat_trace = np.trace(
        lags @ np.linalg.solve(lags.T @ lags + fit.ridge * np.eye(order * d), lags.T)
    )
    np.testing.assert_allclose(
        fit.effective_regressors, hat_trace + fit_intercept, rtol=1e-8
    )


def test_fir_auto_ridge_equals_the_fixed_ridge_it_chose():
    y = simulate_var(np.random.default_rng(5), np.array([[[0.6]], [[-0.2]]]), 500)[:, 0]
    model = ffstream.FIRForecaster(order=150, ridge="auto").fit(y)
    fixed = ffstream.FIRForecaster(order=150, ridge=model.ridge_).fit(y)
    np.testing.assert_allclose(model.coef_, fixed.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(model.forecast(20), fixed.forecast(20), rtol=1e-7)
    fit = fit_autoregression(y[:, None], 150, ridge="auto")
    n, m = fit.n_equations, fit.effective_regressors
    assert 1 < m < 151
    np.testing.assert_allclose(
        model.prediction_cov_, model.residual_cov_ * (n + m) / (n - m), rtol=1e-12
    )
    assert "ridge='auto', ridge_=" in repr(model)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("d", [1, 2])
def test_spectral_auto_ridge_equals_the_fixed_ridge_it_chose(d, fit_intercept):
    rng = np.random.default_rng(d)
    t = np.arange(700)[:, None]
    y = np.sin(0.07 * t + np.arange(d)) + 0.5 * rng.standard_normal((700, d)) + 3.0
    kwargs = {"n_filters": 8, "context": 64, "fit_intercept": fit_intercept}
    model = ffstream.SpectralForecaster(ridge="auto", **kwargs).fit(y)
    fixed = ffstream.SpectralForecaster(ridge=model.ridge_, **kwargs).fit(y)
    np.testing.assert_allclose(model.weights_, fixed.weights_, rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(model._inverse, fixed._inverse)
    assert model.ridge_ > 0
    # Shrinking spends fewer effective weights than the fixed tiny default.
    assert np.all(
        np.diag(model.prediction_cov_) / np.diag(model.residual_cov_)
        < np.diag(fixed.prediction_cov_) / np.diag(fixed.residual_cov_)
    )
    learned = model.update(y[-50:], learn=True).forecast(5)
    assert np.isfinite(learned).all()


# -- the determination check of ridge=0 ------------------------------------------------


def test_fifty_channel_var_on_five_hundred_samples():
    rng = np.random.default_rng(0)
    y = rng.standard_normal((500, 50))
    with pytest.raises(ValueError, match="601 regressors per equation but only 488"):
        ffstream.FIRForecaster(order=12).fit(y)
    model = ffstream.FIRForecaster(order=12, ridge="auto").fit(y)
    # White noise of unit variance: the honest residual and prediction variances.
    assert 0.7 < np.diag(model.residual_cov_).mean() < 1.3
    assert 0.8 < np.diag(model.prediction_cov_).mean() < 1.5
    width = np.diff(
        model.prediction_interval(3, level=0.8, n_paths=200, seed=0), axis=0
    )
    assert np.all(width > 1.5)


def _state(model):
    return {key: value for key, value in vars(model).items()}


@pytest.mark.parametrize(
    ("make", "y"),
    [
        (lambda: ffstream.FIRForecaster(order=40), np.ones((60, 2))),
        (
            lambda: ffstream.SpectralForecaster(n_filters=16, context=64, ridge=0.0),
            np.ones((60, 1)),
        ),
    ],
)
def test_an_undetermined_unpenalised_fit_is_refused_and_changes_nothing(make, y):
    rng = np.random.default_rng(1)
    model = make()
    model.ridge = "auto"
    model.fit(rng.standard_normal(y.shape))
    before, forecast = _state(model), model.forecast(4)
    model.ridge = 0.0
    with pytest.raises(ValueError, match="is not determined.*ridge='auto'"):
        model.fit(rng.standard_normal(y.shape))
    assert all(vars(model)[key] is before[key] for key in before if key != "ridge")
    np.testing.assert_array_equal(model.forecast(4), forecast)


def test_a_barely_determined_fit_warns_and_a_well_determined_one_does_not():
    y = np.random.default_rng(2).standard_normal((300, 2))
    with pytest.warns(FitWarning, match="barely determined: 121 regressors .* 240"):
        ffstream.FIRForecaster(order=60).fit(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ffstream.FIRForecaster(order=20).fit(y)
        ffstream.FIRForecaster(order=60, ridge=1.0).fit(y)
        ffstream.FIRForecaster(order=60, ridge="auto").fit(y)
    with pytest.warns(FitWarning, match="SpectralForecaster"):
        ffstream.SpectralForecaster(n_filters=6, context=32, ridge=0.0).fit(y[:70])


# -- checkpoints ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: ffstream.FIRForecaster(order=30, ridge="auto"),
        lambda: ffstream.FIRForecaster("auto", max_order=8, ridge="auto"),
        lambda: ffstream.SpectralForecaster(n_filters=4, context=32, ridge="auto"),
    ],
)
def test_auto_ridge_checkpoint_round_trip(tmp_path, make):
    y = np.random.default_rng(7).standard_normal((200, 2)).cumsum(axis=0)
    model = make().fit(y)
    model.save(tmp_path / "auto.ffs")
    loaded = ffstream.load(tmp_path / "auto.ffs")
    assert loaded.ridge == "auto" and loaded.ridge_ == model.ridge_
    assert repr(loaded) == repr(model)
    np.testing.assert_array_equal(loaded.forecast(6), model.forecast(6))


@pytest.mark.parametrize(
    "make",
    [
        lambda: ffstream.FIRForecaster(order=3, ridge=0.5),
        lambda: ffstream.SpectralForecaster(n_filters=4, context=32),
    ],
)
def test_checkpoints_before_ridge_was_stored_load_and_tampered_ones_do_not(make):
    y = np.random.default_rng(8).standard_normal(200)
    model = make().fit(y)
    checkpoint = model._to_checkpoint()
    del checkpoint.settings["ridge_"]
    old = type(model)._from_checkpoint(checkpoint)
    assert old.ridge_ == model.ridge
    np.testing.assert_array_equal(old.forecast(3), model.forecast(3))
    checkpoint.settings["ridge_"] = 2 * model.ridge
    with pytest.raises(ValueError, match="ridge_"):
        type(model)._from_checkpoint(checkpoint)
    auto = type(model)(**{**model._settings(), "ridge": "auto"}).fit(y)
    checkpoint = auto._to_checkpoint()
    checkpoint.settings["ridge_"] = -1.0
    with pytest.raises(ValueError, match="ridge_"):
        type(model)._from_checkpoint(checkpoint)


# -- bad settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: ffstream.FIRForecaster(order=3, ridge=-1.0), "ridge"),
        (
            lambda: ffstream.FIRForecaster(order=3, ridge="auto", solver="yule-walker"),
            "needs solver='normal'",
        ),
        (
            lambda: fit_autoregression(
                np.ones((20, 1)), 2, ridge="auto", solver="yule-walker"
            ),
            "needs solver='normal'",
        ),
    ],
)
def test_bad_ridge_settings_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: ffstream.FIRForecaster(order=3, ridge="gcv"),
        lambda: ffstream.SpectralForecaster(ridge="Auto"),
    ],
)
def test_a_ridge_string_other_than_auto_is_refused(make):
    with pytest.raises(TypeError, match=r"got str '.*' \(the only string is 'auto'\)"):
        make()
