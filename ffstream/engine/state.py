"""The mutable state of one (or a batch of) online convolution streams: plain arrays only."""

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ffstream.engine.plan import Plan
from ffstream.kernels import schedules


def _dtype(field: str) -> np.dtype:
    """The dtype of a state array: int64 for the sample counters, else float64."""
    return np.dtype(np.int64 if field == "counters" else np.float64)


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
        blocks of the continuous and bounded schedules' delay line (``M = 0``
        without one).
    partial_sums : numpy.ndarray
        ``(..., d_out, 2 (P + 1))``: the bounded schedule's products of the older
        partitions for the next delay line step, accumulated a few per sample
        (``(..., d_out, 0)`` for the other schedules).

    Examples
    --------
    The state of a scalar stream of 8 taps after 5 samples: each input is kept
    twice in the ring of ``2 R = 16`` values.

    >>> import numpy as np
    >>> import ffstream
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> from ffstream.engine.plan import make_plan
    >>> from ffstream.engine.state import StreamState
    >>> h = 0.5 ** np.arange(8)
    >>> stream = ffstream.OnlineConv(h)
    >>> _ = stream.push_block(np.arange(1.0, 6.0))
    >>> plan = make_plan(make_filter_bank(h), "continuous")
    >>> state = StreamState.from_arrays(plan, stream.state())
    >>> state.ring
    array([[1., 2., 3., 4., 5., 0., 0., 0., 1., 2., 3., 4., 5., 0., 0., 0.]])
    >>> state.counters, state.n_seen
    (array([5, 0]), 5)
    """

    ring: np.ndarray
    cache: np.ndarray
    counters: np.ndarray
    last_y: np.ndarray
    block_spectra: np.ndarray
    partial_sums: np.ndarray

    @classmethod
    def empty(cls, plan: Plan, batch: tuple[int, ...] = ()) -> "StreamState":
        """A fresh state (no sample seen) for ``plan``, with leading ``batch`` dimensions.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> plan = make_plan(make_filter_bank(np.ones(8)), "continuous")
        >>> state = StreamState.empty(plan)
        >>> state.ring.shape, state.cache.shape, state.n_seen
        ((1, 16), (1, 8), 0)
        >>> StreamState.empty(plan, batch=(3,)).ring.shape
        (3, 1, 16)
        """
        return cls(
            **{
                name: np.zeros(batch + shape, _dtype(name))
                for name, shape in cls.shapes(plan).items()
            }
        )

    @staticmethod
    def shapes(plan: Plan) -> dict[str, tuple[int, ...]]:
        """The shape of each array of one stream's state for ``plan``.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> shapes = StreamState.shapes(make_plan(make_filter_bank(np.ones((8, 2))), "naive"))
        >>> shapes["ring"], shapes["cache"], shapes["block_spectra"]
        ((2, 16), (2, 1), (2, 0, 2))
        """
        bank = plan.bank
        return {
            "ring": (bank.n_inputs, 2 * plan.ring_size),
            "cache": (bank.n_outputs, plan.cache_size),
            "counters": (2,),
            "last_y": (bank.n_outputs,),
            "block_spectra": (bank.n_inputs,) + plan.block_spectra_shape,
            "partial_sums": (bank.n_outputs, plan.partial_sums_width),
        }

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
            state of other filters or another schedule), the input ring
            differs between its two halves, or the sample
            counters are inconsistent.

        Examples
        --------
        The arrays of an empty state round-trip; counters that put the schedule's
        origin after the samples seen are rejected:

        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> plan = make_plan(make_filter_bank(np.ones(3)), "epoched")
        >>> arrays = StreamState.empty(plan).as_arrays()
        >>> StreamState.from_arrays(plan, arrays).n_seen
        0
        >>> arrays["counters"] = np.array([2, 3])
        >>> StreamState.from_arrays(plan, arrays)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: state['counters'] must hold the samples seen and the schedule's origin ...
        """
        if not hasattr(arrays, "keys"):
            raise TypeError(
                f"{name} must be a mapping of array names to arrays (as state() "
                f"returns), got {type(arrays).__name__}"
            )
        expected = cls.shapes(plan)
        if set(arrays.keys()) != set(expected):
            raise ValueError(
                f"{name} must have exactly the arrays {sorted(expected)}, "
                f"got {sorted(map(str, arrays.keys()))}"
            )
        checked = {}
        for key, shape in expected.items():
            array = np.asarray(arrays[key])
            dtype = _dtype(key)
            # Byte order is not part of the check: ``np.array`` below converts.
            if array.dtype.newbyteorder("=") != dtype:
                raise TypeError(
                    f"{name}[{key!r}] must have dtype {dtype}, got {array.dtype}"
                )
            if array.shape != shape:
                raise ValueError(
                    f"{name}[{key!r}] must have shape {shape} for these filters "
                    f"and method, got {array.shape}"
                )
            checked[key] = np.array(array, dtype=dtype, order="C")
        ring = checked["ring"]
        size = ring.shape[-1] // 2
        # Non-finite inputs are kept as they are: a rollout with advance=True
        # that diverged pushes them, and such a state must round-trip.
        if not np.array_equal(ring[:, :size], ring[:, size:], equal_nan=True):
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
        """The state as a dict of copies of its arrays, keyed by field name.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> state = StreamState.empty(make_plan(make_filter_bank(np.ones(8)), "naive"))
        >>> arrays = state.as_arrays()
        >>> sorted(arrays)
        ['block_spectra', 'cache', 'counters', 'last_y', 'partial_sums', 'ring']
        >>> arrays["ring"][:] = 1.0
        >>> bool(state.ring.any())
        False
        """
        return {f.name: getattr(self, f.name).copy() for f in fields(self)}

    @property
    def kernel_stream(self) -> tuple[np.ndarray, ...]:
        """The state as the kernels take it, in the order of the fields.

        ``(ring, cache, counters, last_y, block_spectra, partial_sums)``.
        """
        return (
            self.ring,
            self.cache,
            self.counters,
            self.last_y,
            self.block_spectra,
            self.partial_sums,
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

        Examples
        --------
        The last inputs of a stream of 4 taps that saw ``1, ..., 6``, oldest first;
        at most ``R = 4`` are kept:

        >>> import numpy as np
        >>> import ffstream
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> stream = ffstream.OnlineConv(np.ones(4), "naive")
        >>> _ = stream.push_block(np.arange(1.0, 7.0))
        >>> plan = make_plan(make_filter_bank(np.ones(4)), "naive")
        >>> recent = StreamState.from_arrays(plan, stream.state()).recent_inputs
        >>> recent(2).ravel(), recent(100).ravel()
        (array([5., 6.]), array([3., 4., 5., 6.]))
        """
        size = self.ring.shape[-1] // 2
        count = min(n, self.n_seen, size)
        end = (self.n_seen - 1) % size + size + 1
        return self.ring[:, end - count : end].T.copy()

    def copy(self) -> "StreamState":
        """An independent deep copy.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> state = StreamState.empty(make_plan(make_filter_bank(np.ones(4)), "naive"))
        >>> twin = state.copy()
        >>> twin.counters[0] = 99
        >>> state.n_seen, twin.n_seen
        (0, 99)
        """
        return StreamState(*(a.copy() for a in self.kernel_stream))

    def repeat(self, n: int) -> "StreamState":
        """A batch of ``n`` independent copies of this (unbatched) state.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> from ffstream.engine.plan import make_plan
        >>> from ffstream.engine.state import StreamState
        >>> state = StreamState.empty(make_plan(make_filter_bank(np.ones(8)), "epoched"))
        >>> state.counters[0] = 5
        >>> batch = state.repeat(3)
        >>> batch.ring.shape, batch.counters[:, 0]
        ((3, 1, 16), array([5, 5, 5]))
        >>> np.shares_memory(batch.ring, state.ring)
        False
        """
        return StreamState(
            *(np.repeat(a[np.newaxis], n, axis=0) for a in self.kernel_stream)
        )
