"""Checks of user input at the public boundary: clear errors, raised before any state changes.

Also the one rule for giving results back in the user's layout
(:func:`drop_channel_axis`).
"""

from typing import Any

import numpy as np


def as_real_array(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array, rejecting non-numeric, complex and non-finite data.

    Parameters
    ----------
    value : array_like
        The user's input.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    numpy.ndarray
        A float64 array (a copy when a conversion was needed).

    Raises
    ------
    TypeError
        If ``value`` is not real numeric data (booleans, complex, strings, objects).
    ValueError
        If ``value`` contains NaN or infinity.

    Examples
    --------
    >>> from ffstream.engine.validation import as_real_array
    >>> as_real_array([1, 2], "x")
    array([1., 2.])
    >>> as_real_array([1.0, float("nan")], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must be finite, but it contains NaN or infinity
    >>> as_real_array([True, False], "x")
    Traceback (most recent call last):
    ...
    TypeError: x must hold real numbers (integer or floating dtype), got dtype bool
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be a regular array of numbers: {error}"
        ) from error
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer)
        or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must hold real numbers (integer or floating dtype), got dtype {array.dtype}"
        )
    array = np.asarray(array, dtype=np.float64, order="C")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, but it contains NaN or infinity")
    return array


def check_shape(array: np.ndarray, expected: tuple[int | None, ...], name: str) -> None:
    """Raise ``ValueError`` unless ``array`` has the ``expected`` shape (``None`` matches any size).

    Parameters
    ----------
    array : numpy.ndarray
        The array to check.
    expected : tuple of int or None
        The expected shape.
    name : str
        The argument's name, used in error messages.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.validation import check_shape
    >>> check_shape(np.zeros((3, 2)), (None, 2), "block")
    >>> check_shape(np.zeros((3, 2)), (None, 3), "block")
    Traceback (most recent call last):
    ...
    ValueError: block must have shape (n, 3), got shape (3, 2)
    """
    shown = "(" + ", ".join("n" if s is None else str(s) for s in expected)
    shown += ",)" if len(expected) == 1 else ")"
    if array.ndim != len(expected) or any(
        e is not None and e != s for e, s in zip(expected, array.shape, strict=True)
    ):
        raise ValueError(f"{name} must have shape {shown}, got shape {array.shape}")


def as_count(value: Any, name: str, minimum: int) -> int:
    """Return ``value`` as an int at least ``minimum``.

    Parameters
    ----------
    value : int
        The user's input.
    name : str
        The argument's name, used in error messages.
    minimum : int
        The smallest accepted value.

    Returns
    -------
    int
        ``value`` as a Python int.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.validation import as_count
    >>> as_count(3, "steps", 1), as_count(np.int64(0), "steps", 0)
    (3, 0)
    >>> as_count(0, "steps", 1)
    Traceback (most recent call last):
    ...
    ValueError: steps must be at least 1, got 0
    >>> as_count(2.0, "steps", 1)
    Traceback (most recent call last):
    ...
    TypeError: steps must be an integer, got float
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def as_ridge(value: Any, name: str = "ridge") -> float:
    """Return a regularisation strength as a float, rejecting negative and non-finite values.

    Parameters
    ----------
    value : float
        The user's input.
    name : str, default "ridge"
        The argument's name, used in error messages.

    Returns
    -------
    float
        ``value`` as a Python float, ``0 <= value < inf``.

    Examples
    --------
    >>> as_ridge(1e-3)
    0.001
    >>> as_ridge(-1.0)
    Traceback (most recent call last):
    ...
    ValueError: ridge must be a non-negative finite number, got -1.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    ridge = float(value)
    if not 0.0 <= ridge < np.inf:
        raise ValueError(f"{name} must be a non-negative finite number, got {value}")
    return ridge


def as_series(value: Any, name: str, channels: int | None = None) -> np.ndarray:
    """Return a series or chunk of samples as a ``(n, d)`` float64 array.

    Parameters
    ----------
    value : array_like
        ``(n,)`` or ``(n, d)`` real, finite samples. When ``channels`` is given,
        a scalar is one sample of a one-channel series and, for ``channels > 1``,
        a 1-D ``value`` is one sample ``(d,)``.
    name : str
        The argument's name, used in error messages.
    channels : int, optional
        The number of channels ``d`` the series must have (any, if ``None``).

    Returns
    -------
    numpy.ndarray
        ``(n, d)`` samples, oldest first.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.validation import as_series
    >>> as_series([1.0, 2.0, 3.0], "y").shape, as_series(np.zeros((4, 2)), "y").shape
    ((3, 1), (4, 2))

    With ``channels``, a scalar or a 1-D vector of ``d > 1`` values is one sample:

    >>> as_series(5.0, "y_new", channels=1)
    array([[5.]])
    >>> as_series([1.0, 2.0], "y_new", channels=2)
    array([[1., 2.]])
    >>> as_series([1.0, 2.0, 3.0], "y_new", channels=2)
    Traceback (most recent call last):
    ...
    ValueError: y_new must have 2 channel(s) like the data the model was fitted on, got shape (3,)
    """
    array = as_real_array(value, name)
    if channels is not None and array.ndim == 0:
        array = array.reshape(1)
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (n,) or (n, d), got shape {array.shape}"
        )
    if array.ndim == 2:
        series = array
    elif channels is not None and channels > 1:
        series = array.reshape(1, -1)
    else:
        series = array.reshape(-1, 1)
    if channels is not None and series.shape[1] != channels:
        raise ValueError(
            f"{name} must have {channels} channel(s) like the data the model was "
            f"fitted on, got shape {array.shape}"
        )
    return series


def drop_channel_axis(values: np.ndarray, flat: bool) -> np.ndarray:
    """Drop the trailing channel axis of ``values`` when the user's data had none.

    Data given without a channel axis (scalar filters, 1-D series) comes back
    without one; everything inside ffstream keeps the axis.

    Parameters
    ----------
    values : numpy.ndarray
        ``(..., 1)`` when ``flat``, else any shape.
    flat : bool
        Whether the user's data had no channel axis.

    Returns
    -------
    numpy.ndarray
        ``values[..., 0]`` (a view) when ``flat``, else ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> drop_channel_axis(np.zeros((5, 1)), flat=True).shape
    (5,)
    >>> drop_channel_axis(np.zeros((5, 1)), flat=False).shape
    (5, 1)
    """
    return values[..., 0] if flat else values
