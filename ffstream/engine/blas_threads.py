"""Dense factorizations of large matrices, kept off OpenBLAS's crashing threaded path.

The multithreaded OpenBLAS bundled with numpy and scipy (0.3.30 and 0.3.31
measured, two threads) segfaults while factoring symmetric positive definite
matrices of order 16,000 and more: in ``dpotrf`` (``scipy.linalg.cho_factor``,
``numpy.linalg.cholesky``), and in the ``dtrsm``/``dsyrk`` updates of a blocked
Cholesky of order 20,000 made of blocks of 4,096. With one thread the same
factorizations succeed. So every dense factorization of a matrix of order
:data:`LARGE_MATRIX_ORDER` or more runs with OpenBLAS limited to one thread
(other BLAS libraries, such as MKL, are left alone), at the cost of the
factorization's parallel speed-up.
"""

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

#: Matrices of this order or more are factored with one OpenBLAS thread.
LARGE_MATRIX_ORDER = 8192

# The limit is process-wide: threads factoring large matrices at once share it,
# the first one in sets it and the last one out restores the thread counts.
_GUARD = threading.Lock()
_inside = 0
_limiter: Any = None


def _take_control() -> None:
    """Let this thread set OpenBLAS's process-wide thread count.

    threadpoolctl lets only one thread at a time (the first to set a limit, until
    it ends a limiting block) change the count of a pthreads OpenBLAS; the others
    are silently ignored. The thread that restores the counts need not be the one
    that set them, so control is taken, and given up, under :data:`_GUARD`.
    """
    from threadpoolctl import OpenBLASController

    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:  # threadpoolctl releases before 3.6 have no such rule
        clear(force=True)


@contextlib.contextmanager
def one_blas_thread_if_large(order: int) -> Iterator[None]:
    """Limit OpenBLAS to one thread inside the block when ``order`` is large.

    The limit holds for the whole process (BLAS thread counts are global): while
    any thread is inside such a block, every factorization in the process runs on
    one OpenBLAS thread; the counts come back when the last such block ends.

    Parameters
    ----------
    order : int
        Order of the matrix about to be factored (or decomposed).

    Yields
    ------
    None
        Inside the block, OpenBLAS runs on one thread if
        ``order >= LARGE_MATRIX_ORDER``.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.blas_threads import one_blas_thread_if_large
    >>> with one_blas_thread_if_large(3):
    ...     factor = np.linalg.cholesky(np.eye(3))
    >>> factor.shape
    (3, 3)
    """
    if order < LARGE_MATRIX_ORDER:
        yield
        return
    global _inside, _limiter
    with _GUARD:
        if _inside == 0:
            # Imported and scanning the loaded libraries only here: a few
            # milliseconds that small fits and ``import ffstream`` do not pay.
            from threadpoolctl import ThreadpoolController

            _take_control()
            controller = ThreadpoolController().select(internal_api="openblas")
            _limiter = controller.limit(limits=1)
            _take_control()
        _inside += 1
    try:
        yield
    finally:
        with _GUARD:
            _inside -= 1
            if _inside == 0:
                _take_control()
                _limiter.restore_original_limits()
                _limiter = None
                _take_control()
