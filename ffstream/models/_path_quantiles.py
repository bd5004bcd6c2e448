"""Exact quantiles across simulated paths, seen a group of paths at a time.

A quantile of ``n`` values by linear interpolation (numpy's default method)
reads only two order statistics: with ``v = (n - 1) q``, those of ranks
``floor(v)`` and ``floor(v) + 1``. The central quantiles of a prediction
interval need only the few smallest and the few largest values at each step, so
:class:`PathQuantiles` keeps just those while the paths stream past in groups:
its memory is that of ``k_low + k_high + group`` paths, not of all ``n``.
A step at which any path is NaN has NaN quantiles, as in ``numpy.quantile``.
"""

import math
from collections.abc import Sequence

import numpy as np


class PathQuantiles:
    """Quantiles over ``n_paths`` paths, per step and channel, fed in groups of paths.

    Parameters
    ----------
    quantiles : sequence of float
        Probabilities in ``[0, 1]``.
    n_paths : int
        How many paths :meth:`add` will receive in all.

    Attributes
    ----------
    kept_paths : int
        Paths' worth of values held between groups: the order statistics the
        quantiles can still need, ``n_paths`` at most.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.models._path_quantiles import PathQuantiles
    >>> paths = np.random.default_rng(0).standard_normal((1000, 3))
    >>> quantiles = PathQuantiles([0.05, 0.95], n_paths=1000)
    >>> for start in range(0, 1000, 64):
    ...     quantiles.add(paths[start : start + 64])
    >>> quantiles.kept_paths
    102
    >>> np.array_equal(quantiles.result(), np.quantile(paths, [0.05, 0.95], axis=0))
    True
    """

    def __init__(self, quantiles: Sequence[float], n_paths: int) -> None:
        self._n = n_paths
        self._positions = [(n_paths - 1) * q for q in quantiles]
        ranks = set()
        for position in self._positions:
            below = math.floor(position)
            ranks.update((below, min(below + 1, n_paths - 1)))
        middle = n_paths / 2
        self._k_low = max((r + 1 for r in ranks if r < middle), default=0)
        self._k_high = max((n_paths - r for r in ranks if r >= middle), default=0)
        if self._k_low + self._k_high >= n_paths:
            self._k_low, self._k_high = n_paths, 0
        self.kept_paths = self._k_low + self._k_high
        self._low: np.ndarray | None = None
        self._high: np.ndarray | None = None
        self._any_nan: np.ndarray | bool = False
        self._seen = 0

    def add(self, group: np.ndarray) -> None:
        """Take the next ``(g, ...)`` group of float64 paths (it is not kept: reuse it freely)."""
        self._seen += len(group)
        self._any_nan = self._any_nan | np.isnan(group).any(axis=0)
        self._low = _keep(self._low, group, self._k_low, smallest=True)
        self._high = _keep(self._high, group, self._k_high, smallest=False)

    def result(self) -> np.ndarray:
        """The quantiles, ``(len(quantiles), ...)``, once all ``n_paths`` have been added."""
        if self._seen != self._n:
            raise RuntimeError(f"{self._seen} of the {self._n} paths were added")
        low = np.sort(self._low, axis=0)
        high = np.sort(self._high, axis=0) if self._k_high else low[:0]
        first_high_rank = self._n - self._k_high

        def statistic(rank: int) -> np.ndarray:
            return low[rank] if rank < self._k_low else high[rank - first_high_rank]

        values = []
        for position in self._positions:
            below = math.floor(position)
            a = statistic(below)
            b = statistic(min(below + 1, self._n - 1))
            weight = position - below
            # Linear interpolation, from the nearer end (as numpy does).
            if weight >= 0.5:
                values.append(b - (b - a) * (1 - weight))
            else:
                values.append(a + (b - a) * weight)
        return np.where(self._any_nan, np.nan, np.stack(values))


def _keep(
    kept: np.ndarray | None, group: np.ndarray, k: int, *, smallest: bool
) -> np.ndarray:
    """The ``k`` smallest (or largest) values per position of ``kept`` and ``group``."""
    if k == 0:
        return group[:0]
    # A copy of the first group: the caller may reuse its array for the next one.
    pool = group.copy() if kept is None else np.concatenate([kept, group])
    if len(pool) <= k:
        return pool
    if smallest:
        return np.partition(pool, k - 1, axis=0)[:k]
    return np.partition(pool, len(pool) - k, axis=0)[len(pool) - k :]
