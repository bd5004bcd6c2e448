import copy

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ffstream.evaluation.backtest import BacktestResult, backtest
from ffstream.models.baselines import LastValue, SeasonalNaive
from ffstream.models.fir import FIRForecaster

from reference import var_forecast


def ar2_series(n, d=1, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros((n, d))
    for t in range(2, n):
        y[t] = 0.5 + 1.1 * y[t - 1] - 0.4 * y[t - 2] + rng.standard_normal(d)
    return y[:, 0] if d == 1 else y


# -- equivalences ------------------------------------------------------------------------


@pytest.mark.parametrize("step", [1, 3])
def test_update_backtest_matches_hand_loops(step):
    y = ar2_series(160)
    initial, horizon = 100, 5
    result = backtest(FIRForecaster(order=4), y, horizon, initial=initial, step=step)
    origins = np.arange(initial, len(y) - horizon + 1, step)
    np.testing.assert_array_equal(result.origins, origins)

    fitted = FIRForecaster(order=4).fit(y[:initial])
    incremental = copy.deepcopy(fitted)
    for i, o in enumerate(origins):
        # A model fitted once and updated sample chunk by sample chunk.
        np.testing.assert_allclose(
            result.forecasts[i], incremental.forecast(horizon), rtol=1e-12, atol=1e-12
        )
        incremental.update(y[o : o + step])
        # A fresh copy of the first fit, brought to the origin in one chunk.
        fresh = copy.deepcopy(fitted)
        if o > initial:
            fresh.update(y[initial:o])
        np.testing.assert_allclose(
            result.forecasts[i], fresh.forecast(horizon), rtol=1e-12, atol=1e-12
        )
        # The recursion written out with the first fit's coefficients.
        expected = var_forecast(fitted.coef_, fitted.intercept_, y[:o], horizon)
        np.testing.assert_allclose(result.forecasts[i], expected, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(result.actuals[i], y[o : o + horizon])
    np.testing.assert_array_equal(result.errors, result.actuals - result.forecasts)


def test_refit_matches_statsmodels_autoreg():
    autoreg = pytest.importorskip("statsmodels.tsa.ar_model").AutoReg
    y = ar2_series(90, seed=1)
    initial, horizon, step = 60, 4, 5
    result = backtest(
        FIRForecaster(order=3), y, horizon, initial=initial, step=step, refit=True
    )
    for i, o in enumerate(result.origins):
        fit = autoreg(y[:o], lags=3, trend="c").fit()
        np.testing.assert_allclose(
            result.forecasts[i], fit.forecast(horizon), rtol=1e-8, atol=1e-8
        )
        by_hand = FIRForecaster(order=3).fit(y[:o]).forecast(horizon)
        np.testing.assert_allclose(result.forecasts[i], by_hand, rtol=1e-12)


def test_refit_and_update_agree_at_the_first_origin_only():
    y = ar2_series(120, seed=2)
    kept = backtest(FIRForecaster(order=2), y, 3, initial=80)
    refitted = backtest(FIRForecaster(order=2), y, 3, initial=80, refit=True)
    np.testing.assert_allclose(kept.forecasts[0], refitted.forecasts[0], rtol=1e-12)
    assert not np.allclose(kept.forecasts[-1], refitted.forecasts[-1])


def test_learn_matches_hand_loop():
    y = ar2_series(130, seed=3)
    result = backtest(FIRForecaster(order=3), y, 2, initial=100, step=2, learn=True)
    model = FIRForecaster(order=3).fit(y[:100])
    for i, o in enumerate(result.origins):
        np.testing.assert_allclose(result.forecasts[i], model.forecast(2), rtol=1e-12)
        model.update(y[o : o + 2], learn=True)


def test_multichannel_var():
    y = ar2_series(150, d=2, seed=4)
    result = backtest(FIRForecaster(order=2), y, 4, initial=110, step=2)
    assert result.forecasts.shape == (len(result.origins), 4, 2)
    assert result.errors.shape == result.forecasts.shape
    fitted = FIRForecaster(order=2).fit(y[:110])
    for i, o in enumerate(result.origins):
        expected = var_forecast(fitted.coef_, fitted.intercept_, y[:o], 4)
        np.testing.assert_allclose(result.forecasts[i], expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        result.mae(by_step=True), np.abs(result.errors).mean(axis=(0, 2))
    )


def test_methods_agree():
    y = ar2_series(140, seed=5)
    base = backtest(FIRForecaster(order=8), y, 6, initial=100, step=4)
    for method in ("epoched", "naive"):
        other = backtest(
            FIRForecaster(order=8), y, 6, initial=100, step=4, method=method
        )
        np.testing.assert_allclose(other.forecasts, base.forecasts, rtol=1e-10)


def test_model_argument_is_not_changed():
    y = ar2_series(100, seed=6)
    fresh = FIRForecaster(order=2)
    backtest(fresh, y, 2, initial=60)
    assert "not fitted" in repr(fresh)
    fitted = FIRForecaster(order=2).fit(y[:30])
    before = fitted.forecast(3)
    backtest(fitted, y, 2, initial=60)
    assert fitted.n_seen == 30
    np.testing.assert_array_equal(fitted.forecast(3), before)


def test_spectral_forecaster_backtest_matches_hand_loop():
    spectral = pytest.importorskip("ffstream.models.spectral")
    y = ar2_series(200, seed=7)
    make = lambda: spectral.SpectralForecaster(n_filters=4, context=32)  # noqa: E731
    result = backtest(make(), y, 5, initial=150, step=7)
    model = make().fit(y[:150])
    assert result.forecasts.shape == (len(result.origins), 5)
    for i, o in enumerate(result.origins):
        np.testing.assert_allclose(
            result.forecasts[i], model.forecast(5), rtol=1e-10, atol=1e-10
        )
        model.update(y[o : o + 7])


# -- scores ------------------------------------------------------------------------------


def test_scores_of_a_hand_computed_case():
    y = np.array([0.0, 1.0, 4.0, 9.0, 16.0, 25.0])
    result = backtest(LastValue(), y, 2, initial=3)
    np.testing.assert_array_equal(result.origins, [3, 4])
    np.testing.assert_array_equal(result.forecasts, [[4, 4], [9, 9]])
    np.testing.assert_array_equal(result.actuals, [[9, 16], [16, 25]])
    np.testing.assert_array_equal(result.errors, [[5, 12], [7, 16]])
    np.testing.assert_allclose(result.mae(by_step=True), [6.0, 14.0])
    assert result.mae() == pytest.approx(10.0)
    np.testing.assert_allclose(
        result.rmse(by_step=True), [np.sqrt((25 + 49) / 2), np.sqrt((144 + 256) / 2)]
    )
    assert result.rmse() == pytest.approx(np.sqrt((25 + 144 + 49 + 256) / 4))
    # In-sample last-value MAE on [0, 1, 4] is (1 + 3) / 2 = 2.
    assert result.mase() == pytest.approx(5.0)
    np.testing.assert_allclose(result.mase(by_step=True), [3.0, 7.0])
    # Season 2: |4 - 0| = 4.
    assert result.mase(season=2) == pytest.approx(2.5)
    assert result.n_origins == 2 and result.horizon == 2
    assert "n_origins=2" in repr(result)


def test_mase_scales_each_channel():
    y = np.column_stack([np.arange(8.0), 100.0 * np.arange(8.0) ** 2])
    result = backtest(LastValue(), y, 1, initial=5)
    train = y[:5]
    scale = np.abs(np.diff(train, axis=0)).mean(axis=0)
    expected = (np.abs(result.errors[:, 0, :]) / scale).mean()
    assert result.mase() == pytest.approx(expected)


def test_mase_errors():
    result = backtest(LastValue(), np.array([1.0, 1.0, 1.0, 2.0]), 1, initial=3)
    with pytest.raises(ValueError, match="MASE is undefined"):
        result.mase()
    with pytest.raises(ValueError, match="season"):
        result.mase(season=3)


def test_result_is_read_only():
    result = backtest(LastValue(), np.arange(10.0), 2, initial=5)
    assert isinstance(result, BacktestResult)
    with pytest.raises(ValueError):
        result.errors[0, 0] = 1.0
    with pytest.raises(AttributeError):
        result.origins = np.arange(3)


@settings(max_examples=40, deadline=None)
@given(
    length=st.integers(2, 40),
    horizon=st.integers(1, 6),
    step=st.integers(1, 7),
    data=st.data(),
)
def test_origins_cover_the_series(length, horizon, step, data):
    assume(length > horizon)
    initial = data.draw(st.integers(1, length - horizon))
    y = np.arange(length, dtype=float)
    result = backtest(LastValue(), y, horizon, initial=initial, step=step)
    assert result.origins[0] == initial
    assert np.all(np.diff(result.origins) == step)
    assert result.origins[-1] + horizon <= length < result.origins[-1] + step + horizon
    # Last value of an arithmetic sequence: error of step h is h + 1.
    np.testing.assert_allclose(
        result.errors, np.tile(np.arange(1, horizon + 1), (len(result.origins), 1))
    )


# -- baselines ---------------------------------------------------------------------------


def test_seasonal_naive():
    model = SeasonalNaive(3).fit([1.0, 2.0, 3.0, 4.0, 5.0])
    np.testing.assert_array_equal(model.forecast(7), [3, 4, 5, 3, 4, 5, 3])
    model.update(6.0)
    np.testing.assert_array_equal(model.forecast(3), [4, 5, 6])
    model.update([7.0, 8.0, 9.0, 10.0])
    np.testing.assert_array_equal(model.forecast(4), [8, 9, 10, 8])
    assert model.n_seen == 10
    assert "season=3" in repr(model)


def test_seasonal_naive_multichannel():
    y = np.arange(12.0).reshape(6, 2)
    model = SeasonalNaive(2).fit(y)
    np.testing.assert_array_equal(model.forecast(3), y[[4, 5, 4]])
    model.update([100.0, 101.0])  # one sample of 2 channels
    np.testing.assert_array_equal(model.forecast(2), [[10, 11], [100, 101]])
    model.update(np.ones((3, 2)))
    np.testing.assert_array_equal(model.forecast(1), [[1, 1]])
    with pytest.raises(ValueError, match="channel"):
        model.update(np.ones((2, 3)))


def test_seasonal_naive_backtest():
    season = 4
    y = np.sin(2 * np.pi * np.arange(40) / season) + 0.01 * np.arange(40)
    result = backtest(SeasonalNaive(season), y, 6, initial=10, step=3)
    for i, o in enumerate(result.origins):
        expected = [y[o - season + h % season] for h in range(6)]
        np.testing.assert_allclose(result.forecasts[i], expected)


def test_last_value():
    model = LastValue().fit(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(model.forecast(2), [[3, 4], [3, 4]])
    model.update([[5.0, 6.0]], learn=True)
    np.testing.assert_array_equal(model.forecast(1), [[5, 6]])
    assert repr(model) == "LastValue(n_seen=3)"
    assert repr(LastValue()) == "LastValue(not fitted)"


def test_baseline_errors():
    with pytest.raises(ValueError, match="season"):
        SeasonalNaive(0)
    with pytest.raises(TypeError, match="season"):
        SeasonalNaive(2.0)
    with pytest.raises(RuntimeError, match="not fitted"):
        SeasonalNaive(2).forecast(1)
    with pytest.raises(RuntimeError, match="not fitted"):
        LastValue().update(1.0)
    with pytest.raises(ValueError, match="at least season=5"):
        SeasonalNaive(5).fit(np.ones(4))
    with pytest.raises(ValueError, match="finite"):
        LastValue().fit([1.0, np.nan])
    with pytest.raises(ValueError, match="finite"):
        LastValue().fit([1.0]).update(np.inf)
    with pytest.raises(ValueError, match="shape"):
        LastValue().fit(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="horizon"):
        LastValue().fit([1.0]).forecast(0)


# -- bad arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"horizon": 0}, ValueError, "horizon"),
        ({"horizon": 1.5}, TypeError, "horizon"),
        ({"step": 0}, ValueError, "step"),
        ({"initial": 0}, ValueError, "initial"),
        ({"initial": 18}, ValueError, "initial must be at most"),
        ({"horizon": 20}, ValueError, "horizon=20"),
        ({"method": "fast"}, ValueError, "method"),
        ({"refit": True, "learn": True}, ValueError, "learn"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    arguments = {"horizon": 3, "initial": 10, **kwargs}
    horizon = arguments.pop("horizon")
    with pytest.raises(error, match=match):
        backtest(LastValue(), np.arange(20.0), horizon, **arguments)


def test_bad_series():
    with pytest.raises(ValueError, match="y must be finite"):
        backtest(LastValue(), [1.0, np.nan, 2.0, 3.0], 1, initial=2)
    with pytest.raises(ValueError, match="y must have shape"):
        backtest(LastValue(), np.ones((5, 2, 2)), 1, initial=2)
    with pytest.raises(TypeError, match="y must hold real numbers"):
        backtest(LastValue(), np.ones(5, dtype=complex), 1, initial=2)


def test_initial_too_small_for_the_model():
    with pytest.raises(ValueError, match="initial=5"):
        backtest(FIRForecaster(order=10), np.arange(30.0), 2, initial=5)


def test_forecast_of_the_wrong_shape():
    class Broken(LastValue):
        def forecast(self, horizon, method="continuous"):
            return np.zeros(horizon + 1)

    with pytest.raises(ValueError, match="forecast shape"):
        backtest(Broken(), np.arange(10.0), 2, initial=5)


# -- prediction intervals and their coverage ---------------------------------------------


@pytest.mark.parametrize("refit", [False, True])
def test_intervals_are_those_of_the_model_at_each_origin(refit):
    y = ar2_series(200, d=2)
    result = backtest(
        FIRForecaster(3),
        y,
        4,
        initial=150,
        step=7,
        refit=refit,
        levels=[0.8, 0.5],
        n_paths=50,
        seed=3,
    )
    generator = np.random.default_rng(3)
    model = FIRForecaster(3).fit(y[:150])
    for i, origin in enumerate(result.origins):
        lower, upper = model.prediction_interval(
            4, level=[0.8, 0.5], n_paths=50, seed=generator
        )
        np.testing.assert_array_equal(result.lower[i], lower)
        np.testing.assert_array_equal(result.upper[i], upper)
        if refit:
            model.fit(y[: origin + 7])
        else:
            model.update(y[origin : origin + 7])
    assert result.lower.shape == (len(result.origins), 2, 4, 2)
    inside = (result.lower[:, 1] <= result.actuals) & (
        result.actuals <= result.upper[:, 1]
    )
    assert result.coverage(0.5) == inside.mean()
    np.testing.assert_array_equal(
        result.coverage(0.5, by_step=True), inside.mean(axis=(0, 2))
    )


def test_a_well_specified_model_covers_as_it_says():
    y = ar2_series(6000, seed=4)
    result = backtest(
        FIRForecaster(2),
        y,
        6,
        initial=4000,
        step=6,
        levels=[0.8, 0.95],
        n_paths=500,
        seed=0,
    )
    assert abs(result.coverage(0.8) - 0.8) < 0.03
    assert abs(result.coverage(0.95) - 0.95) < 0.02
    assert np.all(np.abs(result.coverage(0.8, by_step=True) - 0.8) < 0.06)


def test_a_misspecified_model_undercovers():
    """An AR(1) on an AR(2) series: its intervals are too narrow beyond one step."""
    y = ar2_series(6000, seed=5)
    result = backtest(
        FIRForecaster(1), y, 6, initial=4000, step=6, levels=[0.8], n_paths=500, seed=0
    )
    correct = backtest(
        FIRForecaster(2), y, 6, initial=4000, step=6, levels=[0.8], n_paths=500, seed=0
    )
    too_narrow = result.coverage(0.8, by_step=True)[1:]
    assert np.all(too_narrow < 0.76)
    assert np.all(too_narrow < correct.coverage(0.8, by_step=True)[1:] - 0.04)


def test_intervals_in_the_long_frame():
    y = ar2_series(120)
    result = backtest(
        FIRForecaster(2), y, 3, initial=100, levels=0.9, n_paths=40, seed=1
    )
    frame = result.to_frame()
    assert list(frame.columns[-2:]) == ["lower_0.9", "upper_0.9"]
    np.testing.assert_array_equal(frame["lower_0.9"], result.lower[:, 0].reshape(-1))
    assert result.levels == (0.9,)


def test_interval_arguments_are_checked():
    y = ar2_series(120)
    with pytest.raises(
        TypeError, match="levels needs a model with a prediction_interval"
    ):
        backtest(LastValue(), y, 3, initial=100, levels=0.8)
    with pytest.raises(ValueError, match="level"):
        backtest(FIRForecaster(2), y, 3, initial=100, levels=1.5)
    with pytest.raises(ValueError, match="n_paths must be at least 1"):
        backtest(FIRForecaster(2), y, 3, initial=100, levels=0.8, n_paths=0)
    plain = backtest(FIRForecaster(2), y, 3, initial=100)
    assert plain.lower is None and plain.levels == ()
    with pytest.raises(ValueError, match="computed no prediction intervals"):
        plain.coverage(0.8)
    with_levels = backtest(FIRForecaster(2), y, 3, initial=100, levels=0.8, n_paths=20)
    with pytest.raises(
        ValueError, match=r"one of the backtest's levels \[0.8\], got 0.9"
    ):
        with_levels.coverage(0.9)
    assert not with_levels.upper.flags.writeable
