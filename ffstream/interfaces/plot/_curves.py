"""What :func:`~ffstream.interfaces.plot.plot_forecast` draws, taken off its inputs.

A curve is one channel of values with, for a pandas or xarray input, its x
values (the index, or the coordinate of the one dimension); a plain array has
none and is placed by position. Intervals come in three forms (a ``(lower,
upper)`` pair or a ``{level: (lower, upper)}`` mapping, a pandas DataFrame
with ``("bound", "level")`` columns, an xarray Dataset with variables
``lower`` and ``upper``) and become a list of :class:`Bounds`. pandas and
xarray are never imported here: an object can only be one of theirs if its
library is already imported.
"""

import sys
import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np


class Curve(NamedTuple):
    """One channel of values and, if the input was labelled, its x values."""

    x: Any
    values: np.ndarray


class Bounds(NamedTuple):
    """The bounds of one interval, and its level (``None`` if not given)."""

    level: Any
    lower: np.ndarray
    upper: np.ndarray


def _library(name: str) -> Any:
    """The module ``name`` if it is imported, else ``None``."""
    return sys.modules.get(name)


def _is(value: Any, library: str, kind: str) -> bool:
    """Whether ``value`` is a ``library.kind`` (never importing ``library``)."""
    module = _library(library)
    return module is not None and isinstance(value, getattr(module, kind))


