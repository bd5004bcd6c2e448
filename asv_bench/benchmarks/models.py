"""Forecasters: a long FIR fit, long forecasts per schedule, streaming updates.

* ``FIRFit``: ``FIRForecaster(order=4096).fit`` on ``10**6`` samples of one
  channel: wall time, peak resident memory of the benchmark process (asv
  ``peakmem_``, which includes the interpreter, the imports and the data) and the
  peak of the memory the fit itself allocates (``tracemalloc``, in MB).
* ``FIRForecast`` / ``FIRForecastNaive``: ``forecast(2**18)`` of an
  ``FIRForecaster(order=2**14)`` fitted once in ``setup`` (Yule-Walker, on
  ``2 * 10**5`` samples: the least-squares solve of a 16384-lag model would need a
  2 GB Gram matrix and dominate the set-up). The continuous forecast runs on the
  model's own engine, whose filter spectra the warm-up forecast in ``setup``
  already computed (a model forecasting again and again); the naive and epoched
  forecasts build an engine for their schedule and load the 16384-sample history
  into it at every call, as ``forecast(..., method=...)`` does.
* ``SpectralUpdate``: ``update`` in chunks of 256 samples of a
  ``SpectralForecaster(n_filters=24, context=8192)`` fitted in ``setup`` on
  ``3 * 10**4`` samples of 8 channels (an 8 x 8 filter bank of 8192 taps):
  time of 40 chunks, and the throughput in samples per second.
* ``SpectralLearn``: the same with ``learn=True`` (recursive least squares),
  throughput in samples per second.

The series are sums of damped oscillations driven by seeded noise, so the fitted
filters are those of a realistic long-memory model; the costs measured do not
depend on the values.
"""

import time
import tracemalloc

import numpy as np
import scipy.signal

import ffstream

from .common import SlowBenchmark

FIT_SAMPLES = 10**6
FIT_ORDER = 4096
FORECAST_ORDER = 2**14
FORECAST_SAMPLES = 2 * 10**5
HORIZON = 2**18
UPDATE_CHANNELS = 8
UPDATE_CONTEXT = 8192
UPDATE_FILTERS = 24
UPDATE_FIT_SAMPLES = 3 * 10**4
CHUNK = 256
UPDATE_CHUNKS = 40
LEARN_CHUNKS = 8


def oscillating_series(n_samples, channels=1, seed=0):
    """``(n_samples, channels)`` mixed damped oscillations driven by noise, plus noise.

    Each of ``channels`` latent AR(2) oscillators has poles of radius 0.995 to
    0.9995 at frequencies spread over ``(0.002, 0.05)`` cycles per sample; a fixed
    random matrix mixes them and white noise of standard deviation 0.1 is added.
    """
    rng = np.random.default_rng(seed)
    radii = np.linspace(0.995, 0.9995, channels)
    frequencies = np.geomspace(0.002, 0.05, channels)
    latent = np.empty((n_samples, channels))
    for k in range(channels):
        a = [1.0, -2.0 * radii[k] * np.cos(2 * np.pi * frequencies[k]), radii[k] ** 2]
        latent[:, k] = scipy.signal.lfilter([1.0], a, rng.standard_normal(n_samples))
    latent /= latent.std(axis=0)
    mixing = np.eye(channels) + 0.3 * rng.standard_normal((channels, channels))
    return latent @ mixing.T + 0.1 * rng.standard_normal((n_samples, channels))


def warm_up_models(channels, spectral=False):
    """Compile the fit, update and forecast code paths for ``channels`` channels.

    The small models have 300 taps, more than the continuous schedule's default
    crossover, so the FFT code paths compile too.
    """
    series = oscillating_series(2048, channels, seed=9)
    if channels == 1:
        series = series[:, 0]
    if spectral:
        model = ffstream.SpectralForecaster(n_filters=2, context=300)
    else:
        model = ffstream.FIRForecaster(300)
    model.fit(series[:1024]).update(series[1024:])
    for method in ("naive", "epoched", "continuous"):
        model.forecast(600, method=method)


