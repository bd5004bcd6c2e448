"""Filter banks: the three layouts, normalised to the kernels' channel-first form."""

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ffstream.engine.validation import as_real_array

Layout = Literal["scalar", "depthwise", "mimo"]


@dataclass(frozen=True)
class FilterBank:
    """A validated causal filter bank.

    Attributes
    ----------
    taps : numpy.ndarray
        ``(d_out, n_in, L)`` float64 taps, channel-first and C-contiguous:
        ``n_in == 1`` for depthwise banks.
    layout : {"scalar", "depthwise", "mimo"}
        How the user gave the filters: ``(L,)``, ``(L, d)`` or ``(L, d_out, d_in)``.
    reversed_taps : numpy.ndarray
        ``taps`` reversed along the lag axis (C-contiguous), the form the direct
        kernels read forwards.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import FilterBank
    >>> bank = FilterBank(np.array([[[1.0, 2.0, 3.0]]]), "scalar")
    >>> bank.length, bank.n_inputs, bank.n_outputs, bank.depthwise
    (3, 1, 1, True)
    >>> bank.reversed_taps
    array([[[3., 2., 1.]]])
    """

    taps: np.ndarray
    layout: Layout
    reversed_taps: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        reversed_taps = np.ascontiguousarray(self.taps[..., ::-1])
        object.__setattr__(self, "reversed_taps", reversed_taps)

    @property
    def length(self) -> int:
        """Number of taps ``L`` (lags ``0 .. L-1``)."""
        return self.taps.shape[2]

    @property
    def depthwise(self) -> bool:
        """Whether output channel ``c`` depends on input channel ``c`` only."""
        return self.layout != "mimo"

    @property
    def n_outputs(self) -> int:
        """Number of output channels ``d_out``."""
        return self.taps.shape[0]

    @property
    def n_inputs(self) -> int:
        """Number of input channels ``d_in``."""
        return self.taps.shape[0] if self.depthwise else self.taps.shape[1]

    def user_filters(self) -> np.ndarray:
        """The taps in the user's layout, ``(L,)``, ``(L, d)`` or ``(L, d_out, d_in)``: a copy.

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.filter_bank import make_filter_bank
        >>> h = np.arange(12.0).reshape(4, 3)
        >>> np.array_equal(make_filter_bank(h).user_filters(), h)
        True
        """
        if self.layout == "scalar":
            return self.taps[0, 0].copy()
        if self.layout == "depthwise":
            return np.ascontiguousarray(self.taps[:, 0, :].T)
        return np.ascontiguousarray(self.taps.transpose(2, 0, 1))

    @property
    def sample_ndim(self) -> int:
        """Dimensions of one input sample as users pass it: 0 for scalar banks, else 1."""
        return 0 if self.layout == "scalar" else 1


def make_filter_bank(filters: Any) -> FilterBank:
    """Validate ``filters`` and bring them to the kernels' layout.

    Parameters
    ----------
    filters : array_like
        ``(L,)`` for one channel, ``(L, d)`` for ``d`` independent channels or
        ``(L, d_out, d_in)`` for a MIMO bank, with ``L >= 1``, real and finite.

    Returns
    -------
    FilterBank
        The validated bank, owning a private copy of the taps.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.filter_bank import make_filter_bank
    >>> make_filter_bank([1.0, 0.5, 0.25])
    FilterBank(taps=array([[[1.  , 0.5 , 0.25]]]), layout='scalar')

    Three taps for two independent channels, then a MIMO bank of four taps
    mapping three inputs to two outputs:

    >>> depthwise = make_filter_bank(np.ones((3, 2)))
    >>> depthwise.layout, depthwise.taps.shape, depthwise.n_inputs, depthwise.n_outputs
    ('depthwise', (2, 1, 3), 2, 2)
    >>> mimo = make_filter_bank(np.zeros((4, 2, 3)))
    >>> mimo.layout, mimo.taps.shape, mimo.n_inputs, mimo.n_outputs
    ('mimo', (2, 3, 4), 3, 2)

    The bank never shares memory with the caller's array:

    >>> h = np.ones(3)
    >>> np.shares_memory(make_filter_bank(h).taps, h)
    False
    >>> make_filter_bank(np.zeros(0))
    Traceback (most recent call last):
    ...
    ValueError: filters must not be empty, got shape (0,)
    """
    taps = as_real_array(filters, "filters")
    if taps.ndim not in (1, 2, 3):
        raise ValueError(
            "filters must have shape (L,), (L, d) or (L, d_out, d_in), "
            f"got shape {taps.shape}"
        )
    if 0 in taps.shape:
        raise ValueError(f"filters must not be empty, got shape {taps.shape}")
    # np.array copies even when the transposed view is already contiguous
    # (one channel): the bank never shares memory with the caller's array.
    if taps.ndim == 1:
        return FilterBank(np.array(taps.reshape(1, 1, -1), order="C"), "scalar")
    if taps.ndim == 2:
        return FilterBank(np.array(taps.T[:, np.newaxis, :], order="C"), "depthwise")
    return FilterBank(np.array(taps.transpose(1, 2, 0), order="C"), "mimo")
