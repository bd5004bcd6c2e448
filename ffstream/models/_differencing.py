"""Differencing of a series and integration of a prediction filter fitted on it.

An integrated model fits its one-step recursion on the differenced series ``z =
D(B) y``, ``D(B) = (1 - B)^difference (1 - B^s)`` (``B`` the backshift, the
seasonal factor only for ``s >= 1``). The recursion ``z[t+1] = c + sum_{i<p}
H[i] z[t-i]`` is, written in ``y``,

``(I - sum_{i<p} H[i] B^{i+1}) D(B) y[t+1] = c``,

an ordinary recursion ``y[t+1] = c + sum_{j<p+q} G[j] y[t-j]`` of ``q = deg D``
more taps. The engines run ``G`` on the history of ``y``: forecasts, sample paths
and intervals come out in the units of ``y`` and streaming stays polylog per
sample, with nothing to undo afterwards.
"""

import numpy as np


def difference_polynomial(difference: int, seasonal_difference: int) -> np.ndarray:
    """Coefficients ``delta_0..delta_q`` of ``D(B) = (1 - B)^difference (1 - B^s)``.

    Parameters
    ----------
    difference : int
        Order of the ordinary difference, ``>= 0``.
    seasonal_difference : int
        Period ``s`` of one seasonal difference, or ``0`` for none.

    Returns
    -------
    numpy.ndarray
        ``(q + 1,)`` integers as float64, ``delta_0 = 1``; ``[1.0]`` for no
        differencing.

    Examples
    --------
    >>> from ffstream.models._differencing import difference_polynomial
    >>> difference_polynomial(2, 0)
    array([ 1., -2.,  1.])
    >>> difference_polynomial(1, 4)
    array([ 1., -1.,  0.,  0., -1.,  1.])
    """
    polynomial = np.ones(1)
    for _ in range(difference):
        polynomial = np.convolve(polynomial, [1.0, -1.0])
    if seasonal_difference:
        seasonal = np.zeros(seasonal_difference + 1)
        seasonal[0], seasonal[-1] = 1.0, -1.0
        polynomial = np.convolve(polynomial, seasonal)
    return polynomial


def apply_difference(y: np.ndarray, polynomial: np.ndarray) -> np.ndarray:
    """The differenced series ``z[t] = sum_k delta_k y[t + q - k]``, ``(T - q, d)``.

    Parameters
    ----------
    y : numpy.ndarray
        ``(T, d)`` series, ``T >= q``.
    polynomial : numpy.ndarray
        ``(q + 1,)`` from :func:`difference_polynomial`.

    Returns
    -------
    numpy.ndarray
        ``z[t]`` is the difference ending at ``y[t + q]``: a new array, ``y``
        itself (not a copy) when ``q = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.models._differencing import apply_difference
    >>> apply_difference(np.array([[1.0], [4.0], [9.0], [16.0]]), np.array([1.0, -1.0]))[:, 0]
    array([3., 5., 7.])
    """
    q = len(polynomial) - 1
    if q == 0:
        return y
    n = len(y) - q
    # Integer coefficients times samples, summed in a fixed order: the same z
    # whether the series is differenced at once or piece by piece.
    z = polynomial[0] * y[q:]
    for k in range(1, q + 1):
        if polynomial[k]:
            z = z + polynomial[k] * y[q - k : q - k + n]
    return z


def integrate_filter(filters: np.ndarray, polynomial: np.ndarray) -> np.ndarray:
    """The filter ``G`` on ``y`` of the recursion ``H`` fitted on ``z = D(B) y``.

    Parameters
    ----------
    filters : numpy.ndarray
        ``(p, d, d)``: ``H[i]`` multiplies ``z[t-i]`` in the prediction of
        ``z[t+1]``.
    polynomial : numpy.ndarray
        ``(q + 1,)`` from :func:`difference_polynomial`.

    Returns
    -------
    numpy.ndarray
        ``(p + q, d, d)``: ``G[j] = sum_i H[i] delta_{j-i} - delta_{j+1} I``
        (``delta`` zero outside ``0..q``); ``filters`` itself when ``q = 0``.

    Examples
    --------
    An AR(1) on the first difference, ``z[t+1] = 0.5 z[t]``, is ``y[t+1] = 1.5
    y[t] - 0.5 y[t-1]``:

    >>> import numpy as np
    >>> from ffstream.models._differencing import integrate_filter
    >>> integrate_filter(np.full((1, 1, 1), 0.5), np.array([1.0, -1.0]))[:, 0, 0]
    array([ 1.5, -0.5])
    """
    q = len(polynomial) - 1
    if q == 0:
        return filters
    p, d, _ = filters.shape
    integrated = np.zeros((p + q, d, d))
    for i in range(p):
        integrated[i : i + q + 1] += polynomial[:, None, None] * filters[i]
    integrated[:q] -= polynomial[1:, None, None] * np.eye(d)
    return integrated
