"""Regular time axes: checked once when data comes in, continued for forecasts and updates.

A :class:`TimeAxis` remembers what is needed to label the samples after a series
(its first and last label, its length and its step), not the labels themselves,
so a model fitted on 10**8 timestamps keeps a few numbers. Four kinds of index
are regular time axes:

* ``"datetime"``: a :class:`pandas.DatetimeIndex` (time zone kept) with a pandas
  frequency (its own ``freq``, the one :func:`pandas.infer_freq` finds, or the
  user's ``freq=``),
* ``"period"``: a :class:`pandas.PeriodIndex` (its frequency is part of it),
* ``"integer"``: an integer index (a :class:`pandas.RangeIndex` or integer labels
  with one constant step), continued by its step,
* ``"cftime"``: an :class:`xarray.CFTimeIndex` (climate calendars such as
  ``noleap`` or ``360_day``) with a frequency :func:`xarray.infer_freq` finds or
  the user gives.
"""

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr
from pandas.tseries.frequencies import to_offset

from ffstream.engine.validation import is_integer

TimeKind = Literal["datetime", "period", "integer", "cftime"]

#: What a time axis may be, for error messages.
_EXPECTED = (
    "a pandas DatetimeIndex, PeriodIndex or integer index (e.g. a RangeIndex), "
    "or an xarray CFTimeIndex"
)


@dataclass(frozen=True)
class TimeAxis:
    """A regular, increasing time axis of ``length`` labels from ``first`` to ``last``.

    Make one with :func:`time_axis`; use :meth:`after` for the labels of a
    forecast and :meth:`continued_by` to check the labels of new samples.

    Attributes
    ----------
    kind : {"datetime", "period", "integer", "cftime"}
        What the labels are.
    first, last : Any
        The first and last labels (a Timestamp, Period, int or cftime datetime).
    length : int
        Number of labels.
    step : Any
        The step between labels: a pandas offset (``datetime``, ``period``), an
        int (``integer``) or a frequency string (``cftime``).
    name : Hashable
        The index's name (kept on every index this axis makes).
    calendar : str or None
        The cftime calendar (``"cftime"`` only).

    Examples
    --------
    >>> import pandas as pd
    >>> from ffstream.labels.time_axis import time_axis
    >>> axis = time_axis(pd.date_range("2024-01-01", periods=48, freq="h"), "y")
    >>> axis.kind, axis.length, axis.freq
    ('datetime', 48, 'h')
    >>> axis.after(2)
    DatetimeIndex(['2024-01-03 00:00:00', '2024-01-03 01:00:00'], dtype='datetime64[ns]', freq='h')
    """

    kind: TimeKind
    first: Any
    last: Any
    length: int
    step: Any
    name: Hashable = None
    calendar: str | None = None

    @property
    def freq(self) -> str | int:
        """The step as users write it: a frequency string, or the integer step."""
        if self.kind in ("datetime", "period"):
            return self.step.freqstr
        return self.step

    def labels(self, start: int, count: int) -> pd.Index:
        """The labels of positions ``start .. start + count - 1`` (0 is :attr:`first`).

        Parameters
        ----------
        start : int
            Position of the first label, counted from :attr:`first` (may be
            ``>= length``: positions after the axis continue it).
        count : int
            Number of labels, ``>= 0``.

        Returns
        -------
        pandas.Index
            A DatetimeIndex, PeriodIndex, RangeIndex or CFTimeIndex named :attr:`name`.

        Examples
        --------
        >>> import pandas as pd
        >>> from ffstream.labels.time_axis import time_axis
        >>> axis = time_axis(pd.RangeIndex(10, 20, 2), "y")
        >>> list(axis.labels(3, 4))
        [16, 18, 20, 22]
        """
        if self.kind == "integer":
            begin = self.first + start * self.step
            return pd.RangeIndex(
                begin, begin + count * self.step, self.step, name=self.name
            )
        if self.kind == "datetime":
            begin = self.first + start * self.step
            return pd.date_range(begin, periods=count, freq=self.step, name=self.name)
        if self.kind == "period":
            begin = self.first + start
            return pd.period_range(begin, periods=count, freq=self.step, name=self.name)
        # cftime offsets are calendar arithmetic: count from the first label.
        index = xr.date_range(
            self.first,
            periods=start + count,
            freq=self.step,
            calendar=self.calendar,
            use_cftime=True,
            name=self.name,
        )
        return index[start:]

    def after(self, horizon: int) -> pd.Index:
        """The ``horizon`` labels that follow :attr:`last`.

        Parameters
        ----------
        horizon : int
            Number of labels, ``>= 0``.

        Returns
        -------
        pandas.Index
            The continued index (the same kind, name, time zone and calendar).

        Examples
        --------
        A monthly axis of a ``noleap`` calendar continues into the next year:

        >>> import xarray as xr
        >>> from ffstream.labels.time_axis import time_axis
        >>> months = xr.date_range(
        ...     "2000-01-01", periods=12, freq="MS", calendar="noleap", use_cftime=True
        ... )
        >>> axis = time_axis(months, "obj")
        >>> [str(t) for t in axis.after(2)]
        ['2001-01-01 00:00:00', '2001-02-01 00:00:00']
        """
        if self.kind == "cftime":
            # Counting from the last label keeps the calendar arithmetic short.
            index = xr.date_range(
                self.last,
                periods=horizon + 1,
                freq=self.step,
                calendar=self.calendar,
                use_cftime=True,
                name=self.name,
            )
            return index[1:]
        if self.kind == "integer":
            return self.labels(self.length, horizon)
        if self.kind == "period":
            return pd.period_range(
                self.last + 1, periods=horizon, freq=self.step, name=self.name
            )
        return pd.date_range(
            self.last + self.step, periods=horizon, freq=self.step, name=self.name
        )

    def continued_by(self, index: Any, argument: str) -> "TimeAxis":
        """Check that ``index`` labels the samples right after this axis; return the longer axis.

        Parameters
        ----------
        index : pandas.Index
            The labels of new samples.
        argument : str
            What the labels belong to, for error messages (e.g. ``"y_new"``).

        Returns
        -------
        TimeAxis
            This axis extended by ``len(index)`` labels.

        Raises
        ------
        ValueError
            If ``index`` leaves a gap, overlaps the axis, or does not follow its step.
        TypeError
            If ``index`` is not the same kind of time index.

        Examples
        --------
        >>> import pandas as pd
        >>> from ffstream.labels.time_axis import time_axis
        >>> axis = time_axis(pd.date_range("2024-01-01", periods=3, freq="D"), "y")
        >>> axis.continued_by(pd.date_range("2024-01-04", periods=2, freq="D"), "y_new").length
        5
        >>> late = pd.date_range("2024-01-06", periods=2, freq="D")
        >>> axis.continued_by(late, "y_new")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: y_new must continue the history: its first label is 2024-01-06 ... (a gap)
        """
        if len(index) == 0:
            return self
        if _kind_of(index) != self.kind:
            raise TypeError(
                f"the index of {argument} must be {_describe_kind(self.kind)} like the "
                f"history's, got {type(index).__name__}"
            )
        if self.kind == "datetime" and str(index.tz) != str(self.first.tz):
            raise ValueError(
                f"the time zone {index.tz or '(none)'} of {argument} differs from the "
                f"history's {self.first.tz or '(none)'}: convert or localize it first"
            )
        expected = self.after(len(index))
        if not _same_labels(index, expected):
            first, wanted = index[0], expected[0]
            if first != wanted:
                where = "an overlap" if _not_after(first, self.last) else "a gap"
                raise ValueError(
                    f"{argument} must continue the history: its first label is "
                    f"{first}, but the sample after the last one ({self.last}) is at "
                    f"{wanted} ({where})"
                )
            position = _first_difference(index, expected)
            raise ValueError(
                f"the labels of {argument} must follow the history's step {self.freq!r}: "
                f"label {position} is {index[position]}, expected {expected[position]}"
            )
        return replace(self, last=index[-1], length=self.length + len(index))


