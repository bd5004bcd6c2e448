"""Objects guarded by a lock of their own, which copies, pickles and forks recreate."""

import os
import threading
import weakref

#: Every live :class:`HasLock`, by creation number (their locks are taken at fork).
_LIVE: "weakref.WeakValueDictionary[int, HasLock]" = weakref.WeakValueDictionary()
#: The creation number of the next lock registered (how many were, so far).
_next_number = 0
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
        global _next_number
        self._lock = threading.Lock()
        with _LIVE_GUARD:
            _LIVE[_next_number] = self
            _next_number += 1

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._new_lock()


def _live_newest_first() -> tuple[int, list[threading.Lock]]:
    """How many locks were ever registered, and every live object's lock, newest first.

    A stream takes its plan's lock while holding its own, and a stream is always
    newer than its plan: taking the newest first keeps that order, so the fork
    cannot deadlock with a thread between the two.
    """
    with _LIVE_GUARD:
        objects = sorted(_LIVE.items(), key=lambda item: item[0], reverse=True)
        registered = _next_number
    return registered, [holder._lock for _, holder in objects]


#: Serialises forks: the handlers of two threads forking at once would mix their locks.
_FORK_GUARD = threading.Lock()
_held_over_fork: list[threading.Lock] = []


def _before_fork() -> None:
    """Take every object's lock, then the registry's: the fork waits for updates to end.

    If an object got a lock while this fork waited (it could be in the middle of an
    update, and its lock is newer than the ones held), everything is released and
    taken again; the registry's guard, taken last and held over the fork, then keeps
    new objects out until the fork is done.
    """
    _FORK_GUARD.acquire()
    while True:
        registered, locks = _live_newest_first()
        for lock in locks:
            lock.acquire()
        _LIVE_GUARD.acquire()
        if _next_number == registered:
            _held_over_fork[:] = locks
            return
        _LIVE_GUARD.release()
        for lock in reversed(locks):
            lock.release()


def _after_fork_in_parent() -> None:
    """Release what :func:`_before_fork` took, newest object's lock last."""
    locks = list(_held_over_fork)
    _held_over_fork.clear()
    _LIVE_GUARD.release()
    for lock in reversed(locks):
        lock.release()
    _FORK_GUARD.release()


def _after_fork_in_child() -> None:
    """Give the child's copies new locks: the parent's threads do not exist here."""
    global _LIVE_GUARD, _FORK_GUARD
    _LIVE_GUARD = threading.Lock()
    _FORK_GUARD = threading.Lock()
    for holder in list(_LIVE.values()):
        holder._lock = threading.Lock()
    _held_over_fork.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )
