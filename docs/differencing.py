"""What ``difference`` and ``seasonal_difference`` do to the forecasts of two real series.

Run: ``python docs/differencing.py``.

The protocol of the accuracy table in docs/forecasting.md: each model fitted once on
the first 70% of the series, then only updated; every later sample an origin with a
full horizon after it; MAE over all origins and steps, and MASE (scaled by the
in-sample MAE of the one-step last-value forecast). co2 (monthly means of the weekly
Mauna Loa series, trend and yearly season) and elnino (monthly sea temperatures,
yearly season, no trend), both shipped with statsmodels.
"""

import numpy as np
import statsmodels.api as sm

from ffstream import FIRForecaster, SeasonalNaive, SpectralForecaster, backtest

TRAIN_FRACTION = 0.7
HORIZON = 12
SEASON = 12
DIFFERENCING = [
    ("", {}),
    (", difference=1", {"difference": 1}),
    (", seasonal_difference=12", {"seasonal_difference": SEASON}),
    (
        ", difference=1, seasonal_difference=12",
        {"difference": 1, "seasonal_difference": SEASON},
    ),
]


def load() -> dict[str, np.ndarray]:
    """The two monthly series."""
    weekly = sm.datasets.co2.load_pandas().data["co2"]
    co2 = weekly.resample("MS").mean().interpolate().to_numpy()
    elnino = sm.datasets.elnino.load_pandas().data.iloc[:, 1:].to_numpy().ravel()
    return {"co2": co2, "elnino": elnino}


def models() -> list[tuple[str, object]]:
    """The rows of each table: the baseline, then each model with each differencing."""
    rows: list[tuple[str, object]] = [("seasonal naive (12)", SeasonalNaive(SEASON))]
    for order in (12, 36):
        for label, kwargs in DIFFERENCING:
            rows.append(
                (f"FIRForecaster({order}{label})", FIRForecaster(order, **kwargs))
            )
    for label, kwargs in DIFFERENCING:
        rows.append(
            (
                f"SpectralForecaster(8, 256{label})",
                SpectralForecaster(n_filters=8, context=256, **kwargs),
            )
        )
    return rows


def main() -> None:
    """Print one markdown table per series."""
    for name, y in load().items():
        initial = int(TRAIN_FRACTION * len(y))
        print(
            f"\n{name}: {len(y)} samples, first fit on {initial}, horizon {HORIZON}\n"
        )
        print("| model | MAE 1..12 | MASE |\n|---|---:|---:|")
        for label, model in models():
            result = backtest(model, y, HORIZON, initial=initial)
            print(f"| {label} | {result.mae():.3f} | {result.mase():.3f} |")


if __name__ == "__main__":
    main()