class FIRFit(SlowBenchmark):
    """``FIRForecaster(order=4096).fit`` on 10**6 samples of one channel."""

    repeat = (1, 3, 30.0)
    timeout = 900

    def setup(self):
        self.series = oscillating_series(FIT_SAMPLES)[:, 0]
        warm_up_models(1)

    def time_fit(self):
        ffstream.FIRForecaster(FIT_ORDER).fit(self.series)

    def peakmem_fit(self):
        ffstream.FIRForecaster(FIT_ORDER).fit(self.series)

    def track_fit_traced_peak(self):
        tracemalloc.start()
        try:
            ffstream.FIRForecaster(FIT_ORDER).fit(self.series)
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    track_fit_traced_peak.unit = "MB"


def fitted_forecaster():
    """An ``FIRForecaster(order=2**14)`` fitted by Yule-Walker on 2 * 10**5 samples."""
    series = oscillating_series(FORECAST_SAMPLES, seed=1)[:, 0]
    return ffstream.FIRForecaster(FORECAST_ORDER, solver="yule-walker").fit(series)


class FIRForecast(SlowBenchmark):
    """``forecast(2**18)`` of an ``FIRForecaster(order=2**14)``: continuous, epoched."""

    params = ["continuous", "epoched"]
    param_names = ["method"]
    repeat = (1, 10, 10.0)
    timeout = 600

    def setup(self, method):
        warm_up_models(1)
        self.model = fitted_forecaster()
        self.model.forecast(HORIZON, method=method)

    def time_forecast(self, method):
        self.model.forecast(HORIZON, method=method)


class FIRForecastNaive(SlowBenchmark):
    """``forecast(2**18, method="naive")`` of an ``FIRForecaster(order=2**14)``: once."""

    repeat = 1
    rounds = 1
    timeout = 1800

    def setup(self):
        warm_up_models(1)
        self.model = fitted_forecaster()

    def time_forecast(self):
        self.model.forecast(HORIZON, method="naive")


def fitted_spectral(n_chunks):
    """The 8-channel ``SpectralForecaster(24, 8192)`` and ``n_chunks`` new chunks of 256."""
    series = oscillating_series(
        UPDATE_FIT_SAMPLES + CHUNK * n_chunks, UPDATE_CHANNELS, seed=2
    )
    model = ffstream.SpectralForecaster(
        n_filters=UPDATE_FILTERS, context=UPDATE_CONTEXT
    ).fit(series[:UPDATE_FIT_SAMPLES])
    return model, series[UPDATE_FIT_SAMPLES:].reshape(n_chunks, CHUNK, UPDATE_CHANNELS)


class SpectralUpdate(SlowBenchmark):
    """Streaming ``update`` (chunks of 256) of an 8-channel ``SpectralForecaster``."""

    repeat = (1, 10, 10.0)
    timeout = 600

    def setup(self):
        warm_up_models(UPDATE_CHANNELS, spectral=True)
        self.model, self.chunks = fitted_spectral(UPDATE_CHUNKS)

    def time_update(self):
        for chunk in self.chunks:
            self.model.update(chunk)

    def track_samples_per_second(self):
        start = time.perf_counter()
        for chunk in self.chunks:
            self.model.update(chunk)
        return CHUNK * UPDATE_CHUNKS / (time.perf_counter() - start)

    track_samples_per_second.unit = "samples/s"


class SpectralLearn(SlowBenchmark):
    """``update(..., learn=True)`` (chunks of 256) of the same 8-channel model.

    Recursive least squares on 401 weights per sample, the features of the new
    samples from the model's feature engines (built by one untimed learning
    update in ``setup``).
    """

    repeat = (1, 5, 10.0)
    timeout = 600

    def setup(self):
        warm_up_models(UPDATE_CHANNELS, spectral=True)
        self.model, chunks = fitted_spectral(LEARN_CHUNKS + 1)
        self.model.update(chunks[0], learn=True)
        self.chunks = chunks[1:]

    def track_samples_per_second(self):
        start = time.perf_counter()
        for chunk in self.chunks:
            self.model.update(chunk, learn=True)
        return CHUNK * LEARN_CHUNKS / (time.perf_counter() - start)

    track_samples_per_second.unit = "samples/s"
