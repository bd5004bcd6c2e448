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

import sys
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
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
    >>> [str(label) for label in axis.after(2)]
    ['2024-01-03 00:00:00', '2024-01-03 01:00:00']
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

    def from_first(self, count: int) -> pd.Index:
        """The first ``count`` labels of the axis, counted from :attr:`first` by its step.

        Calendar steps are applied one after the other, as :func:`pandas.date_range`
        does (a monthly ``DateOffset`` from 31 January gives 29 February, then 29
        March; a daily step in a time zone keeps the wall time across a change of
        summer time), so this costs ``O(count)``.

        Parameters
        ----------
        count : int
            Number of labels, ``>= 0`` (may exceed :attr:`length`: the axis continues).

        Returns
        -------
        pandas.Index
            A DatetimeIndex, PeriodIndex, RangeIndex or CFTimeIndex named :attr:`name`.

        Examples
        --------
        >>> import pandas as pd
        >>> from ffstream.labels.time_axis import time_axis
        >>> axis = time_axis(pd.RangeIndex(10, 20, 2), "y")
        >>> list(axis.from_first(7))
        [10, 12, 14, 16, 18, 20, 22]
        """
        return self._count_from(self.first, count)

    def _count_from(self, start: Any, count: int) -> pd.Index:
        """``count`` labels from the label ``start`` (included) by the axis's step."""
        if self.kind == "integer":
            return pd.RangeIndex(
                start, start + count * self.step, self.step, name=self.name
            )
        if self.kind == "datetime":
            return pd.date_range(start, periods=count, freq=self.step, name=self.name)
        if self.kind == "period":
            return pd.period_range(start, periods=count, freq=self.step, name=self.name)
        import xarray as xr

        return xr.date_range(
            start,
            periods=count,
            freq=self.step,
            calendar=self.calendar,
            use_cftime=True,
            name=self.name,
        )

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
        # From the last label, so that the cost is O(horizon) however long the axis.
        return self._count_from(self.last, horizon + 1)[1:]

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
        if self.kind == "period" and index.freq != self.step:
            raise ValueError(
                f"the frequency {index.freqstr} of {argument} differs from the "
                f"history's {self.step.freqstr}"
            )
        if self.kind == "cftime" and index.calendar != self.calendar:
            raise ValueError(
                f"the calendar {index.calendar!r} of {argument} differs from the "
                f"history's {self.calendar!r}"
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
    if index.hasnans:
        missing = np.flatnonzero(index.isna())
        raise ValueError(
            f"{argument} has {len(missing)} missing time label(s) (NaT), the first at "
            f"position {missing[0]}: each sample needs its time"
        )
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
    expected = axis.from_first(len(index))
    position = _first_difference(index, expected)
    if position is not None:
        raise ValueError(
            f"the time labels of {argument} do not follow the step {axis.freq!r}"
            f"{' given as freq' if freq is not None else ''}: label {position} is "
            f"{index[position]}, expected {expected[position]}"
        )
    return axis


def _kind_of(index: Any) -> TimeKind | None:
    if isinstance(index, pd.DatetimeIndex):
        return "datetime"
    if isinstance(index, pd.PeriodIndex):
        return "period"
    # A CFTimeIndex exists only once xarray is imported: ffstream imports it lazily.
    xarray = sys.modules.get("xarray")
    if xarray is not None and isinstance(index, xarray.CFTimeIndex):
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
        freq = (
            _infer_freq(index)
            if kind == "datetime"
            else sys.modules["xarray"].infer_freq(index)
        )
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


def _infer_freq(index: pd.DatetimeIndex) -> Any:
    """:func:`pandas.infer_freq`, an offset or a string (or ``None``), without warnings.

    pandas 3 warns that it will return an offset instead of a string; opting in
    to that gives the same step either way (:func:`_offset` takes both).
    """
    if _FUTURE_INFER_FREQ in pd.options.future.__dir__():
        with pd.option_context(f"future.{_FUTURE_INFER_FREQ}", True):
            return pd.infer_freq(index)
    return pd.infer_freq(index)


#: pandas 3's option that makes infer_freq return an offset (and not warn).
_FUTURE_INFER_FREQ = "infer_freq_returns_offset"


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
