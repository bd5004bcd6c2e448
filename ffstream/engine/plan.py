"""Plans: everything a schedule needs that depends on the filters only, computed once."""

import numpy as np
import scipy.fft

from ffstream.engine.cost_model import (
    bounded_delay_line_block,
    default_epoch,
    delay_line_block,
    next_power_of_two,
)
from ffstream.engine.filter_bank import FilterBank
from ffstream.engine.locking import HasLock
from ffstream.engine.methods import METHOD_CODES, Method, check_method
from ffstream.engine.validation import as_count, check_memory
from ffstream.kernels import schedules

#: Blocks smaller than this are convolved directly rather than by FFT.
DEFAULT_CROSSOVER = 256


class Plan(HasLock):
    """Filter-dependent data shared by every stream of one filter bank.

    The continuous schedule's filter spectra are computed on demand, level by
    level, the first time a stream is about to need them
    (:meth:`ensure_blocks`): a rollout of ``K < P`` tokens never pays for the
    spectra of blocks longer than ``K``; from ``K = P`` on, or at a prefill, the
    delay line's partitions (together the whole filter) are computed.

    Parameters
    ----------
    bank : FilterBank
        The filters.
    method : {"naive", "epoched", "continuous", "bounded"}
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
    crossover : int
        The crossover the plan was made with (continuous blocks shorter than
        this are convolved directly).

    Examples
    --------
    Plans are made by :func:`make_plan`. For 64 taps with a direct window of 4
    samples and a delay line in blocks of 16:

    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> from ffstream.engine.plan import make_plan
    >>> bank = make_filter_bank(0.5 ** np.arange(64))
    >>> plan = make_plan(bank, "continuous", crossover=4, delay_line=16)
    >>> plan.ring_size, plan.cache_size, plan.delay_line_block, plan.delay_line_parts
    (64, 64, 16, 4)
    >>> plan.block_spectra_shape
    (4, 34)

    No spectrum is computed until a stream needs it:

    >>> bool(np.any(plan.spectra))
    False
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
        crossover: int,
    ) -> None:
        self.bank = bank
        self.method = method
        self.params = params
        self.spectra = spectra
        self.level_offsets = level_offsets
        self.ring_size = ring_size
        self.cache_size = cache_size
        self.crossover = crossover
        self._ready_levels = 0
        super().__init__()

    @property
    def kernel_plan(self) -> tuple:
        """The plan as the kernels take it: ``(g, depthwise, spectra, level_offsets, params)``.

        ``g`` is the time-reversed taps (see :mod:`ffstream.kernels.direct`).
        """
        return (
            self.bank.reversed_taps,
            self.bank.depthwise,
            self.spectra,
            self.level_offsets,
            self.params,
        )

    @property
    def epoch(self) -> int | None:
        """Epoch length ``K`` of the epoched schedule (``None`` for the others)."""
        return int(self.params[schedules.EPOCH]) if self.method == "epoched" else None

    @property
    def delay_line_block(self) -> int | None:
        """Block size ``P`` of the continuous or bounded schedule's delay line.

        ``None`` for the other methods, and when the direct window already
        covers every lag (short filters).
        """
        block = int(self.params[schedules.DELAY_BLOCK])
        return block if block > 0 else None

    @property
    def partial_sums_width(self) -> int:
        """``2 (P + 1)`` for the bounded schedule's partial sums per output channel, else 0."""
        width = self.delay_line_block
        return 2 * (width + 1) if self.method == "bounded" and width else 0

    @property
    def delay_line_parts(self) -> int:
        """Partitions ``M = ceil((L - 1) / P)`` of the delay line (0 without one)."""
        return int(self.params[schedules.DELAY_PARTS])

    @property
    def block_spectra_shape(self) -> tuple[int, int]:
        """``(M, 2 (P + 1))``: a stream's delay line of ``M`` split block spectra.

        ``(0, 2)`` without a delay line.
        """
        width = self.delay_line_block or 0
        return (self.delay_line_parts, 2 * (width + 1))

    def ensure_blocks(self, size: int) -> None:
        """Make the spectra of every FFT block of at most ``size`` samples ready.

        The delay line's partition spectra count as the block of ``P`` samples.

        Parameters
        ----------
        size : int
            Largest block a coming kernel call may perform.

        Examples
        --------
        With 64 taps, FFT blocks of 4 to 32 samples and a delay line of one
        partition of 64:

        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> taps = 0.5 ** np.arange(64)
        >>> plan = make_plan(make_filter_bank(taps), "continuous", crossover=4, delay_line=64)
        >>> plan.level_offsets
        array([-1, -1,  0,  5, 14, 31, -1])
        >>> plan.ensure_blocks(8)

        The block of ``k = 8`` samples (level 3) now has the spectrum of ``taps[:2k]``,
        the block of 16 (level 4) not yet:

        >>> start = plan.level_offsets[3]
        >>> np.allclose(plan.spectra[0, 0, start : start + 9], np.fft.rfft(taps[:16]))
        True
        >>> start = plan.level_offsets[4]
        >>> bool(np.any(plan.spectra[0, 0, start : start + 17]))
        False
        """
        n_levels = min(max(size, 0).bit_length(), len(self.level_offsets))
        if n_levels <= self._ready_levels:
            return
        delay_block = self.delay_line_block
        with self._lock:
            for level in range(self._ready_levels, n_levels):
                if self.level_offsets[level] >= 0:
                    self._fill_block_spectrum(level)
                if 1 << level == delay_block:
                    self._fill_partition_spectra()
            self._ready_levels = max(self._ready_levels, n_levels)

    @property
    def all_blocks_ready(self) -> bool:
        """Whether every spectrum a stream can need is ready (no more to compute).

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> plan = make_plan(make_filter_bank(np.ones(64)), "continuous", crossover=4)
        >>> plan.all_blocks_ready
        False
        >>> plan.ensure_blocks(64)
        >>> plan.all_blocks_ready
        True
        """
        return self._ready_levels >= len(self.level_offsets)

    def ensure_prefill(self) -> None:
        """Make the spectra a prefill uses ready.

        That is the block of ``R`` samples without a delay line, the partitions
        with one.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> bank = make_filter_bank(0.5 ** np.arange(64))
        >>> plan = make_plan(bank, "continuous", crossover=4, delay_line=16)
        >>> plan.ensure_blocks(8)
        >>> bool(np.all(plan.spectra != 0))  # the delay line's partitions are missing
        False
        >>> plan.ensure_prefill()
        >>> bool(np.all(plan.spectra != 0))
        True
        """
        self.ensure_blocks(self.delay_line_block or self.ring_size)

    def _fill_block_spectrum(self, level: int) -> None:
        """Compute the spectrum of the FutureFill block of ``2**level`` samples."""
        k = 1 << level
        offset = self.level_offsets[level]
        self.spectra[..., offset : offset + k + 1] = scipy.fft.rfft(
            self.bank.taps[..., : 2 * k], n=2 * k, axis=-1
        )

    def _fill_partition_spectra(self) -> None:
        """Compute the delay line's partition spectra, stored split.

        See :func:`ffstream.kernels.spectral.delay_line_into_cache`.
        """
        width = self.delay_line_block
        offset = int(self.params[schedules.DELAY_OFFSET])
        for part in range(self.delay_line_parts):
            start = offset + part * (width + 1)
            spectrum = scipy.fft.rfft(
                self.bank.taps[..., part * width : (part + 2) * width],
                n=2 * width,
                axis=-1,
            )
            split = self.spectra[..., start : start + width + 1].view(np.float64)
            split[..., : width + 1] = spectrum.real
            split[..., width + 1 :] = spectrum.imag


