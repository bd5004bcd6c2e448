"""Plots of forecasts with matplotlib (an optional dependency: ``pip install "ffstream[plot]"``).

:func:`plot_forecast` draws a history, a point forecast, its prediction
intervals and, optionally, held-out values on one matplotlib Axes, from numpy
arrays, pandas Series or xarray DataArrays; called again with ``ax=``, it
overlays another model. The code is split by job: ``forecast`` holds
:func:`plot_forecast`, ``_curves`` takes the values and x values off its
inputs, ``bands`` draws prediction-interval bands that stay distinguishable
when several models share an Axes (also used by the demo's plot), and
``_matplotlib`` imports matplotlib with an error saying how to install it.
matplotlib is imported only when something is drawn.
"""

from ffstream.interfaces.plot._matplotlib import PLOT_INSTALL_HINT
from ffstream.interfaces.plot.bands import Band, draw_bands, legend_entries
from ffstream.interfaces.plot.forecast import plot_forecast

__all__ = [
    "PLOT_INSTALL_HINT",
    "Band",
    "draw_bands",
    "legend_entries",
    "plot_forecast",
]
