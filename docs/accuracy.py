"""Regenerate the accuracy table of ``docs/forecasting.md``.

Rolling-origin backtests (:func:`ffstream.evaluation.backtest.backtest`) on four real series
shipped with statsmodels, comparing naive baselines, statsmodels ``AutoReg`` / ``VAR``
refitted at every origin, and the ffstream forecasters fitted once and then only
updated (plus a few refit / online-learning variants). Prints Markdown.

Run from the repository root (it takes seconds on 2 cores)::

    python docs/accuracy.py

The tables are deterministic: the same library versions print the same numbers.
BLAS runs single-threaded: the problems are small, and a multithreaded OpenBLAS on a
busy machine made statsmodels' refits fifty times slower.
"""

# ruff: noqa: E402 (BLAS threads must be set before numpy is imported)
import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm
from statsmodels.tsa.api import VAR
from statsmodels.tsa.ar_model import AutoReg

from ffstream import FitWarning
from ffstream.evaluation.backtest import BacktestResult, backtest
from ffstream.models.baselines import LastValue, SeasonalNaive
from ffstream.models.fir import FIRForecaster
from ffstream.models.spectral import SpectralForecaster

#: Fraction of each series used for the first fit; the rest is backtested.
TRAIN_FRACTION = 0.7
#: Coverages of the prediction intervals scored, and the sample paths behind them.
LEVELS = (0.8, 0.95)
N_PATHS = 1000


class StatsmodelsAR:
    """statsmodels ``AutoReg`` (1-D) or ``VAR`` (2-D) with a constant, OLS, fixed order.

    Only usable with ``backtest(..., refit=True)``: every origin refits from scratch.
    """

    def __init__(self, lags: int) -> None:
        self.lags = lags
        self._result: Any = None
        self._last: np.ndarray | None = None

    def fit(self, y: np.ndarray) -> "StatsmodelsAR":
        """Fit on ``y`` ``(T,)`` with ``AutoReg`` or ``(T, d)`` with ``VAR``."""
        if y.ndim == 1:
            self._result = AutoReg(y, lags=self.lags, trend="c").fit()
        else:
            self._result = VAR(y).fit(self.lags, trend="c")
            self._last = y[-self.lags :]
        return self

    def update(self, y_new: np.ndarray, learn: bool = False) -> "StatsmodelsAR":
        """Not supported: backtest these models with ``refit=True``."""
        raise NotImplementedError("use backtest(..., refit=True)")

    def forecast(self, horizon: int, method: str = "continuous") -> np.ndarray:
        """Forecast ``horizon`` steps with statsmodels."""
        if self._last is None:
            return np.asarray(self._result.forecast(horizon))
        return self._result.forecast(self._last, horizon)