def _numbers(values: Any, name: str) -> np.ndarray:
    """``values`` as float64, or a ``TypeError`` naming the argument."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must hold real numbers: {error}") from error


def _one_channel_error(name: str, count: int, example: str) -> ValueError:
    return ValueError(
        f"{name} has {count} channels: plot_forecast draws one channel at a time; "
        f"select one, e.g. {example}"
    )


def _plottable(x: Any, name: str) -> Any:
    """Time labels matplotlib can draw: periods as their start times, cftime as datetimes.

    A cftime calendar with dates that real calendars lack (``360_day``'s 30
    February) cannot be converted: a ``ValueError`` says so.
    """
    if _is(x, "pandas", "PeriodIndex"):
        return x.to_timestamp()
    if _is(x, "xarray", "CFTimeIndex"):
        try:
            with warnings.catch_warnings():
                # Drawn as standard-calendar dates on purpose: only the axis differs.
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    return x.to_datetimeindex(time_unit="us")
                except TypeError:  # xarray before time_unit= (2025.1)
                    return x.to_datetimeindex()
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"{name} is labelled by a {x.calendar!r} cftime calendar, which "
                f"matplotlib cannot draw as dates ({error}): plot its values against "
                "positions, or install nc-time-axis"
            ) from error
    return x


def as_curve(value: Any, name: str) -> Curve:
    """One channel of ``value`` and its x values (``None`` for a plain array).

    A numpy array or sequence ``(n,)`` (or ``(n, 1)``), a pandas Series (or a
    DataFrame of one column) or an xarray DataArray of one dimension (or with
    a second one of size 1).

    Raises
    ------
    ValueError
        For several channels, no dimension or no sample.
    TypeError
        For anything else, or values that are not numbers.
    """
    if _is(value, "pandas", "DataFrame"):
        if value.shape[1] != 1:
            columns = list(value.columns)
            raise _one_channel_error(name, len(columns), f"{name}[{columns[0]!r}]")
        value = value.iloc[:, 0]
    if _is(value, "pandas", "Series"):
        curve = Curve(_plottable(value.index, name), _numbers(value.to_numpy(), name))
    elif _is(value, "xarray", "DataArray"):
        if value.ndim == 2 and value.shape[1] == 1:
            value = value.isel({value.dims[1]: 0}, drop=True)
        if value.ndim != 1:
            if value.ndim == 0:
                raise ValueError(f"{name} must have one dimension, got none")
            dim = value.dims[1]
            raise _one_channel_error(
                name, value.sizes[dim], f"{name}.isel({dim}=0) or {name}.sel({dim}=...)"
            )
        dim = value.dims[0]
        x = value.indexes[dim] if dim in value.indexes else value[dim].to_numpy()
        curve = Curve(_plottable(x, name), _numbers(value.values, name))
    elif _is(value, "xarray", "Dataset") or isinstance(value, (str, bytes, Mapping)):
        raise TypeError(
            f"{name} must be a 1-D array, a pandas Series or a 1-D xarray "
            f"DataArray, got {type(value).__name__}"
        )
    else:
        array = _numbers(value, name)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim == 2:
            raise _one_channel_error(name, array.shape[1], f"{name}[:, 0]")
        if array.ndim != 1:
            raise ValueError(
                f"{name} must be 1-D (one channel), got shape {array.shape}"
            )
        curve = Curve(None, array)
    if len(curve.values) == 0:
        raise ValueError(f"{name} must have at least one sample, got none")
    return curve


def _bound(value: Any, name: str, length: int) -> np.ndarray:
    """The values of one bound, checked to have ``length`` samples."""
    values = as_curve(value, name).values
    if len(values) != length:
        raise ValueError(
            f"{name} has {len(values)} samples but forecast has {length}: the "
            "interval must cover the steps of the forecast"
        )
    return values


def _pair(pair: Any, level: Any, length: int) -> Bounds:
    """A ``(lower, upper)`` pair as :class:`Bounds`."""
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        size = f" of length {len(pair)}" if isinstance(pair, (tuple, list)) else ""
        raise ValueError(
            f"interval must be a (lower, upper) pair, got a {type(pair).__name__}{size}"
        )
    lower, upper = pair
    return Bounds(
        level,
        _bound(lower, "interval lower bound", length),
        _bound(upper, "interval upper bound", length),
    )


def _frame_bounds(frame: Any, length: int) -> list[Bounds]:
    """The bands of a DataFrame with ``("bound", "level")`` (or ``lower``, ``upper``) columns."""
    pd = _library("pandas")
    columns = frame.columns
    if not isinstance(columns, pd.MultiIndex):
        if set(columns) == {"lower", "upper"}:
            return [_pair((frame["lower"], frame["upper"]), None, length)]
        raise ValueError(
            "interval as a DataFrame must have columns 'lower' and 'upper', or "
            "columns with levels named ('bound', 'level'), got columns "
            f"{list(columns)}"
        )
    names = list(columns.names)
    if "bound" not in names or "level" not in names:
        raise ValueError(
            f"interval's columns must have levels named ('bound', 'level'), got {names}"
        )
    for other in (n for n in names if n not in ("bound", "level")):
        values = list(columns.unique(level=other))
        if len(values) > 1:
            raise _one_channel_error(
                "interval",
                len(values),
                f"interval.xs({values[0]!r}, axis=1, level={other!r})",
            )
    bounds = columns.get_level_values("bound")
    levels = columns.get_level_values("level")
    if not {"lower", "upper"} <= set(bounds):
        raise ValueError(
            f"interval's 'bound' level must hold 'lower' and 'upper', got {set(bounds)}"
        )
    result = []
    for level in columns.unique(level="level"):
        pair = []
        for bound in ("lower", "upper"):
            selected = frame.loc[:, (bounds == bound) & (levels == level)]
            if selected.shape[1] != 1:
                raise ValueError(
                    f"interval must have one column {bound!r} of level {level!r}, "
                    f"got {selected.shape[1]}"
                )
            pair.append(selected.iloc[:, 0])
        result.append(_pair(tuple(pair), level, length))
    return result


def _dataset_bounds(dataset: Any, length: int) -> list[Bounds]:
    """The bands of a Dataset with variables ``lower`` and ``upper``."""
    missing = {"lower", "upper"} - set(dataset.data_vars)
    if missing:
        raise ValueError(
            "interval as an xarray Dataset must have variables 'lower' and "
            f"'upper', missing {sorted(missing)}"
        )
    if "level" in dataset.dims:
        return [
            _pair(
                (dataset["lower"].sel(level=level), dataset["upper"].sel(level=level)),
                level.item(),
                length,
            )
            for level in dataset["level"].values
        ]
    level = None
    if "level" in dataset.coords and dataset["level"].ndim == 0:
        level = dataset["level"].item()
    return [_pair((dataset["lower"], dataset["upper"]), level, length)]


def as_bounds(interval: Any, length: int) -> list[Bounds]:
    """The intervals of ``interval``, each with ``length`` samples per bound.

    Raises
    ------
    ValueError
        For bounds of another length than the forecast, several channels, or
        a DataFrame or Dataset without the expected columns or variables.
    TypeError
        For an ``interval`` of another type.
    """
    if interval is None:
        return []
    if _is(interval, "pandas", "DataFrame"):
        return _frame_bounds(interval, length)
    if _is(interval, "xarray", "Dataset"):
        return _dataset_bounds(interval, length)
    if isinstance(interval, Mapping):
        return [_pair(pair, level, length) for level, pair in interval.items()]
    if isinstance(interval, (tuple, list)):
        return [_pair(interval, None, length)]
    raise TypeError(
        "interval must be a (lower, upper) pair, a {level: (lower, upper)} dict, "
        "a pandas DataFrame with ('bound', 'level') columns or an xarray Dataset "
        f"with variables 'lower' and 'upper', got {type(interval).__name__}"
    )


def level_text(level: Any) -> str:
    """A level as a percentage: ``0.9`` -> ``"90%"``, ``0.975`` -> ``"97.5%"``, ``95`` -> ``"95%"``.

    Levels above 1 are taken to be percentages already; anything else is shown as text.
    """
    if isinstance(level, (int, float, np.integer, np.floating)) and not isinstance(
        level, bool
    ):
        percent = float(level) * 100 if 0 < level <= 1 else float(level)
        return f"{percent:.4g}%"
    return str(level)
