"""Forecasters built on the engine: FIR/AR and spectral models, their fitting maths, baselines."""
