"""Objects guarded by a lock of their own, which copies, pickles and forks recreate."""

import itertools
import os
import threading
import weakref

#: Every live :class:`HasLock`, by creation number (their locks are taken at fork).
_LIVE: "weakref.WeakValueDictionary[int, HasLock]" = weakref.WeakValueDictionary()
_CREATION_NUMBERS = itertools.count()
_LIVE_GUARD = threading.Lock()


class HasLock:
    """Base of objects with a ``_lock`` (a :class:`threading.Lock`).

    A lock cannot be pickled or shared by copies: ``copy.copy``, ``copy.deepcopy``
    and :mod:`pickle` give each copy a new, released lock. A process fork waits
    until no other thread holds any of these locks (so the child never inherits an
    object in the middle of an update), and the child gets new, released locks.

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
        self._new_lock()

    def _new_lock(self) -> None:
        self._lock = threading.Lock()
        with _LIVE_GUARD:
            _LIVE[next(_CREATION_NUMBERS)] = self

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._new_lock()


def _locks_newest_first() -> list[threading.Lock]:
    """The locks of every live object, the newest object's first.

    A stream takes its plan's lock while holding its own, and a stream is always
    newer than its plan: taking the newest first keeps that order, so the fork
    cannot deadlock with a thread between the two.
    """
    with _LIVE_GUARD:
        objects = sorted(_LIVE.items(), key=lambda item: item[0], reverse=True)
    return [holder._lock for _, holder in objects]


_held_over_fork: list[threading.Lock] = []


def _before_fork() -> None:
    """Take every object's lock, then the registry's: the fork waits for updates to end."""
    _held_over_fork[:] = _locks_newest_first()
    for lock in _held_over_fork:
        lock.acquire()
    _LIVE_GUARD.acquire()


def _after_fork_in_parent() -> None:
    _LIVE_GUARD.release()
    for lock in reversed(_held_over_fork):
        lock.release()
    _held_over_fork.clear()


def _after_fork_in_child() -> None:
    """Give the child's copies new locks: the parent's threads do not exist here."""
    global _LIVE_GUARD
    _LIVE_GUARD = threading.Lock()
    for holder in list(_LIVE.values()):
        holder._lock = threading.Lock()
    _held_over_fork.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )
