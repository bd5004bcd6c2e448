"""Warnings attributed to the user's own line, wherever inside ffstream they arise."""

import os
import sys
import warnings

#: The installed package's directory: frames under it are ffstream's, not the user's.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn_user(message: str, category: type[Warning] = RuntimeWarning) -> None:
    """Issue a warning at the first caller outside the ffstream package.

    A fixed ``stacklevel`` points at the right line only for one call path: the
    overflow of a ``push_block`` is reported at the user's ``push_block`` line and
    also at the line of the ``update`` that pushed internally.

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning, default RuntimeWarning
        The warning's class.

    Examples
    --------
    >>> import warnings
    >>> from ffstream.engine.user_warnings import warn_user
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_user("careful")
    >>> caught[0].message.args[0], "ffstream" + __import__("os").sep in caught[0].filename
    ('careful', False)
    """
    frame = sys._getframe(1)
    level = 2  # the caller of warn_user
    while frame.f_back is not None and frame.f_code.co_filename.startswith(
        _PACKAGE_DIR
    ):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
