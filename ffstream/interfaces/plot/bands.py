"""Prediction-interval bands that stay distinguishable when several models share an Axes.

A band is drawn as a light fill, hatched with a pattern of its model's own (the
first model on an Axes gets ``"///"``, the next back slashes, ...), and its two
edges as lines in the model's colour: dashed for the widest band of the model,
dotted for the narrower ones nested inside it. Two overlapping bands then show
two colours of edges and two hatch directions rather than one blended fill.

:func:`draw_bands` draws one model's bands; :func:`legend_entries` gives the
Axes' legend handles with each band shown as its hatched fill and its edge
line together. Both :func:`~ffstream.interfaces.plot.plot_forecast` and the
demo's plot (:mod:`ffstream.interfaces.demo.plot`) draw their bands here.
matplotlib is only imported by the functions, never by this module.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

#: Hatch patterns of the first, second, ... model whose bands are drawn on an Axes.
HATCHES = ("///", "\\\\\\", "xxx", "...", "|||", "---")
#: Opacity of each band's fill (nested bands add up: inner levels come out darker).
FILL_ALPHA = 0.12
#: Opacity of the hatch lines.
HATCH_ALPHA = 0.45
#: Line styles of the edges of a model's widest band and of the narrower ones.
OUTER_EDGE, INNER_EDGE = "--", ":"

#: Prefix of the ``gid`` of the fills and edge lines: ``"ffstream-band:<model>:<rank>"``.
_GID = "ffstream-band"


class Band(NamedTuple):
    """One prediction-interval band of one model.

    Attributes
    ----------
    lower, upper : numpy.ndarray
        ``(n,)`` bounds, drawn against the x values given to :func:`draw_bands`.
    label : str or None
        Legend entry, e.g. ``"FIR 90% interval"`` (``None``: not in the legend).
    """

    lower: np.ndarray
    upper: np.ndarray
    label: str | None


def _band_gids(ax: Any) -> list[str]:
    """The ``gid`` of every band fill drawn on ``ax`` by :func:`draw_bands`."""
    gids = (collection.get_gid() for collection in ax.collections)
    return [gid for gid in gids if isinstance(gid, str) and gid.startswith(_GID)]


def _models_drawn(ax: Any) -> int:
    """How many models have bands on ``ax`` (the next model's index)."""
    return len({gid.split(":")[1] for gid in _band_gids(ax)})


def draw_bands(
    ax: Any, x: Any, bands: Sequence[Band], *, color: Any, zorder: float = 1.5
) -> list[Any]:
    """Draw one model's prediction-interval bands on ``ax``.

    The bands are drawn widest first (by their mean width): each as a fill of
    opacity :data:`FILL_ALPHA` hatched with this model's pattern of
    :data:`HATCHES` (the next one unused on ``ax``), and its lower and upper
    edges as lines in ``color``, dashed for the widest band and dotted for the
    others.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x : array_like
        ``(n,)`` x values (numbers or dates) of every band.
    bands : sequence of Band
        The bands of the model, ``(n,)`` bounds each, in any order.
    color : color
        The model's colour (any matplotlib colour).
    zorder : float, default 1.5
        Drawing order of the fills; the edge lines are drawn just above them,
        below lines of the default zorder 2.

    Returns
    -------
    list of matplotlib.artist.Artist
        For each band, widest first: its fill (a ``PolyCollection``) and its
        two edge lines.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> x = np.arange(5)
    >>> narrow = Band(-np.ones(5), np.ones(5), "A 50% interval")
    >>> wide = Band(-2 * np.ones(5), 2 * np.ones(5), "A 90% interval")
    >>> fill, low, high, *_ = draw_bands(ax, x, [narrow, wide], color="tab:blue")
    >>> fill.get_label(), fill.get_hatch(), low.get_linestyle()
    ('A 90% interval', '///', '--')
    >>> len(ax.collections), len(ax.get_lines())
    (2, 4)
    """
    from matplotlib.colors import to_rgba

    model = _models_drawn(ax)
    hatch = HATCHES[model % len(HATCHES)]
    widths = [np.nanmean(np.asarray(b.upper) - np.asarray(b.lower)) for b in bands]
    order = sorted(range(len(bands)), key=lambda i: -np.nan_to_num(widths[i]))
    artists = []
    for rank, index in enumerate(order):
        band = bands[index]
        gid = f"{_GID}:{model}:{rank}"
        fill = ax.fill_between(
            x,
            band.lower,
            band.upper,
            facecolor=to_rgba(color, FILL_ALPHA),
            edgecolor=to_rgba(color, HATCH_ALPHA),
            hatch=hatch,
            linewidth=0.0,
            label=band.label if band.label is not None else "_nolegend_",
            zorder=zorder,
        )
        fill.set_gid(gid)
        style = OUTER_EDGE if rank == 0 else INNER_EDGE
        edges = [
            ax.plot(
                x, bound, color=color, ls=style, lw=0.9, alpha=0.9, zorder=zorder + 0.1
            )[0]
            for bound in (band.lower, band.upper)
        ]
        for edge in edges:
            edge.set_gid(gid)
            edge.set_label("_nolegend_")
        artists += [fill, *edges]
    return artists


def legend_entries(ax: Any) -> tuple[list[Any], list[str]]:
    """The legend handles and labels of ``ax``, each band shown with its edge line.

    Like :meth:`matplotlib.axes.Axes.get_legend_handles_labels`, except that
    the handle of a band drawn by :func:`draw_bands` is the pair (fill, edge
    line), which the legend draws on top of each other: the hatched fill with
    the dashed or dotted edge across it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes whose legend is wanted.

    Returns
    -------
    handles : list of matplotlib.artist.Artist or tuple
        For ``ax.legend(handles, labels)``.
    labels : list of str
        The labels.
    """
    edges = {}
    for line in ax.get_lines():
        gid = line.get_gid()
        if isinstance(gid, str) and gid.startswith(_GID):
            edges.setdefault(gid, line)
    handles, labels = ax.get_legend_handles_labels()
    paired = [
        (handle, edges[handle.get_gid()]) if handle.get_gid() in edges else handle
        for handle in handles
    ]
    return paired, labels
