"""Spectral filters (Hazan et al.): top eigenvectors of a Hankel matrix, and the features they make.

The ``L x L`` Hankel matrix ``Z[i, j] = 2 / ((i+j)^3 - (i+j))`` (``i, j = 1..L``) is
the moment matrix ``Z[i, j] = int_0^1 x^(i+j-2) (1-x)^2 dx``: symmetric, positive
definite and totally positive. Its top eigenvectors, scaled by the fourth root of
their eigenvalues, are filters whose span approximates the impulse response of any
marginally stable linear dynamical system; convolving a series with them and with
their sign-alternated versions gives the features of a spectral predictor.

Numerically, the eigenvalues of ``Z`` decay geometrically (``sigma_j / sigma_1``
reaches ``1e-12`` near ``j = 24`` for ``L = 8192`` and much earlier for short
filters), while any double-precision solver computes them with an absolute error
of about ``1e-16 * sigma_1``, and the eigenvector of ``sigma_j`` with an error of
about ``1e-16 * sigma_1 / sigma_j``. Pairs with ``sigma_j < 1e-14 * sigma_1`` are
therefore meaningless (their eigenvectors are wrong by percents or entirely,
depend on the solver and lose the oscillation pattern of the exact ones); asking
for them emits a ``RuntimeWarning``, and the Lanczos solver slows down on them.
"""

import functools
from typing import Any, Literal

import numpy as np
import scipy.fft
import scipy.linalg
from scipy.sparse.linalg import LinearOperator, eigsh

from ffstream.engine.blas_threads import one_blas_thread_if_large
from ffstream.engine.user_warnings import warn_user
from ffstream.engine.validation import as_count, as_real_array, check_memory

__all__ = [
    "feature_bank",
    "hankel_eigenpairs",
    "hankel_matrix",
    "spectral_features",
    "spectral_filters",
]

EigenSolver = Literal["auto", "dense", "lanczos"]

#: Longest filters for which ``solver="auto"`` uses the dense solver.
DENSE_MAX_LENGTH = 1024

#: Eigenvalues below this fraction of the largest one are numerically meaningless.
MEANINGFUL_RTOL = 1e-14

#: Eigenpairs kept by the cache, one entry per ``(length, k, solver)``.
_CACHE_SIZE = 32


def _hankel_coefficients(length: int) -> np.ndarray:
    """The anti-diagonals ``c[n] = 2 / ((n+2)^3 - (n+2))`` of ``Z``, ``n = 0 .. 2L-2``."""
    n = np.arange(2, 2 * length + 1, dtype=np.float64)
    return 2.0 / ((n - 1.0) * n * (n + 1.0))


def hankel_matrix(length: int) -> np.ndarray:
    """The Hankel matrix ``Z[i, j] = 2 / ((i+j)^3 - (i+j))`` of spectral filtering.

    Parameters
    ----------
    length : int
        Size ``L >= 1`` of the matrix; ``i, j = 1 .. L``.

    Returns
    -------
    numpy.ndarray
        ``(L, L)`` float64 symmetric positive definite matrix (row and column
        ``0`` hold ``i = 1`` and ``j = 1``).

    Examples
    --------
    >>> from ffstream.filters.spectral import hankel_matrix
    >>> hankel_matrix(2) * 60
    array([[20.,  5.],
           [ 5.,  2.]])
    """
    length = as_count(length, "length", 1)
    c = _hankel_coefficients(length)
    return scipy.linalg.hankel(c[:length], c[length - 1 :])


