"""The forecasting demo's data: a synthetic three-channel linear system from a seed."""

import numpy as np
import scipy.signal

from ffstream.engine.validation import as_count

#: Periods, in samples, of the damped oscillators of the synthetic system.
PERIODS = (60.0, 170.0, 600.0)
#: Pole radii of the oscillators: the amplitude decays by this factor per sample (decay times
#: of 1000, 2000 and 10000 samples).
RADII = (0.999, 0.9995, 0.9999)
#: Fixed matrix coupling the oscillators (columns) into the channels (rows).
MIXING = np.array([[1.0, 0.6, 0.3], [-0.4, 1.0, 0.5], [0.3, -0.7, 1.0]])
#: Constant level of each channel.
OFFSET = np.array([0.0, 2.0, -1.0])
#: Standard deviation of the white observation noise added to each channel.
OBSERVATION_NOISE = 0.3


def make_series(n_samples: int, seed: int = 0) -> np.ndarray:
    """Generate the demo's synthetic three-channel linear system from a seed.

    Three damped oscillators ``z_k[t+1] = r_k exp(2 pi i / P_k) z_k[t] +
    sqrt(1 - r_k^2) e_k[t]``, with the periods :data:`PERIODS`, the radii
    :data:`RADII` and shocks ``e_k`` whose real and imaginary parts are independent
    standard normal draws, start from their stationary distribution; their real
    parts, of unit variance, are coupled into three channels by the fixed matrix
    :data:`MIXING`, shifted by :data:`OFFSET`, and white noise of standard
    deviation :data:`OBSERVATION_NOISE` is added. Observed through noise, each
    channel is an ARMA process, which a finite autoregression only approximates:
    long orders help.

    Parameters
    ----------
    n_samples : int
        Number of samples ``T >= 1``.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same
        series.

    Returns
    -------
    numpy.ndarray
        ``(n_samples, 3)`` float64 samples, oldest first.

    Examples
    --------
    >>> y = make_series(1000, seed=1)
    >>> y.shape
    (1000, 3)
    """
    as_count(n_samples, "n_samples", 1)
    rng = np.random.default_rng(seed)
    radii = np.asarray(RADII)
    poles = radii * np.exp(2j * np.pi / np.asarray(PERIODS))
    scale = np.sqrt(1.0 - radii**2)
    n_modes = len(poles)
    shocks = rng.standard_normal((n_samples, n_modes, 2)) @ np.array([1.0, 1.0j])
    start = rng.standard_normal((n_modes, 2)) @ np.array([1.0, 1.0j])
    latent = np.empty((n_samples, n_modes))
    for k in range(n_modes):
        # z[t] = scale e[t] + pole z[t-1] from z[-1] = start; E|e|^2 = E|z|^2 = 2, so
        # the real part has unit variance.
        z, _ = scipy.signal.lfilter(
            [scale[k]], [1.0, -poles[k]], shocks[:, k], zi=[poles[k] * start[k]]
        )
        latent[:, k] = z.real
    noise = OBSERVATION_NOISE * rng.standard_normal((n_samples, MIXING.shape[0]))
    return latent @ MIXING.T + OFFSET + noise
