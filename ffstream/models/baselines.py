"""Naive baseline forecasters with the ffstream forecasters' interface.

:class:`LastValue` and :class:`SeasonalNaive` have the ``fit`` / ``update`` /
``forecast`` interface of :class:`ffstream.FIRForecaster`, so that they can be
backtested the same way.
"""

from typing import Any

import numpy as np

from ffstream.engine.checkpoint import (
    Checkpoint,
    Checkpointable,
    stored_array,
    stored_setting,
)
from ffstream.engine.html_table import html_table
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_series,
    drop_channel_axis,
)
from ffstream.labels.pandas_labels import PandasLabels, split_pandas
from ffstream.models._base import NotFittedError
from ffstream.models._labelled import (
    advance,
    label_rows,
    restored_labels,
    split_update,
    stored_labels,
)

__all__ = ["LastValue", "SeasonalNaive"]


class SeasonalNaive(Checkpointable):
    """Seasonal naive forecaster: every step ahead repeats the value one season earlier.

    After ``T`` samples, the forecast of ``y[T + h]`` (``h >= 0``) is
    ``y[T - season + (h mod season)]``; with ``season=1`` this is the last-value
    (random walk) forecast. The model keeps only the last
    ``season`` samples, so ``update`` costs ``O(season + n)`` for ``n`` samples.

    Parameters
    ----------
    season : int
        Season length, ``>= 1`` (``12`` for monthly data with a yearly cycle).

    Examples
    --------
    >>> from ffstream.models.baselines import SeasonalNaive
    >>> SeasonalNaive(3).fit([1.0, 2.0, 3.0, 4.0, 5.0]).forecast(4)
    array([3., 4., 5., 3.])
    """

    _name = "SeasonalNaive"
    checkpoint_kind = "SeasonalNaive"

    def __init__(self, season: int) -> None:
        self.season = as_count(season, "season", 1)
        self._recent: np.ndarray | None = None
        self._flat = False
        self._n_seen = 0
        self._labels: PandasLabels | None = None

    @property
    def n_seen(self) -> int:
        """Samples ingested by :meth:`fit` and :meth:`update`."""
        self._fitted()
        return self._n_seen

    def _fitted(self) -> np.ndarray:
        if self._recent is None:
            raise NotFittedError(
                f"this {self._name} is not fitted yet: call fit(y) first"
            )
        return self._recent

    def _settings(self) -> dict:
        return {"season": self.season}

    def _to_checkpoint(self) -> Checkpoint:
        settings = {"parameters": self._settings(), "fitted": self._recent is not None}
        if self._recent is None:
            return Checkpoint(self.checkpoint_kind, settings)
        settings.update(
            flat=self._flat, n_seen=self._n_seen, labels=stored_labels(self._labels)
        )
        return Checkpoint(self.checkpoint_kind, settings, {"recent": self._recent})

    @classmethod
    def _from_checkpoint(cls, checkpoint: Checkpoint) -> "SeasonalNaive":
        model = cls(**stored_setting(checkpoint, "parameters", dict))
        if not stored_setting(checkpoint, "fitted", bool):
            return model
        recent = checkpoint.arrays.get("recent")
        d = recent.shape[-1] if recent is not None and recent.ndim == 2 else 1
        recent = stored_array(checkpoint, "recent", (model.season, d))
        flat = stored_setting(checkpoint, "flat", bool)
        n_seen = stored_setting(checkpoint, "n_seen", int)
        if (flat and d != 1) or d < 1 or n_seen < model.season:
            raise ValueError(
                f"{d} channel(s), flat={flat} and n_seen={n_seen} do not fit "
                f"season={model.season}"
            )
        labels = restored_labels(checkpoint.settings.get("labels"), d, flat, n_seen)
        model._recent, model._flat, model._n_seen = recent, flat, n_seen
        model._labels = labels
        return model

    def fit(self, y: Any, freq: Any = None) -> "SeasonalNaive":
        """Remember the last ``season`` samples of ``y``.

        Parameters
        ----------
        y : array_like, pandas.Series or pandas.DataFrame
            ``(T,)`` or ``(T, d)`` finite real samples, ``T >= season``; pandas
            data indexed by time gives pandas forecasts, as for
            :meth:`ffstream.FIRForecaster.fit`.
        freq : str, pandas offset, int or None
            The time step of a pandas ``y`` whose index has none (see
            :meth:`ffstream.FIRForecaster.fit`).

        Returns
        -------
        SeasonalNaive
            ``self``.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream import SeasonalNaive
        >>> model = SeasonalNaive(2).fit(np.arange(6.0).reshape(3, 2))
        >>> model.n_seen
        3
        >>> model.forecast(3)
        array([[2., 3.],
               [4., 5.],
               [2., 3.]])
        >>> SeasonalNaive(4).fit([1.0, 2.0])
        Traceback (most recent call last):
        ...
        ValueError: y must have at least season=4 samples for this SeasonalNaive, got 2
        """
        values, labels = split_pandas(y, "y", freq)
        series = as_series(values, "y")
        if len(series) < self.season:
            raise ValueError(
                f"y must have at least season={self.season} samples for this "
                f"{self._name}, got {len(series)}"
            )
        self._flat = np.ndim(values) == 1
        self._recent = series[-self.season :].copy()
        self._n_seen = len(series)
        self._labels = labels
        return self

    def update(self, y_new: Any, learn: bool = False) -> "SeasonalNaive":
        """Append samples to the history.

        Parameters
        ----------
        y_new : array_like, pandas.Series or pandas.DataFrame
            One sample (a scalar, or ``(d,)``) or a chunk ``(n,)`` / ``(n, d)``;
            pandas data must continue a pandas history (see
            :meth:`ffstream.FIRForecaster.update`).
        learn : bool, default False
            Ignored: the model has no parameters to learn.

        Returns
        -------
        SeasonalNaive
            ``self``.

        Examples
        --------
        >>> from ffstream import SeasonalNaive
        >>> model = SeasonalNaive(3).fit([1.0, 2.0, 3.0])
        >>> model.update(4.0).forecast(3)
        array([2., 3., 4.])
        >>> model.update([5.0, 6.0]).forecast(3)
        array([4., 5., 6.])
        >>> model.n_seen
        6
        """
        as_flag(learn, "learn")
        recent = self._fitted()
        values, labels = split_update(self._labels, y_new)
        chunk = as_series(values, "y_new", recent.shape[1])
        self._recent = np.concatenate([recent, chunk])[-self.season :]
        self._n_seen += len(chunk)
        self._labels = advance(labels, y_new, len(chunk))
        return self

    def forecast(self, horizon: int, method: str = "continuous") -> np.ndarray:
        """Repeat the last season forward, leaving the model unchanged.

        Parameters
        ----------
        horizon : int
            Steps ahead, ``>= 1``.
        method : str, default "continuous"
            Ignored (accepted for compatibility with the ffstream forecasters).

        Returns
        -------
        numpy.ndarray, pandas.Series or pandas.DataFrame
            ``(horizon,)`` for a model fitted on a 1-D series, else ``(horizon, d)``;
            labelled by the next times for a model fitted on pandas data.

        Examples
        --------
        >>> from ffstream import SeasonalNaive
        >>> model = SeasonalNaive(2).fit([1.0, 2.0, 3.0, 4.0])
        >>> model.forecast(5)
        array([3., 4., 3., 4., 3.])
        >>> model.n_seen
        4
        """
        horizon = as_count(horizon, "horizon", 1)
        recent = self._fitted()
        values = drop_channel_axis(recent[np.arange(horizon) % self.season], self._flat)
        return values if self._labels is None else self._labels.forecast(values)

    def __repr__(self) -> str:
        state = "not fitted" if self._recent is None else f"n_seen={self._n_seen}"
        return f"{self._name}(season={self.season}, {state})"

    def _summary_rows(self) -> list[tuple[str, Any]]:
        """The ``(name, value)`` rows of :meth:`_repr_html_`: settings, then the history."""
        rows: list[tuple[str, Any]] = list(self._settings().items())
        if self._recent is None:
            return [*rows, ("fitted", "no")]
        return [
            *rows,
            ("fitted", "yes"),
            ("channels", self._recent.shape[1]),
            ("samples seen", self._n_seen),
            *label_rows(self._labels),
            ("last values", self._recent[-1]),
        ]

    def _repr_html_(self) -> str:
        """An HTML table of the model's settings and history (for Jupyter).

        Returns
        -------
        str
            A two-column ``<table>`` titled with the class name: the season (none
            for :class:`LastValue`), whether the model is fitted and, if it is,
            its channels, samples seen and the last sample (at most four
            channels shown, then ``"..."``).

        Examples
        --------
        >>> from ffstream import SeasonalNaive
        >>> model = SeasonalNaive(2).fit([1.0, 2.0, 3.0])
        >>> "<table" in model._repr_html_()
        True
        >>> print([row for row in model._repr_html_().splitlines() if "last" in row][0])
        ... # doctest: +ELLIPSIS
        <tr><th ...>last values</th><td ...>3</td></tr>
        """
        return html_table(type(self).__name__, self._summary_rows())


class LastValue(SeasonalNaive):
    """Last-value (random walk, persistence) forecaster: every step repeats the last sample.

    :class:`SeasonalNaive` with ``season=1``.

    Examples
    --------
    >>> from ffstream.models.baselines import LastValue
    >>> LastValue().fit([1.0, 2.0, 3.0]).forecast(2)
    array([3., 3.])
    """

    _name = "LastValue"
    checkpoint_kind = "LastValue"

    def __init__(self) -> None:
        super().__init__(season=1)

    def _settings(self) -> dict:
        return {}

    def __repr__(self) -> str:
        state = "not fitted" if self._recent is None else f"n_seen={self._n_seen}"
        return f"{self._name}({state})"