class Centred:
    """Run ``model`` on the series minus the mean of the samples it was fitted on."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._mean: np.ndarray | None = None

    def fit(self, y: np.ndarray) -> "Centred":
        """Fit ``model`` on ``y - mean(y)``."""
        self._mean = y.mean(axis=0)
        self.model.fit(y - self._mean)
        return self

    def update(self, y_new: np.ndarray, learn: bool = False) -> "Centred":
        """Update ``model`` with ``y_new - mean``, the mean of the fit."""
        self.model.update(y_new - self._mean, learn=learn)
        return self

    def forecast(self, horizon: int, method: str = "continuous") -> np.ndarray:
        """Forecast of ``model`` plus the mean."""
        return self.model.forecast(horizon, method=method) + self._mean


@dataclass
class Series:
    """A dataset prepared for the backtest."""

    name: str
    values: np.ndarray
    frequency: str
    horizon: int
    season: int | None  # for the seasonal naive baseline
    fir_orders: tuple[int, ...]
    spectral: tuple[tuple[int, int], ...]  # (n_filters, context)


def load_series() -> list[Series]:
    """The four statsmodels datasets, as the table uses them."""
    sunspots = sm.datasets.sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()
    weekly = sm.datasets.co2.load_pandas().data["co2"]
    co2 = weekly.resample("MS").mean().interpolate().to_numpy()
    elnino = sm.datasets.elnino.load_pandas().data.iloc[:, 1:].to_numpy().ravel()
    macro = sm.datasets.macrodata.load_pandas().data
    levels = macro[["realgdp", "realcons", "realinv"]].to_numpy()
    growth = 100.0 * np.diff(np.log(levels), axis=0)
    return [
        Series(
            "sunspots", sunspots, "yearly", 10, 11, (2, 9, 30), ((8, 256), (16, 256))
        ),
        Series("co2", co2, "monthly", 12, 12, (2, 12, 36), ((8, 256), (16, 256))),
        Series("elnino", elnino, "monthly", 12, 12, (2, 12, 36), ((8, 256), (16, 256))),
        Series("macrodata", growth, "quarterly", 8, None, (1, 2, 4), ((8, 128),)),
    ]


@dataclass
class Row:
    """One model of the table: its label, how to build it, how to backtest it."""

    label: str
    make: Callable[[], Any]
    refit: bool = False
    learn: bool = False


def rows_for(series: Series) -> list[Row]:
    """The models compared on ``series``."""
    rows = [Row("last value", LastValue)]
    if series.season is not None:
        rows.append(
            Row(
                f"seasonal naive ({series.season})",
                lambda: SeasonalNaive(series.season),
            )
        )
    name = "AutoReg" if series.values.ndim == 1 else "VAR"
    for p in series.fir_orders:
        rows.append(
            Row(f"statsmodels {name}({p}), refit", lambda p=p: StatsmodelsAR(p), True)
        )
    for p in series.fir_orders:
        rows.append(Row(f"FIRForecaster({p}), fit once", lambda p=p: FIRForecaster(p)))
    for i, (k, context) in enumerate(series.spectral):

        def make(k: int = k, context: int = context) -> SpectralForecaster:
            return SpectralForecaster(n_filters=k, context=context, ar_order=2)

        label = f"Spectral(k={k}, ctx={context})"
        rows.append(Row(f"{label}, fit once", make))
        rows.append(Row(f"{label}, learn=True", make, learn=True))
        if i == 0:
            rows.append(Row(f"{label}, refit", make, refit=True))
            rows.append(Row(f"{label}, centred, fit once", lambda m=make: Centred(m())))
    return rows


def run(series: Series, row: Row) -> BacktestResult:
    """Backtest one model on one series, with intervals where the model has them."""
    initial = int(TRAIN_FRACTION * len(series.values))
    model = row.make()
    intervals = hasattr(model, "prediction_interval")
    return backtest(
        model,
        series.values,
        series.horizon,
        initial=initial,
        refit=row.refit,
        learn=row.learn,
        levels=LEVELS if intervals else None,
        n_paths=N_PATHS,
        seed=0,
    )


def coverage_cells(result: BacktestResult) -> str:
    """The coverage columns of one row: percentages, or dashes without intervals."""
    if not result.levels:
        return " | ".join("-" for _ in LEVELS)
    return " | ".join(f"{100 * result.coverage(level):.1f}" for level in LEVELS)


def table(series: Series) -> str:
    """The Markdown table of ``series``."""
    h = series.horizon
    mid = h // 2
    lines = [
        f"| model | MAE h=1 | MAE h={mid} | MAE h={h} | MAE 1..{h} | RMSE 1..{h} | MASE "
        "| cov 80% | cov 95% |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    best = None
    results = []
    for row in rows_for(series):
        result = run(series, row)
        results.append((row, result))
        if best is None or result.mae() < best:
            best = result.mae()
    for row, result in results:
        by_step = result.mae(by_step=True)
        mae = f"{result.mae():.3f}"
        if result.mae() == best:
            mae = f"**{mae}**"
        lines.append(
            f"| {row.label} | {by_step[0]:.3f} | {by_step[mid - 1]:.3f} | "
            f"{by_step[h - 1]:.3f} | {mae} | {result.rmse():.3f} | "
            f"{result.mase():.3f} | {coverage_cells(result)} |"
        )
    return "\n".join(lines)


def long_run(series: Series) -> list[str]:
    """Table rows: how far the fit-once models' 1000-step forecasts stray from the data.

    The ratio of the largest absolute forecast over 1000 steps from the first
    origin to the largest absolute training sample: far above 1 means the fitted
    recursion is unstable (its forecasts grow without bound). The last column
    says whether ``fit`` warned that the recursion is unstable, and the growth of
    its impulse response that the warning reports.
    """
    train = series.values[: int(TRAIN_FRACTION * len(series.values))]
    lines = []
    for row in rows_for(series):
        if row.label.endswith("fit once"):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", FitWarning)
                model = row.make().fit(train)
            far = np.asarray(model.forecast(1000))
            ratio = np.abs(far).max() / np.abs(train).max()
            growth = [
                str(w.message).split(" grows ")[1].split("-fold")[0]
                for w in caught
                if issubclass(w.category, FitWarning)
            ]
            verdict = f"yes ({growth[0]})" if growth else "no"
            lines.append(f"| {series.name} | {row.label} | {ratio:.3g} | {verdict} |")
    return lines


def check_fir_equals_autoreg(series: Series, order: int) -> float:
    """Largest difference between FIRForecaster and statsmodels forecasts, both refit."""
    initial = int(TRAIN_FRACTION * len(series.values))
    ours = backtest(
        FIRForecaster(order), series.values, series.horizon, initial=initial, refit=True
    )
    theirs = backtest(
        StatsmodelsAR(order), series.values, series.horizon, initial=initial, refit=True
    )
    return float(np.abs(ours.forecasts - theirs.forecasts).max())


def main() -> None:
    """Print the tables."""
    warnings.filterwarnings("ignore", module="statsmodels")
    # Refits warn at many origins that their recursion is unstable: the long-run
    # table reports the fits once.
    warnings.filterwarnings("ignore", category=FitWarning)
    # Compile the numba kernels before any timing.
    warm = np.sin(np.arange(300.0))
    backtest(FIRForecaster(3), warm, 3, initial=290)
    backtest(SpectralForecaster(4, 64), warm, 3, initial=290, learn=True)
    backtest(FIRForecaster(2), np.column_stack([warm, warm[::-1]]), 3, initial=290)
    total = time.perf_counter()
    for series in load_series():
        n = len(series.values)
        initial = int(TRAIN_FRACTION * n)
        channels = (
            "" if series.values.ndim == 1 else f", {series.values.shape[1]} channels"
        )
        print(
            f"#### {series.name}: {n} {series.frequency} samples{channels}; first fit on "
            f"{initial}, {n - initial - series.horizon + 1} origins, horizon "
            f"{series.horizon}\n"
        )
        print(table(series))
        print()
    print("#### Long-run forecasts of the models fitted once\n")
    print(
        "| series | model | max abs 1000-step forecast / max abs training sample "
        "| unstable at fit (growth) |"
    )
    print("|---|---|---:|---|")
    for series in load_series():
        print("\n".join(long_run(series)))
    print()
    for series in load_series()[:3:2]:
        order = series.fir_orders[1]
        gap = check_fir_equals_autoreg(series, order)
        print(
            f"* Check: FIRForecaster({order}) with refit=True vs statsmodels AutoReg({order}) "
            f"on {series.name}: largest forecast difference {gap:.1e}"
        )
    print(f"\nTotal time {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
