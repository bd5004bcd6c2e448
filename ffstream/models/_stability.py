"""Is a fitted recursion stable? The growth of its impulse response, measured by a rollout.

A linear recursion ``x[t+1] = sum_{i<p} H[i] x[t-i]`` is stable when every root of
its characteristic polynomial lies inside the unit circle; then its impulse
response decays and its forecasts settle. The roots of a long filter (thousands of
taps, a companion matrix of ``p d`` rows) are too costly to compute at every fit,
but the engines generate the impulse response in ``O(n log^2 n)``: an explosive
root of modulus ``rho > 1`` makes it grow like ``rho^t``. A marginally stable
recursion (a root on the unit circle: an undamped oscillation, a trend) does not
grow exponentially and is not flagged.
"""

import warnings

import numpy as np

from ffstream.engine.generation import rollout

#: Growth (largest response in the last quarter of the rollout over the largest in
#: the first quarter) above which a recursion is reported unstable.
UNSTABLE_GROWTH = 10.0

#: Fewest steps of the test rollout; longer filters run four times their length.
MINIMUM_STEPS = 2048


def impulse_growth(filters: np.ndarray) -> tuple[float, int]:
    """How much the impulse response of ``filters`` grows over a long rollout.

    Parameters
    ----------
    filters : numpy.ndarray
        ``(p, d, d)``: ``H[i]`` multiplies ``x[t-i]`` in the prediction of
        ``x[t+1]``.

    Returns
    -------
    growth : float
        The largest absolute response (over all channels and all ``d`` unit
        impulses) in the last quarter of the rollout, divided by the largest in
        its first quarter; ``inf`` if the response overflowed. About 1 or less
        for a stable or marginally stable recursion; ``rho^(n/2)`` or more for an
        explosive root of modulus ``rho``.
    steps : int
        The rollout's length ``n = max(2048, 4 p)``.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.models._stability import impulse_growth
    >>> growth, steps = impulse_growth(np.full((1, 1, 1), 0.9))
    >>> bool(growth < 1e-50), steps
    (True, 2048)
    >>> growth, _ = impulse_growth(np.full((1, 1, 1), 1.01))
    >>> round(float(np.log(growth) / np.log(1.01)))  # the largest at t = 2047 over t = 511
    1536
    """
    p, d, _ = filters.shape
    steps = max(MINIMUM_STEPS, 4 * p)
    taps = filters[:, 0, 0] if d == 1 else filters
    prompt = np.ones(1) if d == 1 else np.eye(d)[:, np.newaxis, :]
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        response = rollout(taps, steps - 1, prompt)
    response = np.abs(response.reshape(-1, steps - 1, d))
    if not np.all(np.isfinite(response)):
        return np.inf, steps
    quarter = steps // 4
    first = max(1.0, float(response[:, : quarter - 1].max(initial=0.0)))
    last = float(response[:, -quarter:].max(initial=0.0))
    return last / first, steps
