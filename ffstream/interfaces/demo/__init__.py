"""The ``ffstream demo``: fit forecasters on a synthetic system, time their forecasts.

The forecasting demo (:func:`run_demo`, ``ffstream demo``) generates a synthetic
three-channel linear system from a seed (three damped oscillators mixed by a fixed
matrix, plus noise), fits an :class:`~ffstream.FIRForecaster` and a
:class:`~ffstream.SpectralForecaster` to it and

* forecasts a long horizon with each online convolution schedule (``"naive"``,
  ``"epoched"`` and ``"continuous"``), times the forecasts and compares them: every
  schedule computes the same sums, so the forecasts must agree to rounding;
* computes a prediction interval from simulated sample paths over samples of the
  same system held out from the fit, and reports how many of them fall inside;
* draws the end of the history, the held-out samples, the forecasts and the
  intervals to a PNG file when matplotlib is installed.

The rollout demo (:func:`run_rollout_demo`, ``ffstream demo rollout``) rolls one
long filter out autoregressively with each schedule and also checks the tokens
against an offline :mod:`scipy.fft` convolution.

Timings exclude numba's compilation: every code path is first run on small inputs
(the warm-up), whose duration is reported separately.

The code is split by job: ``forecasting`` runs the forecasting demo on the data of
``series``, ``forecast_report`` holds what it measured and formats the report,
``plot`` draws it; ``rollout`` runs the rollout demo and ``rollout_report`` holds
and formats its measurements; ``_timing`` has the timing loop and the checks both
demos share.
"""

from ffstream.interfaces.demo.forecast_report import DemoResult
from ffstream.interfaces.demo.forecasting import run_demo
from ffstream.interfaces.demo.rollout import run_rollout_demo
from ffstream.interfaces.demo.rollout_report import RolloutDemoResult

__all__ = ["DemoResult", "RolloutDemoResult", "run_demo", "run_rollout_demo"]
