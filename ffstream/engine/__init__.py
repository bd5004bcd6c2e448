"""The engine: stateful online convolution on top of the kernels.

``filter_bank`` validates filters into the kernels' layout, ``methods`` names
the schedules, ``cost_model`` sizes them, ``plan`` holds what depends on the
filters only (spectra, parameters), ``state`` the per-stream arrays,
``generation`` the one rollout driver and :func:`ffstream.rollout`, ``online``
the :class:`ffstream.OnlineConv` stream; ``validation`` checks user input and
``locking`` gives plans and streams a lock that copies and pickles recreate.
"""
