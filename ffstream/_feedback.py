"""Running autoregressive generation: validation of feedback functions and the batched driver."""

import warnings
from typing import Any

import numpy as np
from numba.core.dispatcher import Dispatcher

from ffstream._plan import Plan
from ffstream._stream import StreamState
from ffstream._validation import as_real_array
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
        The array handed to the feedback function (a copy when a conversion was
        needed).
    """
    if feedback_data is None:
        return np.zeros(0)
    data = np.atleast_1d(as_real_array(feedback_data, "feedback_data"))
    if data.ndim not in FEEDBACK_DATA_NDIMS:
        raise ValueError(
            f"feedback_data must have 1 to {max(FEEDBACK_DATA_NDIMS)} dimensions, "
            f"got shape {data.shape}"
        )
    return np.require(data, np.float64, ["C", "W"])


def generate(
    plan: Plan,
    state: StreamState,
    prompts: np.ndarray,
    steps: int,
    feedback: Dispatcher,
    feedback_data: np.ndarray,
) -> np.ndarray:
    """Prefill each series of a batched ``state`` with its prompt, then generate ``steps`` tokens.

    Parameters
    ----------
    plan : Plan
        The filters' plan.
    state : StreamState
        A batched state ``(B, ...)``, advanced in place.
    prompts : numpy.ndarray
        ``(B, P, d_in)`` prompts (``P`` may be 0).
    steps : int
        Tokens to generate per series.
    feedback : numba dispatcher
        Feedback function.
    feedback_data : numpy.ndarray
        Passed to ``feedback`` unchanged (see :func:`as_feedback_data`).

    Returns
    -------
    numpy.ndarray
        ``(B, steps, d_in)`` generated tokens.
    """
    try:
        feedback.compile(feedback_signature(feedback_data.ndim))
    except Exception as error:
        raise TypeError(
            "feedback must compile as feedback(y, u, step, series, data) -> None with "
            f"y, u float64 vectors, integer step and series and {feedback_data.ndim}-D "
            f"float64 data; numba said: {error}"
        ) from error
    batch = prompts.shape[0]
    kernel = rollout_batch(feedback_data.ndim, batch > 1)
    if prompts.shape[1] > 0:
        plan.ensure_prefill()
    # ``steps - 1`` tokens are pushed: blocks due at ``since_origin .. + steps - 2``.
    plan.ensure_blocks(state.since_origin + steps - 2)
    out = np.zeros((batch, steps, plan.bank.n_inputs))
    arguments = (plan.kernel_plan, *state.kernel_stream, prompts, feedback)
    try:
        kernel(*arguments, feedback_data, out)
    except SystemError as error:
        # An exception raised by the feedback inside numba's parallel region
        # surfaces as a SystemError caused by it: report the feedback's own error.
        if error.__cause__ is None:
            raise
        raise error.__cause__ from None
    if not np.isfinite(out).all():
        warnings.warn(
            "the rollout produced NaN or infinite values: the filters and feedback "
            "are not stable over this horizon",
            RuntimeWarning,
            stacklevel=3,
        )
    return out
