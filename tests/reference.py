"""The test suite's oracles: the sums ffstream computes, written the slow, obvious way.

Every function here is plain numpy (or scipy) with explicit loops where the
definition has them, so that it can be read against ``DESIGN.md`` line by line.
``tests/test_reference.py`` checks each one once against scipy, statsmodels or a
hand-computed case; the other test files then trust them.
"""

import numpy as np
from scipy import signal

# -- causal convolution -------------------------------------------------------------


def as_matrices(filters):
    """The filter bank as ``(L, d_out, d_in)`` matrices (depthwise: diagonal)."""
    h = np.asarray(filters, dtype=float)
    if h.ndim == 1:
        return h.reshape(-1, 1, 1)
    if h.ndim == 2:
        matrices = np.zeros((h.shape[0], h.shape[1], h.shape[1]))
        for s in range(h.shape[0]):
            matrices[s] = np.diag(h[s])
        return matrices
    return h


def naive_causal_conv(filters, inputs):
    """``y[t] = sum_{s=0}^{min(t, L-1)} H[s] u[t-s]`` by an explicit loop over ``t``.

    ``filters`` is ``(L,)`` (scalar), ``(L, d)`` (depthwise: channel ``c`` of ``y``
    only reads channel ``c`` of ``u``) or ``(L, d_out, d_in)`` (MIMO: ``H[s]`` is a
    matrix multiplying ``u[t-s]``).
    """
    h = np.asarray(filters, dtype=float)
    u = np.asarray(inputs, dtype=float)
    n_taps = h.shape[0]
    n = u.shape[0]
    out = np.zeros((n,) + h.shape[1:2])
    for t in range(n):
        n_lags = min(t, n_taps - 1) + 1
        for s in range(n_lags):
            if h.ndim == 3:
                out[t] += h[s] @ u[t - s]
            else:
                out[t] += h[s] * u[t - s]
    return out


def naive_causal_conv_fast(filters, inputs):
    """Same sums as :func:`naive_causal_conv`, all at once over sliding windows.

    Output ``t`` contracts ``H[L-1], ..., H[0]`` with the window ``u[t-L+1 .. t]`` of
    the input padded with ``L`` leading zeros.
    """
    h = np.asarray(filters, dtype=float)
    matrices = as_matrices(h)
    n_taps, _, d_in = matrices.shape
    u = np.asarray(inputs, dtype=float).reshape(-1, d_in)
    padded = np.concatenate([np.zeros((n_taps, d_in)), u])
    # windows[t + 1, i, k] = padded[t + 1 + k, i] = u[t - (L - 1) + k, i]
    windows = np.lib.stride_tricks.sliding_window_view(padded, n_taps, axis=0)
    out = np.einsum("koi,tik->to", matrices[::-1], windows[1:])
    return out.reshape((len(u),) + h.shape[1:2])


def scipy_causal_conv(filters, inputs):
    """The first ``n`` outputs of the causal convolution, computed with scipy.signal."""
    h = np.asarray(filters, dtype=float)
    u = np.asarray(inputs, dtype=float)
    n = u.shape[0]
    if h.ndim == 1:
        return signal.lfilter(h, [1.0], u)
    if h.ndim == 2:
        columns = [signal.lfilter(h[:, c], [1.0], u[:, c]) for c in range(h.shape[1])]
        return np.stack(columns, axis=1).reshape(n, h.shape[1])
    out = np.zeros((n, h.shape[1]))
    for o in range(h.shape[1]):
        for j in range(h.shape[2]):
            out[:, o] += signal.convolve(h[:, o, j], u[:, j], method="direct")[:n]
    return out


# -- autoregressive rollout -----------------------------------------------------------


def naive_last_output(matrices, history):
    """``y[t] = sum_{s=0}^{min(t, L-1)} H[s] u[t-s]`` for the last ``t`` of ``history``."""
    t = len(history) - 1
    y = np.zeros(matrices.shape[1])
    for s in range(min(t, matrices.shape[0] - 1) + 1):
        y += matrices[s] @ history[t - s]
    return y


def naive_rollout(filters, prompt, steps, feedback, data=None, series=0):
    """Token 0 is ``f(y[P-1])`` (``f(0)`` without a prompt), then ``u[t+1] = f(y[t])``.

    ``feedback(y, step, series, data)`` returns the next input as a ``(d_in,)`` array.
    """
    matrices = as_matrices(filters)
    d_out, d_in = matrices.shape[1:]
    history = [np.atleast_1d(np.asarray(p, dtype=float)) for p in prompt]
    y = naive_last_output(matrices, history) if history else np.zeros(d_out)
    tokens = np.zeros((steps, d_in))
    for step in range(steps):
        tokens[step] = feedback(y, step, series, data)
        history.append(tokens[step].copy())
        y = naive_last_output(matrices, history)
    return tokens[:, 0] if np.ndim(filters) == 1 else tokens


# -- autoregressions --------------------------------------------------------------------


def simulate_var(rng, coef, n_samples, intercept=None, scale=1.0, burn_in=200):
    """``y[t] = c + sum_i coef[i] @ y[t-1-i] + scale * e[t]``, ``e`` standard normal.

    ``coef`` is ``(p, d, d)``. The recursion starts from ``p`` zeros; the first
    ``burn_in`` samples are dropped.
    """
    order, d, _ = coef.shape
    intercept = np.zeros(d) if intercept is None else intercept
    y = np.zeros((n_samples + burn_in, d))
    y[order:] = scale * rng.standard_normal((len(y) - order, d))
    for t in range(order, len(y)):
        y[t] += intercept + sum(coef[i] @ y[t - 1 - i] for i in range(order))
    return y[burn_in:]


