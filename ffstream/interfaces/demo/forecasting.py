"""The forecasting demo: fit forecasters on a synthetic system, time their forecasts.

:func:`run_demo` generates a synthetic three-channel linear system from a seed
(:func:`make_series`), fits the forecasters of :func:`make_model` to it, times
their forecasts with each schedule, computes prediction intervals over held-out
samples and, on request, plots them (:func:`~ffstream.interfaces.demo.plot.plot_demo`).
"""

import dataclasses
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import ffstream
from ffstream.interfaces.demo._timing import (
    METHODS,
    TICK,
    TOLERANCE,
    best_time,
    check_counts,
    check_names,
    reference_method,
    relative_difference,
    verdict,
)
from ffstream.interfaces.demo.plot import PLOT_INSTALL_HINT, plot_demo
from ffstream.interfaces.demo.series import PERIODS, make_series

#: The forecasters of the forecasting demo, in the order it fits them.
MODELS = ("fir", "spectral")

#: Samples the forecasters are fitted on by default.
DEFAULT_SAMPLES = 20_000
#: Lags of the demo's :class:`~ffstream.FIRForecaster`.
DEFAULT_ORDER = 512
#: Spectral filters of the demo's :class:`~ffstream.SpectralForecaster`.
DEFAULT_N_FILTERS = 24
#: Context (filter length) of the demo's :class:`~ffstream.SpectralForecaster`.
DEFAULT_CONTEXT = 8192
#: Steps of the timed forecasts.
DEFAULT_HORIZON = 2**15
#: Held-out steps covered by the prediction interval and the plot.
DEFAULT_INTERVAL_HORIZON = 2048
#: Sample paths the prediction interval is estimated from.
DEFAULT_PATHS = 500
#: Coverage of the prediction interval.
DEFAULT_LEVEL = 0.9
#: Held-out steps of the short-range forecast error.
SHORT_STEPS = 64

#: Samples of the warm-up series and filter taps of the warm-up models: longer
#: than the default crossover of the continuous schedule, so the FFT paths compile.
_WARM_UP_SAMPLES = 1024
_WARM_UP_TAPS = 300


def make_model(
    name: str,
    *,
    order: int = DEFAULT_ORDER,
    n_filters: int = DEFAULT_N_FILTERS,
    context: int = DEFAULT_CONTEXT,
) -> ffstream.FIRForecaster | ffstream.SpectralForecaster:
    """Make one of the demo's (unfitted) forecasters.

    Parameters
    ----------
    name : {"fir", "spectral"}
        ``"fir"``: ``FIRForecaster(order)``; ``"spectral"``:
        ``SpectralForecaster(n_filters, context)``, other parameters at their
        defaults.
    order : int, default 512
        Lags of the FIR forecaster.
    n_filters : int, default 24
        Spectral filters of the spectral forecaster.
    context : int, default 8192
        Context of the spectral forecaster.

    Returns
    -------
    FIRForecaster or SpectralForecaster
        The model.
    """
    if name == "fir":
        return ffstream.FIRForecaster(order)
    if name == "spectral":
        return ffstream.SpectralForecaster(n_filters=n_filters, context=context)
    raise ValueError(f"model must be one of {MODELS}, got {name!r}")


def _describe_model(name: str, order: int, n_filters: int, context: int) -> str:
    """The constructor call of the model ``name``, as text."""
    if name == "fir":
        return f"FIRForecaster(order={order})"
    return f"SpectralForecaster(n_filters={n_filters}, context={context})"


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


def _rmse(forecast: np.ndarray, actual: np.ndarray) -> float:
    """Root mean square of ``forecast - actual`` over all entries."""
    return float(np.sqrt(np.mean((forecast - actual) ** 2)))


def _warm_up(names: Sequence[str], methods: Sequence[str], seed: int) -> None:
    """Run every code path of the demo once on small inputs (numba compilation)."""
    series = make_series(_WARM_UP_SAMPLES, seed)
    for name in names:
        model = make_model(
            name, order=_WARM_UP_TAPS, n_filters=2, context=_WARM_UP_TAPS
        ).fit(series)
        for method in methods:
            model.forecast(8, method=method)
        model.prediction_interval(8, n_paths=2, seed=seed)


