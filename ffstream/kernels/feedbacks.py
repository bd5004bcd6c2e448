"""numba feedback functions that turn a convolution output into the next sample."""

import numpy as np

from ffstream.kernels._jit import kernel


@kernel
def add_offset(
    y: np.ndarray, u: np.ndarray, step: int, series: int, data: np.ndarray
) -> None:
    """Next sample ``u = y + data[0, 0]``: a linear model's prediction, intercept ``data[0, 0]``.

    The intercept comes as a ``(1, 1, d)`` array: 3-D like the noise of
    :func:`add_path_noise`, so that forecasts and sample paths run one compiled
    rollout loop (a loop is compiled per dimensionality of the data).
    """
    for c in range(u.shape[0]):
        u[c] = y[c] + data[0, 0, c]


@kernel
def add_path_noise(
    y: np.ndarray, u: np.ndarray, step: int, series: int, data: np.ndarray
) -> None:
    """Next sample ``u = y + data[series, step]``: intercept plus the path's noise."""
    for c in range(u.shape[0]):
        u[c] = y[c] + data[series, step, c]
