"""Large fits: memory said up front, and factorizations kept off OpenBLAS's crashing path."""

import subprocess
import sys
import textwrap
import threading
import tracemalloc

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import ffstream
from ffstream.engine.blas_threads import LARGE_MATRIX_ORDER, one_blas_thread_if_large
from ffstream.engine.validation import physical_memory
from ffstream.models._autoregression import fit_memory_values
from ffstream.models._base import NotFittedError


def openblas_threads() -> list[int]:
    return [
        pool["num_threads"]
        for pool in threadpool_info()
        if pool["internal_api"] == "openblas"
    ]


needs_openblas = pytest.mark.skipif(
    not openblas_threads(), reason="numpy and scipy do not use OpenBLAS here"
)


@needs_openblas
def test_a_large_factorization_runs_on_one_openblas_thread_and_restores_the_count():
    before = openblas_threads()
    with one_blas_thread_if_large(LARGE_MATRIX_ORDER):
        assert openblas_threads() == [1] * len(before)
    assert openblas_threads() == before


@needs_openblas
def test_a_small_factorization_keeps_every_thread():
    before = openblas_threads()
    with one_blas_thread_if_large(LARGE_MATRIX_ORDER - 1):
        assert openblas_threads() == before


@needs_openblas
def test_the_thread_count_comes_back_after_an_error():
    before = openblas_threads()
    with pytest.raises(RuntimeError, match="inside"), one_blas_thread_if_large(10**5):
        raise RuntimeError("inside")
    assert openblas_threads() == before


@pytest.mark.parametrize(
    ("n_channels", "order", "solver", "singular"),
    [
        (1, 1500, "normal", False),
        (1, 1500, "normal", True),
        (2, 600, "normal", False),
        (3, 400, "normal", True),
        (2, 600, "yule-walker", False),
        (3, 400, "yule-walker", True),
    ],
)
def test_the_fit_memory_estimate_bounds_the_measured_peak(
    n_channels, order, solver, singular
):
    """An upper bound, not far above: also when a singular system falls back to lstsq."""
    n_samples = 20_000
    y = np.random.default_rng(1).standard_normal((n_samples, n_channels))
    if singular:  # all but the last samples zero: the lag Gram matrix is singular
        y[:-5] = 0.0
    tracemalloc.start()
    try:
        model = ffstream.FIRForecaster(order=order, solver=solver, fit_intercept=False)
        model.fit(y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = 8 * fit_memory_values(n_samples, n_channels, order, solver)
    assert 0.4 * estimate < peak < 1.05 * estimate


@needs_openblas
def test_a_large_block_in_any_thread_limits_even_after_another_thread_limited():
    """threadpoolctl lets one thread control OpenBLAS: each block must take control."""
    before = openblas_threads()
    seen = []

    def factor_large():
        with one_blas_thread_if_large(LARGE_MATRIX_ORDER):
            seen.append(openblas_threads())

    factor_large()  # the main thread first
    for _ in range(2):
        worker = threading.Thread(target=factor_large)
        worker.start()
        worker.join()
    factor_large()
    assert seen == [[1] * len(before)] * 4
    assert openblas_threads() == before


@needs_openblas
def test_overlapping_large_blocks_in_two_threads_keep_one_thread_until_the_last_ends():
    before = openblas_threads()
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    seen = {}

    def first():
        with one_blas_thread_if_large(LARGE_MATRIX_ORDER):
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with one_blas_thread_if_large(LARGE_MATRIX_ORDER):
            second_in.set()
            first_out.wait(10)
            seen["after the first left"] = openblas_threads()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["after the first left"] == [1] * len(before)
    assert openblas_threads() == before


def test_a_fit_larger_than_memory_is_refused_by_name_before_fitting():
    y = np.random.default_rng(2).standard_normal(400_000)
    needed = 8 * fit_memory_values(len(y), 1, 300_000, "normal")
    memory = physical_memory()
    assert memory is not None and needed > memory  # the Gram matrix alone: 720 GB
    # Penalised, so that the fit is not refused first as undetermined (300001
    # regressors for 100000 equations).
    model = ffstream.FIRForecaster(order=300_000, ridge=1.0)
    with pytest.raises(
        ValueError,
        match=r"a fit of order=300000 on 1 channel\(s\) and 400000 samples "
        r"would need 2\.0 TiB of memory, more than this machine has",
    ):
        model.fit(y)
    with pytest.raises(NotFittedError):
        model.forecast(1)


ORDER_16384 = """
    import numpy as np, ffstream

    rng = np.random.default_rng(0)
    noise = rng.standard_normal(10**6)
    y = np.empty_like(noise)
    y[:2] = noise[:2]
    for t in range(2, len(y)):  # AR(2): y[t] = 0.6 y[t-1] - 0.2 y[t-2] + e[t]
        y[t] = 0.6 * y[t - 1] - 0.2 * y[t - 2] + noise[t]
    model = ffstream.FIRForecaster(order=16384).fit(y)
    coef = model.coef_.reshape(-1)
    print("finite", bool(np.isfinite(coef).all()))
    print("first", round(float(coef[0]), 2), round(float(coef[1]), 2))
    print("rest", float(np.abs(coef[2:]).max()))
"""


@pytest.mark.skipif(
    (physical_memory() or 0) < 8 * 2**30, reason="an order-16384 fit needs about 5 GiB"
)
def test_an_order_16384_fit_on_a_million_samples_succeeds():
    """OpenBLAS's threaded dpotrf segfaults at this order: the fit must not crash."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(ORDER_16384)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["finite"] == "True"
    assert lines["first"] == "0.6 -0.2"
    assert float(lines["rest"]) < 0.02  # the other 16382 lags are noise
