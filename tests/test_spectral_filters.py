"""Spectral filters: the Hankel eigenproblem by both solvers, and the spectral features."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ffstream
from ffstream.filters.spectral import (
    MEANINGFUL_RTOL,
    _cached_eigenpairs,
    _hankel_operator,
    feature_bank,
    hankel_eigenpairs,
    hankel_matrix,
    spectral_features,
    spectral_filters,
)

from reference import spectral_features_by_loops
from strategies import seeds

# Every test here must stay clear of the meaningless range unless it says otherwise.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

EPS = np.finfo(float).eps


def meaningful_k(length, k_max=24):
    """The largest ``k <= k_max`` whose eigenvalues are all in the meaningful range."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sigma, _ = hankel_eigenpairs(length, min(length, k_max))
    return int(np.count_nonzero(sigma >= MEANINGFUL_RTOL * sigma[0]))


# -- the Hankel matrix --------------------------------------------------------------


def test_hankel_matrix_entries():
    length = 6
    z = hankel_matrix(length)
    for i in range(1, length + 1):
        for j in range(1, length + 1):
            n = i + j
            assert z[i - 1, j - 1] == pytest.approx(2.0 / (n**3 - n), rel=1e-15)
    np.testing.assert_array_equal(z, z.T)
    assert z[0, 0] == pytest.approx(1.0 / 3.0)


@pytest.mark.parametrize("length", [1, 2, 3, 17, 100, 1000])
def test_fft_product_matches_dense_product(length, rng):
    z = hankel_matrix(length)
    operator = _hankel_operator(length)
    x = rng.standard_normal((length, 3))
    for column in x.T:
        expected = z @ column
        got = operator @ column
        assert got.shape == (length,)
        scale = np.abs(z).sum(axis=1).max() * np.abs(column).max()  # ||Z|| ||x||
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14 * scale)


# -- eigenpairs ----------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["dense", "lanczos"])
@pytest.mark.parametrize("length", [2, 7, 64, 300, 1024])
def test_eigen_equation_and_orthonormality(length, solver):
    k = min(meaningful_k(length), length - 1)
    sigma, phi = hankel_eigenpairs(length, k, solver=solver)
    assert sigma.shape == (k,)
    assert phi.shape == (length, k)
    residual = np.linalg.norm(hankel_matrix(length) @ phi - phi * sigma, axis=0)
    # Backward stability: residuals at rounding level relative to ||Z|| = sigma_1 ...
    assert residual.max() <= 1e-13 * sigma[0]
    # ... hence relative to sigma_j as well while sigma_j is not too small.
    large = sigma >= 1e-5 * sigma[0]
    assert large.sum() >= min(k, 4)
    assert (residual[large] <= 1e-10 * sigma[large]).all()
    np.testing.assert_allclose(phi.T @ phi, np.eye(k), rtol=0, atol=1e-13)


def test_eigen_equation_at_long_length():
    length, k = 8192, 24
    sigma, phi = hankel_eigenpairs(length, k)  # Lanczos
    product = np.column_stack([_hankel_operator(length) @ phi[:, j] for j in range(k)])
    residual = np.linalg.norm(product - phi * sigma, axis=0)
    assert residual.max() <= 1e-13 * sigma[0]
    np.testing.assert_allclose(phi.T @ phi, np.eye(k), rtol=0, atol=1e-13)
    assert sigma[-1] >= MEANINGFUL_RTOL * sigma[0]


@pytest.mark.parametrize("length", [512, 1024])
def test_dense_and_lanczos_agree(length):
    k = meaningful_k(length)
    assert k >= 20
    sigma_d, phi_d = hankel_eigenpairs(length, k, solver="dense")
    sigma_l, phi_l = hankel_eigenpairs(length, k, solver="lanczos")
    np.testing.assert_allclose(sigma_l, sigma_d, rtol=0, atol=1e-15 * sigma_d[0])
    # Same sign convention, so no sign to fix: eigenvector j is determined to
    # about eps * ||Z|| / gap_j, and the gaps are of the order of sigma_j.
    errors = np.linalg.norm(phi_l - phi_d, axis=0)
    assert (errors <= 1e-14 * sigma_d[0] / sigma_d).all()
    assert errors[:8].max() <= 1e-9
    filters_d = spectral_filters(length, k, solver="dense")
    filters_l = spectral_filters(length, k, solver="lanczos")
    np.testing.assert_allclose(filters_l, filters_d, rtol=0, atol=1e-6)


