"""The names of the online convolution schedules, defined once."""

from typing import Literal, get_args

from ffstream.kernels import schedules

#: A schedule's name, as users pass it.
Method = Literal["naive", "epoched", "continuous", "bounded"]

#: Every schedule, cheapest to set up first.
METHODS: tuple[str, ...] = get_args(Method)

#: The kernels' code of each schedule.
METHOD_CODES: dict[str, int] = {
    "naive": schedules.NAIVE,
    "epoched": schedules.EPOCHED,
    "continuous": schedules.CONTINUOUS,
    "bounded": schedules.BOUNDED,
}


def check_method(method: object) -> None:
    """Raise ``ValueError`` unless ``method`` names a schedule.

    Parameters
    ----------
    method : object
        The user's input.

    Examples
    --------
    >>> check_method("epoched")
    >>> check_method("fast")
    Traceback (most recent call last):
    ...
    ValueError: method must be one of ['bounded', 'continuous', 'epoched', 'naive'], got 'fast'
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
