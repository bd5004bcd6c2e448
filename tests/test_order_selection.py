"""FIRForecaster(order="auto") against statsmodels' ar_select_order and VAR.select_order."""

import numpy as np
import pytest
from scipy import linalg, signal
from statsmodels.tsa.api import VAR
from statsmodels.tsa.ar_model import ar_select_order

import ffstream
from ffstream.models._autoregression import (
    _lagged_gram,
    _nested_residual_sums,
    _nested_residual_sums_lstsq,
    information_criteria,
)

from reference import lagged_design, simulate_var

CRITERIA = ("aic", "bic", "hqic")


def _ar_process(rng, order, n_samples, mean):
    """A stationary AR(``order``) series: poles of modulus 0.6-0.9, random angles."""
    n_pairs, real = divmod(order, 2)
    moduli = rng.uniform(0.6, 0.9, n_pairs + real)
    angles = rng.uniform(0.3, 2.8, n_pairs)
    poles = list(moduli[:n_pairs] * np.exp(1j * angles))
    poles += [np.conj(pole) for pole in poles] + list(-moduli[n_pairs:])
    denominator = np.real(np.poly(poles))
    noise = rng.standard_normal(n_samples + 500)
    return mean + signal.lfilter([1.0], denominator, noise)[500:]


def _statsmodels_ar(y, max_order, criterion, trend):
    """The order ``ar_select_order`` picks and its criterion per order 0..max_order."""
    result = ar_select_order(y, max_order, ic=criterion, trend=trend)
    values = getattr(result, criterion)
    keys = [0] + [tuple(range(1, p + 1)) for p in range(1, max_order + 1)]
    criterion_values = np.array([float(np.squeeze(values[key])) for key in keys])
    return max(result.ar_lags or [0]), criterion_values


# -- one channel: ar_select_order ---------------------------------------------------

AR_CASES = [
    # (true order, samples, max_order, intercept mean or None)
    (1, 200, 8, 1.5),
    (2, 300, 10, None),
    (3, 800, 12, -4.0),
    (4, 1500, 15, None),
    (5, 3000, 16, 0.7),
    (6, 5000, 20, None),
]


@pytest.mark.parametrize("criterion", CRITERIA)
@pytest.mark.parametrize(("true_order", "n_samples", "max_order", "mean"), AR_CASES)
def test_univariate_selection_matches_ar_select_order(
    true_order, n_samples, max_order, mean, criterion
):
    rng = np.random.default_rng(100 * true_order + n_samples)
    y = _ar_process(rng, true_order, n_samples, 0.0 if mean is None else mean)
    trend = "n" if mean is None else "c"
    expected_order, expected_values = _statsmodels_ar(y, max_order, criterion, trend)
    model = ffstream.FIRForecaster(
        "auto", max_order=max_order, criterion=criterion, fit_intercept=trend == "c"
    ).fit(y)
    assert model.order_ == expected_order
    # Same definitions as statsmodels (totals, p + 1 parameters): no offset.
    np.testing.assert_allclose(model.criterion_values_, expected_values, rtol=1e-10)
    assert model.coef_.shape == (model.order_,)


def test_univariate_selection_of_white_noise_is_order_zero():
    y = 3.0 + np.random.default_rng(5).standard_normal(400)
    expected_order, expected_values = _statsmodels_ar(y, 6, "bic", "c")
    model = ffstream.FIRForecaster("auto", max_order=6, criterion="bic").fit(y)
    assert model.order_ == expected_order == 0
    np.testing.assert_allclose(model.criterion_values_, expected_values, rtol=1e-10)
    assert model.coef_.shape == (0,) and model.filter_length == 1
    assert model.intercept_ == pytest.approx(y.mean(), rel=1e-13)
    np.testing.assert_allclose(model.forecast(5), np.full(5, y.mean()), rtol=1e-13)
    assert model.sample_paths(3, n_paths=4, seed=0).shape == (4, 3)
    model.update(y[:10], learn=True)
    assert model.coef_.shape == (0,) and np.isfinite(model.forecast(2)).all()


# -- several channels: VAR.select_order --------------------------------------------


def _var_process(rng, n_channels, order, n_samples, intercept):
    coef = np.zeros((order, n_channels, n_channels))
    for i in range(order):
        coef[i] = rng.uniform(-0.3, 0.3, (n_channels, n_channels)) * 0.7**i
    coef[0] += 0.4 * np.eye(n_channels)
    return simulate_var(rng, coef, n_samples, intercept=intercept)


VAR_CASES = [
    # (channels, true order, samples, max_order, intercept)
    (2, 1, 300, 6, True),
    (2, 3, 1500, 10, False),
    (3, 2, 800, 8, True),
    (3, 4, 3000, 12, False),
]


