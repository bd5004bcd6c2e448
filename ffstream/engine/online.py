"""``OnlineConv``: exact online causal convolution with a naive, epoched or continuous schedule."""

import copy
import math
from typing import Any

import numpy as np

from ffstream.engine.checkpoint import Checkpoint, Checkpointable, stored_setting
from ffstream.engine.filter_bank import make_filter_bank
from ffstream.engine.generation import check_rollout_size, generate
from ffstream.engine.html_table import html_table
from ffstream.engine.locking import HasLock
from ffstream.engine.methods import Method
from ffstream.engine.plan import DEFAULT_CROSSOVER, make_plan
from ffstream.engine.state import StreamState
from ffstream.engine.user_warnings import warn_user
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_real_array,
    check_shape,
    drop_channel_axis,
)
from ffstream.kernels.schedules import ORIGIN, prefill
from ffstream.kernels.streaming import push_block as push_block_kernel

#: Sample types :meth:`OnlineConv.push` takes its short path for.
_FLOAT_TYPES = (float, np.float64)

_OVERFLOW_WARNING = (
    "the stream's outputs overflowed to infinity or NaN (inputs so large "
    "that the sums, or the FFTs of the epoched and continuous schedules, "
    "exceed float64): its state holds the overflow, later "
    "outputs may stay non-finite for a few filter lengths and the "
    "schedules may disagree on which ones; call reset() to start again"
)