def _choose_delay_line(
    bank: FilterBank,
    ring_size: int,
    window: int,
    requested: int | None,
    bounded: bool,
) -> int:
    """The delay line's block ``P``: ``requested`` brought into ``[W, R]``, or the model's.

    Returns 0 (no delay line) when the direct window covers the whole ring.
    """
    if window >= ring_size:
        return 0
    if requested is not None:
        return min(max(requested, window), ring_size)
    n_products = bank.n_outputs * bank.taps.shape[1]
    n_channels = bank.n_inputs + bank.n_outputs
    choose = bounded_delay_line_block if bounded else delay_line_block
    return choose(bank.length, ring_size, window, n_channels, n_products)


def _continuous_layout(
    taps: np.ndarray, max_block: int, window: int, crossover: int, delay_block: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Room for the FutureFill blocks' and the delay line's spectra.

    Blocks of ``k`` samples use the spectrum of ``taps[0:2k]`` at FFT length
    ``2k``: the powers of two ``k`` from ``window`` up to the delay line's block
    ``delay_block`` (excluded; without a delay line, up to ``max_block``, which
    also re-anchors the schedule after a prefill) that are at least
    ``crossover``. Other levels are marked ``-1``. The delay line's partition
    spectra follow. The spectra are filled by :meth:`Plan.ensure_blocks`.

    Returns
    -------
    spectra, level_offsets, delay_offset
        Zeroed spectra, the offset of each level and of the partitions.
    """
    n_levels = max_block.bit_length()
    offsets = np.full(n_levels, -1, dtype=np.int64)
    size = 0
    for level in range(n_levels):
        k = 1 << level
        below_delay = delay_block == 0 or k < delay_block
        if k >= window and k >= crossover and below_delay:
            offsets[level] = size
            size += k + 1
    delay_offset = size
    if delay_block > 0:
        length = taps.shape[2]
        size += -(-(length - 1) // delay_block) * (delay_block + 1)
    spectra = np.zeros(taps.shape[:2] + (size,), dtype=np.complex128)
    return spectra, offsets, delay_offset


def make_plan(
    bank: FilterBank,
    method: Method,
    epoch: int | None = None,
    crossover: int = DEFAULT_CROSSOVER,
    delay_line: int | None = None,
) -> Plan:
    """Pre-compute the plan of ``method`` for ``bank``.

    Parameters
    ----------
    bank : FilterBank
        Validated filters.
    method : {"naive", "epoched", "continuous", "bounded"}
        The schedule.
    epoch : int, optional
        Epoch length of the epoched schedule (``None``: :func:`default_epoch`).
    crossover : int, default 256
        Continuous blocks smaller than this are convolved directly.
    delay_line : int, optional
        Block size ``P`` of the continuous or bounded schedule's delay line, a power of two
        brought into ``[W, R]`` (``None``: :func:`delay_line_block`).

    Returns
    -------
    Plan
        The plan.

    Raises
    ------
    ValueError, TypeError
        For an unknown ``method``, an ``epoch`` or ``delay_line`` that is not a
        positive integer (a power of two for ``delay_line``) or is given with
        another method, or a ``crossover`` that is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> plan = make_plan(make_filter_bank(np.ones(1000)), "epoched")
    >>> plan.method, plan.epoch
    ('epoched', 100)
    """
    check_method(method)
    if epoch is not None:
        epoch = as_count(epoch, "epoch", 1)
        if method != "epoched":
            raise ValueError(
                f"epoch is only used by method='epoched', got method={method!r}"
            )
    crossover = as_count(crossover, "crossover", 1)
    if delay_line is not None:
        delay_line = as_count(delay_line, "delay_line_block", 1)
        if delay_line & (delay_line - 1):
            raise ValueError(
                f"delay_line_block must be a power of two, got {delay_line}"
            )
        if method not in ("continuous", "bounded"):
            raise ValueError(
                "delay_line_block is only used by method='continuous' and "
                f"'bounded', got method={method!r}"
            )
    length = bank.length
    ring_size = next_power_of_two(length)
    params = np.zeros(schedules.N_PARAMS, dtype=np.int64)
    params[schedules.METHOD] = METHOD_CODES[method]
    empty = np.zeros(bank.taps.shape[:2] + (0,), dtype=np.complex128)
    offsets = np.zeros(0, dtype=np.int64)
    if method in ("continuous", "bounded"):
        window = min(next_power_of_two(crossover), ring_size)
        params[schedules.MAX_BLOCK] = ring_size
        params[schedules.DIRECT_WINDOW] = window
        delay_block = _choose_delay_line(
            bank, ring_size, window, delay_line, method == "bounded"
        )
        if delay_block > 0:
            params[schedules.DELAY_BLOCK] = delay_block
            params[schedules.DELAY_PARTS] = -(-(length - 1) // delay_block)
        spectra, offsets, delay_offset = _continuous_layout(
            bank.taps, ring_size, window, crossover, delay_block
        )
        params[schedules.DELAY_OFFSET] = delay_offset
        cache_size = ring_size
    elif method == "epoched":
        epoch = default_epoch(length) if epoch is None else epoch
        n_fft = scipy.fft.next_fast_len(length + epoch, real=True)
        # The filter spectra (n_fft reals per channel pair) and the cache of
        # each stream (epoch values per output channel).
        pairs = bank.taps.size // length
        check_memory(n_fft * pairs + epoch * bank.n_outputs, f"epoch={epoch}")
        params[schedules.EPOCH] = epoch
        params[schedules.N_FFT] = n_fft
        spectra = np.ascontiguousarray(scipy.fft.rfft(bank.taps, n=n_fft, axis=-1))
        cache_size = epoch
    else:
        spectra = empty
        cache_size = 1
    return Plan(
        bank, method, params, spectra, offsets, ring_size, cache_size, crossover
    )
