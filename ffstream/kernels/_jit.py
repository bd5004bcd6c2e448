"""The one decorator every numba kernel of ffstream is compiled with."""

from collections.abc import Callable
from typing import Any

import numba

from ffstream.kernels import _numba

_numba.install_cache_locator()

#: NaN-safe fast-math flags: reassociation and contraction, never ``nnan``/``ninf``.
FASTMATH_FLAGS = {"nsz", "arcp", "contract", "afn", "reassoc"}


def kernel(
    function: Callable[..., Any] | None = None,
    *,
    inline: bool = False,
    refcounted: bool = True,
) -> Callable[..., Any]:
    """Compile ``function`` as a cached, NaN-safe, GIL-free numba kernel.

    Use as ``@kernel`` or ``@kernel(inline=True)``.

    Parameters
    ----------
    function : callable, optional
        A plain Python function written in the numba subset.
    inline : bool, default False
        Inline the kernel into its numba callers: used for the small per-sample
        helpers, so that the per-sample path has no calls and is optimised as a
        whole.
    refcounted : bool, default True
        ``False`` compiles without numba's reference counting (its ``_nrt``
        option): for the per-sample loops, which allocate nothing themselves
        (the kernels they call do, compiled normally) but would otherwise update
        the reference counts of array views several times per sample, a cost
        that dominates short filters.

    Returns
    -------
    callable
        The numba dispatcher (or, without ``function``, the decorator).
    """
    jit = numba.njit(**jit_options(inline=inline, refcounted=refcounted))
    return jit if function is None else jit(function)


def jit_options(*, inline: bool = False, refcounted: bool = True) -> dict[str, Any]:
    """The options :func:`kernel` passes to ``numba.njit``.

    Parameters
    ----------
    inline, refcounted : bool
        See :func:`kernel`.

    Returns
    -------
    dict
        Keyword arguments for ``numba.njit``.
    """
    return {
        "cache": True,
        "nogil": True,
        "fastmath": FASTMATH_FLAGS,
        "inline": "always" if inline else "never",
        **_numba.refcount_option(refcounted),
    }
