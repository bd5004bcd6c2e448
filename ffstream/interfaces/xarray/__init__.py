"""ffstream over xarray: labelled functions, lazy over dask, and the ``.ffs`` accessors.

Users import :mod:`ffstream.xarray`, which re-exports these names. The code is
split by job, in the numpy core -> ``xr.apply_ufunc`` -> accessor shape:

* ``_core``: the checks of ``obj`` (type, dimensions, chunks, NaN), the
  template check, time labels, seeds, and the ``apply_ufunc`` plumbing;
* ``convolution``: :func:`convolve`;
* ``forecasting``: :func:`forecast`, :func:`sample_paths`, :func:`prediction_interval`;
* ``backtesting``: :func:`backtest`;
* ``accessor``: ``DataArray.ffs`` and ``Dataset.ffs`` (registered on import),
  which only forward to the functions.

Each module pairs a numpy core (``*_array``, a loop over the series of a block)
with the labelled function that checks its arguments once and calls it through
``xr.apply_ufunc(..., dask="parallelized")``.
"""

from ffstream.interfaces.xarray.accessor import FfsAccessor, FfsDatasetAccessor
from ffstream.interfaces.xarray.backtesting import backtest
from ffstream.interfaces.xarray.convolution import convolve
from ffstream.interfaces.xarray.forecasting import (
    forecast,
    prediction_interval,
    sample_paths,
)

__all__ = [
    "FfsAccessor",
    "FfsDatasetAccessor",
    "backtest",
    "convolve",
    "forecast",
    "prediction_interval",
    "sample_paths",
]