def _hankel_operator(length: int) -> LinearOperator:
    """``Z`` as a linear operator whose product costs two real FFTs of size ``~2L``.

    ``(Z x)[i] = sum_j c[i+j] x[j]`` is the correlation of ``c`` with ``x``: entry
    ``i + L - 1`` of the convolution of ``c`` (``2L - 1`` terms) with ``x``
    reversed. A circular convolution of size ``n >= 2L - 1`` wraps only the
    outputs ``0 .. L-2`` and ``2L-1 ..``, leaving ``L-1 .. 2L-2`` exact.
    """
    n_fft = scipy.fft.next_fast_len(2 * length - 1, real=True)
    spectrum = scipy.fft.rfft(_hankel_coefficients(length), n_fft)

    def matvec(x: np.ndarray) -> np.ndarray:
        reversed_x = np.ravel(x)[::-1]
        full = scipy.fft.irfft(spectrum * scipy.fft.rfft(reversed_x, n_fft), n_fft)
        return full[length - 1 : 2 * length - 1]

    return LinearOperator((length, length), matvec=matvec, dtype=np.float64)


def _lanczos_start(length: int) -> np.ndarray:
    """A fixed, generic starting vector: a centred Weyl sequence, far from every eigenvector."""
    golden = (np.sqrt(5.0) - 1.0) / 2.0
    return np.modf(np.arange(1, length + 1) * golden)[0] - 0.5


