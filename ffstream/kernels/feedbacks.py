"""numba feedback functions that turn a convolution output into the next sample."""

import numpy as np

from ffstream.kernels._jit import kernel


@kernel
def add_offset(
    y: np.ndarray, u: np.ndarray, step: int, series: int, data: np.ndarray
) -> None:
    """Next sample ``u = y + data``: the prediction of a linear model with intercept ``data``."""
    for c in range(u.shape[0]):
        u[c] = y[c] + data[c]


@kernel
def add_path_noise(
    y: np.ndarray, u: np.ndarray, step: int, series: int, data: np.ndarray
) -> None:
    """Next sample ``u = y + data[series, step]``: intercept plus the path's noise."""
    for c in range(u.shape[0]):
        u[c] = y[c] + data[series, step, c]