def test_auto_solver_is_dense_up_to_1024_then_lanczos():
    for length, solver in [(1024, "dense"), (1025, "lanczos")]:
        auto = hankel_eigenpairs(length, 8)
        explicit = hankel_eigenpairs(length, 8, solver=solver)
        for a, b in zip(auto, explicit, strict=True):
            np.testing.assert_array_equal(a, b)


def test_known_eigenvalues():
    # L = 1: Z = [1/3].
    sigma, phi = hankel_eigenpairs(1, 1)
    assert sigma[0] == pytest.approx(1.0 / 3.0, rel=1e-15)
    np.testing.assert_array_equal(phi, [[1.0]])
    assert spectral_filters(1, 1)[0, 0] == pytest.approx((1.0 / 3.0) ** 0.25, rel=1e-15)
    # L = 2: Z = [[1/3, 1/12], [1/12, 1/30]], eigenvalues m +- sqrt(h^2 + b^2).
    mean, half, off = (1 / 3 + 1 / 30) / 2, (1 / 3 - 1 / 30) / 2, 1 / 12
    root = np.hypot(half, off)
    sigma, phi = hankel_eigenpairs(2, 2)
    np.testing.assert_allclose(sigma, [mean + root, mean - root], rtol=1e-14)
    # The top eigenvector of a positive matrix is positive (Perron-Frobenius).
    assert (phi[:, 0] > 0).all()
    # Against another LAPACK driver (syevd on the whole spectrum), to rounding of ||Z||.
    expected = np.linalg.eigvalsh(hankel_matrix(64))[::-1][:10]
    np.testing.assert_allclose(
        hankel_eigenpairs(64, 10)[0], expected, rtol=0, atol=1e-15 * expected[0]
    )


def test_trace_of_the_full_spectrum():
    length = 40
    with pytest.warns(RuntimeWarning, match="dominated by rounding"):
        sigma, _ = hankel_eigenpairs(length, length)
    assert sigma.sum() == pytest.approx(np.trace(hankel_matrix(length)), rel=1e-14)


def test_eigenvalues_decay_geometrically_and_grow_with_length():
    previous = None
    for length in [64, 1024, 8192]:
        k = meaningful_k(length)
        sigma, _ = hankel_eigenpairs(length, k)
        ratios = sigma[1:] / sigma[:-1]
        assert (ratios > 0).all()
        assert (ratios <= 0.5).all()  # at least halving at every index
        # The well-known head of the spectrum: sigma_1 -> 0.3604, sigma_2/sigma_1 -> 0.0623.
        assert sigma[0] == pytest.approx(0.36039, abs=1e-5)
        assert ratios[0] == pytest.approx(0.0623, abs=5e-4)
        if previous is not None:
            # Cauchy interlacing: Z_L is a principal submatrix of Z_L' for L < L'.
            n = min(len(previous), k)
            assert (sigma[:n] >= previous[:n] - 1e-16 * sigma[0]).all()
        previous = sigma


# -- sign convention, determinism, caching --------------------------------------------


@pytest.mark.parametrize("solver", ["dense", "lanczos"])
def test_sign_convention_and_determinism(solver):
    length = 1000
    k = meaningful_k(length)
    sigma, phi = hankel_eigenpairs(length, k, solver=solver)
    assert (phi[0] > 0).all()
    # Recomputed from scratch, bypassing the cache: bit for bit the same.
    sigma_again, phi_again = _cached_eigenpairs.__wrapped__(length, k, solver)
    np.testing.assert_array_equal(sigma_again, sigma)
    np.testing.assert_array_equal(phi_again, phi)


@pytest.mark.parametrize("length", [64, 1024, 8192])
def test_eigenvectors_oscillate_as_total_positivity_says(length):
    # Gantmacher-Krein: column j of a strictly totally positive matrix's
    # eigenvectors has exactly j sign changes (and a nonzero first entry).
    _, phi = hankel_eigenpairs(length, meaningful_k(length))
    changes = np.count_nonzero(np.diff(np.sign(phi), axis=0), axis=0)
    np.testing.assert_array_equal(changes, np.arange(phi.shape[1]))


