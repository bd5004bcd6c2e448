"""Autoregressive generation: the one driver behind every rollout, and ``rollout``.

:func:`generate` runs the pipeline that :meth:`ffstream.OnlineConv.rollout`,
:func:`ffstream.rollout` and the forecasters share: check the feedback against
the plan, bring its data to the kernels' form, make the filter spectra the
rollout will reach ready, then prefill each series with its prompt and roll it
out in one compiled, batched loop.
"""

import math
import weakref
from typing import Any, NoReturn

import numpy as np
from numba.core.dispatcher import Dispatcher

from ffstream.engine.filter_bank import make_filter_bank
from ffstream.engine.plan import DEFAULT_CROSSOVER, Method, Plan, make_plan
from ffstream.engine.state import StreamState
from ffstream.engine.threads import run_in_groups
from ffstream.engine.user_warnings import warn_user
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_real_array,
    check_memory,
    check_shape,
    drop_channel_axis,
)
from ffstream.kernels._numba import bounds_checked, bounds_checks_disabled
from ffstream.kernels.streaming import (
    FEEDBACK_DATA_NDIMS,
    feedback_signature,
    identity_feedback,
    rollout_batch,
)


def resolve_feedback(plan: Plan, feedback: Any) -> Dispatcher:
    """Return the numba function to call each step, checking it fits ``plan``.

    Parameters
    ----------
    plan : Plan
        The filters' plan.
    feedback : numba dispatcher or None
        ``None`` for the identity ``u[t+1] = y[t]``.

    Returns
    -------
    numba dispatcher
        The feedback to run inside the compiled loop.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> from ffstream.engine.plan import make_plan
    >>> plan = make_plan(make_filter_bank(np.ones((4, 2, 3))), "naive")
    >>> resolve_feedback(plan, None)
    Traceback (most recent call last):
    ...
    ValueError: feedback=None (identity) needs as many outputs as inputs, ...
    """
    if feedback is None:
        bank = plan.bank
        if bank.n_inputs != bank.n_outputs:
            raise ValueError(
                "feedback=None (identity) needs as many outputs as inputs, but the "
                f"filters map {bank.n_inputs} input channels to {bank.n_outputs} outputs; "
                "pass a feedback function that writes the next input from the output"
            )
        return identity_feedback
    if not isinstance(feedback, Dispatcher):
        raise TypeError(
            "feedback must be a numba @njit function feedback(y, u, step, series, data), "
            f"got {type(feedback).__name__}"
        )
    return feedback


def as_feedback_data(feedback_data: Any) -> np.ndarray:
    """Return ``feedback_data`` as the C-contiguous, writeable float64 array kernels take.

    Parameters
    ----------
    feedback_data : array_like or None
        ``None`` (an empty array is passed), a float, or real data of 1 to 3
        dimensions.

    Returns
    -------
    numpy.ndarray
        The array handed to the feedback function: always a copy, so that a
        feedback writing to its data never changes the caller's array.

    Examples
    --------
    >>> as_feedback_data(0.5)
    array([0.5])
    >>> as_feedback_data(None).shape
    (0,)
    """
    if feedback_data is None:
        return np.zeros(0)
    data = np.atleast_1d(as_real_array(feedback_data, "feedback_data"))
    if data.ndim not in FEEDBACK_DATA_NDIMS:
        raise ValueError(
            f"feedback_data must have 1 to {max(FEEDBACK_DATA_NDIMS)} dimensions, "
            f"got shape {data.shape}"
        )
    # A copy (unless as_real_array made one already): the feedback may write to
    # ``data`` without changing the caller's array.
    return data.copy() if np.may_share_memory(data, feedback_data) else data


#: The data dimensions each feedback function has been compiled for: asking
#: numba again costs about 17 us, a fifth of a short rollout's call.
_COMPILED_FEEDBACKS: "weakref.WeakKeyDictionary[Dispatcher, set[int]]" = (
    weakref.WeakKeyDictionary()
)


def _compile_feedback(feedback: Dispatcher, data_ndim: int) -> None:
    """Compile ``feedback`` for the kernels' signature, or say why it does not fit."""
    compiled = _COMPILED_FEEDBACKS.setdefault(feedback, set())
    if data_ndim in compiled:
        return
    try:
        feedback.compile(feedback_signature(data_ndim))
        compiled.add(data_ndim)
    except Exception as error:
        raise TypeError(
            "feedback must compile as feedback(y, u, step, series, data) -> None with "
            f"y, u float64 vectors, integer step and series and {data_ndim}-D "
            f"float64 data; numba said: {error}"
        ) from error


