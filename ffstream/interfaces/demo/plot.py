"""Plot of forecasts with prediction intervals after a history and held-out samples.

The plot draws arrays and labels only: the forecasting demo passes its results in
(:func:`~ffstream.interfaces.demo.forecasting.run_demo`). matplotlib is an
optional dependency (:data:`PLOT_INSTALL_HINT`); it is imported only when
:func:`plot_forecasts` runs.
"""

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

# PLOT_INSTALL_HINT is re-exported: the demo reports it when matplotlib is missing.
from ffstream.interfaces.plot import PLOT_INSTALL_HINT as PLOT_INSTALL_HINT
from ffstream.interfaces.plot import Band, draw_bands, legend_entries

#: File the forecasting demo's plot is written to by default.
DEFAULT_PLOT = "ffstream-demo.png"

#: Line and band colours of the demo's models; other names get :data:`_OTHER_COLOUR`.
_COLOURS = {"fir": "tab:blue", "spectral": "tab:orange"}
_OTHER_COLOUR = "tab:green"


class PlottedForecast(NamedTuple):
    """One model's forecast and interval, as drawn by :func:`plot_forecasts`.

    Attributes
    ----------
    name : str
        Short name of the model (its colour and the label of its band).
    description : str
        Label of its point forecast, e.g. ``"FIRForecaster(order=512)"``.
    point, lower, upper : numpy.ndarray
        ``(horizon, d)`` point forecast and interval bounds.
    """

    name: str
    description: str
    point: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def plot_forecasts(
    path: str | os.PathLike[str],
    history: np.ndarray,
    future: np.ndarray,
    forecasts: Sequence[PlottedForecast],
    *,
    interval: str,
    title: str,
) -> Path:
    """Draw a history, the held-out samples after it, forecasts and their intervals.

    One panel per channel: the end of the history and the held-out samples in grey,
    each forecast as a line and its prediction interval as a band, against the
    step relative to the forecast origin. The bands are drawn by
    :func:`~ffstream.interfaces.plot.bands.draw_bands`: a light hatched fill and
    dashed edges in the model's colour, a different hatch per model, so that
    overlapping bands stay distinguishable. matplotlib is imported here (it is an
    optional dependency: ``pip install "ffstream[plot]"``) and drawn with its Agg
    backend, without pyplot, so no global backend is changed.

    Parameters
    ----------
    path : str or os.PathLike
        The PNG file to write (overwritten if it exists).
    history : numpy.ndarray
        ``(n, d)`` last samples before the forecast origin.
    future : numpy.ndarray
        ``(horizon, d)`` held-out samples from the origin on.
    forecasts : sequence of PlottedForecast
        The forecasts to draw, each ``(horizon, d)``.
    interval : str
        What the bands are, e.g. ``"90% interval"`` (shown after each name).
    title : str
        The figure's title.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    OSError
        If the file cannot be written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    n_channels = future.shape[1]
    past = np.arange(-len(history), 0)
    ahead = np.arange(len(future))
    figure = Figure(figsize=(11, 2.4 * n_channels + 0.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(n_channels, 1, sharex=True, squeeze=False)[:, 0]
    for channel, ax in enumerate(axes):
        ax.plot(past, history[:, channel], color="0.25", lw=0.6, label="history")
        ax.plot(
            ahead,
            future[:, channel],
            color="0.6",
            lw=0.6,
            label="held out (not used by the fits)",
        )
        for forecast in forecasts:
            colour = _COLOURS.get(forecast.name, _OTHER_COLOUR)
            band = Band(
                forecast.lower[:, channel],
                forecast.upper[:, channel],
                f"{forecast.name}: {interval}",
            )
            draw_bands(ax, ahead, [band], color=colour)
            ax.plot(
                ahead,
                forecast.point[:, channel],
                color=colour,
                lw=1.2,
                label=f"{forecast.name}: {forecast.description}",
            )
        ax.axvline(0, color="k", lw=0.8, ls=":")
        ax.set_ylabel(f"channel {channel}")
    axes[-1].set_xlabel("step relative to the forecast origin")
    axes[0].legend(
        *legend_entries(axes[0]),
        loc="lower left",
        bbox_to_anchor=(0.0, 1.02),
        ncol=3,
        fontsize="small",
    )
    figure.suptitle(title)
    figure.savefig(path, dpi=100)
    return path
