"""Ratios measured inside one process: a history that stays readable across machines.

Absolute times on a shared machine drift by 2x from run to run, and not by the same
factor for FFT-bound and memory-bound code. Each ``track_`` benchmark here times
both sides of a ratio back to back in one process (best of a few runs, CPU time of
the calling thread for single-threaded code) and records the ratio, so that a
history stays comparable when the machine's speed is not. Each setup first checks
the engine's result once (against the naive method or an offline FFT convolution),
so that a broken engine cannot post a fast ratio.
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import ffstream

from .common import (
    PROMPT_LENGTH,
    add_noise,
    batch_prompts,
    best_of,
    check_close,
    max_threads,
    offline_conv,
    samples,
    stable_filters,
    use_threads,
    warm_up_rollout,
)
from .models import fitted_forecaster

#: How many timed runs each side of a ratio gets (after one warm-up run).
REPEAT = 3


def check_prompted_rollout(filters, prompt, method):
    """Raise unless a short prompted rollout equals the naive method's (rtol 1e-9)."""
    taps = filters[: min(2048, filters.shape[0])]
    got = ffstream.rollout(taps, 512, prompt, method=method)
    want = ffstream.rollout(taps, 512, prompt, method="naive")
    check_close(got, want, f"a prompted {method} rollout")


def check_convolution(filters, inputs, method):
    """Raise unless ``push_block`` of the inputs equals the offline FFT convolution."""
    n = min(4096, inputs.shape[0])
    got = ffstream.OnlineConv(filters, method).push_block(inputs[:n])
    check_close(got, offline_conv(inputs[:n], filters)[:n], f"{method} push_block")


class ContinuousOverOfflineFFT:
    """Continuous rollout of ``L`` tokens / one offline FFT convolution of ``L``.

    ``from scratch``: no prompt, a noise feedback, filter spectra included;
    ``prompted``: after a 64-sample prompt; ``warm``: ``OnlineConv.rollout`` of a
    stream whose spectra exist. ``L = 2**20`` single channel, and the 8 x 8 MIMO
    bank at ``L = 2**16``.
    """

    params = (["from scratch", "prompted", "warm"], ["L=2^20", "MIMO 8x8 L=2^16"])
    param_names = ["kind", "case"]
    unit = "ratio"
    timeout = 1200

    def setup(self, kind, case):
        channels = () if case == "L=2^20" else (8, 8)
        length = 2**20 if case == "L=2^20" else 2**16
        self.filters = stable_filters(length, channels)
        d_in = channels[1] if channels else None
        self.inputs = samples(length, (d_in,) if d_in else ())
        prompt = samples(PROMPT_LENGTH, (d_in,) if d_in else ())
        check_prompted_rollout(self.filters, prompt, "continuous")
        noise = 1e-3 * samples(length, (d_in or 1,), seed=3)
        warm_up_rollout(self.filters, prompt, "continuous")
        ffstream.rollout(
            self.filters[:256], 256, feedback=add_noise, feedback_data=noise
        )
        stream = ffstream.OnlineConv(self.filters)
        self.run = {
            "from scratch": lambda: ffstream.rollout(
                self.filters, length, feedback=add_noise, feedback_data=noise
            ),
            "prompted": lambda: ffstream.rollout(self.filters, length, prompt),
            "warm": lambda: stream.rollout(length, add_noise, noise),
        }[kind]

    def track_ratio(self, kind, case):
        rollout = best_of(self.run, REPEAT)
        offline = best_of(lambda: offline_conv(self.inputs, self.filters), REPEAT)
        return rollout / offline


class SpeedUpOverNaive:
    """Naive rollout time / FutureFill rollout time, from scratch, ``L = 2**17``."""

    params = ["continuous", "epoched"]
    param_names = ["method"]
    unit = "speed-up"
    timeout = 1200

    def setup(self, method):
        length = 2**17
        self.filters = stable_filters(length)
        check_prompted_rollout(self.filters, samples(PROMPT_LENGTH), method)
        noise = 1e-3 * samples(length, (1,), seed=3)
        ffstream.rollout(
            self.filters[:256], 256, feedback=add_noise, feedback_data=noise
        )
        self.runs = {
            name: (
                lambda name=name: ffstream.rollout(
                    self.filters,
                    length,
                    method=name,
                    feedback=add_noise,
                    feedback_data=noise,
                )
            )
            for name in ("naive", method)
        }

    def track_speed_up(self, method):
        naive = best_of(self.runs["naive"], 1, warm_up=False)  # O(L^2): seconds
        return naive / best_of(self.runs[method], REPEAT)


class BatchSpeedUp:
    """A batch of 64 prompted series (``L = 2**14``): 1 thread's time / 2 threads'."""

    unit = "speed-up"
    timeout = 600

    def setup(self):
        if max_threads() < 2:
            raise NotImplementedError("this process may use fewer than 2 cores")
        self.filters = stable_filters(2**14, (1,))
        self.prompts = batch_prompts(64, 1024)
        check_prompted_rollout(self.filters, self.prompts[:2], "continuous")
        warm_up_rollout(self.filters, self.prompts, "continuous", batched=True)

    def teardown(self):
        use_threads(max_threads())

    def track_speed_up(self):
        times = {}
        for threads in (1, 2):
            use_threads(threads)
            times[threads] = best_of(
                lambda: ffstream.rollout(self.filters, 2**14, self.prompts),
                REPEAT,
                clock=time.perf_counter,  # several threads: wall time
            )
        return times[1] / times[2]


