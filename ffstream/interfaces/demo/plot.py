"""The forecasting demo's plot: history, held-out samples, forecasts and intervals.

matplotlib is an optional dependency (:data:`PLOT_INSTALL_HINT`); it is imported
only when :func:`plot_demo` runs.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ffstream.interfaces.demo.forecasting import DemoResult

#: File the forecasting demo's plot is written to by default.
DEFAULT_PLOT = "ffstream-demo.png"
#: How to install the optional plotting dependency.
PLOT_INSTALL_HINT = 'pip install "ffstream[plot]"'

#: Line and band colours of the models in the plot.
_COLOURS = {"fir": "tab:blue", "spectral": "tab:orange"}


def plot_demo(result: "DemoResult", path: str | os.PathLike[str]) -> Path:
    """Draw the forecasting demo's history, held-out samples, forecasts and intervals.

    One panel per channel: the end of the history and the held-out samples in grey,
    each model's point forecast as a line and its prediction interval as a band,
    against the step relative to the forecast origin. matplotlib is imported here
    (it is an optional dependency: ``pip install "ffstream[plot]"``) and drawn
    with its Agg backend, without pyplot, so no global backend is changed.

    Parameters
    ----------
    result : DemoResult
        What :func:`run_demo` returned.
    path : str or os.PathLike
        The PNG file to write (overwritten if it exists).

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
    n_channels = result.future.shape[1]
    past = np.arange(-len(result.history), 0)
    ahead = np.arange(result.interval_horizon)
    figure = Figure(figsize=(11, 2.4 * n_channels + 0.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(n_channels, 1, sharex=True, squeeze=False)[:, 0]
    for channel, ax in enumerate(axes):
        ax.plot(past, result.history[:, channel], color="0.25", lw=0.6, label="history")
        ax.plot(
            ahead,
            result.future[:, channel],
            color="0.6",
            lw=0.6,
            label="held out (not used by the fits)",
        )
        for model in result.models:
            colour = _COLOURS.get(model.name, "tab:green")
            ax.fill_between(
                ahead,
                model.lower[:, channel],
                model.upper[:, channel],
                color=colour,
                alpha=0.2,
                lw=0,
                label=f"{model.name}: {100 * result.level:g}% interval",
            )
            ax.plot(
                ahead,
                model.forecast[:, channel],
                color=colour,
                lw=1.2,
                label=f"{model.name}: {model.description}",
            )
        ax.axvline(0, color="k", lw=0.8, ls=":")
        ax.set_ylabel(f"channel {channel}")
    axes[-1].set_xlabel("step relative to the forecast origin")
    axes[0].legend(
        loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=3, fontsize="small"
    )
    figure.suptitle(
        f"ffstream demo: synthetic {n_channels}-channel system (seed {result.seed}), "
        f"forecasts and {100 * result.level:g}% intervals from {result.n_paths} "
        "sample paths"
    )
    figure.savefig(path, dpi=100)
    return path
