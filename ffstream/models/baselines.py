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
from ffstream.engine.validation import (
    as_count,
    as_flag,
    as_series,
    drop_channel_axis,
)
from ffstream.models._base import NotFittedError

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
        settings.update(flat=self._flat, n_seen=self._n_seen)
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
        model._recent, model._flat, model._n_seen = recent, flat, n_seen
        return model

    def fit(self, y: Any) -> "SeasonalNaive":
        """Remember the last ``season`` samples of ``y``.

        Parameters
        ----------
        y : array_like
            ``(T,)`` or ``(T, d)`` finite real samples, ``T >= season``.

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
        series = as_series(y, "y")
        if len(series) < self.season:
            raise ValueError(
                f"y must have at least season={self.season} samples for this "
                f"{self._name}, got {len(series)}"
            )
        self._flat = np.ndim(y) == 1
        self._recent = series[-self.season :].copy()
        self._n_seen = len(series)
        return self

    def update(self, y_new: Any, learn: bool = False) -> "SeasonalNaive":
        """Append samples to the history.

        Parameters
        ----------
        y_new : array_like
            One sample (a scalar, or ``(d,)``) or a chunk ``(n,)`` / ``(n, d)``.
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
        chunk = as_series(y_new, "y_new", recent.shape[1])
        self._recent = np.concatenate([recent, chunk])[-self.season :]
        self._n_seen += len(chunk)
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
        numpy.ndarray
            ``(horizon,)`` for a model fitted on a 1-D series, else ``(horizon, d)``.

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
        values = recent[np.arange(horizon) % self.season]
        return drop_channel_axis(values, self._flat)

    def __repr__(self) -> str:
        state = "not fitted" if self._recent is None else f"n_seen={self._n_seen}"
        return f"{self._name}(season={self.season}, {state})"


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
