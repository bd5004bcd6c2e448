"""SpectralForecaster: the folded filter, streaming, online learning, errors."""

import numpy as np
import pytest

import ffstream
from ffstream.filters.spectral import spectral_features

from reference import recursive_least_squares


def damped_oscillators(n, rng, d=2):
    """A noisy marginally stable linear system observed on ``d`` channels."""
    t = np.arange(n)
    y = np.stack([np.sin(0.05 * t + c) * 0.999 ** (t % 700) for c in range(d)], axis=1)
    return y + 0.05 * rng.standard_normal((n, d))


def feature_prediction(model, history):
    """Next-sample prediction computed directly from features (the unfolded model)."""
    d = history.shape[1]
    features = spectral_features(history, model.filters_)[-1].reshape(-1)
    lags = [history[-1 - i] for i in range(model.ar_order)]
    x = np.concatenate([features, *lags, [1.0] if model.fit_intercept else []])
    assert x.shape[0] == model.weights_.shape[0]
    return x @ model.weights_.reshape(-1, d)


def test_folded_filter_predicts_like_the_features(rng):
    y = damped_oscillators(3000, rng)
    model = ffstream.SpectralForecaster(n_filters=6, context=128, ar_order=3).fit(y)
    forecast = model.forecast(20)
    history = y.copy()
    for step in range(20):
        prediction = feature_prediction(model, history)
        np.testing.assert_allclose(forecast[step], prediction, rtol=1e-9, atol=1e-12)
        history = np.vstack([history, prediction])


def test_methods_agree(rng, method):
    y = damped_oscillators(2000, rng, d=1)[:, 0]
    model = ffstream.SpectralForecaster(n_filters=5, context=200, ar_order=1).fit(y)
    np.testing.assert_allclose(
        model.forecast(500, method=method), model.forecast(500), rtol=1e-10, atol=1e-12
    )


