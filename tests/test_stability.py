"""Unstable fitted recursions are detected at fit time (a FitWarning), stable ones are not."""

import warnings

import numpy as np
import pytest

import ffstream
from ffstream.models._stability import UNSTABLE_GROWTH, impulse_growth

from reference import simulate_var


def _spectral_radius(filters):
    """Largest modulus of the eigenvalues of the recursion's companion matrix."""
    p, d, _ = filters.shape
    companion = np.zeros((p * d, p * d))
    companion[:d] = np.concatenate(list(filters), axis=1)
    companion[d:, :-d] = np.eye((p - 1) * d)
    return np.abs(np.linalg.eigvals(companion)).max()


def test_growth_flags_exactly_the_explosive_recursions_of_a_random_family():
    rng = np.random.default_rng(0)
    flagged = []
    for _ in range(60):
        d, p = rng.integers(1, 4), rng.integers(1, 6)
        filters = (
            rng.standard_normal((p, d, d)) * rng.uniform(0.4, 1.2) / np.sqrt(p * d)
        )
        radius = _spectral_radius(filters)
        if 0.99 < radius < 1.01:
            continue  # too close to the boundary for a finite rollout to tell
        growth, steps = impulse_growth(filters)
        assert steps == 2048
        flagged.append((radius > 1.0, growth > UNSTABLE_GROWTH))
    assert all(explosive == seen for explosive, seen in flagged)
    assert 10 < sum(explosive for explosive, _ in flagged) < len(flagged) - 10


@pytest.mark.parametrize("frequency", [0.01, 0.3, 3.0])
def test_undamped_oscillations_and_trends_are_not_unstable(frequency):
    oscillator = np.array([[[2 * np.cos(frequency)]], [[-1.0]]])  # roots on the circle
    assert impulse_growth(oscillator)[0] < 2
    trend = np.array([[[2.0]], [[-1.0]]])  # a double unit root: linear growth
    assert impulse_growth(trend)[0] < 5


def test_an_overflowing_response_is_infinitely_unstable():
    assert impulse_growth(np.full((3, 1, 1), 5.0))[0] == np.inf


def test_long_filters_roll_out_four_times_their_length():
    filters = np.zeros((1000, 2, 2))
    filters[0] = 0.5 * np.eye(2)
    growth, steps = impulse_growth(filters)
    assert steps == 4000 and growth < 1e-12


def test_an_explosive_fit_warns_and_stays_fitted():
    y = 1.01 ** np.arange(300.0)
    with pytest.warns(
        ffstream.FitWarning,
        match=r"unstable recursion: its impulse "
        r"response grows .*-fold over 2048 steps",
    ):
        model = ffstream.FIRForecaster(order=2).fit(y)
    np.testing.assert_allclose(model.forecast(1), 1.01**300, rtol=1e-8)


def test_an_unstable_spectral_fit_warns():
    rng = np.random.default_rng(1)
    growing = np.exp(0.02 * np.arange(400.0))[:, None] * (
        1 + 0.01 * rng.standard_normal((400, 2))
    )
    with pytest.warns(ffstream.FitWarning, match=r"SpectralForecaster\(n_filters=4"):
        ffstream.SpectralForecaster(n_filters=4, context=32).fit(growing)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ffstream.FIRForecaster(order=8),
        lambda: ffstream.FIRForecaster(order=3, difference=1),
        lambda: ffstream.SpectralForecaster(n_filters=4, context=64),
        lambda: ffstream.SpectralForecaster(n_filters=4, context=64, difference=1),
    ],
)
def test_stable_and_integrated_fits_do_not_warn(make):
    rng = np.random.default_rng(2)
    stationary = simulate_var(rng, np.array([[[0.6]], [[-0.3]]]), 1000)[:, 0]
    random_walk = np.cumsum(stationary)  # its differences are stationary
    series = random_walk if make().difference else stationary
    with warnings.catch_warnings():
        warnings.simplefilter("error", ffstream.FitWarning)
        make().fit(series)
