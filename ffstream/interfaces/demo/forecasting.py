"""The forecasting demo: fit forecasters on a synthetic system, time their forecasts.

:func:`run_demo` generates a synthetic three-channel linear system from a seed
(:func:`make_series`), fits the forecasters of :func:`make_model` to it, times
their forecasts with each schedule, computes prediction intervals over held-out
samples and, on request, plots them
(:func:`~ffstream.interfaces.demo.plot.plot_forecasts`). What it measured is a
:class:`~ffstream.interfaces.demo.forecast_report.DemoResult`.
"""

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ffstream import FIRForecaster, SpectralForecaster
from ffstream.engine.methods import METHODS
from ffstream.engine.validation import as_count
from ffstream.interfaces.demo._timing import (
    TOLERANCE,
    check_names,
    reference_method,
    relative_difference,
    time_each_method,
)
from ffstream.interfaces.demo.forecast_report import (
    SHORT_STEPS,
    DemoResult,
    ForecastTiming,
    ModelReport,
)
from ffstream.interfaces.demo.plot import (
    PLOT_INSTALL_HINT,
    PlottedForecast,
    plot_forecasts,
)
from ffstream.interfaces.demo.series import make_series

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

#: Samples of the warm-up series and filter taps of the warm-up models: longer
#: than the default crossover of the continuous schedule, so the FFT paths compile,
#: and enough samples for the 3-channel fit of that many lags to be well determined.
_WARM_UP_SAMPLES = 4096
_WARM_UP_TAPS = 300


def make_model(
    name: str,
    *,
    order: int = DEFAULT_ORDER,
    n_filters: int = DEFAULT_N_FILTERS,
    context: int = DEFAULT_CONTEXT,
) -> FIRForecaster | SpectralForecaster:
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
        return FIRForecaster(order)
    if name == "spectral":
        return SpectralForecaster(n_filters=n_filters, context=context)
    raise ValueError(f"model must be one of {MODELS}, got {name!r}")


def _describe_model(name: str, order: int, n_filters: int, context: int) -> str:
    """The constructor call of the model ``name``, as text."""
    if name == "fir":
        return f"FIRForecaster(order={order})"
    return f"SpectralForecaster(n_filters={n_filters}, context={context})"


def _plot(result: DemoResult, path: str | os.PathLike[str]) -> Path:
    """Plot the end of the history, the held-out samples and every model's interval."""
    forecasts = [
        PlottedForecast(m.name, m.description, m.forecast, m.lower, m.upper)
        for m in result.models
    ]
    title = (
        f"ffstream demo: synthetic {result.future.shape[1]}-channel system "
        f"(seed {result.seed}), forecasts and {100 * result.level:g}% intervals "
        f"from {result.n_paths} sample paths"
    )
    return plot_forecasts(
        path,
        result.history,
        result.future,
        forecasts,
        interval=f"{100 * result.level:g}% interval",
        title=title,
    )


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
    TypeError
        For a count that is not an integer.
    ValueError
        For a count below 1, ``order >= samples``, ``interval_horizon > horizon``,
        a level outside ``(0, 1)``, no model or method, or a repeated or unknown one.

    Examples
    --------
    >>> result = run_demo(samples=2000, horizon=512, order=16, n_filters=8, context=256,
    ...                   interval_horizon=64, n_paths=20)
    >>> result.passed
    True
    """
    counts = {
        "samples": samples,
        "horizon": horizon,
        "order": order,
        "n_filters": n_filters,
        "context": context,
        "interval_horizon": interval_horizon,
        "n_paths": n_paths,
        "repeat": repeat,
    }
    for name, value in counts.items():
        as_count(value, name, 1)
    methods = check_names(methods, METHODS, "methods")
    names = check_names(models, MODELS, "models")
    if interval_horizon > horizon:
        raise ValueError(
            f"interval_horizon (--interval-horizon) must be at most horizon={horizon}, "
            f"got {interval_horizon}"
        )
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

        forecasts, seconds = time_each_method(
            lambda method, model=model: model.forecast(horizon, method),
            methods,
            repeat,
            budget,
            say,
            f"forecast of {horizon} steps ({name})",
        )
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
        path = _plot(result, plot)
    except ImportError:
        note = f"plot skipped: matplotlib is not installed ({PLOT_INSTALL_HINT})"
        return dataclasses.replace(result, plot_note=note)
    except OSError as error:
        note = f"plot not written: {error}"
        return dataclasses.replace(result, plot_note=note, plot_error=str(error))
    return dataclasses.replace(
        result, plot_path=path, plot_note=f"plot written to {path}"
    )
