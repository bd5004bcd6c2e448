"""ffstream: exact online convolution, fast autoregressive rollouts and forecasters.

The package is built in layers, each importing only the ones below it:
``kernels`` (numba loops on plain arrays) -> ``engine`` (filter banks, plans,
stream state, the generation driver, :class:`OnlineConv`, :func:`rollout`) ->
``filters`` (spectral filter design) -> ``models`` (forecasters, their fitting
maths, baselines) -> ``evaluation`` (backtests) -> ``interfaces`` (command line,
demo). What this module exports is the public API.
"""

from ffstream.engine.checkpoint import load_checkpoint as load
from ffstream.engine.generation import rollout
from ffstream.engine.online import OnlineConv
from ffstream.engine.threads import get_num_threads, set_num_threads
from ffstream.evaluation.backtest import BacktestResult, backtest
from ffstream.filters.spectral import spectral_filters
from ffstream.models._base import FitWarning
from ffstream.models.baselines import LastValue, SeasonalNaive
from ffstream.models.fir import FIRForecaster
from ffstream.models.spectral import SpectralForecaster

__all__ = [
    "BacktestResult",
    "FIRForecaster",
    "FitWarning",
    "LastValue",
    "SeasonalNaive",
    "backtest",
    "get_num_threads",
    "load",
    "OnlineConv",
    "SpectralForecaster",
    "rollout",
    "set_num_threads",
    "spectral_filters",
    "__version__",
]
__version__ = "0.1.0"
