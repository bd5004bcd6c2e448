"""Plans: everything a schedule needs that depends on the filters only, computed once."""

import math
import threading
from typing import Literal

import numpy as np
import scipy.fft

from ffstream._filters import FilterBank
from ffstream._validation import as_count
from ffstream.kernels import schedules

Method = Literal["naive", "epoched", "continuous"]
METHODS: dict[str, int] = {
    "naive": schedules.NAIVE,
    "epoched": schedules.EPOCHED,
    "continuous": schedules.CONTINUOUS,
}

#: Blocks smaller than this are convolved directly rather than by FFT.
DEFAULT_CROSSOVER = 256


def next_power_of_two(n: int) -> int:
    """Smallest power of two that is at least ``n`` (``n >= 1``)."""
    return 1 << (n - 1).bit_length()


def default_epoch(length: int) -> int:
    """The epoch length ``K = ceil(sqrt(L log2 L))`` balancing the epoched schedule's two costs.

    Parameters
    ----------
    length : int
        Filter length ``L``.

    Returns
    -------
    int
        The default epoch length, at least 1.
    """
    return max(1, math.ceil(math.sqrt(length * math.log2(max(length, 2)))))


class Plan:
    """Filter-dependent data shared by every stream of one filter bank.

    The continuous schedule's filter spectra are computed on demand, level by
    level, the first time a stream is about to need them
    (:meth:`ensure_blocks`): a rollout of ``K`` tokens never pays for the
    spectra of blocks longer than ``K``.

    Parameters
    ----------
    bank : FilterBank
        The filters.
    method : {"naive", "epoched", "continuous"}
        The schedule.
    params : numpy.ndarray
        Integer parameters, indexed by the constants of :mod:`ffstream.kernels.schedules`.
    spectra : numpy.ndarray
        Filter spectra (complex, ``(d_out, n_in, S)``).
    level_offsets : numpy.ndarray
        Where each continuous block level starts along the last axis of
        ``spectra`` (``-1``: done directly).
    ring_size : int
        Power of two ``R >= L``: how many past inputs a stream keeps.
    cache_size : int
        Columns of a stream's output cache.
    """

    def __init__(
        self,
        bank: FilterBank,
        method: Method,
        params: np.ndarray,
        spectra: np.ndarray,
        level_offsets: np.ndarray,
        ring_size: int,
        cache_size: int,
    ) -> None:
        self.bank = bank
        self.method = method
        self.params = params
        self.spectra = spectra
        self.level_offsets = level_offsets
        self.ring_size = ring_size
        self.cache_size = cache_size
        self._ready_levels = 0
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def kernel_plan(self) -> tuple:
        """The plan as the kernels take it: ``(h, depthwise, spectra, level_offsets, params)``."""
        return (
            self.bank.taps,
            self.bank.depthwise,
            self.spectra,
            self.level_offsets,
            self.params,
        )

    def ensure_blocks(self, size: int) -> None:
        """Make the spectra of every FFT block of at most ``size`` samples ready.

        Parameters
        ----------
        size : int
            Largest block a coming kernel call may perform.
        """
        n_levels = min(max(size, 0).bit_length(), len(self.level_offsets))
        if n_levels <= self._ready_levels:
            return
        with self._lock:
            for level in range(self._ready_levels, n_levels):
                offset = self.level_offsets[level]
                if offset >= 0:
                    k = 1 << level
                    self.spectra[..., offset : offset + k + 1] = scipy.fft.rfft(
                        self.bank.taps[..., : 2 * k], n=2 * k, axis=-1
                    )
            self._ready_levels = max(self._ready_levels, n_levels)


def _continuous_layout(
    taps: np.ndarray, max_block: int, window: int, crossover: int
) -> tuple[np.ndarray, np.ndarray]:
    """Room for the spectra of ``taps[0:2k]`` at FFT length ``2k``, for blocks done by FFT.

    Those are the powers of two ``k`` from ``window`` to ``max_block`` that are at
    least ``crossover``; other levels are marked ``-1`` (done directly). The
    spectra are filled by :meth:`Plan.ensure_blocks`.
    """
    n_levels = max_block.bit_length()
    offsets = np.full(n_levels, -1, dtype=np.int64)
    size = 0
    for level in range(n_levels):
        k = 1 << level
        if k >= window and k >= crossover:
            offsets[level] = size
            size += k + 1
    return np.zeros(taps.shape[:2] + (size,), dtype=np.complex128), offsets


def make_plan(
    bank: FilterBank, method: Method, epoch: int | None, crossover: int
) -> Plan:
    """Pre-compute the plan of ``method`` for ``bank``.

    Parameters
    ----------
    bank : FilterBank
        Validated filters.
    method : {"naive", "epoched", "continuous"}
        The schedule.
    epoch : int or None
        Epoch length of the epoched schedule (``None``: :func:`default_epoch`).
    crossover : int
        Continuous blocks smaller than this are convolved directly.

    Returns
    -------
    Plan
        The plan.

    Raises
    ------
    ValueError, TypeError
        For an unknown ``method``, an ``epoch`` that is not a positive integer or
        is given with another method, or a ``crossover`` that is not a positive
        integer.
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    if epoch is not None:
        epoch = as_count(epoch, "epoch", 1)
        if method != "epoched":
            raise ValueError(
                f"epoch is only used by method='epoched', got method={method!r}"
            )
    crossover = as_count(crossover, "crossover", 1)
    length = bank.length
    ring_size = next_power_of_two(length)
    params = np.zeros(schedules.N_PARAMS, dtype=np.int64)
    params[schedules.METHOD] = METHODS[method]
    empty = np.zeros(bank.taps.shape[:2] + (0,), dtype=np.complex128)
    offsets = np.zeros(0, dtype=np.int64)
    if method == "continuous":
        window = min(next_power_of_two(crossover), ring_size)
        params[schedules.MAX_BLOCK] = ring_size
        params[schedules.DIRECT_WINDOW] = window
        spectra, offsets = _continuous_layout(bank.taps, ring_size, window, crossover)
        cache_size = ring_size
    elif method == "epoched":
        epoch = default_epoch(length) if epoch is None else epoch
        n_fft = scipy.fft.next_fast_len(length + epoch, real=True)
        params[schedules.EPOCH] = epoch
        params[schedules.N_FFT] = n_fft
        spectra = np.ascontiguousarray(scipy.fft.rfft(bank.taps, n=n_fft, axis=-1))
        cache_size = epoch
    else:
        spectra = empty
        cache_size = 1
    return Plan(bank, method, params, spectra, offsets, ring_size, cache_size)
