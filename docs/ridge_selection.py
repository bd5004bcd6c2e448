"""``FIRForecaster(ridge="auto")``: its cost against one unpenalised fit, and what it buys.

Run: ``python docs/ridge_selection.py`` (scikit-learn is needed for the peer:
``pip install scikit-learn``; it is not a dependency of ffstream).

* Cost: best of 3 with ``time.perf_counter``, all in one process, after a warm-up
  fit that compiles the engines; the peer is scikit-learn's ``RidgeCV`` (efficient
  leave-one-out over 61 penalties) on the explicit lagged design, timed once, and
  only where that design has at most ``3 * 10**7`` entries (on ``10**5 x 1024`` it
  ran for more than 15 minutes).
* Accuracy: an AR(2) series, a model of 200 lags fitted on 600 samples (so 400
  equations for 201 regressors), scored by the one-step mean squared error over the
  next 2000 samples (the fitted model kept, its history extended), for four seeds;
  against the true AR(2), ordinary least squares and three fixed penalties.
"""

import time

import numpy as np
from scipy import signal

import ffstream

COST_CASES = [(10**5, 1, 256), (10**5, 1, 1024), (2 * 10**4, 3, 256)]


def best_of_3(function, *args):
    """The shortest of three timings of ``function(*args)``, in seconds."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def lagged_design(y, order):
    """Rows ``[y[t], ..., y[t-order+1]]`` (all channels) and the targets ``y[t+1]``."""
    n = len(y)
    design = np.hstack([y[order - 1 - i : n - 1 - i] for i in range(order)])
    return design, y[order:]


def cost():
    """Print the time of ridge="auto", of ridge=0 and of RidgeCV on the same fit."""
    from sklearn.linear_model import RidgeCV

    rng = np.random.default_rng(0)
    ffstream.FIRForecaster(order=4).fit(rng.standard_normal(1000))  # warm-up
    for n_samples, d, order in COST_CASES:
        noise = rng.standard_normal((n_samples, d))
        y = signal.lfilter([1.0], [1.0, -0.6, 0.3, -0.1], noise, axis=0)
        t_auto = best_of_3(ffstream.FIRForecaster(order, ridge="auto").fit, y)
        t_ols = best_of_3(ffstream.FIRForecaster(order).fit, y)
        line = (
            f"T={n_samples} d={d} order={order}: ridge='auto' {t_auto:.3f} s, "
            f"ridge=0 {t_ols:.3f} s (ratio {t_auto / t_ols:.2f})"
        )
        if n_samples * d * order <= 3 * 10**7:
            design, targets = lagged_design(y, order)
            peer = RidgeCV(alphas=10.0 ** np.arange(-3.0, 9.01, 0.2))
            start = time.perf_counter()
            peer.fit(design, targets)
            t_peer = time.perf_counter() - start
            line += f"; RidgeCV {t_peer:.2f} s ({t_peer / t_auto:.0f}x ridge='auto')"
        print(line, flush=True)


def accuracy():
    """Print the one-step MSE of each penalty and the penalty GCV chose, per seed."""
    names = [
        "true AR(2)",
        "ridge=0",
        "ridge='auto'",
        "ridge=1",
        "ridge=10",
        "ridge=100",
    ]
    print("one-step MSE over 2000 samples after a fit on 600 (noise variance 1)")
    print("seed  " + "  ".join(f"{name:>12}" for name in names) + "  ridge_")
    for seed in range(4):
        rng = np.random.default_rng(seed)
        y = signal.lfilter([1.0], [1.0, -1.2, 0.5], rng.standard_normal(3100))[500:]
        fit = y[:600]
        errors = [np.mean((y[600:] - 1.2 * y[599:-1] + 0.5 * y[598:-2]) ** 2)]
        design, targets = lagged_design(y[:, None], 200)
        chosen = None
        for ridge in [0.0, "auto", 1.0, 10.0, 100.0]:
            model = ffstream.FIRForecaster(order=200, ridge=ridge).fit(fit)
            chosen = model.ridge_ if ridge == "auto" else chosen
            predicted = design[400:] @ model.coef_ + model.intercept_
            errors.append(np.mean((targets[400:, 0] - predicted) ** 2))
        print(
            f"{seed:4}  " + "  ".join(f"{e:12.3f}" for e in errors) + f"  {chosen:.3g}"
        )


if __name__ == "__main__":
    cost()
    accuracy()
