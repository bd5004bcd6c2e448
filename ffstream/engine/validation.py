"""Checks of user input at the public boundary: clear errors, raised before any state changes.

Also the one rule for giving results back in the user's layout
(:func:`drop_channel_axis`).
"""

import os
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
        A writable, C-contiguous float64 array in native byte order: ``value``
        itself when it already is one, else a copy (read-only input, such as
        the arrays pandas 3 hands out, is copied, never written to).

    Raises
    ------
    TypeError
        If ``value`` is not real numeric data (booleans, complex, strings, objects,
        datetimes and timedeltas), or is a masked array with masked entries.
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

    Read-only input is copied, so that it is never written to:

    >>> import numpy as np
    >>> frozen = np.ones(3)
    >>> frozen.flags.writeable = False
    >>> as_real_array(frozen, "x").flags.writeable
    True
    """
    if np.ma.isMaskedArray(value) and np.ma.getmask(value).any():
        raise TypeError(
            f"{name} is a masked array with {int(np.ma.count_masked(value))} masked "
            "entries, which would be used as if they were data: fill them "
            f"({name}.filled(...)) or drop them first"
        )
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be a regular array of numbers: {error}"
        ) from error
    # Kinds i, u, f: integers and floats. Booleans (b) and timedeltas (m, which
    # numpy counts among the integers) are rejected with complex, strings and objects.
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers (integer or floating dtype), got dtype {array.dtype}"
        )
    array = np.require(array, np.float64, ["C_CONTIGUOUS", "WRITEABLE"])
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


def is_integer(value: Any) -> bool:
    """Whether ``value`` is a Python or numpy integer (not a bool, not a ``timedelta64``).

    numpy counts ``timedelta64`` among its signed integers and Python ``bool``
    among the ints; neither is a count or a seed.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.validation import is_integer
    >>> is_integer(3), is_integer(np.uint8(3)), is_integer(True), is_integer(np.timedelta64(3))
    (True, True, False, False)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_, np.timedelta64)
    )


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
    if not is_integer(value):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def as_flag(value: Any, name: str) -> bool:
    """Return ``value`` as a bool, accepting only ``True``, ``False`` and numpy booleans.

    A string such as ``"False"`` or a number would otherwise be read by its truth
    value, silently meaning the opposite of what was typed.

    Parameters
    ----------
    value : bool
        The user's input.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    bool
        ``value`` as a Python bool.

    Examples
    --------
    >>> from ffstream.engine.validation import as_flag
    >>> as_flag(True, "learn")
    True
    >>> as_flag("False", "learn")
    Traceback (most recent call last):
    ...
    TypeError: learn must be True or False, got str 'False'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be True or False, got {type(value).__name__} {value!r}"
        )
    return bool(value)


def as_real_number(value: Any, name: str) -> float:
    """Return ``value`` as a float, accepting only Python and numpy integers and floats.

    Booleans, strings, complex numbers and arrays are a ``TypeError``: ``float``
    would otherwise turn ``True`` into 1.0 and ``"0.5"`` into 0.5 silently.

    Parameters
    ----------
    value : float
        The user's input.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    float
        ``value`` as a Python float (it may be NaN or infinite: the caller checks
        the range).

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.validation import as_real_number
    >>> as_real_number(np.float32(0.5), "step_size")
    0.5
    >>> as_real_number("0.5", "step_size")
    Traceback (most recent call last):
    ...
    TypeError: step_size must be a real number, got str
    """
    if not (is_integer(value) or isinstance(value, (float, np.floating))):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def as_probability(value: Any, name: str) -> float:
    """Return ``value`` as a float strictly between 0 and 1.

    Parameters
    ----------
    value : float
        The user's input (a real number, not a string or a boolean).
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    float
        The probability.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not strictly between 0 and 1.

    Examples
    --------
    >>> from ffstream.engine.validation import as_probability
    >>> as_probability(0.9, "level")
    0.9
    >>> as_probability("0.9", "level")
    Traceback (most recent call last):
    ...
    TypeError: level must be a real number, got str
    """
    probability = as_real_number(value, name)
    if not 0.0 < probability < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value}")
    return probability


def as_levels(value: Any, name: str = "level") -> tuple[tuple[float, ...], bool]:
    """Return one coverage level or a list of them, and whether a list was given.

    Parameters
    ----------
    value : float or sequence of float
        A level strictly between 0 and 1, or a non-empty list (or tuple, or 1-D
        array) of distinct levels, as statsforecast and sktime users write
        ``level=[0.8, 0.95]``.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    levels : tuple of float
        The levels, in the order given.
    several : bool
        ``True`` when ``value`` was a sequence (even of one level).

    Raises
    ------
    TypeError
        If a level is not a real number.
    ValueError
        If a level is not strictly between 0 and 1, the list is empty or repeats a level.

    Examples
    --------
    >>> from ffstream.engine.validation import as_levels
    >>> as_levels(0.9)
    ((0.9,), False)
    >>> as_levels([0.8, 0.95])
    ((0.8, 0.95), True)
    >>> as_levels([0.8, 0.8])
    Traceback (most recent call last):
    ...
    ValueError: level must not repeat a level, got [0.8, 0.8]
    """
    if isinstance(value, list | tuple) or np.ndim(value) > 0:
        items = list(np.asarray(value, dtype=object).reshape(-1))
        if np.ndim(value) != 1 or not items:
            raise ValueError(
                f"{name} must be a level or a non-empty list of levels, got {value!r}"
            )
        levels = tuple(
            as_probability(item, f"{name}[{i}]") for i, item in enumerate(items)
        )
        if len(set(levels)) != len(levels):
            raise ValueError(f"{name} must not repeat a level, got {list(levels)}")
        return levels, True
    return (as_probability(value, name),), False


def as_seed(value: Any, name: str = "seed") -> np.random.Generator:
    """Return the generator that ``value`` seeds: ``None``, an int >= 0 or a generator.

    Parameters
    ----------
    value : None, int or numpy.random.Generator
        The user's input: ``None`` for fresh entropy, a non-negative integer for
        reproducible draws, or a generator to draw from (it is advanced).
    name : str, default "seed"
        The argument's name, used in error messages.

    Returns
    -------
    numpy.random.Generator
        The generator.

    Raises
    ------
    TypeError
        For anything else (a float, a string, a legacy ``RandomState``).
    ValueError
        For a negative integer.

    Examples
    --------
    >>> from ffstream.engine.validation import as_seed
    >>> float(as_seed(0).standard_normal()) == float(as_seed(0).standard_normal())
    True
    >>> as_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be None, a generator or an integer >= 0, got -1
    """
    if value is None or isinstance(value, np.random.Generator):
        return np.random.default_rng(value)
    if not is_integer(value):
        raise TypeError(
            f"{name} must be None, a numpy.random.Generator or an integer, "
            f"got {type(value).__name__}"
        )
    if value < 0:
        raise ValueError(
            f"{name} must be None, a generator or an integer >= 0, got {value}"
        )
    return np.random.default_rng(int(value))


def physical_memory() -> int | None:
    """The machine's physical memory in bytes, or ``None`` where it cannot be read.

    Examples
    --------
    >>> from ffstream.engine.validation import physical_memory
    >>> total = physical_memory()
    >>> total is None or total > 2**20
    True
    """
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def format_bytes(n_bytes: float) -> str:
    """``n_bytes`` with a binary unit, e.g. ``"7.3 TiB"``.

    Examples
    --------
    >>> from ffstream.engine.validation import format_bytes
    >>> format_bytes(512), format_bytes(3 * 2**30), format_bytes(8e12)
    ('512 B', '3.0 GiB', '7.3 TiB')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def check_memory(n_values: int, what: str) -> None:
    """Raise ``ValueError`` when ``n_values`` float64 values exceed the machine's memory.

    Called before a large allocation, so that a request that cannot fit says so,
    with the argument and the size, instead of failing inside numpy.

    Parameters
    ----------
    n_values : int
        Number of float64 values the request would allocate.
    what : str
        The request, as the error should name it (e.g. ``"steps=10**12"``).

    Examples
    --------
    >>> from ffstream.engine.validation import check_memory
    >>> check_memory(1000, "steps=1000")
    >>> check_memory(10**15, "steps=10**15")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: steps=10**15 would need 7.1 PiB of memory, more than this machine has (...)
    """
    total = physical_memory()
    n_bytes = 8 * n_values
    if total is not None and n_bytes > total:
        raise ValueError(
            f"{what} would need {format_bytes(n_bytes)} of memory, more than this "
            f"machine has ({format_bytes(total)})"
        )


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
    ridge = as_real_number(value, name)
    if not 0.0 <= ridge < np.inf:
        raise ValueError(f"{name} must be a non-negative finite number, got {value}")
    return ridge


def as_ridge_setting(value: Any, name: str = "ridge") -> float | str:
    """Return a ridge setting: ``"auto"`` (chosen from the data at fit) or a float.

    Parameters
    ----------
    value : float or "auto"
        The user's input.
    name : str, default "ridge"
        The argument's name, used in error messages.

    Returns
    -------
    float or str
        ``"auto"``, or ``value`` as a Python float, ``0 <= value < inf``.

    Examples
    --------
    >>> as_ridge_setting("auto"), as_ridge_setting(2)
    ('auto', 2.0)
    >>> as_ridge_setting("gcv")
    Traceback (most recent call last):
    ...
    TypeError: ridge must be a real number, got str 'gcv' (the only string is 'auto')
    """
    if isinstance(value, str):
        if value != "auto":
            raise TypeError(
                f"{name} must be a real number, got str {value!r} "
                "(the only string is 'auto')"
            )
        return value
    return as_ridge(value, name)


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
