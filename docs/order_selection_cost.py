"""Cost of ``FIRForecaster(order="auto")`` against one fit of ``max_order`` and statsmodels.

Run: ``python docs/order_selection_cost.py`` (best of 3 with ``time.perf_counter``,
all in one process, after a warm-up fit that compiles the engines).
"""

import time
import warnings

import numpy as np
from scipy import signal
from statsmodels.tsa.api import VAR
from statsmodels.tsa.ar_model import ar_select_order

import ffstream

N_SAMPLES, MAX_ORDER = 10**5, 64


def best_of_3(function, *args, **kwargs):
    """The shortest of three timings of ``function(*args, **kwargs)``, in seconds."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    """Print the timings and ratios for 1 and 3 channels."""
    rng = np.random.default_rng(0)
    ar = signal.lfilter([1.0], [1.0, -0.6, 0.3, -0.1], rng.standard_normal(N_SAMPLES))
    var = np.stack(
        [np.roll(ar, k) + rng.standard_normal(N_SAMPLES) for k in range(3)], 1
    )
    ffstream.FIRForecaster(order=4).fit(ar[:1000])  # warm-up: compile the engines
    ffstream.FIRForecaster(order=4).fit(var[:1000])
    for name, y in [("1 channel", ar), ("3 channels", var)]:
        auto = ffstream.FIRForecaster(order="auto", max_order=MAX_ORDER)
        fixed = ffstream.FIRForecaster(order=MAX_ORDER)
        t_auto = best_of_3(auto.fit, y)
        t_fixed = best_of_3(fixed.fit, y)
        if y.shape[1:] == ():
            t_peer = best_of_3(ar_select_order, y, MAX_ORDER, ic="aic")
            peer = "ar_select_order"
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_peer = best_of_3(VAR(y).select_order, MAX_ORDER)
            peer = "VAR.select_order"
        print(
            f"{name}: auto {t_auto:.3f} s (order_={auto.order_}), order={MAX_ORDER} "
            f"{t_fixed:.3f} s, ratio {t_auto / t_fixed:.2f}; {peer} {t_peer:.2f} s, "
            f"{t_peer / t_auto:.0f}x slower than auto"
        )


if __name__ == "__main__":
    main()
