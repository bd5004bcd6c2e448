"""The cost model that sizes the schedules: epoch length and delay-line block.

Costs are in units of one real FFT of length ``n`` costing ``n log2 n``.
"""

import math

#: Cost of one complex multiply-add of split spectra, in units of ``n log2 n``
#: of a real FFT of length ``n``: about 0.5 ns against 0.4 ns on the machines
#: this was measured on.
SPECTRAL_MAC_COST = 1.25


def next_power_of_two(n: int) -> int:
    """Smallest power of two that is at least ``n`` (``n >= 1``).

    Examples
    --------
    >>> from ffstream.engine.cost_model import next_power_of_two
    >>> next_power_of_two(1), next_power_of_two(5), next_power_of_two(8)
    (1, 8, 8)
    >>> next_power_of_two(1000)
    1024
    """
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

    Examples
    --------
    >>> from ffstream.engine.cost_model import default_epoch
    >>> default_epoch(1), default_epoch(1000), default_epoch(4096)
    (1, 100, 222)
    """
    return max(1, math.ceil(math.sqrt(length * math.log2(max(length, 2)))))


def _transform_cost(n: int) -> float:
    """Cost model of a real FFT of length ``n``."""
    return n * math.log2(n)


def _level_cost(k: int, n_channels: int, n_products: int) -> float:
    """Cost per sample of the FutureFill level of blocks of ``k`` (one every ``2 k`` samples)."""
    work = n_channels * _transform_cost(2 * k)
    return (work + SPECTRAL_MAC_COST * n_products * (k + 1)) / (2 * k)


def _delay_line_cost(
    width: int, length: int, n_channels: int, n_products: int
) -> float:
    """Cost per sample of a delay line in blocks of ``width``: transforms and products."""
    n_parts = -(-(length - 1) // width)
    products = SPECTRAL_MAC_COST * n_products * n_parts * (width + 1)
    return (n_channels * _transform_cost(2 * width) + products) / width


def delay_line_block(
    length: int, ring_size: int, window: int, n_channels: int, n_products: int
) -> int:
    """Block size ``P`` of the continuous schedule's delay line, from a cost model.

    Blocks of at least ``P`` samples are replaced by a delay line in blocks of
    ``P`` with ``M = ceil((L - 1) / P)`` partitions: one forward and one inverse
    FFT of length ``2 P`` and ``M`` spectral products every ``P`` samples. The
    FutureFill levels from ``window`` to ``P / 2`` remain. ``P = R`` (one
    partition) is FutureFill's own largest block, so the choice is never worse
    than the plain schedule under the model.

    Parameters
    ----------
    length : int
        Filter length ``L``.
    ring_size : int
        ``R``, the power of two at least ``L``.
    window : int
        The direct window ``W`` (a power of two, less than ``R``).
    n_channels : int
        Input plus output channels: the transforms per block.
    n_products : int
        Spectral products per frequency: ``d_out * n_in``.

    Returns
    -------
    int
        The power of two ``P`` with ``window <= P <= R`` of least modelled cost
        per sample.

    Examples
    --------
    For one scalar filter of 4096 taps the model picks the smallest block, ``P = W``;
    with 100 spectral products per frequency the partitions cost more, and the
    plain FutureFill schedule (``P = R``) wins:

    >>> from ffstream.engine.cost_model import delay_line_block
    >>> delay_line_block(4096, 4096, 256, n_channels=2, n_products=1)
    256
    >>> delay_line_block(4096, 4096, 256, n_channels=2, n_products=100)
    4096
    """

    def level_cost(k: int) -> float:
        return _level_cost(k, n_channels, n_products)

    def delay_line_cost(width: int) -> float:
        return _delay_line_cost(width, length, n_channels, n_products)

    best_width, best_cost = ring_size, math.inf
    levels_below = 0.0
    width = window
    while width <= ring_size:
        cost = delay_line_cost(width) + levels_below
        if cost < best_cost:
            best_width, best_cost = width, cost
        levels_below += level_cost(width)
        width *= 2
    return best_width


#: The bounded schedule's mean cost per sample may be this many times the
#: continuous schedule's (under the model) to lower its worst step.
BOUNDED_MEAN_ALLOWANCE = 1.5


def bounded_step_cost(
    width: int, length: int, window: int, n_channels: int, n_products: int
) -> float:
    """The most work one sample of the bounded schedule can take, under the cost model.

    A sample does at most one of a delay line step in blocks of ``width`` (one
    transform of the newest block per input channel and one inverse per output
    channel, of length ``2 width``, and the newest partition's products) and a
    FutureFill block (at most ``width / 2`` samples: less work), plus its share
    of the older partitions' products, spread over the samples of a block (at
    most ``ceil((M - 1) / width)`` partitions), plus the direct sum over the
    window (``window`` multiply-adds per pair of channels).
    ``ffstream.kernels.schedules.step_work`` counts a sample's work in the same
    units.

    Examples
    --------
    >>> from ffstream.engine.cost_model import bounded_step_cost
    >>> bounded_step_cost(4096, 2**20, 256, 2, 1) < bounded_step_cost(32768, 2**20, 256, 2, 1)
    True
    """
    n_parts = -(-(length - 1) // width)
    spread = -(-(n_parts - 1) // width)
    boundary = n_channels * _transform_cost(2 * width)
    products = SPECTRAL_MAC_COST * n_products * (width + 1) * (1 + spread)
    return boundary + products + window * n_products


def bounded_delay_line_block(
    length: int, ring_size: int, window: int, n_channels: int, n_products: int
) -> int:
    """Block size ``P`` of the bounded schedule's delay line, from the cost model.

    The power of two ``window <= P <= R`` whose worst step
    (:func:`bounded_step_cost`) is least among those whose mean cost per sample
    stays within :data:`BOUNDED_MEAN_ALLOWANCE` times the best one (that of
    :func:`delay_line_block`).

    Examples
    --------
    A scalar filter of ``2**20`` taps: the continuous schedule's delay line runs in
    blocks of ``2**15``, the bounded one in smaller blocks:

    >>> from ffstream.engine.cost_model import bounded_delay_line_block, delay_line_block
    >>> delay_line_block(2**20, 2**20, 256, 2, 1), bounded_delay_line_block(2**20, 2**20, 256, 2, 1)
    (32768, 8192)
    """
    candidates = []
    levels_below = 0.0
    width = window
    while width <= ring_size:
        mean = _delay_line_cost(width, length, n_channels, n_products) + levels_below
        candidates.append((width, mean))
        levels_below += _level_cost(width, n_channels, n_products)
        width *= 2
    best_mean = min(mean for _, mean in candidates)
    allowed = [
        w for w, mean in candidates if mean <= BOUNDED_MEAN_ALLOWANCE * best_mean
    ]
    return min(
        allowed,
        key=lambda w: bounded_step_cost(w, length, window, n_channels, n_products),
    )