def _resolve_solver(solver: str, length: int, k: int) -> str:
    """The solver to use: ``"auto"`` is Lanczos for long filters and few pairs."""
    if solver not in ("auto", "dense", "lanczos"):
        raise ValueError(f"solver must be 'auto', 'dense' or 'lanczos', got {solver!r}")
    if solver == "lanczos" and k >= length:
        raise ValueError(
            f"k must be less than length={length} with solver='lanczos', got {k}"
        )
    if solver == "auto":
        return "dense" if length <= DENSE_MAX_LENGTH or 2 * k >= length else "lanczos"
    return solver


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _cached_eigenpairs(
    length: int, k: int, solver: str
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` eigenpairs of ``Z``, descending, lag-0 entries made non-negative, read-only."""
    if solver == "dense":
        with one_blas_thread_if_large(length):
            sigma, phi = scipy.linalg.eigh(
                hankel_matrix(length), subset_by_index=[length - k, length - 1]
            )
    else:
        sigma, phi = eigsh(
            _hankel_operator(length),
            k=k,
            which="LA",
            v0=_lanczos_start(length),
            tol=0.0,  # machine precision
        )
    order = np.argsort(sigma, kind="stable")[::-1]
    sigma, phi = sigma[order], phi[:, order]
    phi = phi * np.where(phi[0] < 0.0, -1.0, 1.0)
    sigma.flags.writeable = False
    phi.flags.writeable = False
    return sigma, phi


def _checked_eigenpairs(
    length: Any, k: Any, solver: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the arguments, return the cached eigenpairs and warn about meaningless ones.

    The warning points at the caller of the public function calling this one.
    """
    length = as_count(length, "length", 1)
    k = as_count(k, "k", 1)
    if k > length:
        raise ValueError(f"k must be at most length={length}, got {k}")
    solver = _resolve_solver(solver, length, k)
    if solver == "dense":
        # The matrix, the copy LAPACK works on and the eigenvectors.
        check_memory(
            2 * length**2 + length * k,
            f"the dense eigenpairs of length={length} (solver='dense')",
        )
    sigma, phi = _cached_eigenpairs(length, k, solver)
    n_bad = int(np.count_nonzero(sigma < MEANINGFUL_RTOL * sigma[0]))
    if n_bad:
        warn_user(
            f"the last {n_bad} of the k={k} requested eigenvalues are below "
            f"{MEANINGFUL_RTOL:g} times the largest (smallest ratio "
            f"{sigma[-1] / sigma[0]:.1e}): their eigenvectors are dominated by rounding "
            "errors; use a smaller k",
        )
    return sigma, phi


def hankel_eigenpairs(
    length: int, k: int, *, solver: EigenSolver = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest eigenvalues of :func:`hankel_matrix` and their eigenvectors.

    Parameters
    ----------
    length : int
        Size ``L >= 1`` of the matrix (the filters' length).
    k : int
        Number of eigenpairs, ``1 <= k <= length``.
    solver : {"auto", "dense", "lanczos"}, default "auto"
        ``"dense"``: LAPACK's ``syevr`` on the explicit matrix
        (:func:`scipy.linalg.eigh` with ``subset_by_index``), O(L^3) time and
        O(L^2) memory. ``"lanczos"``: ARPACK's implicitly restarted Lanczos
        (:func:`scipy.sparse.linalg.eigsh`) on the matrix-free product ``Z x``,
        a correlation computed by FFT in O(L log L), with a fixed starting vector
        and tolerance at machine precision; needs ``k < length``. ``"auto"`` is
        ``"dense"`` for ``length <= 1024`` or ``2 k >= length``, else
        ``"lanczos"``. Both agree to rounding on the meaningful pairs.

    Returns
    -------
    sigma : numpy.ndarray
        ``(k,)`` eigenvalues, descending.
    phi : numpy.ndarray
        ``(length, k)`` orthonormal eigenvectors, column ``j`` for ``sigma[j]``.

    Warns
    -----
    RuntimeWarning
        If some requested eigenvalues are below ``1e-14`` times the largest: those
        pairs are dominated by rounding errors (see the module's notes).

    Notes
    -----
    Sign convention: every eigenvector has a positive entry at lag 0,
    ``phi[0, j] > 0``. ``Z`` is strictly totally positive, so by the
    Gantmacher-Krein theorem column ``j`` (from 0) has exactly ``j`` sign changes
    and a nonzero first entry: the convention is well defined at every length,
    and since the leading eigenvectors converge as ``length`` grows, it makes the
    filters of different lengths agree on their common lags. The first entry
    decays with ``j`` (about ``1e-6`` of the column's largest at ``j = 24``), but
    its rounding error decays faster, so the sign is reproducible by both solvers
    for every meaningful pair.

    Results are cached per ``(length, k, solver)`` (the 32 most recent); each call
    returns new, writable arrays.

    Examples
    --------
    >>> from ffstream.filters.spectral import hankel_eigenpairs
    >>> sigma, phi = hankel_eigenpairs(1024, 3)
    >>> (sigma / sigma[0]).round(4), phi.shape
    (array([1.    , 0.0623, 0.0078]), (1024, 3))
    """
    sigma, phi = _checked_eigenpairs(length, k, solver)
    return sigma.copy(), phi.copy()


def spectral_filters(
    length: int, k: int, *, solver: EigenSolver = "auto"
) -> np.ndarray:
    """The ``k`` spectral filters of ``length`` taps: top eigenvectors times ``sigma^(1/4)``.

    Parameters
    ----------
    length : int
        Number of taps ``L >= 1`` (lags ``0 .. L-1``).
    k : int
        Number of filters, ``1 <= k <= length``.
    solver : {"auto", "dense", "lanczos"}, default "auto"
        Eigensolver, see :func:`hankel_eigenpairs`.

    Returns
    -------
    numpy.ndarray
        ``(length, k)`` float64: column ``j`` is the eigenvector of the ``j``-th
        largest eigenvalue ``sigma_j`` of :func:`hankel_matrix`, times
        ``sigma_j^(1/4)`` (so its Euclidean norm is ``sigma_j^(1/4)``), with a
        positive lag-0 tap. Eigenvalues rounded to negative values (only far below
        the meaningful range) give zero columns.

    Warns
    -----
    RuntimeWarning
        If some filters come from eigenvalues below ``1e-14`` times the largest,
        which are dominated by rounding errors.

    Notes
    -----
    The eigenpairs are cached (see :func:`hankel_eigenpairs`): repeated calls cost
    one ``(length, k)`` product. First-call timings for ``k = 24`` on a shared
    2-core machine: 0.03 s for ``length = 8192`` and 0.3 s for ``length = 65536``
    (Lanczos; the dense solver takes about a minute at 8192), 0.06 s for
    ``length = 1024`` (dense; 0.005 s with Lanczos).

    Examples
    --------
    >>> from ffstream.filters.spectral import spectral_filters
    >>> filters = spectral_filters(8192, 24)
    >>> filters.shape, bool((filters[0] > 0).all())
    ((8192, 24), True)
    """
    sigma, phi = _checked_eigenpairs(length, k, solver)
    return phi * np.maximum(sigma, 0.0) ** 0.25


def feature_bank(filters: np.ndarray) -> np.ndarray:
    """The filters followed by their sign-alternated versions: the bank of the features.

    Parameters
    ----------
    filters : numpy.ndarray
        ``(m, k)`` filters.

    Returns
    -------
    numpy.ndarray
        ``(m, 2k)``: column ``j < k`` is ``filters[:, j]``, column ``k + j`` is
        ``(-1)^s filters[s, j]``.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.filters.spectral import feature_bank
    >>> feature_bank(np.array([[1.0, 0.5], [2.0, 0.25], [3.0, 0.125]]))
    array([[ 1.   ,  0.5  ,  1.   ,  0.5  ],
           [ 2.   ,  0.25 , -2.   , -0.25 ],
           [ 3.   ,  0.125,  3.   ,  0.125]])
    """
    signs = np.where(np.arange(len(filters)) % 2 == 0, 1.0, -1.0)
    return np.concatenate([filters, signs[:, None] * filters], axis=1)


def spectral_features(y: Any, filters: Any) -> np.ndarray:
    """Causal convolutions of a series with filters and their sign-alternated versions.

    Parameters
    ----------
    y : array_like
        ``(T, d)`` series: ``T >= 0`` times, ``d`` channels; real and finite.
    filters : array_like
        ``(m, k)`` filters, e.g. from :func:`spectral_filters`; real and finite,
        ``m, k >= 1``.

    Returns
    -------
    numpy.ndarray
        ``(T, 2k, d)`` features ``F``: for ``j < k``,
        ``F[t, j, c] = sum_{s=0}^{min(t, m-1)} filters[s, j] y[t-s, c]``, and
        ``F[t, k + j, c]`` is the same sum with ``(-1)^s filters[s, j]``. The
        series is taken as zero before ``t = 0``, as in a fresh
        :class:`ffstream.OnlineConv`.

    Notes
    -----
    All ``2k`` convolutions are computed at once by real FFTs of size
    ``n >= T + min(m, T) - 1`` along time: O((k + d) n log n + k d n) time and
    O(k d n) memory, the size of the result. Errors are at rounding level relative
    to ``sum_s |filters[s, j]| max|y|``.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.filters.spectral import spectral_features
    >>> features = spectral_features(np.ones((4, 1)), np.array([[1.0], [0.5]]))
    >>> features[:, :, 0]
    array([[1. , 1. ],
           [1.5, 0.5],
           [1.5, 0.5],
           [1.5, 0.5]])
    """
    series = as_real_array(y, "y")
    if series.ndim != 2:
        raise ValueError(f"y must have shape (T, d), got shape {series.shape}")
    taps = as_real_array(filters, "filters")
    if taps.ndim != 2 or 0 in taps.shape:
        raise ValueError(
            f"filters must have shape (m, k) with m, k >= 1, got shape {taps.shape}"
        )
    n_times, n_channels = series.shape
    k = taps.shape[1]
    if n_times == 0 or n_channels == 0:
        return np.zeros((n_times, 2 * k, n_channels))
    bank = feature_bank(taps[:n_times])  # lags beyond the series never contribute
    n_fft = scipy.fft.next_fast_len(n_times + len(taps) - 1, real=True)
    series_spectrum = scipy.fft.rfft(series, n_fft, axis=0)
    bank_spectrum = scipy.fft.rfft(bank, n_fft, axis=0)
    product = bank_spectrum[:, :, None] * series_spectrum[:, None, :]
    return scipy.fft.irfft(product, n_fft, axis=0)[:n_times]