class OnlineConv(HasLock, Checkpointable):
    """Online causal convolution of a stream with a fixed filter bank.

    Output ``y[t] = sum_{s=0}^{min(t, L-1)} H[s] u[t-s]`` (lag 0 included) is
    returned as soon as input ``u[t]`` is pushed. All methods compute the same
    sums, in different orders, and agree to floating-point rounding.

    Parameters
    ----------
    filters : array_like
        ``(L,)`` for one channel (samples are scalars), ``(L, d)`` for ``d``
        independent channels (depthwise) or ``(L, d_out, d_in)`` for a MIMO bank
        (``H[s]`` is a ``d_out x d_in`` matrix). Real and finite, ``L >= 1``.
    method : {"naive", "epoched", "continuous", "bounded"}, default "continuous"
        ``"naive"`` sums over the last ``L`` inputs at every step (O(L) per
        sample). ``"epoched"`` FutureFills the past into a cache of the next
        ``epoch`` outputs once per epoch (O(L log L / K + K) per sample, O(K)
        cache). ``"continuous"`` FutureFills blocks of power-of-two sizes as
        they complete and sums the current window of ``W`` samples directly
        (O(W + log^2 L) amortized per sample, ``W`` the crossover rounded up to
        a power of two; O(L) memory); blocks of at least ``delay_line_block``
        samples are merged into one frequency-domain delay line.
        ``"bounded"`` is the continuous schedule with the work of each sample
        bounded, whatever its position in the stream (for real-time loops):
        the delay line's products with all but the newest block are spread
        over the samples of a block, and its block ``P`` is chosen by a cost
        model to keep the worst sample small (O(W + P log P + L / P) per
        sample, about sqrt(L) log L; see
        :func:`~ffstream.engine.cost_model.bounded_step_cost`).
    epoch : int, optional
        Epoch length ``K`` of ``"epoched"`` (default ``ceil(sqrt(L log2 L))``);
        only valid with that method.
    crossover : int, default 256
        ``"continuous"`` and ``"bounded"`` blocks shorter than this are
        convolved directly, longer ones by FFT. Any value gives the same results
        up to rounding.
    delay_line_block : int, optional
        ``"continuous"`` and ``"bounded"`` only: the block size ``P`` (a power of two, brought into
        ``[W, R]``) from which FutureFill blocks are replaced by a delay line of
        ``ceil((L-1)/P)`` partitions, with one FFT pair per ``P`` samples. The
        default picks ``P`` from a cost model; ``P >= R`` gives the plain
        FutureFill schedule. Any value gives the same results up to rounding.

    Notes
    -----
    Memory stays O(L) however many samples are pushed: inputs are kept in a ring
    buffer of the last ``R >= L`` samples (``R`` a power of two), pending
    outputs in a cache of at most ``R``, and the continuous schedule's delay
    line keeps the spectra of its last ``ceil((L-1)/P)`` blocks (about ``2L``
    values per input channel). The O(W + log^2 L) cost holds for the default
    ``delay_line_block``; a small one makes the delay line's products cost
    O(L / P) per sample.

    Examples
    --------
    >>> import numpy as np
    >>> import ffstream
    >>> stream = ffstream.OnlineConv(0.5 ** np.arange(100))
    >>> float(stream.push(1.0)), float(stream.push(0.0))
    (1.0, 0.5)
    >>> stream.push_block(np.zeros(3))
    array([0.25  , 0.125 , 0.0625])
    """

    checkpoint_kind = "OnlineConv"

    def __init__(
        self,
        filters: Any,
        method: Method = "continuous",
        epoch: int | None = None,
        *,
        crossover: int = DEFAULT_CROSSOVER,
        delay_line_block: int | None = None,
    ) -> None:
        bank = make_filter_bank(filters)
        self._plan = make_plan(bank, method, epoch, crossover, delay_line_block)
        self._state = StreamState.empty(self._plan)
        self._scalar_samples = self._plan.bank.layout == "scalar"
        # One call at a time changes or reads the state: the kernels release the
        # GIL, so two threads sharing a stream would otherwise interleave inside
        # a block. The plan has its own lock for the spectra it fills lazily.
        super().__init__()

    def __getstate__(self) -> dict:
        # A consistent snapshot even while another thread pushes: the state is
        # copied under the lock (copy(), copy.copy, deepcopy and pickle use it).
        with self._lock:
            state = super().__getstate__()
            state["_state"] = self._state.copy()
        return state

    def _to_checkpoint(self) -> Checkpoint:
        with self._lock:
            state = self._state.as_arrays()
        settings = {
            "method": self.method,
            "epoch": self.epoch,
            "crossover": self._plan.crossover,
            "delay_line_block": self.delay_line_block,
        }
        arrays = {"filters": self._plan.bank.user_filters()}
        arrays.update({f"state.{name}": array for name, array in state.items()})
        return Checkpoint(self.checkpoint_kind, settings, arrays)

    @classmethod
    def _from_checkpoint(cls, checkpoint: Checkpoint) -> "OnlineConv":
        if "filters" not in checkpoint.arrays:
            raise ValueError("array 'filters' is missing")
        state = {
            name.removeprefix("state."): array
            for name, array in checkpoint.arrays.items()
            if name.startswith("state.")
        }
        if "partial_sums" not in state and "last_y" in state:
            # Written before the bounded schedule added this array (empty for
            # every other schedule).
            state["partial_sums"] = np.zeros((len(state["last_y"]), 0))
        return cls.from_state(
            checkpoint.arrays["filters"],
            state,
            stored_setting(checkpoint, "method", str),
            stored_setting(checkpoint, "epoch", (int, type(None))),
            crossover=stored_setting(checkpoint, "crossover", int),
            delay_line_block=stored_setting(
                checkpoint, "delay_line_block", (int, type(None))
            ),
        )

    # -- description ---------------------------------------------------------

    @property
    def method(self) -> Method:
        """The schedule: ``"naive"``, ``"epoched"``, ``"continuous"`` or ``"bounded"``."""
        return self._plan.method

    @property
    def epoch(self) -> int | None:
        """Epoch length of the ``"epoched"`` schedule (``None`` for the others)."""
        return self._plan.epoch

    @property
    def delay_line_block(self) -> int | None:
        """Block size ``P`` of the ``"continuous"`` or ``"bounded"`` schedule's delay line.

        ``None`` for the other methods, and when the direct window already covers
        every lag (short filters).
        """
        return self._plan.delay_line_block

    @property
    def filter_length(self) -> int:
        """Number of filter taps ``L``."""
        return self._plan.bank.length

    @property
    def layout(self) -> str:
        """``"scalar"``, ``"depthwise"`` or ``"mimo"``, from the filters' shape."""
        return self._plan.bank.layout

    @property
    def n_inputs(self) -> int:
        """Input channels ``d_in`` (1 for scalar filters)."""
        return self._plan.bank.n_inputs

    @property
    def n_outputs(self) -> int:
        """Output channels ``d_out`` (1 for scalar filters)."""
        return self._plan.bank.n_outputs

    @property
    def n_seen(self) -> int:
        """Number of samples pushed since creation or :meth:`reset`."""
        return self._state.n_seen

    def __repr__(self) -> str:
        return (
            f"OnlineConv(layout={self.layout!r}, filter_length={self.filter_length}, "
            f"n_inputs={self.n_inputs}, n_outputs={self.n_outputs}, "
            f"method={self.method!r}, n_seen={self.n_seen})"
        )

    def _summary_rows(self) -> list[tuple[str, Any]]:
        """The ``(name, value)`` rows of :meth:`_repr_html_`."""
        rows: list[tuple[str, Any]] = [
            ("layout", self.layout),
            ("filter length", self.filter_length),
            ("input channels", self.n_inputs),
            ("output channels", self.n_outputs),
            ("schedule", self.method),
        ]
        if self.epoch is not None:
            rows.append(("epoch", self.epoch))
        if self.delay_line_block is not None:
            rows.append(("delay line block", self.delay_line_block))
        rows.append(("samples seen", self.n_seen))
        return rows

    def _repr_html_(self) -> str:
        """An HTML table of the stream's layout, schedule and progress (for Jupyter).

        Returns
        -------
        str
            A two-column ``<table>`` titled ``OnlineConv``: layout, filter length,
            input and output channels, schedule (with its epoch or delay line
            block, if any) and samples seen.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.ones(8), method="naive")
        >>> _ = stream.push_block(np.zeros(5))
        >>> html = stream._repr_html_()
        >>> "<table" in html, "OnlineConv" in html
        (True, True)
        >>> print([line for line in html.splitlines() if "samples seen" in line][0])
        ... # doctest: +ELLIPSIS
        <tr><th ...>samples seen</th><td ...>5</td></tr>
        """
        return html_table(type(self).__name__, self._summary_rows())

    # -- input checks ----------------------------------------------------------

    def _sample_shape(self) -> tuple[int, ...]:
        return () if self.layout == "scalar" else (self.n_inputs,)

    def _as_block(self, block: Any, name: str) -> tuple[np.ndarray, bool]:
        """``block`` as ``(n, d_in)``, and whether it came without a channel axis."""
        array = as_real_array(block, name)
        if self.layout == "scalar":
            if array.ndim == 1:
                return array.reshape(-1, 1), True
            if array.ndim != 2 or array.shape[1] != 1:
                raise ValueError(
                    f"{name} must have shape (n,) or (n, 1), got shape {array.shape}"
                )
            return array, False
        check_shape(array, (None, self.n_inputs), name)
        return array, False

    # -- streaming -------------------------------------------------------------

    def push(self, sample: Any) -> float | np.ndarray:
        """Push one input sample and return its output.

        Parameters
        ----------
        sample : float or array_like
            A scalar for scalar filters, else a ``(d_in,)`` vector.

        Returns
        -------
        float or numpy.ndarray
            ``y[t]``: a float for scalar filters, else a ``(d_out,)`` array.

        Raises
        ------
        ValueError, TypeError
            For a sample of the wrong shape or dtype or with NaN/inf; the stream
            is then left unchanged.

        Examples
        --------
        An impulse brings out the taps, one per push:

        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.array([2.0, 1.0, 0.5]))
        >>> stream.push(1.0)
        2.0
        >>> stream.push(0.0), stream.push(0.0), stream.push(0.0)
        (1.0, 0.5, 0.0)

        Depthwise filters take and return one value per channel:

        >>> ffstream.OnlineConv(np.ones((3, 2))).push([1.0, 2.0])
        array([1., 2.])

        Notes
        -----
        A Python or numpy float pushed into a scalar stream takes a short path
        (checked for finiteness, then one compiled step), about 2 us a sample
        beyond the schedule's own work; other samples go through the full
        array validation.
        """
        if (
            type(sample) in _FLOAT_TYPES
            and self._scalar_samples
            and math.isfinite(sample)
        ):
            return self._push_float(sample)
        array = as_real_array(sample, "sample")
        check_shape(array, self._sample_shape(), "sample")
        out = self._push_rows(array.reshape(1, -1))
        return float(out[0, 0]) if self.layout == "scalar" else out[0]

    def _push_float(self, sample: float) -> float:
        """:meth:`push` of a finite float into a scalar stream, with nothing else to check."""
        row = np.empty((1, 1))
        row[0, 0] = sample
        out = np.empty((1, 1))
        with self._lock:
            plan = self._plan
            if not plan.all_blocks_ready:
                plan.ensure_blocks(self._state.since_origin)
            push_block_kernel(plan.kernel_plan, self._state.kernel_stream, row, out)
        y = float(out[0, 0])
        if not math.isfinite(y):
            warn_user(_OVERFLOW_WARNING)
        return y

    def push_block(self, block: Any) -> np.ndarray:
        """Push ``n >= 0`` consecutive samples and return their outputs.

        Parameters
        ----------
        block : array_like
            ``(n, d_in)`` samples (``(n,)`` also accepted for scalar filters).

        Returns
        -------
        numpy.ndarray
            ``(n, d_out)`` outputs (``(n,)`` for an ``(n,)`` block).

        Raises
        ------
        ValueError, TypeError
            For a block of the wrong shape or dtype or with NaN/inf; the stream
            is then left unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.array([1.0, 1.0]))
        >>> stream.push_block(np.arange(4.0))
        array([0., 1., 3., 5.])

        The next block continues the same stream; an ``(n, 1)`` block gives
        ``(n, 1)`` outputs:

        >>> stream.push_block(np.zeros((2, 1)))
        array([[3.],
               [0.]])

        The outputs are those of a full causal convolution:

        >>> h = 0.5 ** np.arange(8)
        >>> u = np.random.default_rng(0).standard_normal(20)
        >>> np.allclose(ffstream.OnlineConv(h).push_block(u), np.convolve(u, h)[:20])
        True
        """
        array, flat = self._as_block(block, "block")
        return drop_channel_axis(self._push_rows(array), flat)

    def _push_rows(self, array: np.ndarray) -> np.ndarray:
        """Push the checked ``(n, d_in)`` rows; warn the public caller on overflow."""
        out = np.empty((array.shape[0], self.n_outputs))
        with self._lock:
            # The blocks of this push are those due at ``since_origin`` .. ``+ n - 1``.
            self._plan.ensure_blocks(self._state.since_origin + array.shape[0] - 1)
            push_block_kernel(
                self._plan.kernel_plan, self._state.kernel_stream, array, out
            )
        if not np.isfinite(out).all():
            warn_user(_OVERFLOW_WARNING)
        return out

    def prefill(self, block: Any) -> None:
        """Ingest samples whose outputs are not needed, at the cost of one batched FFT.

        The stream then continues exactly as if ``block`` had been pushed with
        :meth:`push_block`, but only the last output is computed and the schedule
        restarts with the whole contribution of the past set up at once, as in
        prompted FutureFill generation: O(n + L log L) instead of O(n log^2 L).

        Parameters
        ----------
        block : array_like
            ``(n, d_in)`` samples (``(n,)`` also accepted for scalar filters).

        Examples
        --------
        A prefilled stream continues like one that pushed the same samples:

        >>> import numpy as np
        >>> import ffstream
        >>> h = 0.5 ** np.arange(8)
        >>> u = np.random.default_rng(0).standard_normal(20)
        >>> pushed = ffstream.OnlineConv(h).push_block(u)
        >>> stream = ffstream.OnlineConv(h)
        >>> stream.prefill(u[:15])
        >>> stream.n_seen
        15
        >>> np.allclose(stream.push_block(u[15:]), pushed[15:])
        True
        """
        array, _ = self._as_block(block, "block")
        self._plan.ensure_prefill()
        with self._lock:
            prefill(self._plan.kernel_plan, self._state.kernel_stream, array)

    def rollout(
        self,
        steps: int,
        feedback: Any = None,
        feedback_data: Any = None,
        *,
        n_series: int | None = None,
        check_bounds: bool = False,
        advance: bool = False,
    ) -> np.ndarray:
        """Generate ``steps`` tokens from the stream's current state.

        Token ``0`` is ``f(y)`` of the stream's latest output ``y`` (zeros before
        any sample), and each token is pushed to produce the output the next one
        is made from: ``u[t+1] = f(y[t])``. The stream is left unchanged, unless
        ``advance=True``.

        Parameters
        ----------
        steps : int
            Number of tokens to generate, ``>= 0``.
        feedback : numba function, optional
            ``feedback(y, u, step, series, data) -> None``: an ``@numba.njit``
            function writing the next input ``u`` (``(d_in,)``) from the output
            ``y`` (``(d_out,)``, read-only by convention); ``step`` is the token's
            index, ``series`` the series' index in a batch (0 otherwise) and
            ``data`` is ``feedback_data``. ``None`` is the identity ``u = y``
            (needs ``d_out == d_in``). It runs inside the compiled loop.
        feedback_data : array_like, optional
            Real data of 1 to 3 dimensions (or a float) handed to ``feedback`` as
            a float64 array, e.g. pre-drawn noise; ``None`` passes an empty array.
        n_series : int, optional
            Generate this many independent series from copies of the current
            state, in parallel (they differ only through ``series`` in the
            feedback). The result then has a leading series axis.
        check_bounds : bool, default False
            Check every array index in ``feedback``'s body: an index out of bounds
            raises ``IndexError`` naming the feedback (see :func:`ffstream.rollout`).
        advance : bool, default False
            Push every generated token into the stream, as if it had been
            pushed with :meth:`push_block`: the next call continues the rollout.
            Rollouts in chunks then give the same tokens, bit for bit, as one
            rollout of all of them (the real-time way: take a block of tokens,
            then the next). ``step`` counts from 0 in every call, so give each
            call its own chunk of ``feedback_data``. Not with ``n_series``. If
            the feedback raises, the stream keeps the tokens generated before
            the error (``n_seen`` tells how many).

        Returns
        -------
        numpy.ndarray
            ``(steps,)`` for scalar filters, else ``(steps, d_in)``; with
            ``n_series``, ``(n_series, steps)`` or ``(n_series, steps, d_in)``.

        Examples
        --------
        With the identity feedback, a one-tap filter ``0.5`` halves each token:

        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.array([0.5]))
        >>> stream.push(1.0)
        0.5
        >>> stream.rollout(4)
        array([0.5   , 0.25  , 0.125 , 0.0625])
        >>> stream.n_seen
        1
        >>> stream.rollout(3, n_series=2).shape
        (2, 3)

        With ``advance=True`` the tokens are pushed into the stream, and chunks
        continue one another exactly:

        >>> stream.rollout(2, advance=True), stream.rollout(2, advance=True)
        (array([0.5 , 0.25]), array([0.125 , 0.0625]))
        >>> stream.n_seen
        5
        """
        check_bounds = as_flag(check_bounds, "check_bounds")
        advance = as_flag(advance, "advance")
        if advance and n_series is not None:
            raise ValueError(
                "advance=True pushes the tokens into this one stream: it cannot be "
                f"combined with n_series={n_series!r} (copy() the stream for each "
                "series to advance several)"
            )
        batch = 1 if n_series is None else as_count(n_series, "n_series", 1)
        check_rollout_size(
            self._plan, steps, batch, None if n_series is None else "n_series"
        )
        if advance:
            out = self._advancing_rollout(steps, feedback, feedback_data, check_bounds)
        else:
            with self._lock:
                state = self._state.repeat(batch)
            prompts = np.zeros((batch, 0, self.n_inputs))
            out = generate(
                self._plan, state, prompts, steps, feedback, feedback_data, check_bounds
            )
        out = drop_channel_axis(out, self.layout == "scalar")
        return out[0] if n_series is None else out

    def _advancing_rollout(
        self, steps: int, feedback: Any, feedback_data: Any, check_bounds: bool
    ) -> np.ndarray:
        """Roll out ``(1, steps, d_in)`` tokens on the stream's own state, then push the last."""
        prompts = np.zeros((1, 0, self.n_inputs))
        with self._lock:
            # A batch of one that is a view of the state: the kernel advances it.
            state = StreamState(*(a[np.newaxis] for a in self._state.kernel_stream))
            out = generate(
                self._plan, state, prompts, steps, feedback, feedback_data, check_bounds
            )
            if steps > 0:
                # The rollout pushed every token but the last.
                self._plan.ensure_blocks(self._state.since_origin)
                push_block_kernel(
                    self._plan.kernel_plan,
                    self._state.kernel_stream,
                    out[0, -1:],
                    np.empty((1, self.n_outputs)),
                )
        return out

    def recent(self, n: int) -> np.ndarray:
        """The most recent inputs the stream keeps, oldest first.

        Parameters
        ----------
        n : int
            How many samples to return, ``>= 0``. At most ``n_seen`` samples
            exist, and the stream keeps the last ``R >= L`` of them (``R`` the
            smallest power of two ``>= L``).

        Returns
        -------
        numpy.ndarray
            ``(m,)`` for scalar filters, else ``(m, d_in)``, with
            ``m = min(n, n_seen, R)``: a copy.

        Examples
        --------
        A 3-tap stream keeps the last ``R = 4`` inputs:

        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.ones(3))
        >>> _ = stream.push_block(np.arange(6.0))
        >>> stream.recent(2)
        array([4., 5.])
        >>> stream.recent(10)
        array([2., 3., 4., 5.])
        """
        n = as_count(n, "n", 0)
        with self._lock:
            recent = self._state.recent_inputs(n)
        return drop_channel_axis(recent, self.layout == "scalar")

    # -- lifecycle -------------------------------------------------------------

    def state(self) -> dict[str, np.ndarray]:
        """Export the stream's state: plain arrays, copied.

        With the filters and the options the stream was made with, they are all
        it takes to continue the stream elsewhere (:meth:`from_state`), for
        example after saving them with ``numpy.savez``.

        Returns
        -------
        dict of str to numpy.ndarray
            ``ring`` (the last inputs), ``cache`` (pending contributions to
            future outputs), ``counters`` (samples seen and the schedule's
            origin), ``last_y`` (the latest output), ``block_spectra`` (the
            delay line's input spectra) and ``partial_sums`` (the bounded
            schedule's products accumulated for its next delay line step).

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> h = 0.5 ** np.arange(100)
        >>> stream = ffstream.OnlineConv(h)
        >>> _ = stream.push_block(np.ones(10))
        >>> resumed = ffstream.OnlineConv.from_state(h, stream.state())
        >>> bool(resumed.push(1.0) == stream.push(1.0)), resumed.n_seen
        (True, 11)
        """
        with self._lock:
            return self._state.as_arrays()

    def set_state(self, state: Any) -> None:
        """Replace the stream's state by an exported one (see :meth:`state`).

        Parameters
        ----------
        state : mapping of str to array_like
            Arrays as :meth:`state` returns them, from a stream with the same
            filters and options. They are copied.

        Raises
        ------
        ValueError, TypeError
            If ``state`` lacks an array or has an extra one, or an array has the
            wrong shape or dtype for these filters and options, or the counters
            are inconsistent; the stream is then left unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> h = 0.5 ** np.arange(10)
        >>> source = ffstream.OnlineConv(h)
        >>> _ = source.push_block(np.arange(5.0))
        >>> target = ffstream.OnlineConv(h)
        >>> target.set_state(source.state())
        >>> target.n_seen
        5
        >>> np.array_equal(target.push_block(np.ones(3)), source.push_block(np.ones(3)))
        True

        The state of other filters is rejected:

        >>> ffstream.OnlineConv(np.ones(64)).set_state(source.state())
        Traceback (most recent call last):
        ...
        ValueError: state['ring'] must have shape (1, 128) for these filters and method, got (1, 32)
        """
        imported = StreamState.from_arrays(self._plan, state)
        if imported.counters[ORIGIN] > 0:
            # Re-anchored by a prefill: the delay line may read every partition
            # from the first sample on (the bounded schedule spreads them over
            # the samples before its first step), as after this plan's own prefill.
            self._plan.ensure_prefill()
        with self._lock:
            self._state = imported

    @classmethod
    def from_state(
        cls,
        filters: Any,
        state: Any,
        method: Method = "continuous",
        epoch: int | None = None,
        *,
        crossover: int = DEFAULT_CROSSOVER,
        delay_line_block: int | None = None,
    ) -> "OnlineConv":
        """A stream of ``filters`` that continues from an exported ``state``.

        Parameters
        ----------
        filters, method, epoch, crossover, delay_line_block
            As for :class:`OnlineConv`: the ones the state was exported with.
        state : mapping of str to array_like
            See :meth:`set_state`.

        Returns
        -------
        OnlineConv
            The resumed stream.

        Examples
        --------
        A state saved with ``numpy.savez`` and loaded back resumes the stream exactly:

        >>> import io
        >>> import numpy as np
        >>> import ffstream
        >>> h = 0.5 ** np.arange(10)
        >>> stream = ffstream.OnlineConv(h)
        >>> _ = stream.push_block(np.arange(5.0))
        >>> file = io.BytesIO()
        >>> np.savez(file, **stream.state())
        >>> _ = file.seek(0)
        >>> resumed = ffstream.OnlineConv.from_state(h, np.load(file))
        >>> resumed.n_seen
        5
        >>> np.array_equal(resumed.push_block(np.ones(4)), stream.push_block(np.ones(4)))
        True
        """
        stream = cls(
            filters,
            method,
            epoch,
            crossover=crossover,
            delay_line_block=delay_line_block,
        )
        stream.set_state(state)
        return stream

    def copy(self) -> "OnlineConv":
        """An independent fork: pushing to one does not affect the other.

        Returns
        -------
        OnlineConv
            A stream with the same filters (shared, read-only) and a copy of the state.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.array([1.0, 1.0]))
        >>> stream.push(1.0)
        1.0
        >>> fork = stream.copy()
        >>> fork.push(10.0), fork.push(0.0)
        (11.0, 10.0)
        >>> stream.push(0.0), stream.n_seen, fork.n_seen
        (1.0, 2, 3)
        """
        # The filters and the plan are shared; the state is copied under the lock
        # (__getstate__) and the twin gets a lock of its own (HasLock).
        return copy.copy(self)

    def reset(self) -> None:
        """Forget every pushed sample, as if the stream had just been created.

        Examples
        --------
        >>> import numpy as np
        >>> import ffstream
        >>> stream = ffstream.OnlineConv(np.array([1.0, 1.0]))
        >>> _ = stream.push_block([1.0, 2.0])
        >>> stream.reset()
        >>> stream.n_seen, stream.push(3.0)
        (0, 3.0)
        """
        fresh = StreamState.empty(self._plan)
        with self._lock:
            self._state = fresh
