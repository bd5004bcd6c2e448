"""The forecasting demo's measurements and their report.

:class:`DemoResult` is what :func:`~ffstream.interfaces.demo.forecasting.run_demo`
returns: one :class:`ForecastTiming` per model and schedule, one
:class:`ModelReport` per model, the data of the plot, and :meth:`DemoResult.format`,
the text the command line prints.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ffstream.engine.methods import METHODS
from ffstream.interfaces.demo._timing import TICK, verdict
from ffstream.interfaces.demo.series import PERIODS

#: Held-out steps of the short-range forecast error.
SHORT_STEPS = 64


@dataclass(frozen=True)
class ForecastTiming:
    """Timing and agreement of one model's forecast with one schedule.

    Attributes
    ----------
    model : str
        ``"fir"`` or ``"spectral"``.
    method : str
        ``"naive"``, ``"epoched"`` or ``"continuous"``.
    seconds : float
        Best wall time of one ``forecast(horizon, method)`` call, in seconds
        (compilation excluded). It includes building an engine for ``method``
        and loading the history into it when the model's own engine (continuous)
        is not the one asked for.
    runs : int
        Number of timed calls ``seconds`` is the best of.
    difference : float
        Maximum relative difference of the forecast from the reference schedule's,
        over all steps and channels.
    """

    model: str
    method: str
    seconds: float
    runs: int
    difference: float


@dataclass(frozen=True, eq=False)
class ModelReport:
    """What the forecasting demo measured for one model.

    Attributes
    ----------
    name : str
        ``"fir"`` or ``"spectral"``.
    description : str
        The constructor call, e.g. ``"FIRForecaster(order=512)"``.
    filter_length : int
        Taps of the model's effective prediction filter.
    fit_seconds : float
        Wall time of ``fit`` on the history (one call, compilation excluded).
    interval_seconds : float
        Wall time of ``prediction_interval`` (one call).
    forecast : numpy.ndarray
        ``(interval_horizon, d)`` first steps of the reference schedule's forecast.
    lower, upper : numpy.ndarray
        ``(interval_horizon, d)`` bounds of the prediction interval.
    coverage : float
        Fraction of the held-out samples (all steps and channels) inside the
        interval.
    rmse_short : float
        Root mean square error of the point forecast over the first
        :data:`SHORT_STEPS` held-out steps (all of them if fewer).
    rmse : float
        Root mean square error of the point forecast over all held-out steps.
    """

    name: str
    description: str
    filter_length: int
    fit_seconds: float
    interval_seconds: float
    forecast: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    rmse_short: float
    rmse: float


@dataclass(frozen=True, eq=False)
class DemoResult:
    """What :func:`run_demo` measured, and the data of its plot.

    Attributes
    ----------
    samples : int
        Samples of the synthetic series the models were fitted on.
    horizon : int
        Steps of the timed forecasts.
    interval_horizon : int
        Held-out steps covered by the prediction intervals.
    n_paths : int
        Sample paths of each prediction interval.
    level : float
        Coverage of the prediction intervals.
    seed : int
        Seed of the synthetic series and of the sample paths.
    tolerance : float
        Largest accepted relative difference between schedules.
    reference : str
        The schedule every other one is compared with.
    repeat : int
        Most timed runs per forecast.
    budget : float
        Seconds of timed runs after which no further repetition starts.
    warmup_seconds : float
        Wall time of the warm-up (mostly numba compilation, or loading it from
        numba's on-disk cache), not included in any other timing.
    timings : tuple of ForecastTiming
        One entry per model and schedule, in the order they ran.
    models : tuple of ModelReport
        One entry per model.
    history : numpy.ndarray
        ``(n, d)`` last samples of the history (for the plot).
    future : numpy.ndarray
        ``(interval_horizon, d)`` held-out samples that follow the history.
    baseline_rmse_short, baseline_rmse : float
        Root mean square errors, over the first :data:`SHORT_STEPS` and over all
        held-out steps, of forecasting the mean of the history.
    plot_path : pathlib.Path or None
        The PNG written, if any.
    plot_note : str
        One line on the plot: where it was written, or why it was not.
    plot_error : str or None
        Why the plot could not be written (an :class:`OSError`), if it could not.
    methods : tuple of str
        The schedules that ran.
    """

    samples: int
    horizon: int
    interval_horizon: int
    n_paths: int
    level: float
    seed: int
    tolerance: float
    reference: str
    repeat: int
    budget: float
    warmup_seconds: float
    timings: tuple[ForecastTiming, ...]
    models: tuple[ModelReport, ...]
    history: np.ndarray
    future: np.ndarray
    baseline_rmse_short: float
    baseline_rmse: float
    plot_path: Path | None = None
    plot_note: str = "plot not requested"
    plot_error: str | None = None
    methods: tuple[str, ...] = field(default=METHODS)

    @property
    def worst(self) -> float:
        """The largest difference between schedules (NaN if any is NaN)."""
        values = [t.difference for t in self.timings]
        return float("nan") if any(math.isnan(v) for v in values) else max(values)

    @property
    def passed(self) -> bool:
        """Whether every schedule is within :attr:`tolerance` (NaN fails)."""
        return bool(self.worst <= self.tolerance)

    def seconds(self, model: str, method: str) -> float:
        """Best wall time of ``model``'s forecast with ``method``.

        Parameters
        ----------
        model : str
            ``"fir"`` or ``"spectral"``, a model that ran.
        method : str
            A schedule that ran.

        Returns
        -------
        float
            Seconds.
        """
        for entry in self.timings:
            if entry.model == model and entry.method == method:
                return entry.seconds
        raise KeyError(f"{model} forecast with {method!r} did not run in this demo")

    def speedup(self, model: str, method: str = "continuous") -> float:
        """Naive forecast time over ``method``'s forecast time for ``model``.

        Parameters
        ----------
        model : str
            ``"fir"`` or ``"spectral"``.
        method : str, default "continuous"
            A schedule that ran, as did ``"naive"``.

        Returns
        -------
        float
            The speed-up (higher is faster).
        """
        return self.seconds(model, "naive") / max(self.seconds(model, method), TICK)

    def format(self) -> str:
        """Format the report: data, fits, a table of forecast timings, intervals.

        Returns
        -------
        str
            Several lines of text, without a trailing newline.
        """
        d = self.future.shape[1]
        short = min(SHORT_STEPS, self.interval_horizon)
        periods = ", ".join(f"{p:g}" for p in PERIODS)
        lines = [
            f"ffstream demo: forecasting a synthetic {d}-channel linear system",
            f"data: synthetic, generated from seed {self.seed} (no external data): "
            f"{len(PERIODS)} damped oscillators",
            f"      (periods {periods} samples) coupled into {d} channels by a fixed",
            f"      matrix, plus noise; {self.samples} samples to fit on, the next "
            f"{self.interval_horizon} held out",
            "warm-up: numba compilation (or cache loading), excluded from the "
            f"timings: {self.warmup_seconds:.1f} s",
            "",
            f"{'model':<10}{'forecaster':<50}{'filter taps':>16}{'fit [s]':>9}",
        ]
        for m in self.models:
            taps = f"{m.filter_length} x {d}x{d}"
            lines.append(
                f"{m.name:<10}{m.description:<50}{taps:>16}{m.fit_seconds:>9.2f}"
            )
        lines += [
            "",
            f"forecast of {self.horizon} steps: best wall time of up to "
            f"{self.repeat} runs (no new run once {self.budget:g} s were spent)",
            f"{'model':<10}{'method':<12}{'time [s]':>10}{'us/step':>10}"
            f"{'vs naive':>10}{'diff vs ' + self.reference:>18}",
        ]
        naive = {t.model: t.seconds for t in self.timings if t.method == "naive"}
        for t in self.timings:
            speedup = (
                f"{naive[t.model] / max(t.seconds, TICK):.1f}x"
                if t.model in naive
                else "-"
            )
            lines.append(
                f"{t.model:<10}{t.method:<12}{t.seconds:>10.4f}"
                f"{1e6 * t.seconds / self.horizon:>10.2f}{speedup:>10}"
                f"{t.difference:>18.1e}"
            )
        lines += [
            "",
            f"{100 * self.level:g}% prediction interval over the "
            f"{self.interval_horizon} held-out steps, from {self.n_paths} sample "
            f"paths (seed {self.seed})",
            f"{'model':<10}{'time [s]':>10}{'inside':>10}"
            f"{f'RMSE 1-{short}':>14}{f'RMSE 1-{self.interval_horizon}':>14}",
        ]
        for m in self.models:
            lines.append(
                f"{m.name:<10}{m.interval_seconds:>10.3f}"
                f"{100 * m.coverage:>9.1f}%{m.rmse_short:>14.3f}{m.rmse:>14.3f}"
            )
        lines += [
            f"{'mean':<10}{'':>20}{self.baseline_rmse_short:>14.3f}"
            f"{self.baseline_rmse:>14.3f}",
            "",
            "vs naive: naive time / method time (higher is faster)",
            f"diff vs {self.reference}: max |forecast - {self.reference} forecast| / "
            f"max |{self.reference} forecast|,",
            "          over all steps and channels",
            "inside:   held-out samples (all steps and channels) inside the interval;",
            "          one realisation of the system: it varies from seed to seed",
            "RMSE 1-n: root mean square error of the point forecast over the first "
            "n held-out steps;",
            "          'mean' forecasts the mean of the history at every step",
            "",
            self.plot_note,
            verdict(self.passed, self.worst, self.tolerance),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()
