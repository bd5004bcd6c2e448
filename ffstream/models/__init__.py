"""Forecasting models built on the online convolution engines."""
