"""ffstream.xarray on a real dask.distributed cluster of worker processes.

One ``LocalCluster`` of two single-threaded worker processes serves the whole
module. The lazy results, computed there, must equal the eager ones bit for bit,
and the work must really have run in the workers: the task stream names the
workers that ran every block, and each worker's ffstream reports the kernels it
ran (loaded from the on-disk cache that computing the eager results here filled:
workers inherit this process's environment, so its cache directory).

Worker processes get ``FFSTREAM_NUM_THREADS=1`` (one worker thread per core
already; distributed's nanny also sets ``OMP/MKL/OPENBLAS_NUM_THREADS=1``), and
the test checks what the workers' ffstream and BLAS libraries really use.
"""

import os

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
xr = pytest.importorskip("xarray")
pytest.importorskip("dask.array")

import dask  # noqa: E402

import ffstream  # noqa: E402
import ffstream.xarray  # noqa: E402

N_SERIES, N_SAMPLES, CHUNK = 8, 600, 2
N_BLOCKS = N_SERIES // CHUNK


@pytest.fixture(scope="module")
def client():
    """A client of two worker processes, one thread each; closed at the end.

    ``FFSTREAM_NUM_THREADS`` is read when ffstream is imported, which a worker
    may do before the nanny's ``env`` is applied (when the client's
    ``__main__`` imports ffstream): like the BLAS variables it goes in
    ``distributed.nanny.pre-spawn-environ``, which the nanny also sets in this
    process's environment to spawn; that is undone once the workers run.
    """
    key = "distributed.nanny.pre-spawn-environ"
    pre_spawn = {**dask.config.get(key, default={}), "FFSTREAM_NUM_THREADS": "1"}
    environ = dict(os.environ)
    try:
        with dask.config.set({key: pre_spawn}):
            cluster = distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
    finally:
        os.environ.clear()
        os.environ.update(environ)
    try:
        with distributed.Client(cluster, set_as_default=True) as client:
            client.wait_for_workers(2, timeout=60)
            yield client
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def obj():
    """8 AR(2)-like series of 600 samples, labelled by station and time."""
    rng = np.random.default_rng(42)
    noise = rng.standard_normal((N_SERIES, N_SAMPLES))
    values = np.empty_like(noise)
    values[:, :2] = noise[:, :2]
    for t in range(2, N_SAMPLES):
        values[:, t] = 1.6 * values[:, t - 1] - 0.8 * values[:, t - 2] + noise[:, t]
    return xr.DataArray(
        values,
        dims=("station", "time"),
        coords={"station": [f"s{i}" for i in range(N_SERIES)]},
        name="load",
    )


def worker_kernel_calls():
    """In a worker: its ffstream's kernel cache hits and misses, and its thread setting."""
    import sys

    from numba.core.dispatcher import Dispatcher

    hits = misses = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("ffstream"):
            for value in vars(module).values():
                if isinstance(value, Dispatcher):
                    hits += sum(value.stats.cache_hits.values())
                    misses += sum(value.stats.cache_misses.values())
    from threadpoolctl import threadpool_info

    import ffstream

    return {
        "pid": os.getpid(),
        "hits": hits,
        "misses": misses,
        "threads": ffstream.get_num_threads(),
        "blas": {lib["num_threads"] for lib in threadpool_info()},
    }


def compute_on_cluster(client, lazy):
    """``lazy.compute()`` on the cluster, and the workers that ran each of its tasks."""
    with distributed.get_task_stream(client) as stream:
        result = lazy.compute()
    return result, stream.data


def key_name(key):
    """The name of a dask key: the key itself, or the first element of a tuple key."""
    return key[0] if isinstance(key, tuple) else str(key)


def check_ran_on_workers(client, tasks, function_name):
    """Every block of ``function_name`` ran in one of the cluster's worker processes."""
    workers = set(client.scheduler_info()["workers"])
    ours = [task for task in tasks if function_name in key_name(task["key"])]
    assert len(ours) >= N_BLOCKS, [task["key"] for task in tasks]
    assert {task["worker"] for task in ours} <= workers
    assert all(
        "compute" in [part["action"] for part in task["startstops"]] for task in ours
    )
    pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids


def test_forecast_on_the_cluster_equals_the_eager_forecast(client, obj):
    model = ffstream.FIRForecaster(order=8)
    eager = ffstream.xarray.forecast(obj, model, 24)
    lazy = ffstream.xarray.forecast(obj.chunk({"station": CHUNK}), model, 24)
    assert lazy.chunks is not None and len(lazy.data.dask) > 1
    result, tasks = compute_on_cluster(client, lazy)
    xr.testing.assert_identical(result, eager)
    assert np.array_equal(result.values, eager.values)  # bit for bit
    check_ran_on_workers(client, tasks, "forecast_array")


def test_convolve_on_the_cluster_equals_the_eager_convolution(client, obj):
    filters = 0.95 ** np.arange(300) * np.cos(0.1 * np.arange(300))  # FFT paths
    for method in ("naive", "continuous"):
        eager = ffstream.xarray.convolve(obj, filters, method=method)
        lazy = ffstream.xarray.convolve(
            obj.chunk({"station": CHUNK}), filters, method=method
        )
        result, tasks = compute_on_cluster(client, lazy)
        xr.testing.assert_identical(result, eager)
        assert np.array_equal(result.values, eager.values)
        check_ran_on_workers(client, tasks, "convolve_array")


def test_seeded_sample_paths_on_the_cluster_equal_the_eager_ones(client, obj):
    model = ffstream.FIRForecaster(order=6)
    eager = ffstream.xarray.sample_paths(obj, model, 16, 5, seed=7)
    lazy = ffstream.xarray.sample_paths(
        obj.chunk({"station": CHUNK}), model, 16, 5, seed=7
    )
    result, tasks = compute_on_cluster(client, lazy)
    xr.testing.assert_identical(result, eager)
    assert np.array_equal(result.values, eager.values)
    check_ran_on_workers(client, tasks, "sample_paths_array")


def test_the_workers_ran_ffstreams_kernels_from_the_cache_on_one_thread(client, obj):
    """Run last: by now every worker has run blocks of each function above."""
    lazy = ffstream.xarray.forecast(
        obj.chunk({"station": 1}), ffstream.FIRForecaster(order=4), 5
    )
    lazy.compute()  # 8 blocks: both workers get some
    reports = client.run(worker_kernel_calls)
    assert len(reports) == 2
    for report in reports.values():
        assert report["hits"] > 0, report  # kernels ran in the worker process
        assert report["misses"] == 0, report  # loaded from the warm cache
        assert report["threads"] == 1 and report["blas"] <= {1}, report