class ForecastSpeedUp:
    """``FIRForecaster(order=2**14).forecast(2**18)``: naive time / FutureFill time.

    The model of ``models.FIRForecast`` (Yule-Walker on 2 * 10**5 samples).
    """

    params = ["continuous", "epoched"]
    param_names = ["method"]
    unit = "speed-up"
    timeout = 1200

    def setup(self, method):
        self.model = fitted_forecaster()
        short = {name: self.model.forecast(512, name) for name in ("naive", method)}
        check_close(short[method], short["naive"], f"a {method} forecast")

    def track_speed_up(self, method):
        horizon = 2**18
        naive = best_of(lambda: self.model.forecast(horizon, "naive"), 1, warm_up=False)
        return naive / best_of(lambda: self.model.forecast(horizon, method), REPEAT)


class PushBlockLatency:
    """Per-call time of ``push_block`` of 64 samples, percentiles over 2**21 samples.

    The default (continuous) schedule at ``L = 2**14`` and ``2**20``, single
    channel, after a prefill of ``L`` samples: the worst case of a real-time loop.
    """

    params = (["L=2^14", "L=2^20"], ["p50", "p99", "p99.9", "max"])
    param_names = ["L", "percentile"]
    unit = "microseconds"
    timeout = 1200

    def setup_cache(self):
        latencies = {}
        for name, length in (("L=2^14", 2**14), ("L=2^20", 2**20)):
            filters = stable_filters(length)
            inputs = samples(length, seed=4)
            check_convolution(filters, inputs, "continuous")
            stream = ffstream.OnlineConv(filters)
            stream.prefill(inputs)
            blocks = samples(2**21, seed=5).reshape(-1, 64)
            stream.push_block(blocks[0])  # every kernel compiled
            calls = np.empty(len(blocks))
            clock = time.perf_counter
            for i, block in enumerate(blocks):
                start = clock()
                stream.push_block(block)
                calls[i] = clock() - start
            latencies[name] = 1e6 * calls
        return latencies

    def track_latency(self, latencies, length, percentile):
        calls = latencies[length]
        if percentile == "max":
            return float(calls.max())
        return float(np.percentile(calls, float(percentile[1:])))


class FirstRunCompile:
    """Seconds of a fresh interpreter's first run with an empty kernel cache.

    ``track_first_forecast``: ``import ffstream``, fit ``FIRForecaster(8)`` on 500
    samples and forecast 50 steps; ``track_first_demo``: the README's demo. Each
    with ``FFSTREAM_CACHE_DIR`` (or numba's cache) pointing at an empty
    directory: what a new user waits for on the first run. ``compile_report.py``
    says which kernels the time goes to.
    """

    unit = "seconds"
    timeout = 900

    def track_first_forecast(self):
        return self._first_run(
            "import numpy as np, ffstream\n"
            "y = np.sin(0.1 * np.arange(500))\n"
            "ffstream.FIRForecaster(8).fit(y).forecast(50)\n"
        )

    def track_first_demo(self):
        """The README's ``ffstream demo`` (without its plot), first run after install."""
        return self._first_run(
            "from ffstream.interfaces.demo import run_demo\nrun_demo(plot=None)\n"
        )

    def _first_run(self, script):
        with tempfile.TemporaryDirectory() as empty:
            environment = {
                **os.environ,
                "FFSTREAM_CACHE_DIR": empty,
                "NUMBA_CACHE_DIR": empty,
            }
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", script], env=environment, check=True)
            return time.perf_counter() - start


def _docs_accuracy_module():
    """``docs/accuracy.py`` of this checkout (its series and protocol), or skip."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "docs" / "accuracy.py"
    if not path.exists():
        raise NotImplementedError("docs/accuracy.py is not in this checkout")
    spec = importlib.util.spec_from_file_location("ffstream_docs_accuracy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # needs statsmodels (the asv environment has it)
    return module


class Accuracy:
    """MASE of the forecasters on the docs' real series, by the docs' protocol.

    ``docs/accuracy.py``: fit once on the first 70%, forecast every origin after
    it, mean absolute scaled error over every step of the horizon (below 1: better
    than the in-sample naive forecast). ``FIRForecaster`` with the middle order of
    the docs' table and ``SpectralForecaster`` with its first setting.
    """

    params = (["sunspots", "co2", "elnino", "macrodata"], ["FIR", "Spectral"])
    param_names = ["series", "model"]
    unit = "MASE"
    timeout = 900

    def setup_cache(self):
        accuracy = _docs_accuracy_module()
        scores = {}
        for series in accuracy.load_series():
            rows = [
                row
                for row in accuracy.rows_for(series)
                if row.label.endswith("fit once")
            ]
            fir = [row for row in rows if row.label.startswith("FIRForecaster")]
            spectral = [row for row in rows if row.label.startswith("Spectral")]
            for model, row in (("FIR", fir[len(fir) // 2]), ("Spectral", spectral[0])):
                scores[series.name, model] = accuracy.run(series, row).mase()
        return scores

    def track_mase(self, scores, series, model):
        return scores[series, model]
