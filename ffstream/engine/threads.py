"""The threads batched rollouts run on: Python threads calling GIL-free kernels.

A batch of series (``ffstream.rollout`` with a batch of prompts,
``OnlineConv.rollout(n_series=...)``, sample paths and prediction intervals) is
cut into contiguous groups of series, one per thread, and every group runs the
same serial compiled loop, which releases the GIL. Compared with numba's own
parallel loops this compiles nothing more (a first run spends about 9 s less
compiling), the results of a series do not depend on how the batch was cut, an
exception raised by a feedback reaches the caller as itself, and a forked child
simply starts threads of its own (there is no OpenMP runtime to inherit).

The number of threads is :func:`get_num_threads`: ``$FFSTREAM_NUM_THREADS`` when
set, else the cores this process may run on; :func:`set_num_threads` changes it.
"""

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from ffstream.engine.validation import as_count

#: The environment variable that sets the default number of threads.
NUM_THREADS_VARIABLE = "FFSTREAM_NUM_THREADS"


def _default_num_threads() -> int:
    """``$FFSTREAM_NUM_THREADS``, else the cores this process may run on."""
    chosen = os.environ.get(NUM_THREADS_VARIABLE)
    if chosen:
        try:
            return as_count(int(chosen), NUM_THREADS_VARIABLE, 1)
        except ValueError as error:
            raise ValueError(
                f"{NUM_THREADS_VARIABLE} must be a positive integer, got {chosen!r}"
            ) from error
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_settings_lock = threading.Lock()
_num_threads = _default_num_threads()
_pool: ThreadPoolExecutor | None = None


def get_num_threads() -> int:
    """The number of threads a batch of series is spread over.

    Returns
    -------
    int
        ``$FFSTREAM_NUM_THREADS`` when set, else the cores this process may run
        on, unless :func:`set_num_threads` changed it.

    Examples
    --------
    >>> import ffstream
    >>> ffstream.get_num_threads() >= 1
    True
    """
    return _num_threads


def set_num_threads(n: int) -> None:
    """Spread batches of series over ``n`` threads from now on (1: run them in the caller).

    Parameters
    ----------
    n : int
        Threads, ``>= 1``. Inside a process pool or a dask worker that already
        uses every core, ``1`` avoids oversubscribing them.

    Examples
    --------
    >>> import ffstream
    >>> before = ffstream.get_num_threads()
    >>> ffstream.set_num_threads(1)
    >>> ffstream.get_num_threads()
    1
    >>> ffstream.set_num_threads(before)
    """
    global _num_threads, _pool
    n = as_count(n, "n", 1)
    with _settings_lock:
        old, _pool, _num_threads = _pool, None, n
    if old is not None:
        old.shutdown(wait=False)


def _submit_groups(work: Callable[[int, int], None], bounds: list[int]) -> list[Future]:
    """Submit every group but the first to the pool (made on first use).

    Under the settings lock, so that :func:`set_num_threads` cannot shut the
    pool down between taking it and submitting to it.
    """
    global _pool
    with _settings_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=max(_num_threads - 1, 1), thread_name_prefix="ffstream"
            )
        return [
            _pool.submit(work, bounds[g], bounds[g + 1])
            for g in range(1, len(bounds) - 1)
        ]


def _forget_pool_in_child() -> None:
    """A forked child has none of its parent's threads: it starts a pool of its own."""
    global _pool, _settings_lock
    _pool = None
    _settings_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_in_child)


def run_in_groups(work: Callable[[int, int], None], n_items: int) -> None:
    """Call ``work(start, stop)`` on contiguous groups covering ``range(n_items)``, in threads.

    One group per thread (at most :func:`get_num_threads` groups, each of at
    least one item); the first runs in the calling thread. Every group finishes before
    this returns or raises; if some raised, the exception of the first such
    group (in item order) is raised.

    Parameters
    ----------
    work : callable
        ``work(start, stop)`` processes items ``start .. stop - 1``; it should
        release the GIL (a ``nogil`` numba kernel) for the groups to overlap.
    n_items : int
        How many items.

    Examples
    --------
    >>> from ffstream.engine.threads import run_in_groups
    >>> done = []
    >>> run_in_groups(lambda start, stop: done.extend(range(start, stop)), 10)
    >>> sorted(done)
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    n_groups = max(min(_num_threads, n_items), 1)
    bounds = [n_items * g // n_groups for g in range(n_groups + 1)]
    if n_groups == 1:
        work(0, n_items)
        return
    futures = _submit_groups(work, bounds)
    first_error: BaseException | None = None
    try:
        work(bounds[0], bounds[1])
    except BaseException as error:  # the other groups must still finish
        first_error = error
    for future in futures:
        error = future.exception()
        if first_error is None and error is not None:
            first_error = error
    if first_error is not None:
        raise first_error