def test_fit_is_least_squares_on_the_features(rng):
    y = damped_oscillators(1500, rng)
    model = ffstream.SpectralForecaster(
        n_filters=4, context=64, ar_order=2, ridge=0.0
    ).fit(y)
    features = spectral_features(y, model.filters_).reshape(len(y), -1)
    rows = np.arange(63, len(y) - 1)  # the rows whose features see a full context
    x = np.hstack([features[rows], y[rows], y[rows - 1], np.ones((len(rows), 1))])
    expected, *_ = np.linalg.lstsq(x, y[rows + 1], rcond=None)
    # Spectral features are strongly collinear: compare fitted values, which the
    # normal equations and an orthogonal solver agree on far better than weights.
    np.testing.assert_allclose(x @ model.weights_, x @ expected, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(model.weights_, expected, rtol=1e-4, atol=1e-6)


def test_learning_online_with_full_memory_continues_the_batch_fit(rng):
    y = damped_oscillators(2400, rng)
    kwargs = dict(n_filters=4, context=64, ar_order=2, ridge=0.0)
    batch = ffstream.SpectralForecaster(**kwargs).fit(y)
    online = ffstream.SpectralForecaster(**kwargs).fit(y[:1600])
    online.update(y[1600:2000], learn=True)
    online.update(y[2000:], learn=True)
    np.testing.assert_allclose(online.weights_, batch.weights_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(online.forecast(30), batch.forecast(30), rtol=1e-6)


@pytest.mark.parametrize("chunks", [[1, 7, 192], [200], [50, 1, 1, 148]])
def test_learning_uses_the_features_of_the_whole_history(rng, chunks):
    # Updates without learning in between: the feature engines are rebuilt from
    # the history, then advanced chunk by chunk.
    y = damped_oscillators(2000, rng)
    kwargs = dict(n_filters=4, context=96, ar_order=2, forgetting=0.99)
    model = ffstream.SpectralForecaster(**kwargs).fit(y[:1500])
    weights, inverse = model.weights_.copy(), model._inverse.copy()
    model.update(y[1500:1800])
    start = 1800
    for size in chunks:
        model.update(y[start : start + size], learn=True)
        start += size
    assert start == 2000
    features = spectral_features(y[:2000], model.filters_).reshape(2000, -1)
    rows = np.arange(1799, 1999)  # the sample before each learned target
    x = np.hstack([features[rows], y[rows], y[rows - 1], np.ones((len(rows), 1))])
    expected, _ = recursive_least_squares(weights, inverse, x, y[rows + 1], 0.99)
    np.testing.assert_allclose(model.weights_, expected, rtol=1e-7, atol=1e-9)
    # The forecast uses the learned weights.
    np.testing.assert_allclose(
        model.forecast(1)[0], feature_prediction(model, y[:2000]), rtol=1e-9
    )


def test_a_diverging_learning_update_is_undone_and_learning_resumes(rng):
    y = damped_oscillators(1200, rng)
    kwargs = dict(n_filters=3, context=64, ar_order=1)
    model = ffstream.SpectralForecaster(**kwargs).fit(y[:1000])
    twin = ffstream.SpectralForecaster(**kwargs).fit(y[:1000])
    model.update(y[1000:1050], learn=True)
    twin.update(y[1000:1050], learn=True)
    expected = model.forecast(10)
    with pytest.raises(ValueError, match="finite"):
        model.update(np.full((5, 2), 1e300), learn=True)
    assert model.n_seen == 1050
    np.testing.assert_array_equal(model.forecast(10), expected)
    # The feature engines had ingested the rejected samples: they are rebuilt
    # (features summed in another order: equal up to rounding).
    model.update(y[1050:], learn=True)
    twin.update(y[1050:], learn=True)
    np.testing.assert_allclose(model.weights_, twin.weights_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.forecast(10), twin.forecast(10), rtol=1e-8)


def test_a_failed_learning_update_then_as_many_new_samples_learns_from_them(rng):
    # The rejected samples had reached the feature engines; an update of as
    # many samples without learning brings the sample counts level again, and
    # the next learning update must still use the features of the true history.
    y = damped_oscillators(400, rng, d=1)
    kwargs = dict(n_filters=4, context=64, ar_order=2)
    model = ffstream.SpectralForecaster(**kwargs).fit(y[:300])
    twin = ffstream.SpectralForecaster(**kwargs).fit(y[:300])
    for m in (model, twin):
        m.update(y[300:310], learn=True)
    with pytest.raises(ValueError, match="finite"):
        model.update(np.full((20, 1), 1e300), learn=True)
    for m in (model, twin):
        m.update(y[310:330])
        m.update(y[330:400], learn=True)
    np.testing.assert_allclose(model.weights_, twin.weights_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.forecast(10), twin.forecast(10), rtol=1e-8)


def test_update_without_learning_keeps_the_weights(rng):
    y = damped_oscillators(2000, rng)
    model = ffstream.SpectralForecaster(n_filters=4, context=100, ar_order=1).fit(
        y[:1500]
    )
    weights = model.weights_.copy()
    for chunk in np.array_split(y[1500:], 7):
        model.update(chunk)
    np.testing.assert_array_equal(model.weights_, weights)
    assert model.n_seen == 2000
    history = y.copy()
    expected = []
    for _ in range(5):
        expected.append(feature_prediction(model, history))
        history = np.vstack([history, expected[-1]])
    np.testing.assert_allclose(model.forecast(5), expected, rtol=1e-9)


def test_sample_paths_shape_and_reproducibility(rng):
    y = damped_oscillators(1000, rng)
    model = ffstream.SpectralForecaster(n_filters=3, context=50).fit(y)
    paths = model.sample_paths(40, 8, seed=2)
    assert paths.shape == (8, 40, 2)
    np.testing.assert_array_equal(paths, model.sample_paths(40, 8, seed=2))


def test_bad_arguments(rng):
    with pytest.raises(ValueError, match="n_filters must be at most context"):
        ffstream.SpectralForecaster(n_filters=10, context=5)
    with pytest.raises(ValueError, match="forgetting"):
        ffstream.SpectralForecaster(forgetting=0.0)
    with pytest.raises(ValueError, match="ridge"):
        ffstream.SpectralForecaster(ridge=-1.0)
    model = ffstream.SpectralForecaster(n_filters=2, context=16).fit(
        damped_oscillators(300, rng)
    )
    with pytest.raises(ValueError, match="y_new must have 2 channel"):
        model.update(np.ones((3, 3)), learn=True)


def test_a_series_far_from_zero_is_forecast_near_its_level(rng):
    y = 100.0 + damped_oscillators(3000, rng, d=1)[:, 0]
    model = ffstream.SpectralForecaster(n_filters=6, context=256, ar_order=2).fit(y)
    forecast = model.forecast(24)
    # The next values stay within the range the series moves in.
    assert np.all(np.abs(forecast - 100.0) < 2.0)
    np.testing.assert_allclose(forecast[0], y[-1], atol=0.5)
