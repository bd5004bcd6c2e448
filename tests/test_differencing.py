"""Integrated models: difference= and seasonal_difference= for both forecasters."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.api import VAR
from statsmodels.tsa.ar_model import AutoReg, ar_select_order

import ffstream
from ffstream.models._differencing import (
    apply_difference,
    difference_polynomial,
    integrate_filter,
)

from reference import differenced, simulate_var, undifferenced, var_forecast

METHODS = ["naive", "epoched", "continuous", "bounded"]


def _integrated_series(rng, n_samples, d, difference, seasonal, intercept=0.1):
    """A stationary VAR(2) integrated ``difference`` times, plus a seasonal random walk."""
    coef = np.stack([0.5 * np.eye(d), -0.2 * np.eye(d)])
    coef[0, 0, -1] = 0.1
    z = simulate_var(rng, coef, n_samples, intercept=np.full(d, intercept))
    y = z
    if seasonal:
        y = y.copy()
        for t in range(seasonal, len(y)):
            y[t] += y[t - seasonal]
    for _ in range(difference):
        y = np.cumsum(y, axis=0)
    return y + 50.0


# -- the differencing maths -------------------------------------------------------------


@pytest.mark.parametrize(
    ("difference", "seasonal"), [(0, 0), (1, 0), (3, 0), (0, 7), (2, 5)]
)
def test_apply_difference_is_the_reference_difference(difference, seasonal):
    y = np.cumsum(np.random.default_rng(0).standard_normal((60, 3)), axis=0)
    polynomial = difference_polynomial(difference, seasonal)
    assert len(polynomial) == difference + seasonal + 1
    np.testing.assert_allclose(
        apply_difference(y, polynomial),
        differenced(y, difference, seasonal),
        atol=1e-12,
    )


@pytest.mark.parametrize(("difference", "seasonal"), [(1, 0), (2, 0), (0, 4), (1, 3)])
@pytest.mark.parametrize("d", [1, 3])
def test_integrated_filter_predicts_what_the_differenced_recursion_predicts(
    difference, seasonal, d
):
    rng = np.random.default_rng(d + seasonal)
    filters = rng.standard_normal((5, d, d)) / 5
    y = rng.standard_normal((40, d))
    polynomial = difference_polynomial(difference, seasonal)
    integrated = integrate_filter(filters, polynomial)
    assert integrated.shape == (5 + difference + seasonal, d, d)
    z = differenced(y, difference, seasonal)
    z_next = sum(filters[i] @ z[-1 - i] for i in range(5))
    y_next = sum(integrated[j] @ y[-1 - j] for j in range(len(integrated)))
    expected = undifferenced(z_next[None], y, difference, seasonal)[0]
    np.testing.assert_allclose(y_next, expected, rtol=1e-12, atol=1e-12)


# -- against statsmodels on the differenced series ----------------------------------------


@pytest.mark.parametrize("trend", ["c", "n"])
@pytest.mark.parametrize(("difference", "seasonal"), [(1, 0), (2, 0), (0, 12), (1, 12)])
def test_fir_is_autoreg_on_the_differenced_series(difference, seasonal, trend):
    rng = np.random.default_rng(difference + seasonal)
    y = _integrated_series(rng, 600, 1, difference, seasonal)[:, 0]
    model = ffstream.FIRForecaster(
        order=4,
        difference=difference,
        seasonal_difference=seasonal,
        fit_intercept=trend == "c",
    ).fit(y)
    z = differenced(y, difference, seasonal)
    peer = AutoReg(z, 4, trend=trend).fit()
    np.testing.assert_allclose(model.coef_, peer.params[-4:], rtol=1e-9)
    if trend == "c":
        np.testing.assert_allclose(model.intercept_, peer.params[0], rtol=1e-9)
    np.testing.assert_allclose(model.residual_cov_[0, 0], peer.sigma2, rtol=1e-9)
    z_forecast = peer.predict(start=len(z), end=len(z) + 29)
    expected = undifferenced(z_forecast, y, difference, seasonal)
    for method in METHODS:
        np.testing.assert_allclose(
            model.forecast(30, method=method), expected, rtol=1e-9, atol=1e-9
        )
    assert model.filter_length == 4 + difference + seasonal


@pytest.mark.parametrize(("difference", "seasonal"), [(1, 0), (1, 6)])
def test_fir_is_var_on_the_differenced_series(difference, seasonal):
    rng = np.random.default_rng(7)
    y = _integrated_series(rng, 800, 3, difference, seasonal)
    model = ffstream.FIRForecaster(
        order=3, difference=difference, seasonal_difference=seasonal
    ).fit(y)
    z = differenced(y, difference, seasonal)
    peer = VAR(z).fit(3, trend="c")
    np.testing.assert_allclose(model.coef_, peer.coefs, rtol=1e-8, atol=1e-12)
    z_forecast = peer.forecast(z[-3:], 25)
    expected = undifferenced(z_forecast, y, difference, seasonal)
    for method in METHODS:
        np.testing.assert_allclose(
            model.forecast(25, method=method), expected, rtol=1e-9, atol=1e-9
        )


def test_order_selection_runs_on_the_differenced_series():
    rng = np.random.default_rng(11)
    y = _integrated_series(rng, 1000, 1, 1, 0)[:, 0]
    model = ffstream.FIRForecaster(order="auto", max_order=15, difference=1).fit(y)
    peer = ar_select_order(np.diff(y), 15, ic="aic", trend="c")
    assert model.order_ == max(peer.ar_lags or [0])
    assert model.filter_length == model.order_ + 1


def test_a_drift_continues_as_a_trend():
    rng = np.random.default_rng(2)
    t = np.arange(2000.0)
    y = 0.5 * t + rng.standard_normal(2000).cumsum() * 0.1 + rng.standard_normal(2000)
    model = ffstream.FIRForecaster(order=8, difference=1).fit(y)
    slope = np.diff(model.forecast(500)[-100:]).mean()
    assert abs(slope - 0.5) < 0.02


# -- the spectral model ------------------------------------------------------------------


@pytest.mark.parametrize(("difference", "seasonal"), [(1, 0), (0, 24), (1, 24)])
@pytest.mark.parametrize("d", [1, 2])
def test_spectral_is_the_spectral_model_of_the_differenced_series(
    difference, seasonal, d
):
    rng = np.random.default_rng(d)
    y = _integrated_series(rng, 900, d, difference, seasonal)
    kwargs = {"n_filters": 6, "context": 64}
    model = ffstream.SpectralForecaster(
        **kwargs, difference=difference, seasonal_difference=seasonal
    ).fit(y)
    z = apply_difference(y, difference_polynomial(difference, seasonal))
    on_z = ffstream.SpectralForecaster(**kwargs).fit(z)
    np.testing.assert_array_equal(model.weights_, on_z.weights_)
    expected = undifferenced(on_z.forecast(40), y, difference, seasonal)
    for method in METHODS:
        np.testing.assert_allclose(
            model.forecast(40, method=method), expected, rtol=1e-9, atol=1e-9
        )
    assert model.filter_length == 64 + difference + seasonal


# -- streaming and learning ------------------------------------------------------------------


@pytest.mark.parametrize("chunks", [[1] * 7, [3, 50, 1], [200]])
def test_updates_in_any_chunks_forecast_from_the_whole_history(chunks):
    rng = np.random.default_rng(4)
    y = _integrated_series(rng, 700, 2, 1, 5)
    model = ffstream.FIRForecaster(order=6, difference=1, seasonal_difference=5).fit(
        y[:400]
    )
    start = 400
    for size in chunks:
        model.update(y[start : start + size])
        start += size
    z = differenced(y[:start], 1, 5)
    coef = np.asarray(model.coef_)
    z_forecast = var_forecast(coef, model.intercept_, z, 20)
    expected = undifferenced(z_forecast, y[:start], 1, 5)
    for method in METHODS:
        np.testing.assert_allclose(
            model.forecast(20, method=method), expected, rtol=1e-9, atol=1e-9
        )


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: ffstream.FIRForecaster(order=10, **kw),
        lambda **kw: ffstream.SpectralForecaster(n_filters=4, context=48, **kw),
    ],
    ids=["fir", "spectral"],
)
def test_learning_online_learns_the_differenced_series(make):
    rng = np.random.default_rng(6)
    y = _integrated_series(rng, 900, 2, 1, 12)
    z = apply_difference(y, difference_polynomial(1, 12))
    model = make(difference=1, seasonal_difference=12).fit(y[:500])
    on_z = make().fit(z[: 500 - 13])
    for lo, hi in [(500, 501), (501, 560), (560, 800)]:
        model.update(y[lo:hi], learn=True)
        on_z.update(z[lo - 13 : hi - 13], learn=True)
    name = "coef_" if hasattr(model, "coef_") else "weights_"
    np.testing.assert_array_equal(getattr(model, name), getattr(on_z, name))
    np.testing.assert_array_equal(model.intercept_, on_z.intercept_)
    expected = undifferenced(on_z.forecast(30), y[:800], 1, 12)
    np.testing.assert_allclose(model.forecast(30), expected, rtol=1e-9, atol=1e-9)


# -- sample paths and intervals in the original units --------------------------------------


def test_path_variance_grows_as_the_integrated_recursion_says():
    rng = np.random.default_rng(8)
    y = np.cumsum(rng.standard_normal(3000))
    model = ffstream.FIRForecaster(order=1, difference=1).fit(y)
    paths = model.sample_paths(60, n_paths=6000, seed=1)
    # psi weights of the integrated recursion: its impulse response.
    taps = integrate_filter(
        np.asarray(model.coef_).reshape(-1, 1, 1), difference_polynomial(1, 0)
    )[:, 0, 0]
    psi = var_forecast(taps, 0.0, [0.0] * (len(taps) - 1) + [1.0], 59)
    psi = np.concatenate([[1.0], psi])
    expected = model.prediction_cov_[0, 0] * np.cumsum(psi**2)
    np.testing.assert_allclose(
        paths.var(axis=0)[[0, 9, 59]], expected[[0, 9, 59]], rtol=0.08
    )
    lower, upper = model.prediction_interval(60, level=0.9, seed=1)
    width = upper - lower
    assert 5 < width[59] / width[0] < 10  # a random walk: about sqrt(60) = 7.7


# -- labels, checkpoints, repr -------------------------------------------------------------


def test_pandas_forecasts_of_an_integrated_model(tmp_path):
    rng = np.random.default_rng(9)
    values = _integrated_series(rng, 400, 1, 1, 7)[:, 0]
    days = pd.date_range("2025-01-01", periods=400, freq="D")
    model = ffstream.FIRForecaster(order=5, difference=1, seasonal_difference=7)
    model.fit(pd.Series(values, days, name="sales"))
    forecast = model.forecast(14)
    assert forecast.index[0] == days[-1] + pd.Timedelta(days=1)
    plain = ffstream.FIRForecaster(order=5, difference=1, seasonal_difference=7).fit(
        values
    )
    np.testing.assert_array_equal(forecast.to_numpy(), plain.forecast(14))
    model.save(tmp_path / "model.ffs")
    restored = ffstream.load(tmp_path / "model.ffs")
    assert (restored.difference, restored.seasonal_difference) == (1, 7)
    pd.testing.assert_series_equal(restored.forecast(14), forecast)
    assert "difference=1, seasonal_difference=7" in repr(restored)


def test_a_spectral_checkpoint_keeps_its_learning_state(tmp_path):
    rng = np.random.default_rng(10)
    y = _integrated_series(rng, 600, 2, 1, 0)
    model = ffstream.SpectralForecaster(n_filters=4, context=32, difference=1)
    model.fit(y[:400]).update(y[400:450], learn=True)
    model.save(tmp_path / "model.ffs")
    restored = ffstream.load(tmp_path / "model.ffs")
    for m in (model, restored):
        m.update(y[450:], learn=True)
    np.testing.assert_array_equal(restored.weights_, model.weights_)
    np.testing.assert_array_equal(restored.forecast(20), model.forecast(20))


def test_a_checkpoint_whose_filter_does_not_include_the_differencing_is_refused():
    y = np.cumsum(np.random.default_rng(3).standard_normal(300))
    checkpoint = ffstream.FIRForecaster(order=5, difference=1).fit(y)._to_checkpoint()
    checkpoint.settings["parameters"]["difference"] = 2
    with pytest.raises(
        ValueError, match="order \\+ q = 7 samples in a filter of 7 taps"
    ):
        ffstream.FIRForecaster._from_checkpoint(checkpoint)


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"difference": -1}, ValueError, "difference must be at least 0, got -1"),
        ({"difference": 1.0}, TypeError, "difference must be an integer, got float"),
        (
            {"seasonal_difference": "12"},
            TypeError,
            "seasonal_difference must be an integer",
        ),
        (
            {"seasonal_difference": -4},
            ValueError,
            "seasonal_difference must be at least 0",
        ),
    ],
)
@pytest.mark.parametrize(
    "cls",
    [ffstream.FIRForecaster, ffstream.SpectralForecaster],
    ids=["fir", "spectral"],
)
def test_bad_difference_settings_are_refused(cls, kwargs, error, match):
    args = (3,) if cls is ffstream.FIRForecaster else ()
    with pytest.raises(error, match=match):
        cls(*args, **kwargs)


def test_a_series_too_short_for_its_differences_is_refused_and_the_model_kept():
    y = np.cumsum(np.random.default_rng(1).standard_normal(300))
    model = ffstream.FIRForecaster(order=4, seasonal_difference=24).fit(y)
    before = model.forecast(10)
    with pytest.raises(
        ValueError,
        match=r"y must have at least 29 samples for this FIRForecaster \(24 consumed by "
        r"difference=0, seasonal_difference=24\), got 28",
    ):
        model.fit(y[:28])
    np.testing.assert_array_equal(model.forecast(10), before)
    assert model.n_seen == 300
