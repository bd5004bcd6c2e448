"""Evaluation of forecasters: rolling-origin backtests and their accuracy tables."""
