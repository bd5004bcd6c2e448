"""The ``ffstream demo``: fit forecasters on a synthetic system, time their forecasts.

The default demo (:func:`run_demo`) generates a synthetic three-channel linear
system from a seed (:func:`make_series`: three damped oscillators mixed by a fixed
matrix, plus noise), fits an :class:`~ffstream.FIRForecaster` and a
:class:`~ffstream.SpectralForecaster` to it and

* forecasts a long horizon with each online convolution schedule (``"naive"``,
  ``"epoched"`` and ``"continuous"``), times the forecasts and compares them: every
  schedule computes the same sums, so the forecasts must agree to rounding;
* computes a prediction interval from simulated sample paths over samples of the
  same system held out from the fit, and reports how many of them fall inside;
* draws the end of the history, the held-out samples, the forecasts and the
  intervals to a PNG file when matplotlib is installed (:func:`plot_demo`).

The older rollout demo (:func:`run_rollout_demo`, ``ffstream demo --rollout``)
rolls one long filter out autoregressively with each schedule and also checks the
tokens against an offline :mod:`scipy.fft` convolution.

Timings exclude numba's compilation: every code path is first run on small inputs
(the warm-up), whose duration is reported separately.

The code is split by job: ``forecasting`` (the forecasting demo), ``series``
(its synthetic data), ``plot`` (its plot), ``rollout`` (the rollout demo) and
``_timing`` (the timing loop and checks both demos share). Every public name is
re-exported here.
"""

from ffstream.interfaces.demo._timing import (
    METHODS,
    TOLERANCE,
    relative_difference,
)
from ffstream.interfaces.demo.forecasting import (
    DEFAULT_CONTEXT,
    DEFAULT_HORIZON,
    DEFAULT_INTERVAL_HORIZON,
    DEFAULT_LEVEL,
    DEFAULT_N_FILTERS,
    DEFAULT_ORDER,
    DEFAULT_PATHS,
    DEFAULT_SAMPLES,
    MODELS,
    SHORT_STEPS,
    DemoResult,
    ForecastTiming,
    ModelReport,
    make_model,
    run_demo,
)
from ffstream.interfaces.demo.plot import (
    DEFAULT_PLOT,
    PLOT_INSTALL_HINT,
    plot_demo,
)
from ffstream.interfaces.demo.rollout import (
    DEFAULT_LENGTH,
    DEFAULT_STEPS,
    PEAK_GAIN,
    RolloutDemoResult,
    RolloutMethodResult,
    make_filter,
    make_prompt,
    offline_convolution,
    run_rollout_demo,
)
from ffstream.interfaces.demo.series import (
    MIXING,
    OBSERVATION_NOISE,
    OFFSET,
    PERIODS,
    RADII,
    make_series,
)

__all__ = [
    "DEFAULT_CONTEXT",
    "DEFAULT_HORIZON",
    "DEFAULT_INTERVAL_HORIZON",
    "DEFAULT_LENGTH",
    "DEFAULT_LEVEL",
    "DEFAULT_N_FILTERS",
    "DEFAULT_ORDER",
    "DEFAULT_PATHS",
    "DEFAULT_PLOT",
    "DEFAULT_SAMPLES",
    "DEFAULT_STEPS",
    "DemoResult",
    "ForecastTiming",
    "METHODS",
    "MIXING",
    "MODELS",
    "ModelReport",
    "OBSERVATION_NOISE",
    "OFFSET",
    "PEAK_GAIN",
    "PERIODS",
    "PLOT_INSTALL_HINT",
    "RADII",
    "RolloutDemoResult",
    "RolloutMethodResult",
    "SHORT_STEPS",
    "TOLERANCE",
    "make_filter",
    "make_model",
    "make_prompt",
    "make_series",
    "offline_convolution",
    "plot_demo",
    "relative_difference",
    "run_demo",
    "run_rollout_demo",
]
