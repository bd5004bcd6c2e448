"""Optional progress bars (tqdm) for long loops: backtests, many series.

tqdm is an optional dependency (``pip install "ffstream[progress]"``), imported
only when a bar is asked for; ``tqdm.auto`` draws a widget in Jupyter and text in
a terminal.
"""

from collections.abc import Iterable, Iterator
from typing import TypeVar

#: How to install the optional progress dependency.
PROGRESS_INSTALL_HINT = 'pip install "ffstream[progress]"'

Item = TypeVar("Item")


def with_progress(
    items: Iterable[Item], enabled: bool, *, total: int, description: str
) -> Iterator[Item]:
    """Iterate over ``items``, drawing a tqdm progress bar when ``enabled``.

    tqdm is imported at the call, so that a missing tqdm is reported before any
    work starts.

    Parameters
    ----------
    items : iterable
        What to iterate over.
    enabled : bool
        Whether to draw a bar; ``False`` iterates over ``items`` as they are.
    total : int
        Number of items (the bar's length).
    description : str
        The bar's label.

    Returns
    -------
    iterator
        The items of ``items`` (through the bar, which closes when they run out).

    Raises
    ------
    ImportError
        If ``enabled`` and tqdm is not installed (the message says how to install it).

    Examples
    --------
    >>> from ffstream.evaluation.progress import with_progress
    >>> list(with_progress(range(3), False, total=3, description="origins"))
    [0, 1, 2]
    """
    if not enabled:
        return iter(items)
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            f"progress=True draws a bar with tqdm, which is not installed: "
            f"{PROGRESS_INSTALL_HINT}"
        ) from error
    return iter(tqdm(items, total=total, desc=description))