def test_sign_convention_is_stable_across_lengths():
    reference = spectral_filters(8192, 8)
    for length in [256, 1024, 4096]:
        filters = spectral_filters(length, 8)
        head = reference[:length]
        cosines = np.sum(filters * head, axis=0) / (
            np.linalg.norm(filters, axis=0) * np.linalg.norm(head, axis=0)
        )
        # The leading filters converge as the length grows: same shape, same sign.
        assert (cosines[:6] > 0.999).all()
        np.testing.assert_allclose(filters[:, 0], head[:, 0], rtol=0, atol=1e-9)


def test_filters_are_eigenvectors_times_fourth_root():
    sigma, phi = hankel_eigenpairs(300, 12)
    filters = spectral_filters(300, 12)
    assert filters.shape == (300, 12)
    assert filters.dtype == np.float64
    np.testing.assert_allclose(filters, phi * sigma**0.25, rtol=1e-15, atol=0)
    np.testing.assert_allclose(np.linalg.norm(filters, axis=0), sigma**0.25, rtol=1e-13)


@pytest.mark.parametrize(("length", "solver"), [(1000, "dense"), (3000, "lanczos")])
def test_fewer_filters_are_the_leading_columns(length, solver):
    many = spectral_filters(length, 20, solver=solver)
    few = spectral_filters(length, 5, solver=solver)
    np.testing.assert_allclose(few, many[:, :5], rtol=0, atol=1e-12)


def test_cached_results_are_fresh_writable_arrays():
    first = spectral_filters(128, 4)
    assert first.flags.writeable
    first[:] = 0.0
    sigma, phi = hankel_eigenpairs(128, 4)
    sigma[:] = 0.0
    phi[:] = 0.0
    again = spectral_filters(128, 4)
    assert (again[0] > 0).all()
    assert (hankel_eigenpairs(128, 4)[0] > 0).all()


# -- the meaningless range ------------------------------------------------------------


def test_warns_below_the_meaningful_range():
    with pytest.warns(RuntimeWarning, match=r"the last \d+ of the k=24") as record:
        spectral_filters(512, 24)
    assert record[0].filename == __file__  # points at the caller
    with pytest.warns(RuntimeWarning, match="dominated by rounding"):
        hankel_eigenpairs(512, 24)
    spectral_filters(1024, 24)  # all 24 meaningful: no warning (errors are on)


def test_full_spectrum_is_finite_with_zero_columns_for_negative_rounding():
    with pytest.warns(RuntimeWarning):
        sigma, phi = hankel_eigenpairs(32, 32)
    with pytest.warns(RuntimeWarning):
        filters = spectral_filters(32, 32)
    assert np.isfinite(filters).all()
    np.testing.assert_array_equal(filters[:, sigma <= 0], 0.0)
    np.testing.assert_allclose(phi.T @ phi, np.eye(32), rtol=0, atol=1e-13)


# -- bad arguments ---------------------------------------------------------------------


@pytest.mark.parametrize("function", [spectral_filters, hankel_eigenpairs])
def test_bad_arguments(function):
    with pytest.raises(ValueError, match="length"):
        function(0, 1)
    with pytest.raises(ValueError, match="length"):
        function(-3, 1)
    with pytest.raises(TypeError, match="length"):
        function(10.0, 1)
    with pytest.raises(TypeError, match="length"):
        function(True, 1)
    with pytest.raises(ValueError, match="k must be at least 1"):
        function(10, 0)
    with pytest.raises(ValueError, match="k must be at most length=10"):
        function(10, 11)
    with pytest.raises(TypeError, match="k"):
        function(10, "2")
    with pytest.raises(ValueError, match="solver"):
        function(10, 2, solver="arpack")
    with pytest.raises(ValueError, match="k must be less than length=10"):
        function(10, 10, solver="lanczos")


def test_hankel_matrix_bad_length():
    with pytest.raises(ValueError, match="length"):
        hankel_matrix(0)


# -- features ----------------------------------------------------------------------------


@given(
    n_times=st.integers(0, 30),
    d=st.integers(1, 3),
    m=st.integers(1, 12),
    k=st.integers(1, 3),
    seed=seeds,
)
def test_features_match_loops(n_times, d, m, k, seed):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((n_times, d))
    filters = rng.standard_normal((m, k))
    got = spectral_features(y, filters)
    expected = spectral_features_by_loops(y, filters)
    assert got.shape == (n_times, 2 * k, d)
    scale = np.abs(filters).sum() * max(np.abs(y).max(initial=0.0), 1.0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * scale)


@pytest.mark.parametrize("method", ["naive", "continuous"])
def test_features_match_online_convolution(method, rng):
    length, k, d, n_times = 300, 5, 2, 700
    filters = spectral_filters(length, k)
    y = rng.standard_normal((n_times, d))
    signs = (-1.0) ** np.arange(length)
    bank = np.concatenate([filters, signs[:, None] * filters], axis=1)  # (L, 2k)
    # A block-diagonal MIMO bank: output channel (j, c) reads input channel c.
    mimo = np.zeros((length, 2 * k, d, d))
    for c in range(d):
        mimo[:, :, c, c] = bank
    stream = ffstream.OnlineConv(mimo.reshape(length, 2 * k * d, d), method)
    streamed = np.concatenate([stream.push_block(y[:250]), stream.push_block(y[250:])])
    got = spectral_features(y, filters)
    np.testing.assert_allclose(
        got, streamed.reshape(n_times, 2 * k, d), rtol=0, atol=1e-12
    )


def test_feature_bank_alternates_the_signs_of_the_second_half(rng):
    filters = rng.standard_normal((7, 3))
    bank = feature_bank(filters)
    assert bank.shape == (7, 6)
    np.testing.assert_array_equal(bank[:, :3], filters)
    for s in range(7):
        np.testing.assert_array_equal(bank[s, 3:], (-1) ** s * filters[s])


def test_features_of_a_short_series_ignore_the_extra_taps(rng):
    filters = rng.standard_normal((50, 3))
    y = rng.standard_normal((7, 2))
    np.testing.assert_allclose(
        spectral_features(y, filters), spectral_features(y, filters[:7]), atol=1e-14
    )
    np.testing.assert_allclose(
        spectral_features(y, filters),
        spectral_features_by_loops(y, filters),
        atol=1e-13,
    )


def test_features_of_an_impulse_are_the_filters():
    filters = spectral_filters(64, 4)
    y = np.zeros((80, 1))
    y[0, 0] = 1.0
    features = spectral_features(y, filters)[:, :, 0]
    signs = (-1.0) ** np.arange(64)
    np.testing.assert_allclose(features[:64, :4], filters, rtol=0, atol=1e-15)
    np.testing.assert_allclose(features[:64, 4:], signs[:, None] * filters, atol=1e-15)
    np.testing.assert_allclose(features[64:], 0.0, atol=1e-15)


def test_features_edge_shapes():
    filters = np.ones((3, 2))
    assert spectral_features(np.zeros((0, 2)), filters).shape == (0, 4, 2)
    assert spectral_features(np.zeros((5, 0)), filters).shape == (5, 4, 0)
    assert spectral_features([[1.0], [2.0]], [[1.0]]).tolist() == [
        [[1.0], [1.0]],
        [[2.0], [2.0]],
    ]


def test_features_bad_arguments():
    filters = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"y must have shape \(T, d\)"):
        spectral_features(np.ones(5), filters)
    with pytest.raises(ValueError, match=r"y must have shape \(T, d\)"):
        spectral_features(np.ones((5, 1, 1)), filters)
    with pytest.raises(ValueError, match="filters must have shape"):
        spectral_features(np.ones((5, 1)), np.ones(3))
    with pytest.raises(ValueError, match="filters must have shape"):
        spectral_features(np.ones((5, 1)), np.ones((0, 2)))
    with pytest.raises(ValueError, match="filters must have shape"):
        spectral_features(np.ones((5, 1)), np.ones((3, 0)))
    with pytest.raises(ValueError, match="finite"):
        spectral_features(np.full((5, 1), np.nan), filters)
    with pytest.raises(TypeError, match="y"):
        spectral_features(np.ones((5, 1), dtype=complex), filters)