def run_demo(
    samples: int = DEFAULT_SAMPLES,
    horizon: int = DEFAULT_HORIZON,
    *,
    models: Sequence[str] = MODELS,
    order: int = DEFAULT_ORDER,
    n_filters: int = DEFAULT_N_FILTERS,
    context: int = DEFAULT_CONTEXT,
    methods: Sequence[str] = METHODS,
    interval_horizon: int = DEFAULT_INTERVAL_HORIZON,
    n_paths: int = DEFAULT_PATHS,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
    repeat: int = 3,
    budget: float = 1.0,
    tolerance: float = TOLERANCE,
    plot: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Fit forecasters on the synthetic system, time their forecasts, plot them.

    Parameters
    ----------
    samples : int, default 20000
        Samples of :func:`make_series` the models are fitted on.
    horizon : int, default 2**15
        Steps of the timed forecasts.
    models : sequence of str, default ("fir", "spectral")
        The forecasters to fit (see :func:`make_model`), each at most once.
    order : int, default 512
        Lags of the FIR forecaster, less than ``samples``.
    n_filters : int, default 24
        Spectral filters of the spectral forecaster, at most ``context``.
    context : int, default 8192
        Context of the spectral forecaster.
    methods : sequence of str, default ("naive", "epoched", "continuous")
        The schedules to forecast with, each at most once. The reference the
        others are compared with is ``"naive"`` if present, else the first one.
    interval_horizon : int, default 2048
        Steps of the prediction intervals and of the held-out samples they are
        checked against.
    n_paths : int, default 500
        Sample paths of each prediction interval.
    level : float, default 0.9
        Coverage of the prediction intervals, strictly between 0 and 1.
    seed : int, default 0
        Seed of the synthetic series and of the sample paths.
    repeat : int, default 3
        Each forecast is timed up to this many times and the best time is kept.
    budget : float, default 1.0
        No further repetition starts once a forecast's timed runs took this many
        seconds in total.
    tolerance : float, default 1e-10
        Largest accepted maximum relative difference, see :attr:`DemoResult.passed`.
    plot : str or os.PathLike, optional
        Write a PNG of the end of the history, the held-out samples, the forecasts
        and the intervals to this file (with matplotlib's Agg backend). Without
        matplotlib the plot is skipped, and if the file cannot be written
        :attr:`DemoResult.plot_error` says why; :attr:`DemoResult.plot_note` says
        what happened in either case.
    progress : callable, optional
        Called with a short message before each phase (for a command line).

    Returns
    -------
    DemoResult
        Timings, differences, intervals and plot data; ``str(result)`` is the
        report.

    Raises
    ------
    ValueError
        For a count below 1, ``order >= samples``, a level outside ``(0, 1)``, no
        model or method, or a repeated or unknown one.

    Examples
    --------
    >>> result = run_demo(samples=2000, horizon=512, order=16, n_filters=8, context=256,
    ...                   interval_horizon=64, n_paths=20)
    >>> result.passed
    True
    """
    check_counts(
        samples=samples,
        horizon=horizon,
        order=order,
        n_filters=n_filters,
        context=context,
        interval_horizon=interval_horizon,
        n_paths=n_paths,
        repeat=repeat,
    )
    methods = check_names(methods, METHODS, "methods")
    names = check_names(models, MODELS, "models")
    if "fir" in names and order >= samples:
        raise ValueError(f"order must be less than samples={samples}, got {order}")
    if "spectral" in names and n_filters > context:
        raise ValueError(
            f"n_filters must be at most context={context}, got {n_filters}"
        )
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    say = progress if progress is not None else (lambda message: None)

    series = make_series(samples + interval_horizon, seed)
    history, future = series[:samples], series[samples:]
    reference = reference_method(methods)

    say("warming up (compiling the numba kernels on first use)...")
    start = time.perf_counter()
    _warm_up(names, methods, seed)
    warmup_seconds = time.perf_counter() - start

    timings: list[ForecastTiming] = []
    reports: list[ModelReport] = []
    for name in names:
        description = _describe_model(name, order, n_filters, context)
        say(f"fitting {description} on {samples} samples...")
        model = make_model(name, order=order, n_filters=n_filters, context=context)
        start = time.perf_counter()
        model.fit(history)
        fit_seconds = time.perf_counter() - start

        forecasts: dict[str, np.ndarray] = {}
        seconds: dict[str, tuple[float, int]] = {}
        for method in methods:
            say(f"timing the {method} forecast of {horizon} steps ({name})...")
            best, runs, out = best_time(
                lambda model=model, method=method: model.forecast(horizon, method),
                repeat,
                budget,
            )
            forecasts[method] = np.asarray(out)
            seconds[method] = (best, runs)
        for method in methods:
            timings.append(
                ForecastTiming(
                    model=name,
                    method=method,
                    seconds=seconds[method][0],
                    runs=seconds[method][1],
                    difference=relative_difference(
                        forecasts[method], forecasts[reference]
                    ),
                )
            )

        say(f"prediction interval from {n_paths} sample paths ({name})...")
        start = time.perf_counter()
        lower, upper = model.prediction_interval(
            interval_horizon, level=level, n_paths=n_paths, seed=seed
        )
        interval_seconds = time.perf_counter() - start
        point = forecasts[reference][:interval_horizon]
        reports.append(
            ModelReport(
                name=name,
                description=description,
                filter_length=model.filter_length,
                fit_seconds=fit_seconds,
                interval_seconds=interval_seconds,
                forecast=point,
                lower=lower,
                upper=upper,
                coverage=float(np.mean((future >= lower) & (future <= upper))),
                rmse_short=_rmse(point[:SHORT_STEPS], future[:SHORT_STEPS]),
                rmse=_rmse(point, future),
            )
        )

    result = DemoResult(
        samples=samples,
        horizon=horizon,
        interval_horizon=interval_horizon,
        n_paths=n_paths,
        level=level,
        seed=seed,
        tolerance=tolerance,
        reference=reference,
        repeat=repeat,
        budget=budget,
        warmup_seconds=warmup_seconds,
        timings=tuple(timings),
        models=tuple(reports),
        history=history[-min(samples, interval_horizon) :],
        future=future,
        baseline_rmse_short=_rmse(history.mean(axis=0), future[:SHORT_STEPS]),
        baseline_rmse=_rmse(history.mean(axis=0), future),
        methods=methods,
    )
    if plot is None:
        return result
    say(f"plotting to {os.fspath(plot)}...")
    try:
        path = plot_demo(result, plot)
    except ImportError:
        note = f"plot skipped: matplotlib is not installed ({PLOT_INSTALL_HINT})"
        return dataclasses.replace(result, plot_note=note)
    except OSError as error:
        note = f"plot not written: {error}"
        return dataclasses.replace(result, plot_note=note, plot_error=str(error))
    return dataclasses.replace(
        result, plot_path=path, plot_note=f"plot written to {path}"
    )
