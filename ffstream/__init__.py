"""ffstream: exact online convolution, fast autoregressive rollouts and forecasters."""

from ffstream.evaluation import BacktestResult, LastValue, SeasonalNaive, backtest
from ffstream.models.fir import FIRForecaster
from ffstream.models.spectral import SpectralForecaster
from ffstream.models.spectral_filters import spectral_filters
from ffstream.online import OnlineConv
from ffstream.rollout import rollout

__all__ = [
    "BacktestResult",
    "FIRForecaster",
    "LastValue",
    "SeasonalNaive",
    "backtest",
    "OnlineConv",
    "SpectralForecaster",
    "rollout",
    "spectral_filters",
    "__version__",
]
__version__ = "0.1.0"
