"""The mutable state of one (or a batch of) online convolution streams: plain arrays only."""

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ffstream.engine.plan import Plan
from ffstream.kernels import schedules


@dataclass
class StreamState:
    """Arrays the kernels update in place.

    Attributes
    ----------
    ring : numpy.ndarray
        Doubled ring of past inputs, ``(..., d_in, 2 R)``.
    cache : numpy.ndarray
        Pending contributions of past inputs to future outputs, ``(..., d_out, C)``.
    counters : numpy.ndarray
        ``(..., 2)`` int64: samples seen and the schedule's origin.
    last_y : numpy.ndarray
        ``(..., d_out)``: the latest output (zeros before the first sample).
    block_spectra : numpy.ndarray
        ``(..., d_in, M, 2 (P + 1))``: split spectra of the last ``M`` input
        blocks of the continuous schedule's delay line (``M = 0`` without one).
    """

    ring: np.ndarray
    cache: np.ndarray
    counters: np.ndarray
    last_y: np.ndarray
    block_spectra: np.ndarray

    @classmethod
    def empty(cls, plan: Plan, batch: tuple[int, ...] = ()) -> "StreamState":
        """A fresh state (no sample seen) for ``plan``, with leading ``batch`` dimensions."""
        bank = plan.bank
        return cls(
            ring=np.zeros(batch + (bank.n_inputs, 2 * plan.ring_size)),
            cache=np.zeros(batch + (bank.n_outputs, plan.cache_size)),
            counters=np.zeros(batch + (2,), dtype=np.int64),
            last_y=np.zeros(batch + (bank.n_outputs,)),
            block_spectra=np.zeros(batch + (bank.n_inputs,) + plan.block_spectra_shape),
        )

    @classmethod
    def from_arrays(cls, plan: Plan, arrays: Any, name: str = "state") -> "StreamState":
        """A validated, private copy of exported ``arrays`` for an unbatched stream of ``plan``.

        Parameters
        ----------
        plan : Plan
            The plan the state must belong to.
        arrays : mapping of str to array_like
            Exactly the fields of :class:`StreamState`, as :meth:`as_arrays` gives them.
        name : str, default "state"
            The argument's name, used in error messages.

        Returns
        -------
        StreamState
            A state owning copies of the arrays.

        Raises
        ------
        TypeError
            If ``arrays`` is not a mapping, or an array has the wrong dtype.
        ValueError
            If a field is missing or unknown, an array has the wrong shape (a
            state of other filters or another schedule), the input ring holds a
            non-finite value or differs between its two halves, or the sample
            counters are inconsistent.
        """
        if not hasattr(arrays, "keys"):
            raise TypeError(
                f"{name} must be a mapping of array names to arrays (as state() "
                f"returns), got {type(arrays).__name__}"
            )
        expected = cls.empty(plan).as_arrays()
        if set(arrays.keys()) != set(expected):
            raise ValueError(
                f"{name} must have exactly the arrays {sorted(expected)}, "
                f"got {sorted(map(str, arrays.keys()))}"
            )
        checked = {}
        for key, like in expected.items():
            array = np.asarray(arrays[key])
            if array.dtype != like.dtype:
                raise TypeError(
                    f"{name}[{key!r}] must have dtype {like.dtype}, got {array.dtype}"
                )
            if array.shape != like.shape:
                raise ValueError(
                    f"{name}[{key!r}] must have shape {like.shape} for these filters "
                    f"and method, got {array.shape}"
                )
            checked[key] = np.array(array, order="C")
        ring = checked["ring"]
        size = ring.shape[-1] // 2
        if not np.all(np.isfinite(ring)):
            raise ValueError(f"{name}['ring'] must hold finite inputs")
        if not np.array_equal(ring[:, :size], ring[:, size:]):
            raise ValueError(
                f"{name}['ring'] must hold each input twice (its two halves equal)"
            )
        seen, origin = checked["counters"]
        if not 0 <= origin <= seen:
            raise ValueError(
                f"{name}['counters'] must hold the samples seen and the schedule's "
                f"origin with 0 <= origin <= seen, got {checked['counters'].tolist()}"
            )
        return cls(**checked)

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The state as a dict of copies of its arrays, keyed by field name."""
        return {f.name: getattr(self, f.name).copy() for f in fields(self)}

    @property
    def kernel_stream(self) -> tuple[np.ndarray, ...]:
        """The state as the kernels take it: ``(ring, cache, counters, last_y, block_spectra)``."""
        return (
            self.ring,
            self.cache,
            self.counters,
            self.last_y,
            self.block_spectra,
        )

    @property
    def n_seen(self) -> int:
        """Samples pushed so far (of an unbatched state)."""
        return int(self.counters[schedules.SEEN])

    @property
    def since_origin(self) -> int:
        """Samples pushed since the schedule's origin (the largest over a batch)."""
        counters = self.counters.reshape(-1, 2)
        return int((counters[:, schedules.SEEN] - counters[:, schedules.ORIGIN]).max())

    def recent_inputs(self, n: int) -> np.ndarray:
        """The last ``min(n, n_seen, R)`` inputs of an unbatched state, time-first.

        Parameters
        ----------
        n : int
            How many of the most recent inputs to return.

        Returns
        -------
        numpy.ndarray
            ``(m, d_in)`` copy, oldest first.
        """
        size = self.ring.shape[-1] // 2
        count = min(n, self.n_seen, size)
        end = (self.n_seen - 1) % size + size + 1
        return self.ring[:, end - count : end].T.copy()

    def copy(self) -> "StreamState":
        """An independent deep copy."""
        return StreamState(*(a.copy() for a in self.kernel_stream))

    def repeat(self, n: int) -> "StreamState":
        """A batch of ``n`` independent copies of this (unbatched) state."""
        return StreamState(
            *(np.repeat(a[np.newaxis], n, axis=0) for a in self.kernel_stream)
        )