@pytest.mark.parametrize(
    ("n_channels", "true_order", "n_samples", "max_order", "intercept"), VAR_CASES
)
def test_multichannel_selection_matches_var_select_order(
    n_channels, true_order, n_samples, max_order, intercept
):
    rng = np.random.default_rng(10 * n_channels + true_order)
    c = rng.uniform(-1, 1, n_channels) if intercept else None
    y = _var_process(rng, n_channels, true_order, n_samples, c)
    trend = "c" if intercept else "n"
    expected = VAR(y).select_order(max_order, trend=trend)
    for criterion in CRITERIA:
        model = ffstream.FIRForecaster(
            "auto", max_order=max_order, criterion=criterion, fit_intercept=intercept
        ).fit(y)
        assert model.order_ == expected.selected_orders[criterion]
        # VAR's per-observation criteria, orders 0.. (1.. without intercept: nan at 0).
        ours = model.criterion_values_ if intercept else model.criterion_values_[1:]
        np.testing.assert_allclose(ours, expected.ics[criterion], rtol=1e-10)
        assert intercept or np.isnan(model.criterion_values_[0])
        assert model.coef_.shape == (model.order_, n_channels, n_channels)


def test_default_max_order_is_that_of_var_select_order():
    rng = np.random.default_rng(7)
    y = _var_process(rng, 2, 2, 500, np.array([0.5, -0.5]))
    expected = VAR(y).select_order(trend="c")
    model = ffstream.FIRForecaster("auto").fit(y)
    assert len(model.criterion_values_) == len(expected.ics["aic"])
    assert model.order_ == expected.selected_orders["aic"]


# -- the final fit ------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2000,), (1500, 3)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_final_fit_is_the_fit_of_the_chosen_order(shape, fit_intercept):
    rng = np.random.default_rng(len(shape))
    if len(shape) == 1:
        y = _ar_process(rng, 4, shape[0], 2.0)
    else:
        y = _var_process(rng, shape[1], 2, shape[0], np.ones(shape[1]))
    auto = ffstream.FIRForecaster(
        "auto", max_order=10, criterion="hqic", fit_intercept=fit_intercept
    ).fit(y)
    fixed = ffstream.FIRForecaster(auto.order_, fit_intercept=fit_intercept).fit(y)
    assert auto.order_ >= 1
    assert np.array_equal(auto.coef_, fixed.coef_)
    assert np.array_equal(auto.intercept_, fixed.intercept_)
    assert np.array_equal(auto.residual_cov_, fixed.residual_cov_)
    assert np.array_equal(auto.prediction_cov_, fixed.prediction_cov_)
    assert np.array_equal(auto.forecast(20), fixed.forecast(20))


def test_ridge_and_solver_apply_to_the_final_fit_only():
    y = _ar_process(np.random.default_rng(3), 3, 1000, 1.0)
    plain = ffstream.FIRForecaster("auto", max_order=8).fit(y)
    ridged = ffstream.FIRForecaster("auto", max_order=8, ridge=50.0).fit(y)
    walker = ffstream.FIRForecaster("auto", max_order=8, solver="yule-walker").fit(y)
    assert plain.order_ == ridged.order_ == walker.order_
    fixed = ffstream.FIRForecaster(plain.order_, ridge=50.0).fit(y)
    assert np.array_equal(ridged.coef_, fixed.coef_)
    assert not np.allclose(ridged.coef_, plain.coef_, rtol=1e-6)


# -- the nested solve -----------------------------------------------------------------


