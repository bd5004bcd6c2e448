"""``plot_forecast``: a history, a forecast and its prediction intervals on one Axes."""

from typing import Any

import numpy as np

from ffstream.interfaces.plot._curves import (
    Curve,
    as_bounds,
    as_curve,
    level_text,
)
from ffstream.interfaces.plot._matplotlib import require_matplotlib
from ffstream.interfaces.plot.bands import Band, draw_bands, legend_entries

#: Colours of the history and of the held-out actual values.
HISTORY_COLOUR, ACTUAL_COLOUR = "0.55", "0.1"

_HISTORY_GID, _ACTUAL_GID = "ffstream-history", "ffstream-actual"


def _same_data(line: Any, x: Any, y: np.ndarray) -> bool:
    """Whether ``line`` already draws ``y`` against ``x``."""
    try:
        old_x = np.asarray(line.get_xdata())
        new_x = np.asarray(x)
        return (
            old_x.shape == new_x.shape
            and bool(np.all(old_x == new_x))
            and np.array_equal(np.asarray(line.get_ydata()), y, equal_nan=True)
        )
    except (TypeError, ValueError):
        return False


def _draw_once(ax: Any, gid: str, x: Any, y: np.ndarray, **style: Any) -> None:
    """Plot ``y`` against ``x`` unless an earlier call drew the same data on ``ax``."""
    for line in ax.get_lines():
        if line.get_gid() == gid and _same_data(line, x, y):
            return
    (line,) = ax.plot(x, y, **style)
    line.set_gid(gid)


def _check_tail(history_tail: Any) -> int | None:
    if history_tail is None:
        return None
    if isinstance(history_tail, bool) or not isinstance(
        history_tail, (int, np.integer)
    ):
        raise TypeError(
            f"history_tail must be an integer, got {type(history_tail).__name__}"
        )
    if history_tail < 1:
        raise ValueError(f"history_tail must be at least 1, got {history_tail}")
    return int(history_tail)


def _positions(past: Curve, ahead: Curve, actual: Curve | None) -> tuple[Any, ...]:
    """The x values of the history, the forecast and the actual values."""
    if (past.x is None) != (ahead.x is None):
        raise ValueError(
            "history and forecast must both be plain arrays (drawn against "
            "positions: -n..-1 and 0..h-1) or both labelled (pandas Series or "
            "xarray DataArrays, drawn against their index or coordinate)"
        )
    past_x = np.arange(-len(past.values), 0) if past.x is None else past.x
    ahead_x = np.arange(len(ahead.values)) if ahead.x is None else ahead.x
    if actual is None:
        return past_x, ahead_x, None
    if actual.x is not None:
        if ahead.x is None:
            raise ValueError(
                "actual is labelled (pandas or xarray) but forecast is a plain "
                "array: give both labelled, or both as plain arrays"
            )
        return past_x, ahead_x, actual.x
    if ahead.x is None:
        return past_x, ahead_x, np.arange(len(actual.values))
    if len(actual.values) != len(ahead.values):
        raise ValueError(
            f"actual is a plain array of {len(actual.values)} samples, drawn against "
            f"the forecast's {len(ahead.values)} labels: give it as many samples, "
            "or labelled (pandas or xarray)"
        )
    return past_x, ahead_x, ahead_x


def plot_forecast(
    history: Any,
    forecast: Any,
    *,
    interval: Any = None,
    actual: Any = None,
    label: str | None = None,
    ax: Any = None,
    color: Any = None,
    history_tail: int | None = None,
) -> Any:
    """Draw a history, a point forecast and its prediction intervals on an Axes.

    The history is a grey line, the held-out ``actual`` values (if given) a
    dark one, the forecast a line in ``color`` and each interval a band: a
    light fill hatched with a pattern of this model's own and its edges as
    lines in ``color``, dashed for the widest level and dotted for narrower
    ones (see :mod:`ffstream.interfaces.plot.bands`). Call it again with
    ``ax=`` to overlay another model on the same history: the history and
    actual values are drawn once, and each model's bands keep their colour and
    hatch, so overlapping bands stay distinguishable. The legend lists the
    history, the actual values, each forecast and each band
    (``"{label} {level} interval"``).

    Parameters
    ----------
    history : array_like, pandas.Series or xarray.DataArray
        The samples before the forecast origin, oldest first: ``(n,)`` values
        (drawn at positions ``-n .. -1``), or a Series (against its index, e.g.
        a ``DatetimeIndex``) or a 1-D DataArray (against its coordinate).
    forecast : array_like, pandas.Series or xarray.DataArray
        The ``h`` point forecasts, labelled like ``history`` (plain values are
        drawn at ``0 .. h-1``).
    interval : optional
        The prediction intervals, each bound with ``h`` values drawn against
        the forecast's x values:

        * a ``(lower, upper)`` pair of arrays or Series (no level: the band is
          labelled ``"{label} interval"``);
        * a ``{level: (lower, upper)}`` dict, e.g. ``{0.8: ..., 0.95: ...}``;
        * a pandas DataFrame whose columns have levels named ``("bound",
          "level")``, e.g. ``("lower", 0.8), ("upper", 0.8), ("lower", 0.95),
          ("upper", 0.95)``, or just the columns ``"lower"`` and ``"upper"``;
        * an xarray Dataset with variables ``lower`` and ``upper``, and
          optionally a ``level`` dimension (or a scalar ``level`` coordinate).

        Several levels give nested bands, lighter for wider levels.
    actual : array_like, pandas.Series or xarray.DataArray, optional
        Held-out values after the origin, to compare with the forecast: labelled
        like ``forecast``; plain values are drawn at ``0, 1, ...`` (or against
        the forecast's labels, if it has any, when there are ``h`` of them).
    label : str, optional
        Name of the model in the legend (default ``"forecast"``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure from
        :func:`matplotlib.pyplot.subplots`.
    color : color, optional
        Colour of the forecast and its bands; by default the next colour of the
        Axes' colour cycle.
    history_tail : int, optional
        Draw only the last ``history_tail`` samples of the history.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install "ffstream[plot]"``).
    ValueError
        For multichannel inputs (select one channel first, e.g.
        ``forecast["a"]``), empty ones, bounds of another length than the
        forecast, a plain history with a labelled forecast or the reverse, a
        ``history_tail`` below 1 or an unknown colour.
    TypeError
        For inputs that are not numbers or of an unsupported type, a
        ``label`` that is not a string or an ``ax`` that is not an Axes.

    Notes
    -----
    Multichannel data (2-D arrays, DataFrames with several columns,
    DataArrays with a second dimension) is not drawn: plot one channel per call,
    on as many Axes as there are channels.

    Examples
    --------
    A FIR forecast of a noisy sine with its 80% and 95% intervals, and a
    seasonal naive forecast overlaid on the same Axes:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import ffstream
    >>> from ffstream.interfaces.plot import plot_forecast
    >>> rng = np.random.default_rng(0)
    >>> y = np.sin(0.2 * np.arange(300)) + 0.2 * rng.standard_normal(300)
    >>> model = ffstream.FIRForecaster(order=8).fit(y)
    >>> bands = {level: model.prediction_interval(30, level=level, n_paths=200, seed=0)
    ...          for level in (0.8, 0.95)}
    >>> ax = plot_forecast(y, model.forecast(30), interval=bands, label="FIR",
    ...                    history_tail=100)
    >>> naive = ffstream.SeasonalNaive(31).fit(y)
    >>> ax = plot_forecast(y, naive.forecast(30), label="seasonal naive", ax=ax,
    ...                    history_tail=100)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['history', 'FIR', 'FIR 95% interval', 'FIR 80% interval', 'seasonal naive']
    >>> ax.get_lines()[0].get_xdata()[[0, -1]]
    array([-100,   -1])
    >>> len(ax.collections), len(ax.get_lines())  # 2 bands of 2 edges each
    (2, 7)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    require_matplotlib("plot_forecast")
    from matplotlib.axes import Axes
    from matplotlib.colors import is_color_like

    past = as_curve(history, "history")
    ahead = as_curve(forecast, "forecast")
    held_out = None if actual is None else as_curve(actual, "actual")
    tail = _check_tail(history_tail)
    past_x, ahead_x, actual_x = _positions(past, ahead, held_out)
    if tail is not None:
        past_x, past = past_x[-tail:], Curve(None, past.values[-tail:])
    bounds = as_bounds(interval, len(ahead.values))
    if label is None:
        label = "forecast"
    elif not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    if color is not None and not is_color_like(color):
        raise ValueError(f"color must be a matplotlib colour, got {color!r}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")

    history_style = {"color": HISTORY_COLOUR, "lw": 1.0, "label": "history"}
    _draw_once(ax, _HISTORY_GID, past_x, past.values, **history_style)
    if held_out is not None:
        actual_style = {"color": ACTUAL_COLOUR, "lw": 0.9, "label": "actual"}
        _draw_once(ax, _ACTUAL_GID, actual_x, held_out.values, **actual_style)
    (line,) = ax.plot(ahead_x, ahead.values, color=color, lw=1.6, label=label)
    line.set_zorder(2.5)
    bands = [
        Band(b.lower, b.upper, f"{label} {level_text(b.level)} interval")
        if b.level is not None
        else Band(b.lower, b.upper, f"{label} interval")
        for b in bounds
    ]
    draw_bands(ax, ahead_x, bands, color=line.get_color())
    ax.legend(*legend_entries(ax), fontsize="small")
    return ax
