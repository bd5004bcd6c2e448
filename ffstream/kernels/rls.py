"""Recursive least squares with exponential forgetting, on plain arrays."""

import numpy as np

from ffstream.kernels._jit import kernel


@kernel
def rls_step(
    weights: np.ndarray,
    inverse: np.ndarray,
    regressors: np.ndarray,
    target: np.ndarray,
    forgetting: float,
) -> None:
    """Update ``weights`` ``(m, d)`` and ``inverse`` ``(m, m)`` in place with one sample.

    Minimises ``sum_t forgetting^(T-t) |target_t - weights^T regressors_t|^2``
    (plus the prior held in ``inverse``): the classical RLS recursion with gain
    ``k = P x / (forgetting + x^T P x)``, ``P <- (P - k x^T P) / forgetting``.
    """
    m, d = weights.shape
    px = inverse @ regressors
    denominator = forgetting + regressors @ px
    gain = px / denominator
    for o in range(d):
        error = target[o]
        for i in range(m):
            error -= weights[i, o] * regressors[i]
        for i in range(m):
            weights[i, o] += gain[i] * error
    for i in range(m):
        for j in range(m):
            inverse[i, j] = (inverse[i, j] - gain[i] * px[j]) / forgetting
