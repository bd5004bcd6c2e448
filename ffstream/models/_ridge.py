"""The ridge penalty of a linear regression chosen by generalised cross-validation.

For the centred normal equations ``(A + lambda I) B = C`` of ``n`` equations (``A =
X^T X``, ``C = X^T Y``, the intercept already eliminated) one eigendecomposition
``A = V diag(s) V^T`` gives, for every ``lambda`` at ``O(m d)`` cost,

* the residual sum of squares of output ``c``:
  ``RSS_c = Y_c^T Y_c - sum_i G_ic^2 (s_i + 2 lambda) / (s_i + lambda)^2`` with
  ``G = V^T C``;
* the effective number of regressors, the trace of the hat matrix:
  ``df = k + sum_i s_i / (s_i + lambda)`` (``k``: the eliminated intercept).

Generalised cross-validation (Golub, Heath & Wahba 1979) picks the ``lambda``
minimising ``n RSS / (n - df)^2``, an approximation of the leave-one-out error
that needs no refit. One penalty is shared by all outputs (the online recursive
least squares of the spectral model keeps one inverse for all of them), the
outputs weighted equally: their residual sums are divided by their total sums of
squares.
"""

from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

from ffstream.engine.blas_threads import one_blas_thread_if_large

#: Candidate penalties, relative to the mean eigenvalue of ``A``: a grid first,
#: then a bounded search between the grid's neighbours of its best point.
_RELATIVE_GRID = 10.0 ** np.arange(-12.0, 3.01, 0.25)


@dataclass(frozen=True)
class RidgeChoice:
    """The penalty generalised cross-validation chose, and the fit it gives.

    Attributes
    ----------
    penalty : float
        ``lambda``, added to the diagonal of ``A`` (absolute, in the units of ``A``).
    solution : numpy.ndarray
        ``(m, d)``: ``(A + lambda I)^{-1} C``.
    effective_regressors : float
        Trace of the hat matrix, the eliminated intercept included: the
        regressors the fit effectively spends per equation.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.models._ridge import RidgeChoice
    >>> choice = RidgeChoice(0.5, np.zeros((3, 1)), 2.5)
    >>> choice.penalty, choice.solution.shape, choice.effective_regressors
    (0.5, (3, 1), 2.5)
    """

    penalty: float
    solution: np.ndarray
    effective_regressors: float


def ridge_by_gcv(
    gram: np.ndarray,
    cross: np.ndarray,
    target_squares: np.ndarray,
    n_equations: int,
    n_eliminated: int,
) -> RidgeChoice:
    """Choose the ridge penalty of ``(gram + lambda I) B = cross`` by generalised cross-validation.

    Parameters
    ----------
    gram : numpy.ndarray
        ``(m, m)`` symmetric positive semi-definite ``X^T X`` of the centred
        regressors.
    cross : numpy.ndarray
        ``(m, d)``: ``X^T Y``.
    target_squares : numpy.ndarray
        ``(d,)``: the sum of squares of each centred target, ``diag(Y^T Y)``.
    n_equations : int
        ``n``, the rows of ``X``.
    n_eliminated : int
        Unpenalised regressors eliminated before (1 for an intercept, else 0):
        they count in the effective number of regressors.

    Returns
    -------
    RidgeChoice
        The penalty, the solution and the effective number of regressors.

    Notes
    -----
    The criterion ``n sum_c (RSS_c / Y_c^T Y_c) / (n - df)^2`` is evaluated on a
    grid of penalties from ``1e-12`` to ``1e3`` times the mean eigenvalue of
    ``gram`` (four per decade), then minimised between the neighbours of the
    grid's best point by a bounded scalar search on ``log lambda``. Cost: one
    symmetric eigendecomposition (divide and conquer), ``O(m^3)`` but some ten
    times one Cholesky factorisation, and ``O(m d)`` per candidate.

    Examples
    --------
    Fifty noisy equations in forty unknowns: least squares overfits, a penalty helps.

    >>> import numpy as np
    >>> from ffstream.models._ridge import ridge_by_gcv
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((50, 40))
    >>> y = x @ (0.1 * rng.standard_normal((40, 1))) + rng.standard_normal((50, 1))
    >>> choice = ridge_by_gcv(x.T @ x, x.T @ y, (y**2).sum(axis=0), 50, 0)
    >>> bool(choice.penalty > 0), bool(choice.effective_regressors < 40)
    (True, True)
    """
    with one_blas_thread_if_large(len(gram)):
        eigenvalues, vectors = linalg.eigh(gram, driver="evd", check_finite=False)
    # Directions of (numerically) zero variance carry no signal: they are left out
    # of the fit, the residuals and the effective regressors alike.
    kept = eigenvalues > len(gram) * np.finfo(float).eps * max(eigenvalues.max(), 0.0)
    eigenvalues, vectors = eigenvalues[kept], vectors[:, kept]
    projected = vectors.T @ cross
    weights = 1.0 / np.maximum(target_squares, np.finfo(float).tiny)
    energy = (projected**2 * weights).sum(axis=1)
    # The weighted residual sum of the least-squares fit; a penalty adds
    # sum_i energy_i lambda^2 / (s_i (s_i + lambda)^2), a sum of positive terms that
    # stays accurate as lambda -> 0, where the fit may interpolate (m >= n).
    unpenalised = max(
        float((target_squares * weights).sum() - (energy / eigenvalues).sum()), 0.0
    )
    scale = float(eigenvalues.mean()) if len(eigenvalues) else 1.0

    def criterion(penalty: float) -> float:
        shrunk = penalty / (eigenvalues + penalty)
        residual = unpenalised + float((energy / eigenvalues * shrunk**2).sum())
        free = n_equations - n_eliminated - float((1.0 - shrunk).sum())
        return n_equations * residual / free**2 if free > 0 else np.inf

    grid = scale * _RELATIVE_GRID
    values = np.array([criterion(penalty) for penalty in grid])
    best = int(np.argmin(values))
    low, high = (
        np.log(grid[max(best - 1, 0)]),
        np.log(grid[min(best + 1, len(grid) - 1)]),
    )
    search = optimize.minimize_scalar(
        lambda log_penalty: criterion(float(np.exp(log_penalty))),
        bounds=(low, high),
        method="bounded",
    )
    penalty = (
        float(np.exp(search.x)) if search.fun < values[best] else float(grid[best])
    )
    solution = vectors @ (projected / (eigenvalues + penalty)[:, None])
    effective = n_eliminated + float((eigenvalues / (eigenvalues + penalty)).sum())
    return RidgeChoice(penalty, solution, effective)
