"""Labels as JSON settings of a checkpoint, and back, checked.

A model fitted on pandas data keeps its :class:`~ffstream.labels.pandas_labels.PandasLabels`
in its checkpoint, so that the loaded model labels its results as the saved one
did. Labels are stored as plain JSON: the time axis's kind, first and last label,
length, step, name, time zone or calendar, and the column names. Names that JSON
cannot hold exactly (tuples, timestamps, ...) cannot be stored: :func:`labels_to_settings`
then returns ``None`` and the caller says so.
"""

import math
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import Tick

from ffstream.labels.pandas_labels import PandasLabels
from ffstream.labels.time_axis import TimeAxis

#: The keys of stored labels.
_KEYS = {
    "kind",
    "first",
    "last",
    "length",
    "step",
    "name",
    "tz",
    "unit",
    "calendar",
    "columns",
    "columns_name",
    "series_name",
}


def labels_to_settings(labels: PandasLabels) -> dict[str, Any] | None:
    """``labels`` as JSON values, or ``None`` if a name cannot be stored exactly.

    Parameters
    ----------
    labels : PandasLabels
        The labels of a fitted model.

    Returns
    -------
    dict or None

    Examples
    --------
    >>> import pandas as pd
    >>> from ffstream.labels.pandas_labels import split_pandas
    >>> from ffstream.labels.stored_labels import labels_from_settings, labels_to_settings
    >>> y = pd.Series([1.0, 2.0, 3.0], pd.date_range("2024-01-01", periods=3), name="load")
    >>> stored = labels_to_settings(split_pandas(y, "y")[1])
    >>> stored["first"], stored["step"], stored["series_name"]
    ('2024-01-01T00:00:00', 'D', 'load')
    >>> labels_from_settings(stored, n_channels=1, flat=True).forecast([9.0])
    2024-01-04    9.0
    Freq: D, Name: load, dtype: float64
    """
    time = labels.time
    names = [time.name, labels.name]
    if labels.columns is not None:
        names += [labels.columns.name, *labels.columns]
    if not all(_storable_name(_plain(name)) for name in names):
        return None
    stored = {
        "kind": time.kind,
        "first": _label_to_json(time, time.first),
        "last": _label_to_json(time, time.last),
        "length": time.length,
        "step": time.freq,
        "name": _plain(time.name),
        "tz": str(time.first.tz) if time.kind == "datetime" and time.first.tz else None,
        "unit": time.first.unit if time.kind == "datetime" else None,
        "calendar": time.calendar,
        "columns": None
        if labels.columns is None
        else [_plain(c) for c in labels.columns],
        "columns_name": None if labels.columns is None else _plain(labels.columns.name),
        "series_name": _plain(labels.name),
    }
    # Steps and time zones without an exact text form (custom business days with
    # holidays, a DateOffset of months, a fixed-offset zone) do not come back.
    n_channels = 1 if labels.columns is None else len(labels.columns)
    try:
        restored = labels_from_settings(stored, n_channels, labels.columns is None)
        same = restored.time.after(3).equals(time.after(3))
    except ValueError:
        same = False
    return stored if same and restored.time.step == time.step else None


def labels_from_settings(
    stored: Any, n_channels: int, flat: bool, n_seen: int | None = None
) -> PandasLabels:
    """The labels stored by :func:`labels_to_settings`, checked against the model.

    Parameters
    ----------
    stored : Any
        The JSON value read from a checkpoint.
    n_channels : int
        The model's channels (the number of columns, or 1 for a Series).
    flat : bool
        Whether the model was fitted on a 1-D series (labels of a Series).
    n_seen : int, optional
        The model's samples, which the time axis must count.

    Returns
    -------
    PandasLabels

    Raises
    ------
    ValueError
        If ``stored`` is not stored labels or does not fit the model.
    """
    if not isinstance(stored, dict) or set(stored) != _KEYS:
        raise ValueError(f"setting 'labels' must be stored labels, got {stored!r}")
    kind, length = stored["kind"], stored["length"]
    if kind not in ("datetime", "period", "integer", "cftime"):
        raise ValueError(f"stored labels have an unknown kind {kind!r}")
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise ValueError(f"stored labels must count >= 1 samples, got {length!r}")
    if n_seen is not None and length != n_seen:
        raise ValueError(f"stored labels count {length} samples, the model {n_seen}")
    columns = stored["columns"]
    if flat != (columns is None):
        raise ValueError("stored labels of a Series belong to a 1-D model only")
    if columns is not None and (
        not isinstance(columns, list) or len(columns) != n_channels
    ):
        raise ValueError(
            f"stored labels must name {n_channels} column(s), got {columns!r}"
        )
    names = [stored["name"], stored["series_name"], stored["columns_name"]]
    if not all(_storable_name(name) for name in names + (columns or [])):
        raise ValueError("stored labels' names must be text, numbers or null")
    if columns is not None and len(set(columns)) != len(columns):
        raise ValueError(f"stored labels' columns must be unique, got {columns!r}")
    try:
        axis = _stored_axis(stored)
        _check_span(axis)
    except ValueError:
        raise
    except Exception as error:  # tampered values may fail anywhere in pandas or cftime
        raise ValueError(f"stored labels are not a time axis: {error!r}") from error
    index = None if columns is None else pd.Index(columns, name=stored["columns_name"])
    return PandasLabels(axis, index, stored["series_name"])


