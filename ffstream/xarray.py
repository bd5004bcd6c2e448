"""ffstream for xarray: ``import ffstream.xarray`` (the hvplot.xarray convention).

Importing this module registers the ``.ffs`` accessors on DataArrays and
Datasets, and gives the labelled functions :func:`convolve`, :func:`forecast`,
:func:`sample_paths`, :func:`prediction_interval` and :func:`backtest`, lazy over
dask-backed data (see docs/xarray.md). They live in
:mod:`ffstream.interfaces.xarray`; this entry module only re-exports them.

Examples
--------
>>> import numpy as np
>>> import xarray as xr
>>> import ffstream
>>> import ffstream.xarray
>>> obj = xr.DataArray(np.cos(0.3 * np.arange(100)), dims="time")
>>> result = ffstream.xarray.forecast(obj, ffstream.FIRForecaster(order=2), 3)
>>> result.time.values
array([100, 101, 102])
>>> np.allclose(obj.ffs.forecast(ffstream.FIRForecaster(order=2), 3), result)
True
"""

from ffstream.interfaces.xarray import (
    FfsAccessor,
    FfsDatasetAccessor,
    backtest,
    convolve,
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