@pytest.mark.parametrize("n_channels", [1, 2])
def test_nested_residual_sums_equal_separate_least_squares(n_channels):
    rng = np.random.default_rng(n_channels)
    y = rng.standard_normal((300, n_channels)).cumsum(axis=0) * 0.1
    y += rng.standard_normal(y.shape)
    max_order = 7
    gram = _lagged_gram(y, max_order + 1)
    nested = _nested_residual_sums(gram, max_order, n_channels)
    reorder = np.r_[n_channels : (max_order + 1) * n_channels, 0:n_channels]
    fallback = _nested_residual_sums_lstsq(
        gram[np.ix_(reorder, reorder)], max_order, n_channels
    )
    targets = y[max_order:]
    for p in range(max_order + 1):
        if p:
            design = lagged_design(y, p, False)[0][max_order - p :]
            residuals = targets - design @ linalg.lstsq(design, targets)[0]
        else:
            residuals = targets
        expected = residuals.T @ residuals
        np.testing.assert_allclose(nested[p], expected, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(fallback[p], expected, rtol=1e-9, atol=1e-9)


def test_noise_free_series_is_selected_without_error():
    y = np.cos(0.3 * np.arange(200)) + 0.001 * np.cos(0.05 * np.arange(200) ** 1.5)
    values = information_criteria(y[:, None], 6)
    assert all(np.isfinite(v).all() for v in values.values())
    model = ffstream.FIRForecaster("auto", max_order=6).fit(y)
    assert model.order_ >= 2


# -- checkpoints ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(600,), (600, 2)])
def test_checkpoint_round_trip(tmp_path, shape):
    rng = np.random.default_rng(11)
    if len(shape) == 1:
        y = _ar_process(rng, 3, shape[0], 1.0)
    else:
        y = _var_process(rng, 2, 2, shape[0], None)
    model = ffstream.FIRForecaster(
        "auto", max_order=9, criterion="bic", fit_intercept=len(shape) == 1
    ).fit(y)
    path = tmp_path / "auto.ffs"
    model.save(path)
    loaded = ffstream.FIRForecaster.load(path)
    assert repr(loaded) == repr(model)
    assert loaded._settings() == model._settings()
    assert loaded._settings()["order"] == "auto"
    assert loaded.order_ == model.order_
    np.testing.assert_array_equal(loaded.criterion_values_, model.criterion_values_)
    assert np.array_equal(loaded.coef_, model.coef_)
    assert np.array_equal(loaded.forecast(10), model.forecast(10))
    unfitted = ffstream.FIRForecaster("auto", max_order=9, criterion="hqic")
    unfitted.save(tmp_path / "unfitted.ffs")
    again = ffstream.FIRForecaster.load(tmp_path / "unfitted.ffs")
    assert repr(again) == repr(unfitted) and again.criterion == "hqic"


def test_white_noise_checkpoint_round_trip(tmp_path):
    y = np.random.default_rng(2).standard_normal(300)
    model = ffstream.FIRForecaster("auto", max_order=4, criterion="bic").fit(y)
    assert model.order_ == 0
    model.save(tmp_path / "zero.ffs")
    loaded = ffstream.FIRForecaster.load(tmp_path / "zero.ffs")
    assert loaded.order_ == 0 and loaded.coef_.shape == (0,)
    assert np.array_equal(loaded.forecast(3), model.forecast(3))


def test_checkpoint_without_the_new_settings_still_loads():
    y = _ar_process(np.random.default_rng(4), 2, 300, 0.0)
    model = ffstream.FIRForecaster(order=3).fit(y)
    checkpoint = model._to_checkpoint()
    del checkpoint.settings["parameters"]["max_order"]
    del checkpoint.settings["parameters"]["criterion"]
    loaded = ffstream.FIRForecaster._from_checkpoint(checkpoint)
    assert loaded.order_ == 3 and loaded.criterion_values_ is None
    assert np.array_equal(loaded.forecast(5), model.forecast(5))


def test_checkpoint_with_a_bad_chosen_order_is_refused():
    y = _ar_process(np.random.default_rng(4), 2, 300, 0.0)
    checkpoint = ffstream.FIRForecaster("auto", max_order=5).fit(y)._to_checkpoint()
    checkpoint.settings["order_"] = 9
    with pytest.raises(ValueError, match="order_"):
        ffstream.FIRForecaster._from_checkpoint(checkpoint)


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"order": "AUTO"}, ValueError, "order must be an int >= 1 or 'auto'"),
        ({"order": "aic"}, ValueError, "order must be"),
        ({"order": 3, "max_order": 5}, ValueError, "max_order only applies"),
        ({"order": 3, "criterion": "bic"}, ValueError, "criterion only applies"),
        ({"order": "auto", "criterion": "fpe"}, ValueError, "criterion must be one"),
        ({"order": "auto", "criterion": "AIC"}, ValueError, "criterion must be one"),
        ({"order": "auto", "max_order": 0}, ValueError, "max_order"),
        ({"order": "auto", "max_order": 2.5}, TypeError, "max_order"),
        ({"order": 2.0}, TypeError, "order"),
    ],
)
def test_bad_settings_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        ffstream.FIRForecaster(**kwargs)


@pytest.mark.parametrize(("shape", "max_order"), [((40,), 20), ((60, 3), 15)])
def test_max_order_beyond_the_data_is_refused_before_anything_changes(shape, max_order):
    rng = np.random.default_rng(0)
    model = ffstream.FIRForecaster("auto", max_order=2).fit(rng.standard_normal(shape))
    before = model.forecast(3)
    state = dict(vars(model))
    too_long = ffstream.FIRForecaster("auto", max_order=max_order)
    with pytest.raises(ValueError, match="max_order"):
        too_long.fit(rng.standard_normal(shape))
    model.max_order = max_order
    with pytest.raises(ValueError, match="max_order"):
        model.fit(rng.standard_normal(shape))
    assert vars(model).keys() == state.keys()
    assert all(vars(model)[k] is state[k] for k in state if k != "max_order")
    assert np.array_equal(model.forecast(3), before)


def test_largest_estimable_max_order_is_accepted():
    y = np.random.default_rng(1).standard_normal(40)
    model = ffstream.FIRForecaster("auto", max_order=19).fit(y)  # (40 - 2) // 2
    assert len(model.criterion_values_) == 20
    with pytest.raises(ValueError, match="max_order=20 is too large for 40 samples"):
        ffstream.FIRForecaster("auto", max_order=20).fit(y)
    with pytest.raises(ValueError, match="max_order=13 is too large"):
        ffstream.FIRForecaster("auto", max_order=13).fit(np.c_[y, y[::-1]])
    with pytest.raises(ValueError, match="too short to choose an order"):
        ffstream.FIRForecaster("auto").fit(np.ones((5, 3)))