def time_axis(index: Any, argument: str, freq: Any = None) -> TimeAxis:
    """Check that ``index`` is a regular, increasing time axis and describe it.

    Parameters
    ----------
    index : pandas.Index
        The time labels of a series.
    argument : str
        What the labels belong to, for error messages (e.g. ``"y"``).
    freq : str, pandas offset, int or None
        The step between labels when it cannot be inferred (or to check it): a
        pandas frequency such as ``"D"``, ``"30min"`` or ``"MS"`` for datetime
        and cftime labels, a positive int for integer labels. ``None`` infers it.

    Returns
    -------
    TimeAxis

    Raises
    ------
    ValueError
        If the labels are empty, duplicated, not increasing, irregular, or do
        not follow ``freq``; the message names ``freq`` when it would help.
    TypeError
        If ``index`` is not a time index (see the module's list) or ``freq``
        is of the wrong type.

    Examples
    --------
    >>> import pandas as pd
    >>> from ffstream.labels.time_axis import time_axis
    >>> time_axis(pd.period_range("2020-01", periods=24, freq="M"), "y").after(1)
    PeriodIndex(['2022-01'], dtype='period[M]')
    >>> gappy = pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-04"])
    >>> time_axis(gappy, "y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the time labels of y have irregular steps (...): pass freq= with the frequency ...
    """
    kind = _kind_of(index)
    if kind is None:
        raise TypeError(
            f"{argument} must be labelled by time: {_EXPECTED}; got "
            f"{type(index).__name__} of dtype {getattr(index, 'dtype', None)}"
        )
    if len(index) == 0:
        raise ValueError(f"{argument} has no samples")
    _check_increasing(index, argument)
    step = _step(index, kind, argument, freq)
    axis = TimeAxis(
        kind=kind,
        first=index[0],
        last=index[-1],
        length=len(index),
        step=step,
        name=index.name,
        calendar=getattr(index, "calendar", None) if kind == "cftime" else None,
    )
    position = _first_difference(index, axis.labels(0, len(index)))
    if position is not None:
        raise ValueError(
            f"the time labels of {argument} do not follow the step {axis.freq!r}"
            f"{' given as freq' if freq is not None else ''}: label {position} is "
            f"{index[position]}, expected {axis.labels(position, 1)[0]}"
        )
    return axis


