"""FFT-based block convolution: the FutureFill primitive.

A block of inputs is transformed once per channel, multiplied per frequency by a
pre-computed filter spectrum and transformed back; the part of the circular
convolution that is free of wrap-around is added into an output cache. Layouts
are channel-first, as in :mod:`ffstream.kernels.direct`, so every transform runs
along a contiguous axis.
"""

import numpy as np
import rocket_fft  # noqa: F401  (registers scipy.fft / numpy.fft with numba)
import scipy.fft

from ffstream.kernels._jit import kernel


@kernel
def _mix_spectra(spectrum: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per-frequency matrix product of MIMO ``spectrum[out, in, f]`` with ``x[in, f]``."""
    d_out, n_in, n_freq = spectrum.shape
    y = np.zeros((d_out, n_freq), dtype=np.complex128)
    for o in range(d_out):
        for j in range(n_in):
            for f in range(n_freq):
                y[o, f] += spectrum[o, j, f] * x[j, f]
    return y


@kernel
def fft_block_into_cache(
    spectrum: np.ndarray,
    depthwise: bool,
    ring: np.ndarray,
    end: int,
    width: int,
    n_fft: int,
    n_out: int,
    cache: np.ndarray,
    first: int,
) -> None:
    """Add the contribution of ``width`` inputs (the last at slot ``end``) to ``n_out`` outputs.

    ``spectrum`` is the real FFT of length ``n_fft`` of the filter taps
    ``h[0 .. n_fft-1]`` (zero-padded), ``(d_out, n_in, n_fft // 2 + 1)``. Output
    ``n`` after the block is entry ``width + n`` of the circular convolution; with
    ``n_fft >= width + n_out`` no wrapped-around term reaches those entries and
    every lag they need (at most ``width + n_out - 1``) is inside the spectrum, so
    they are exact. Output ``n`` is added in column ``(first + n) % cache.shape[1]``
    of ``cache[out, column]``.
    """
    block = ring[:, end - width + 1 : end + 1]
    x = scipy.fft.rfft(block, n=n_fft, axis=1, workers=1)
    if depthwise:
        # Output channel o reads input channel o only: multiply in place.
        for o in range(x.shape[0]):
            for f in range(x.shape[1]):
                x[o, f] *= spectrum[o, 0, f]
        mixed = x
    else:
        mixed = _mix_spectra(spectrum, x)
    y = scipy.fft.irfft(mixed, n=n_fft, axis=1, workers=1)
    size = cache.shape[1]
    for o in range(cache.shape[0]):
        for n in range(n_out):
            column = first + n
            if column >= size:
                column -= size
            cache[o, column] += y[o, width + n]
