"""numba kernels of ffstream: plain arrays in, plain arrays out, no validation.

``direct`` and ``spectral`` hold the time- and frequency-domain block
convolutions, ``schedules`` one step of each online schedule, ``streaming`` the
compiled loops that push blocks and roll out with feedback, ``feedbacks`` the
forecasters' feedback functions, ``nlms`` and ``rls`` the online-learning
steps. ``_jit`` is the one decorator they are compiled with and ``_numba``
the one place that reaches into numba's internals.
"""
