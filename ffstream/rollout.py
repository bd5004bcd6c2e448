"""``rollout``: fast autoregressive generation from a convolutional model."""

from typing import Any

import numpy as np

from ffstream._feedback import as_feedback_data, generate, resolve_feedback
from ffstream._filters import make_filter_bank
from ffstream._plan import DEFAULT_CROSSOVER, Method, make_plan
from ffstream._stream import StreamState
from ffstream._validation import as_count, as_real_array, check_shape


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
    method : {"naive", "epoched", "continuous"}, default "continuous"
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
    steps = as_count(steps, "steps", 0)
    bank = make_filter_bank(filters)
    plan = make_plan(bank, method, epoch, crossover, delay_line_block)
    fb = resolve_feedback(plan, feedback)
    data = as_feedback_data(feedback_data)
    sample_ndim = bank.sample_ndim
    if prompt is None:
        prompts = np.zeros((1, 0, bank.n_inputs))
        batched = False
    else:
        prompts = as_real_array(prompt, "prompt")
        batched = prompts.ndim == sample_ndim + 2
        if prompts.ndim not in (sample_ndim + 1, sample_ndim + 2):
            expected = (
                "(P,) or (B, P)" if sample_ndim == 0 else "(P, d_in) or (B, P, d_in)"
            )
            raise ValueError(
                f"prompt must have shape {expected}, got shape {prompts.shape}"
            )
        if not batched:
            prompts = prompts[np.newaxis]
        if sample_ndim == 0:
            prompts = prompts[..., np.newaxis]
        check_shape(prompts, (None, None, bank.n_inputs), "prompt")
    state = StreamState.empty(plan, (prompts.shape[0],))
    out = generate(plan, state, prompts, steps, fb, data)
    if sample_ndim == 0:
        out = out[..., 0]
    return out if batched else out[0]