def _kind_of(index: Any) -> TimeKind | None:
    if isinstance(index, pd.DatetimeIndex):
        return "datetime"
    if isinstance(index, pd.PeriodIndex):
        return "period"
    if isinstance(index, xr.CFTimeIndex):
        return "cftime"
    if isinstance(index, pd.Index) and index.dtype.kind in "iu":
        return "integer"
    return None


def _describe_kind(kind: TimeKind) -> str:
    return {
        "datetime": "a DatetimeIndex",
        "period": "a PeriodIndex",
        "integer": "an integer index",
        "cftime": "a CFTimeIndex",
    }[kind]


def _check_increasing(index: pd.Index, argument: str) -> None:
    if index.is_monotonic_increasing and index.is_unique:
        return
    if index.has_duplicates:
        duplicated = index[index.duplicated()]
        raise ValueError(
            f"{argument} has {len(duplicated)} duplicate time label(s), the first "
            f"{duplicated[0]}: each sample needs its own time"
        )
    values = np.asarray(index)
    position = int(np.flatnonzero(values[1:] < values[:-1])[0]) + 1
    raise ValueError(
        f"the time labels of {argument} must increase, but label {position} "
        f"({index[position]}) comes before label {position - 1} ({index[position - 1]}): "
        "sort the data by time first (e.g. y.sort_index() or obj.sortby(dim))"
    )


def _step(index: pd.Index, kind: TimeKind, argument: str, freq: Any) -> Any:
    """The axis's step: ``freq`` checked, or inferred from ``index``."""
    if kind == "integer":
        return _integer_step(index, argument, freq)
    if kind == "period":
        if freq is not None and _offset(freq) != index.freq:
            raise ValueError(
                f"freq={freq!r} differs from the frequency {index.freqstr!r} of "
                f"the PeriodIndex of {argument}"
            )
        return index.freq
    if freq is None:
        freq = index.freq if kind == "datetime" else None
    if freq is None and len(index) >= 3:
        freq = pd.infer_freq(index) if kind == "datetime" else xr.infer_freq(index)
    if freq is None:
        shown = ", ".join(str(label) for label in index[:3])
        reason = (
            "too few to infer their step"
            if len(index) < 3
            else f"have irregular steps ({shown}, ...)"
        )
        raise ValueError(
            f"the time labels of {argument} {reason}: pass freq= with the frequency they "
            'follow, e.g. freq="D" or freq="30min", or resample the data to a regular step'
        )
    offset = _offset(freq)
    return offset if kind == "datetime" else offset.freqstr


def _integer_step(index: pd.Index, argument: str, freq: Any) -> int:
    if freq is not None and not (is_integer(freq) and freq > 0):
        raise TypeError(
            f"freq must be a positive int for the integer labels of {argument}, got {freq!r}"
        )
    if isinstance(index, pd.RangeIndex):
        step = index.step
    elif len(index) >= 2:
        step = int(index[1] - index[0])
    elif freq is None:
        raise ValueError(
            f"{argument} has a single integer label: pass freq= with the step of "
            "its labels (e.g. freq=1)"
        )
    else:
        step = int(freq)
    if freq is not None and len(index) >= 2 and int(freq) != step:
        raise ValueError(
            f"freq={freq} differs from the step {step} of the labels of {argument}"
        )
    return step


def _offset(freq: Any) -> Any:
    try:
        return to_offset(freq)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"freq must be a pandas frequency such as 'D', 'h', '30min' or 'MS', "
            f"got {freq!r}"
        ) from error


def _same_labels(index: pd.Index, expected: pd.Index) -> bool:
    return _first_difference(index, expected) is None


def _first_difference(index: pd.Index, expected: pd.Index) -> int | None:
    """Position of the first label of ``index`` that differs from ``expected``."""
    if len(index) != len(expected):
        return min(len(index), len(expected))
    if isinstance(index, pd.DatetimeIndex) and isinstance(expected, pd.DatetimeIndex):
        if (index.tz is None) != (expected.tz is None):
            return 0
        left, right = index.asi8, expected.as_unit(index.unit).asi8
    else:
        left, right = np.asarray(index), np.asarray(expected)
    differs = np.flatnonzero(left != right)
    return int(differs[0]) if len(differs) else None


def _not_after(label: Any, last: Any) -> bool:
    return bool(label <= last)
