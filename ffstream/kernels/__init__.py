"""numba kernels of ffstream: plain arrays in, plain arrays out, no validation.

``direct`` and ``spectral`` hold the time- and frequency-domain block
convolutions, ``schedules`` one step of each online schedule, ``streaming`` the
compiled loops that push blocks and roll out with feedback.
"""