def _check_span(axis: TimeAxis) -> None:
    """Raise ``ValueError`` unless ``axis`` can span its length from first to last.

    Checked exactly where it is cheap (integer labels; fixed-length steps of
    naive times; periods), else only the order of the two labels: calendar steps
    would need all ``length`` labels.
    """
    step, first, last, span = axis.step, axis.first, axis.last, axis.length - 1
    if axis.kind == "integer":
        exact = first + span * step == last
    elif axis.kind == "period":
        exact = first + span * step.n == last
    elif axis.kind == "datetime" and isinstance(step, Tick) and first.tz is None:
        exact = first + span * step == last
    else:
        exact = first <= last if span else first == last
    if not exact:
        raise ValueError(
            f"stored labels' last label {last} does not follow from the first "
            f"{first} in {axis.length} samples of step {axis.freq!r}"
        )
    axis.after(1)  # the step applies to the labels


def _storable_name(name: Any) -> bool:
    """Whether JSON holds ``name`` exactly (and gives back the same type)."""
    if name is None or isinstance(name, str | bool | int):
        return True
    return isinstance(name, float) and math.isfinite(name)


def _plain(name: Any) -> Any:
    """A numpy scalar name (``np.int64(3)``, a DataFrame's integer column) as Python's."""
    return name.item() if isinstance(name, np.generic) else name


def _label_to_json(time: TimeAxis, label: Any) -> Any:
    if time.kind == "integer":
        return int(label)
    if time.kind == "period":
        return str(label)
    if time.kind == "datetime":
        # Aware times as UTC: local wall times repeat when the clocks go back.
        return (
            label.tz_convert("UTC").tz_localize(None).isoformat()
            if label.tz
            else label.isoformat()
        )
    return [
        label.year,
        label.month,
        label.day,
        label.hour,
        label.minute,
        label.second,
        label.microsecond,
    ]


def _stored_axis(stored: dict[str, Any]) -> TimeAxis:
    kind, step = stored["kind"], stored["step"]
    if kind == "integer":
        if not all(
            isinstance(stored[k], int) and not isinstance(stored[k], bool)
            for k in ("first", "last", "step")
        ):
            raise ValueError("integer labels and their step must be ints")
        if isinstance(step, bool) or step <= 0:
            raise ValueError(f"the step must be a positive int, got {step!r}")
        first, last = stored["first"], stored["last"]
    elif kind == "period":
        step = _positive_offset(step)
        first = pd.Period(stored["first"], freq=step)
        last = pd.Period(stored["last"], freq=step)
    elif kind == "datetime":
        step = _positive_offset(step)
        first, last = (
            _timestamp(stored[k], stored["tz"], stored["unit"])
            for k in ("first", "last")
        )
    else:
        import cftime

        if not isinstance(step, str) or not isinstance(stored["calendar"], str):
            raise ValueError("a cftime step and calendar must be text")
        first, last = (
            cftime.datetime(*stored[k], calendar=stored["calendar"])
            for k in ("first", "last")
        )
    return TimeAxis(
        kind=kind,
        first=first,
        last=last,
        length=stored["length"],
        step=step,
        name=stored["name"],
        calendar=stored["calendar"] if kind == "cftime" else None,
    )


def _positive_offset(text: Any) -> Any:
    if not isinstance(text, str):
        raise ValueError(f"a stored step must be text, got {text!r}")
    offset = to_offset(text)
    if offset.n <= 0:
        raise ValueError(f"the step must be positive, got {text!r}")
    return offset


def _timestamp(text: Any, tz: Any, unit: Any) -> pd.Timestamp:
    if not isinstance(text, str):
        raise ValueError(f"a stored time must be text, got {text!r}")
    stamp = pd.Timestamp(text).as_unit(unit)
    return stamp.tz_localize("UTC").tz_convert(tz) if tz else stamp
