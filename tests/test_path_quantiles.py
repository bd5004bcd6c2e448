"""Prediction intervals from paths seen a group at a time: exact, and bounded in memory."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ffstream
from ffstream.models._path_quantiles import PathQuantiles

from strategies import seeds


@given(
    n_paths=st.integers(1, 400),
    group=st.integers(1, 130),
    quantiles=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
    ties=st.booleans(),
    seed=seeds,
)
def test_grouped_quantiles_equal_numpys(n_paths, group, quantiles, ties, seed):
    rng = np.random.default_rng(seed)
    paths = rng.standard_normal((n_paths, 3, 2))
    if ties:  # repeated values: order statistics of equal values
        paths = np.round(paths)
    kept = PathQuantiles(quantiles, n_paths)
    for start in range(0, n_paths, group):
        kept.add(paths[start : start + group])
    assert kept.kept_paths <= n_paths
    expected = np.quantile(paths, quantiles, axis=0)
    assert np.array_equal(kept.result(), expected)


def test_central_quantiles_keep_only_the_tails():
    assert PathQuantiles([0.05, 0.95], 1000).kept_paths == 2 * 51
    assert PathQuantiles([0.005, 0.995], 1000).kept_paths == 2 * 6
    assert PathQuantiles([0.5], 1000).kept_paths == 1000  # the median needs all


def test_a_step_with_a_nan_path_has_nan_quantiles_as_in_numpy():
    paths = np.random.default_rng(3).standard_normal((200, 4))
    paths[17, 1] = np.nan
    paths[150, 3] = np.inf
    kept = PathQuantiles([0.1, 0.9], 200)
    for start in range(0, 200, 64):
        kept.add(paths[start : start + 64])
    expected = np.quantile(paths, [0.1, 0.9], axis=0)
    assert np.array_equal(kept.result(), expected, equal_nan=True)
    assert np.isnan(kept.result()[:, 1]).all()


def test_a_result_before_every_path_arrived_is_refused():
    kept = PathQuantiles([0.1, 0.9], 100)
    kept.add(np.zeros((64, 2)))
    with pytest.raises(RuntimeError, match="64 of the 100 paths were added"):
        kept.result()


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(11)
    y = rng.standard_normal((800, 2)).cumsum(axis=0) * 0.1
    return {
        "fir-1": ffstream.FIRForecaster(order=5).fit(y[:, 0]),
        "fir-2": ffstream.FIRForecaster(order=3).fit(y),
        "spectral": ffstream.SpectralForecaster(context=64, n_filters=6).fit(y[:, 1]),
    }


@pytest.mark.parametrize("name", ["fir-1", "fir-2", "spectral"])
@pytest.mark.parametrize(
    ("n_paths", "level"), [(1, 0.9), (63, 0.8), (64, 0.95), (200, 0.5), (1000, 0.9)]
)
def test_an_interval_is_numpys_quantile_of_the_sample_paths(
    models, name, n_paths, level
):
    model = models[name]
    lower, upper = model.prediction_interval(12, level, n_paths=n_paths, seed=5)
    paths = model.sample_paths(12, n_paths, seed=5)
    want_lower, want_upper = np.quantile(
        paths, [(1 - level) / 2, (1 + level) / 2], axis=0
    )
    assert np.array_equal(lower, want_lower)
    assert np.array_equal(upper, want_upper)
    assert lower.shape == model.forecast(12).shape


@pytest.mark.parametrize(("n_paths", "level"), [(1000, 0.9), (3000, 0.98)])
def test_an_interval_stays_within_its_documented_memory(models, n_paths, level):
    model = models["fir-2"]
    horizon, d = 3000, 2
    model.prediction_interval(4, n_paths=70)  # compile outside the measurement
    tracemalloc.start()
    try:
        model.prediction_interval(horizon, level, n_paths=n_paths)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    m = int(np.floor((n_paths - 1) * (1 - level) / 2)) + 2
    documented = 8 * (2 * (2 * m + 64) + 4 * 64) * horizon * d
    all_paths = 8 * n_paths * horizon * d
    # Plus the states of a group of paths: a few kB for this model.
    assert peak < documented + 2**20
    assert peak < all_paths  # what sample_paths holds at least


def test_an_interval_too_large_for_memory_names_it_before_simulating(models):
    model = models["fir-1"]
    with pytest.raises(
        ValueError, match=r"prediction_interval of horizon=1000000000 and n_paths=1000"
    ):
        model.prediction_interval(10**9)
    assert model.n_seen == 800


def test_a_reused_group_buffer_does_not_change_the_kept_values():
    paths = np.random.default_rng(4).standard_normal((100, 3))
    kept = PathQuantiles([0.05, 0.95], 100)
    buffer = np.empty((4, 3))
    for start in range(0, 100, 4):
        buffer[:] = paths[start : start + 4]
        kept.add(buffer)
    assert np.array_equal(kept.result(), np.quantile(paths, [0.05, 0.95], axis=0))
