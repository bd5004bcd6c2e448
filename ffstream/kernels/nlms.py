"""Normalised least-mean-squares adaptation of a multichannel autoregression."""

import numpy as np

from ffstream.kernels._jit import kernel


@kernel
def nlms_adapt(
    coef: np.ndarray,
    intercept: np.ndarray,
    series: np.ndarray,
    start: int,
    step_size: float,
    fit_intercept: bool,
) -> None:
    """Adapt ``coef`` ``(p, d, d)`` and ``intercept`` in place to ``series[start:]``.

    For each ``t >= start`` the prediction ``c + sum_i coef[i] @ series[t-1-i]``
    is compared with ``series[t]`` and the parameters move against the error,
    with a step normalised by the energy of the regressors (NLMS): the update is
    ``step_size * e x^T / (1 + |x|^2)``, the ``1`` also acting on the intercept's
    constant regressor. ``series[:start]`` must hold at least ``p`` samples.
    """
    order, d, _ = coef.shape
    error = np.empty(d)
    for t in range(start, series.shape[0]):
        energy = 1.0
        for i in range(order):
            for c in range(d):
                energy += series[t - 1 - i, c] ** 2
        for o in range(d):
            prediction = intercept[o]
            for i in range(order):
                for c in range(d):
                    prediction += coef[i, o, c] * series[t - 1 - i, c]
            error[o] = series[t, o] - prediction
        gain = step_size / energy
        for o in range(d):
            if fit_intercept:
                intercept[o] += gain * error[o]
            for i in range(order):
                for c in range(d):
                    coef[i, o, c] += gain * error[o] * series[t - 1 - i, c]
