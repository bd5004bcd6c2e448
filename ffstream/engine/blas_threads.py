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
from collections.abc import Iterator

from threadpoolctl import ThreadpoolController

#: Matrices of this order or more are factored with one OpenBLAS thread.
LARGE_MATRIX_ORDER = 8192


@contextlib.contextmanager
def one_blas_thread_if_large(order: int) -> Iterator[None]:
    """Limit OpenBLAS to one thread inside the block when ``order`` is large.

    Parameters
    ----------
    order : int
        Order of the matrix about to be factored (or decomposed).

    Yields
    ------
    None
        Inside the block, OpenBLAS runs on one thread if
        ``order >= LARGE_MATRIX_ORDER``; the previous thread counts come back
        afterwards.

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
    # Scanning the loaded libraries takes about a millisecond: only for large matrices.
    with ThreadpoolController().select(internal_api="openblas").limit(limits=1):
        yield
