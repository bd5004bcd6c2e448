"""matplotlib is an optional dependency: import it with an error that says how to install it."""

from types import ModuleType

#: How to install the optional plotting dependency.
PLOT_INSTALL_HINT = 'pip install "ffstream[plot]"'


def require_matplotlib(what: str) -> ModuleType:
    """Import matplotlib, or say how to install it.

    Parameters
    ----------
    what : str
        What needs it, for the message (e.g. ``"plot_forecast"``).

    Returns
    -------
    module
        :mod:`matplotlib`.

    Raises
    ------
    ImportError
        If matplotlib is not installed; the message names :data:`PLOT_INSTALL_HINT`.
    """
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(
            f"{what} needs matplotlib, which is not installed: {PLOT_INSTALL_HINT}"
        ) from error
    return matplotlib
