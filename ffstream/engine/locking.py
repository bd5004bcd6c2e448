"""Objects guarded by a lock of their own, which copies and pickles recreate."""

import threading


class HasLock:
    """Base of objects with a ``_lock`` (a :class:`threading.Lock`).

    A lock cannot be pickled or shared by copies: ``copy.copy``, ``copy.deepcopy``
    and :mod:`pickle` give each copy a new, released lock.

    Examples
    --------
    >>> import copy
    >>> from ffstream.engine.locking import HasLock
    >>> class Counter(HasLock):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.count = 0
    >>> counter = Counter()
    >>> twin = copy.deepcopy(counter)
    >>> twin._lock is counter._lock, twin.count
    (False, 0)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