def generate(
    plan: Plan,
    state: StreamState,
    prompts: np.ndarray,
    steps: Any,
    feedback: Any,
    feedback_data: Any,
    check_bounds: bool = False,
) -> np.ndarray:
    """Prefill each series of a batched ``state`` with its prompt, then generate ``steps`` tokens.

    Every argument is checked before ``state`` changes.

    Parameters
    ----------
    plan : Plan
        The filters' plan.
    state : StreamState
        A batched state ``(B, ...)``, advanced in place.
    prompts : numpy.ndarray
        ``(B, P, d_in)`` validated prompts (``P`` may be 0).
    steps : int
        Tokens to generate per series, ``>= 0``.
    feedback : numba dispatcher or None
        The feedback function (see :func:`resolve_feedback`).
    feedback_data : array_like or None
        Handed to ``feedback`` (see :func:`as_feedback_data`).
    check_bounds : bool, default False
        Run a copy of ``feedback`` compiled with numba's bounds checking
        (:func:`~ffstream.kernels._numba.bounds_checked`): an index out of bounds
        raises ``IndexError`` naming the feedback instead of reading or writing
        past an array.

    Returns
    -------
    numpy.ndarray
        ``(B, steps, d_in)`` generated tokens.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> from ffstream.engine.plan import make_plan
    >>> plan = make_plan(make_filter_bank(0.5 ** np.arange(8)), "naive")
    >>> state = StreamState.empty(plan, (1,))
    >>> generate(plan, state, np.ones((1, 1, 1)), 3, None, None)[0, :, 0]
    array([1.  , 1.5 , 2.25])
    """
    steps = as_count(steps, "steps", 0)
    check_bounds = as_flag(check_bounds, "check_bounds")
    feedback = resolve_feedback(plan, feedback)
    if check_bounds:
        if bounds_checks_disabled():
            warn_user(
                "check_bounds=True has no effect: NUMBA_BOUNDSCHECK=0 in the "
                "environment turns numba's bounds checks off",
            )
        feedback = bounds_checked(feedback)
    data = as_feedback_data(feedback_data)
    _compile_feedback(feedback, data.ndim)
    kernel = rollout_batch(data.ndim)
    if prompts.shape[1] > 0:
        plan.ensure_prefill()
    # ``steps - 1`` tokens are pushed: blocks due at ``since_origin .. + steps - 2``.
    plan.ensure_blocks(state.since_origin + steps - 2)
    out = np.zeros((prompts.shape[0], steps, plan.bank.n_inputs))
    kernel_plan, arrays = plan.kernel_plan, state.kernel_stream

    def roll_out(start: int, stop: int) -> None:
        kernel(
            kernel_plan,
            *(array[start:stop] for array in arrays),
            prompts[start:stop],
            feedback,
            data,
            out[start:stop],
            start,
        )

    try:
        run_in_groups(roll_out, prompts.shape[0])
    except IndexError as error:
        _raise_feedback_error(error, feedback, plan, data, check_bounds)
    if not np.isfinite(out).all():
        warn_user(
            "the rollout produced NaN or infinite values: the filters and feedback "
            "are not stable over this horizon",
        )
    return out


def _raise_feedback_error(
    error: BaseException,
    feedback: Dispatcher,
    plan: Plan,
    data: np.ndarray,
    check_bounds: bool,
) -> NoReturn:
    """Re-raise the feedback's ``error``, saying which array sizes a bounds error broke."""
    if not (check_bounds and isinstance(error, IndexError)):
        raise error from None
    bank = plan.bank
    raise IndexError(
        f"feedback {feedback.py_func.__qualname__} indexed an array out of bounds "
        f"(y has shape ({bank.n_outputs},), u ({bank.n_inputs},), data {data.shape}); "
        f"numba said: {error}"
    ) from None


def check_rollout_size(
    plan: Plan, steps: Any, batch: int, batch_argument: str | None = None
) -> None:
    """Raise before a rollout of ``steps`` tokens for ``batch`` series that cannot fit.

    A rollout holds, per series, a copy of the stream's state and its
    ``steps x d_in`` tokens; ``ValueError`` names the request when they would
    need more than the machine's memory (``TypeError``/``ValueError`` for a
    ``steps`` that is not a count). ``batch_argument`` is the name of the
    argument ``batch`` came from, if the user gave it as a number (``n_series``).

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> from ffstream.engine.generation import check_rollout_size
    >>> from ffstream.engine.plan import make_plan
    >>> plan = make_plan(make_filter_bank(np.ones(8)), "naive")
    >>> check_rollout_size(plan, 1000, 4)
    >>> check_rollout_size(plan, 10**15, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a rollout of steps=1000000000000000 for 1 series would need 7.1 PiB of memory, ...
    >>> check_rollout_size(plan, 10, 10**15, "n_series")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a rollout of steps=10 for n_series=1000000000000000 series would need ...
    """
    steps = as_count(steps, "steps", 0)
    per_series = sum(math.prod(shape) for shape in StreamState.shapes(plan).values())
    check_memory(
        batch * (per_series + steps * plan.bank.n_inputs),
        f"a rollout of steps={steps} for "
        + (f"{batch_argument}={batch}" if batch_argument else f"{batch}")
        + " series",
    )


def _as_prompts(prompt: Any, plan: Plan) -> tuple[np.ndarray, bool]:
    """``prompt`` as ``(B, P, d_in)``, and whether the user gave a batch."""
    bank = plan.bank
    if prompt is None:
        return np.zeros((1, 0, bank.n_inputs)), False
    prompts = as_real_array(prompt, "prompt")
    sample_ndim = bank.sample_ndim
    if prompts.ndim not in (sample_ndim + 1, sample_ndim + 2):
        expected = "(P,) or (B, P)" if sample_ndim == 0 else "(P, d_in) or (B, P, d_in)"
        raise ValueError(
            f"prompt must have shape {expected}, got shape {prompts.shape}"
        )
    batched = prompts.ndim == sample_ndim + 2
    if batched and prompts.shape[0] == 0:
        raise ValueError(
            f"prompt must hold at least one series, got a batch of shape {prompts.shape}"
        )
    if not batched:
        prompts = prompts[np.newaxis]
    if sample_ndim == 0:
        prompts = prompts[..., np.newaxis]
    check_shape(prompts, (None, None, bank.n_inputs), "prompt")
    return prompts, batched


def rollout(
    filters: Any,
    steps: int,
    prompt: Any = None,
    feedback: Any = None,
    method: Method = "continuous",
    epoch: int | None = None,
    *,
    feedback_data: Any = None,
    crossover: int = DEFAULT_CROSSOVER,
    delay_line_block: int | None = None,
    check_bounds: bool = False,
) -> np.ndarray:
    """Generate ``steps`` tokens autoregressively: ``u[t+1] = f(y[t])``, ``y = H * u``.

    With a prompt of ``P`` tokens, the first generated token is ``f(y[P-1])``.
    Without one, generation starts from an empty history: the first token is
    ``f(0)``, the feedback applied to an all-zero output (so the identity
    feedback generates zeros; give a prompt or a feedback with a drive term).

    Parameters
    ----------
    filters : array_like
        ``(L,)``, ``(L, d)`` (depthwise) or ``(L, d_out, d_in)`` (MIMO) filters.
    steps : int
        Number of tokens to generate, ``>= 0``.
    prompt : array_like, optional
        One series' prompt, ``(P,)`` for scalar filters or ``(P, d_in)``; or a batch
        of ``B`` independent series sharing the filters, ``(B, P)`` for scalar
        filters or ``(B, P, d_in)``, generated in parallel over the machine's cores.
    feedback : numba function, optional
        ``feedback(y, u, step, series, data) -> None``: an ``@numba.njit`` function
        writing the next input ``u`` (``(d_in,)``) from the current output ``y``
        (``(d_out,)``); ``step`` is the index of the token being generated,
        ``series`` the series' index in a batch (0 for one series) and ``data`` is
        ``feedback_data``. ``None`` is the identity (needs ``d_out == d_in``).
    method : {"naive", "epoched", "continuous", "bounded"}, default "continuous"
        The online convolution schedule, see :class:`ffstream.OnlineConv`.
    epoch : int, optional
        Epoch length of the ``"epoched"`` method.
    feedback_data : array_like, optional
        Real data of 1 to 3 dimensions (or a float) handed to ``feedback`` as a
        float64 array: pre-drawn noise, parameters...; ``None`` passes an empty
        array.
    crossover : int, default 256
        Continuous blocks shorter than this are convolved directly.
    delay_line_block : int, optional
        Block size of the continuous schedule's delay line, see
        :class:`ffstream.OnlineConv` (default: from a cost model).
    check_bounds : bool, default False
        Check every array index in ``feedback``'s body (it is compiled again with
        numba's ``boundscheck=True``, once per feedback): an index out of bounds
        raises ``IndexError`` naming the feedback. Unchecked (the default, and
        faster), such an index reads or writes past the array: garbage tokens, a
        corrupted rollout or a crash of the interpreter.

    Returns
    -------
    numpy.ndarray
        The generated tokens: ``(steps, d_in)`` (``(steps,)`` for scalar filters),
        with a leading ``B`` axis for a batch of prompts.

    Notes
    -----
    With ``method="continuous"`` the contribution of a prompt of ``n`` samples
    to the outputs ahead is set up at once, by one batched FFT of its last
    blocks of the delay line (fewer than ``L`` plus one block of samples), then
    Continuous-FutureFill runs over the generated tokens only, for O(n + L log L
    + K log^2 K) time overall.

    Examples
    --------
    >>> import numba, numpy as np, ffstream
    >>> @numba.njit
    ... def squash(y, u, step, series, data):
    ...     u[0] = np.tanh(y[0]) + data[0]
    >>> h = 0.9 ** np.arange(64)
    >>> ffstream.rollout(h, 3, prompt=np.ones(8), feedback=squash, feedback_data=0.1).shape
    (3,)
    """
    bank = make_filter_bank(filters)
    plan = make_plan(bank, method, epoch, crossover, delay_line_block)
    prompts, batched = _as_prompts(prompt, plan)
    check_rollout_size(plan, steps, prompts.shape[0])
    state = StreamState.empty(plan, (prompts.shape[0],))
    out = generate(plan, state, prompts, steps, feedback, feedback_data, check_bounds)
    out = drop_channel_axis(out, bank.sample_ndim == 0)
    return out if batched else out[0]
