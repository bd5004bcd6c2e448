"""ffstream: exact online convolution and fast autoregressive rollouts with FutureFill."""

from ffstream.online import OnlineConv
from ffstream.rollout import rollout

__all__ = ["OnlineConv", "rollout", "__version__"]
__version__ = "0.1.0"
