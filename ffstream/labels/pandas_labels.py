"""pandas in, pandas out: the labels of a Series or DataFrame, kept apart from its values.

A forecaster fitted on a :class:`pandas.Series` or :class:`pandas.DataFrame`
keeps a :class:`PandasLabels`: its regular time axis (:mod:`ffstream.labels.time_axis`),
its column names (or the Series' name). The model itself works on the float64
values; its results are labelled again on the way out
(:meth:`PandasLabels.forecast`, :meth:`PandasLabels.paths`,
:meth:`PandasLabels.interval`), and labelled updates are checked to continue
the history (:meth:`PandasLabels.continued_by`).
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ffstream.labels.time_axis import TimeAxis, time_axis


@dataclass(frozen=True, eq=False)
class PandasLabels:
    """The labels of the series a model was fitted on.

    Attributes
    ----------
    time : TimeAxis
        The time axis, continued by every update.
    columns : pandas.Index or None
        The DataFrame's columns (the channels, in order); ``None`` for a Series.
    name : Hashable
        The Series' name (``None`` for a DataFrame, or an unnamed Series).

    Examples
    --------
    >>> import pandas as pd
    >>> from ffstream.labels.pandas_labels import split_pandas
    >>> y = pd.Series([1.0, 2.0, 3.0], pd.date_range("2024-01-01", periods=3), name="load")
    >>> values, labels = split_pandas(y, "y")
    >>> values
    array([1., 2., 3.])
    >>> labels.forecast(values[:2])
    2024-01-04    1.0
    2024-01-05    2.0
    Freq: D, Name: load, dtype: float64
    """

    time: TimeAxis
    columns: pd.Index | None
    name: Hashable = None

    def advanced(self, n_samples: int) -> "PandasLabels":
        """The labels after ``n_samples`` unlabelled samples at the axis's step.

        Parameters
        ----------
        n_samples : int
            Samples appended (e.g. a numpy chunk given to ``update``).

        Returns
        -------
        PandasLabels
        """
        if n_samples == 0:
            return self
        last = self.time.after(n_samples)[-1]
        time = replace(self.time, last=last, length=self.time.length + n_samples)
        return replace(self, time=time)

    def continued_by(self, y_new: Any, argument: str) -> "PandasLabels":
        """Check that the pandas object ``y_new`` continues the history; return the new labels.

        Parameters
        ----------
        y_new : pandas.Series or pandas.DataFrame
            New samples: the same kind of object as the history, with the same
            columns in the same order, whose index continues the time axis.
        argument : str
            Its name, for error messages.

        Returns
        -------
        PandasLabels

        Raises
        ------
        TypeError
            If ``y_new`` is a Series for a DataFrame history or the other way round,
            or its index is another kind of time index.
        ValueError
            If its columns differ (the message says which) or its index leaves a
            gap, overlaps the history or changes the step.

        Examples
        --------
        >>> import pandas as pd
        >>> from ffstream.labels.pandas_labels import split_pandas
        >>> history = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=[0, 1])
        >>> _, labels = split_pandas(history, "y")
        >>> swapped = history[["b", "a"]].set_axis([2, 3])
        >>> labels.continued_by(swapped, "y_new")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: y_new's columns are in another order: ['b', 'a'], expected ['a', 'b'] ...
        """
        if self.columns is None:
            if not isinstance(y_new, pd.Series):
                raise TypeError(
                    f"{argument} must be a pandas Series like the history the model "
                    f"was fitted on, got {type(y_new).__name__}"
                )
            if (
                y_new.name is not None
                and self.name is not None
                and y_new.name != self.name
            ):
                raise ValueError(
                    f"{argument} is named {y_new.name!r}, but the history is {self.name!r}"
                )
        else:
            if not isinstance(y_new, pd.DataFrame):
                raise TypeError(
                    f"{argument} must be a pandas DataFrame with the columns "
                    f"{list(self.columns)} like the history, got {type(y_new).__name__}"
                )
            _check_columns(y_new.columns, self.columns, argument)
        time = self.time.continued_by(y_new.index, argument)
        return replace(self, time=time)

    def forecast(self, values: np.ndarray) -> pd.Series | pd.DataFrame:
        """Label a forecast ``(horizon,)`` or ``(horizon, d)`` with the next times.

        Parameters
        ----------
        values : numpy.ndarray
            The model's forecast, in its numpy layout.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            Indexed by the ``horizon`` times after the history, named or with
            columns as the history.
        """
        index = self.time.after(len(values))
        if self.columns is None:
            return pd.Series(values, index=index, name=self.name)
        return pd.DataFrame(values, index=index, columns=self.columns)

    def paths(self, paths: np.ndarray) -> pd.DataFrame:
        """Label sample paths ``(n_paths, horizon)`` or ``(n_paths, horizon, d)``.

        Parameters
        ----------
        paths : numpy.ndarray
            The model's sample paths, in its numpy layout.

        Returns
        -------
        pandas.DataFrame
            Indexed by the next times. One column per path (named ``path``, 0 to
            ``n_paths - 1``) for a Series history; for a DataFrame history the
            columns are a MultiIndex ``(path, channel)``.
        """
        n_paths, horizon = paths.shape[:2]
        index = self.time.after(horizon)
        path_numbers = pd.RangeIndex(n_paths, name="path")
        if self.columns is None:
            return pd.DataFrame(paths.T, index=index, columns=path_numbers)
        columns = pd.MultiIndex.from_product(
            [path_numbers, self.columns], names=["path", self._channel_name()]
        )
        values = paths.transpose(1, 0, 2).reshape(horizon, -1)
        return pd.DataFrame(values, index=index, columns=columns)

    def interval(
        self, levels: Sequence[float], lower: np.ndarray, upper: np.ndarray
    ) -> pd.DataFrame:
        """Label interval bounds ``(n_levels, horizon[, d])`` as one DataFrame.

        Parameters
        ----------
        levels : sequence of float
            The coverages, in the order of the bounds' first axis.
        lower, upper : numpy.ndarray
            ``(n_levels, horizon)`` or ``(n_levels, horizon, d)`` bounds.

        Returns
        -------
        pandas.DataFrame
            Indexed by the next times; columns are a MultiIndex ``(bound, level)``
            for a Series history (``interval["lower", 0.8]``), and
            ``(bound, level, channel)`` for a DataFrame history.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from ffstream.labels.pandas_labels import split_pandas
        >>> _, labels = split_pandas(pd.Series([1.0, 2.0, 3.0]), "y")
        >>> frame = labels.interval([0.8], np.zeros((1, 2)), np.ones((1, 2)))
        >>> frame
        bound lower upper
        level   0.8   0.8
        3       0.0   1.0
        4       0.0   1.0
        """
        horizon = lower.shape[1]
        bounds = np.stack([lower, upper])  # (2, n_levels, horizon[, d])
        index = self.time.after(horizon)
        keys: list[Any] = [["lower", "upper"], list(levels)]
        names = ["bound", "level"]
        if self.columns is not None:
            keys.append(self.columns)
            names.append(self._channel_name())
        columns = pd.MultiIndex.from_product(keys, names=names)
        values = np.moveaxis(bounds, 2, 0).reshape(horizon, -1)
        return pd.DataFrame(values, index=index, columns=columns)

    def _channel_name(self) -> Hashable:
        return self.columns.name if self.columns.name is not None else "channel"


def split_pandas(
    y: Any, argument: str, freq: Any = None
) -> tuple[Any, PandasLabels | None]:
    """Split a pandas object into its values and labels; anything else passes through.

    Parameters
    ----------
    y : Any
        A :class:`pandas.Series` or :class:`pandas.DataFrame` indexed by time, or
        anything else (returned as it is, with ``None`` labels).
    argument : str
        Its name, for error messages.
    freq : str, pandas offset, int or None
        The time step, when it cannot be inferred from the index (see
        :func:`~ffstream.labels.time_axis.time_axis`). Only for pandas input.

    Returns
    -------
    values : Any
        The float values (``(T,)`` for a Series, ``(T, d)`` for a DataFrame), or ``y``.
    labels : PandasLabels or None

    Raises
    ------
    ValueError
        If the values hold NaN or infinity (the message says how many and the
        first label), the columns are duplicated, the time index is not regular
        and increasing, or ``freq`` is given with data that is not pandas.
    TypeError
        If the index is not a time index, or the columns hold non-numbers.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from ffstream.labels.pandas_labels import split_pandas
    >>> split_pandas(np.ones(2), "y")
    (array([1., 1.]), None)
    >>> y = pd.Series([1.0, np.nan, np.nan], index=pd.date_range("2024-01-01", periods=3))
    >>> split_pandas(y, "y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y holds 2 NaN or infinite values, the first at 2024-01-02 00:00:00: ...
    """
    if not isinstance(y, pd.Series | pd.DataFrame):
        if freq is not None:
            raise ValueError(
                f"freq is for pandas data (a Series or DataFrame indexed by time); "
                f"{argument} is {type(y).__name__}"
            )
        return y, None
    if isinstance(y, pd.DataFrame) and not y.columns.is_unique:
        duplicated = list(y.columns[y.columns.duplicated()])
        raise ValueError(f"{argument}'s columns must be unique, {duplicated} repeat")
    values = _numeric_values(y, argument)
    _check_finite(y, values, argument)
    time = time_axis(y.index, argument, freq)
    if isinstance(y, pd.Series):
        return values, PandasLabels(time, None, y.name)
    return values, PandasLabels(time, y.columns.copy(), None)


def _numeric_values(y: pd.Series | pd.DataFrame, argument: str) -> np.ndarray:
    dtypes = [y.dtype] if isinstance(y, pd.Series) else list(y.dtypes)
    for position, dtype in enumerate(dtypes):
        if not (pd.api.types.is_numeric_dtype(dtype) and dtype.kind in "iuf"):
            where = (
                "" if isinstance(y, pd.Series) else f" column {y.columns[position]!r}"
            )
            raise TypeError(
                f"{argument}{where} must hold real numbers (integer or floating), "
                f"got dtype {dtype}"
            )
    return y.to_numpy(dtype=np.float64, na_value=np.nan)


def _check_finite(
    y: pd.Series | pd.DataFrame, values: np.ndarray, argument: str
) -> None:
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    count = int(bad.sum())
    first = np.argwhere(bad.reshape(len(values), -1))[0]
    where = f"{y.index[first[0]]}"
    if isinstance(y, pd.DataFrame):
        where += f" in column {y.columns[first[1]]!r}"
    raise ValueError(
        f"{argument} holds {count} NaN or infinite values, the first at {where}: fill "
        f"or drop them first (e.g. {argument}.interpolate() or {argument}.dropna() on "
        "a regular index)"
    )


def _check_columns(columns: pd.Index, expected: pd.Index, argument: str) -> None:
    if columns.equals(expected):
        return
    missing = [c for c in expected if c not in columns]
    extra = [c for c in columns if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise ValueError(
            f"{argument}'s columns differ from the history's {list(expected)}: "
            + ", ".join(parts)
        )
    raise ValueError(
        f"{argument}'s columns are in another order: {list(columns)}, expected "
        f"{list(expected)} (reorder them with {argument}[{list(expected)}])"
    )