def var_forecast(coef, intercept, history, horizon):
    """Iterate ``y[t+1] = c + sum_i coef[i] @ y[t-i]`` from the end of ``history``.

    ``coef`` is ``(p, d, d)``, or ``(p,)`` for a scalar series (then the forecast is
    ``(horizon,)``).
    """
    coef = np.asarray(coef, dtype=float)
    scalar = coef.ndim == 1
    matrices = coef.reshape(len(coef), 1, 1) if scalar else coef
    values = [np.atleast_1d(np.asarray(v, dtype=float)) for v in history]
    out = []
    for _ in range(horizon):
        nxt = intercept + sum(
            matrices[i] @ values[-1 - i] for i in range(len(matrices))
        )
        out.append(nxt)
        values.append(nxt)
    out = np.array(out).reshape(horizon, matrices.shape[1])
    return out[:, 0] if scalar else out


def differenced(y, difference, seasonal_difference):
    """``np.diff(y, difference)``, then ``w[t] - w[t - s]`` for ``s = seasonal_difference``."""
    w = np.diff(y, difference, axis=0)
    return (
        w[seasonal_difference:] - w[:-seasonal_difference] if seasonal_difference else w
    )


def undifferenced(z_future, y_history, difference, seasonal_difference):
    """The samples of ``y`` after ``y_history`` whose differences are ``z_future``.

    Undoes :func:`differenced` one step at a time: the seasonal difference by
    ``w[t] = z[t] + w[t - s]``, then each ordinary difference by a cumulative sum
    from the last value of the level below.
    """
    levels = [np.asarray(y_history, dtype=float)]
    for _ in range(difference):
        levels.append(np.diff(levels[-1], axis=0))
    future = np.asarray(z_future, dtype=float)
    if seasonal_difference:
        extended = list(levels[-1])
        for value in future:
            extended.append(value + extended[-seasonal_difference])
        future = np.array(extended[len(levels[-1]) :])
    for level in reversed(levels[:-1]):
        future = level[-1] + np.cumsum(future, axis=0)
    return future


def lagged_design(y, order, fit_intercept):
    """The explicit lagged design (rows ``[1, y[t], ..., y[t-order+1]]``) and targets."""
    n_samples = len(y)
    columns = [y[order - 1 - i : n_samples - 1 - i] for i in range(order)]
    if fit_intercept:
        columns.insert(0, np.ones((n_samples - order, 1)))
    return np.hstack(columns), y[order:]


def dense_least_squares(y, order, ridge, fit_intercept):
    """``(coef, intercept, residual_cov)`` of a VAR(``order``) from the explicit design.

    The ridge penalty ``ridge * ||coef||^2`` leaves the intercept unpenalised.
    """
    d = y.shape[1]
    design, targets = lagged_design(y, order, fit_intercept)
    if ridge == 0.0:
        solution = np.linalg.lstsq(design, targets, rcond=None)[0]
    else:
        penalty = ridge * np.eye(design.shape[1])
        if fit_intercept:
            penalty[0, 0] = 0.0
        gram = design.T @ design + penalty
        solution = np.linalg.solve(gram, design.T @ targets)
    residuals = targets - design @ solution
    intercept = solution[0] if fit_intercept else np.zeros(d)
    lags = solution[1:] if fit_intercept else solution
    coef = lags.reshape(order, d, d).transpose(0, 2, 1)
    return coef, intercept, residuals.T @ residuals / len(residuals)


def dense_yule_walker(y, order, ridge, demean):
    """Yule-Walker from explicitly summed lag products and a dense block-Toeplitz solve."""
    x = y - y.mean(axis=0) if demean else y
    n_samples, d = x.shape
    acov = [x[h:].T @ x[: n_samples - h] for h in range(order + 1)]
    blocks = [
        [acov[j - i] if j >= i else acov[i - j].T for j in range(order)]
        for i in range(order)
    ]
    lhs = np.block(blocks) + ridge * np.eye(order * d)
    rhs = np.vstack([acov[j + 1].T for j in range(order)])
    return np.linalg.solve(lhs, rhs).reshape(order, d, d).transpose(0, 2, 1)


# -- spectral models ----------------------------------------------------------------------


def spectral_features_by_loops(y, filters):
    """``F[t, j, c]`` and the sign-alternated sums by explicit loops.

    ``y`` is ``(T, d)``, ``filters`` ``(m, k)``; the result is ``(T, 2k, d)``: the
    first ``k`` features are ``sum_s filters[s, j] y[t-s]``, the next ``k`` the same
    sums with ``(-1)**s``.
    """
    n_times, d = y.shape
    m, k = filters.shape
    out = np.zeros((n_times, 2 * k, d))
    for t in range(n_times):
        for s in range(min(t, m - 1) + 1):
            for j in range(k):
                out[t, j] += filters[s, j] * y[t - s]
                out[t, k + j] += (-1) ** s * filters[s, j] * y[t - s]
    return out


def recursive_least_squares(weights, inverse, rows, targets, forgetting):
    """The textbook recursive least squares, one row at a time, in plain numpy.

    Returns the updated ``(weights, inverse)``; the inputs are not modified.
    """
    weights, inverse = weights.copy(), inverse.copy()
    for x, target in zip(rows, targets, strict=True):
        px = inverse @ x
        gain = px / (forgetting + x @ px)
        weights += np.outer(gain, target - x @ weights)
        inverse = (inverse - np.outer(gain, px)) / forgetting
    return weights, inverse
