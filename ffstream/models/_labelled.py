"""The forecasters' pandas boundary: labels split off on the way in, put back on the way out.

Forecasters keep the :class:`~ffstream.labels.pandas_labels.PandasLabels` of the
series they were fitted on (``None`` for numpy data). These helpers are the one
rule for what an update may be, shared by every forecaster.
"""

from typing import Any

import pandas as pd

from ffstream.engine.html_table import MAX_SHOWN
from ffstream.engine.user_warnings import warn_user
from ffstream.labels.pandas_labels import PandasLabels, split_pandas
from ffstream.labels.stored_labels import labels_from_settings, labels_to_settings


def split_update(
    labels: PandasLabels | None, y_new: Any
) -> tuple[Any, PandasLabels | None]:
    """Check an update against the history's labels: its values and the labels it leads to.

    The number of samples is known only once the values are validated: a numpy
    update of a labelled history is labelled by :meth:`PandasLabels.advanced`
    afterwards (see :func:`advance`).

    Parameters
    ----------
    labels : PandasLabels or None
        The history's labels; ``None`` for a model fitted on numpy data.
    y_new : Any
        The update: a pandas object that continues the history, or array-like.

    Returns
    -------
    values : Any
        The values to validate and ingest.
    labels : PandasLabels or None
        The labels after a pandas update (checked); ``labels`` for array-like
        input, and for any input to a model fitted on numpy data (whose updates
        are taken by their values, pandas or not, as before labels existed).

    Raises
    ------
    TypeError
        If a pandas ``y_new`` is not the kind of object the history was.
    ValueError
        If a pandas ``y_new`` does not continue the history (see
        :meth:`PandasLabels.continued_by`).
    """
    if labels is None or not isinstance(y_new, pd.Series | pd.DataFrame):
        return y_new, labels
    continued = labels.continued_by(y_new, "y_new")
    if len(y_new) == 0:  # nothing to ingest, as for an empty array
        return y_new.to_numpy(dtype=float), continued
    values, _ = split_pandas(y_new, "y_new", labels.time.freq)
    return values, continued


def advance(
    labels: PandasLabels | None, y_new: Any, n_samples: int
) -> PandasLabels | None:
    """The history's labels after an update ``y_new`` of ``n_samples`` validated samples."""
    if labels is None or isinstance(y_new, pd.Series | pd.DataFrame):
        return labels
    return labels.advanced(n_samples)


def stored_labels(labels: PandasLabels | None) -> dict[str, Any] | None:
    """The labels as a checkpoint setting; warns if names that JSON cannot hold drop them."""
    if labels is None:
        return None
    stored = labels_to_settings(labels)
    if stored is None:
        warn_user(
            "the checkpoint keeps the model's values and state but not its pandas "
            "labels, which have no exact text form (a column or index name that is "
            "neither text nor a number, e.g. a tuple; or a step or time zone such as "
            "custom business days with holidays or a fixed UTC offset): the loaded "
            "model forecasts numpy arrays",
            UserWarning,
        )
    return stored


def restored_labels(
    stored: Any, n_channels: int, flat: bool, n_seen: int
) -> PandasLabels | None:
    """The labels of a checkpoint setting (``None``: none stored, or an older checkpoint)."""
    if stored is None:
        return None
    return labels_from_settings(stored, n_channels, flat, n_seen)


def label_rows(labels: PandasLabels | None) -> list[tuple[str, str]]:
    """Rows of a model's HTML summary that describe its labels (none for numpy data)."""
    if labels is None:
        return []
    time = labels.time
    rows = [("time", f"{time.first} to {time.last}, step {time.freq}")]
    if labels.columns is not None:
        shown = [str(c) for c in labels.columns[:MAX_SHOWN]]
        more = ["..."] if len(labels.columns) > MAX_SHOWN else []
        rows.append(("columns", ", ".join(shown + more)))
    elif labels.name is not None:
        rows.append(("name", str(labels.name)))
    return rows
