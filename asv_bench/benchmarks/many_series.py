"""Many independent series through ``ffstream.xarray``: eager, a numpy loop, a dask cluster.

* ``ManySeriesXarray``: ``ffstream.xarray.forecast`` of 10,000 series of 2,000
  samples (a ``(series, time)`` DataArray in memory), ``FIRForecaster(order=48)``,
  horizon 96, in this process.
* ``ManySeriesLoop``: the same numbers by the plain loop over numpy models,
  ``copy.deepcopy(template).fit(y_i).forecast(96)``; ``track_xarray_over_loop``
  times both back to back in one process (best of 3 each) and records the ratio:
  the wrapper's overhead.
* ``ManySeriesCluster``: the same forecast of a dask-backed DataArray (chunks of
  500 series, time in one chunk) on a ``LocalCluster`` of 2 worker processes of
  one thread each (``FFSTREAM_NUM_THREADS=1`` in the workers, set before they
  spawn, like the ``OMP/MKL/OPENBLAS_NUM_THREADS=1`` of distributed's nanny:
  see :func:`start_cluster`). The cluster is
  started, the input persisted in the workers' memory (as if they had loaded it)
  and one small forecast run (imports, kernel cache loading) in ``setup``; the
  timed call builds the graph, computes it and gathers the result.
  ``track_eager_over_cluster`` records the speed-up over the eager forecast,
  both timed back to back in wall time.
* ``LongSeries``: one series of ``10**6`` samples, ``FIRForecaster(order=512)``,
  horizon 1000, through ``ffstream.xarray.forecast`` and through the numpy model;
  ``track_xarray_over_numpy`` is their ratio (aim: at most 1.1).

Every setup checks the wrapper's forecasts against the numpy model's on a few
series (bit for bit), so that a broken wrapper cannot post a fast time. The
xarray and cluster cases are skipped (``NotImplementedError``) where
``ffstream.xarray`` or ``dask.distributed`` cannot be imported, e.g. in the
environments of older commits. ``../many_series.py`` prints all of these in one
run, with statsforecast as a peer reference.
"""

import copy
import os
import time

import numpy as np
import scipy.signal

import ffstream

from .common import SlowBenchmark, best_of

try:
    import xarray as xr

    import ffstream.xarray as ffx
except ImportError:  # a commit before ffstream.xarray
    xr = ffx = None

N_SERIES = 10_000
N_SAMPLES = 2_000
ORDER = 48
HORIZON = 96
#: Series per dask chunk: 20 tasks, 10 per worker.
CHUNK_SERIES = 500
N_WORKERS = 2
LONG_SAMPLES = 10**6
LONG_ORDER = 512
LONG_HORIZON = 1000
#: Timed runs of each side of a ``track_`` ratio.
REPEAT = 3


def many_series(n_series=N_SERIES, n_samples=N_SAMPLES, seed=0):
    """``(n_series, n_samples)`` noisy AR(2) oscillations, one random stable pole pair each."""
    rng = np.random.default_rng(seed)
    radii = rng.uniform(0.8, 0.99, n_series)
    angles = rng.uniform(0.02, 0.5, n_series) * np.pi
    noise = rng.standard_normal((n_series, n_samples))
    out = np.empty_like(noise)
    for i in range(n_series):
        a = [1.0, -2.0 * radii[i] * np.cos(angles[i]), radii[i] ** 2]
        out[i] = scipy.signal.lfilter([1.0], a, noise[i])
    return out + 0.5 * rng.standard_normal((n_series, n_samples)) + 3.0


def as_dataarray(values):
    """``values`` labelled ``(series, time)``."""
    return xr.DataArray(
        values,
        dims=("series", "time"),
        coords={"series": np.arange(values.shape[0])},
        name="y",
    )


def template(order=ORDER):
    """The unfitted forecaster every series gets a copy of."""
    return ffstream.FIRForecaster(order=order)


def numpy_loop(values, model, horizon):
    """``copy.deepcopy(model).fit(y_i).forecast(horizon)`` for every row ``y_i``."""
    out = np.empty((values.shape[0], horizon))
    for i, y in enumerate(values):
        out[i] = copy.deepcopy(model).fit(y).forecast(horizon)
    return out


def xarray_forecast(obj, model, horizon):
    """``ffstream.xarray.forecast`` of every series of ``obj`` (lazy for dask-backed ``obj``)."""
    return ffx.forecast(obj, model, horizon, dim="time")


def require_xarray():
    if ffx is None:
        raise NotImplementedError("ffstream.xarray is not in this checkout")


def check_wrapper(values, model, horizon, n_check=4):
    """Raise unless the wrapper's forecasts of the first series equal the loop's, bit for bit.

    Compiles (or loads) every kernel a forecast uses on the way.
    """
    got = xarray_forecast(as_dataarray(values[:n_check]), model, horizon).values
    if not np.array_equal(got, numpy_loop(values[:n_check], model, horizon)):
        raise AssertionError("ffstream.xarray.forecast disagrees with the numpy models")


def start_cluster(n_workers=N_WORKERS, env=None):
    """A ``LocalCluster`` of ``n_workers`` single-threaded processes and its client.

    ``env`` (default ``FFSTREAM_NUM_THREADS=1``) is added to distributed's
    ``distributed.nanny.pre-spawn-environ``: variables read when a module is
    imported (ffstream's thread count, the BLAS libraries') must be set before
    the worker process starts, since a worker imports the client's ``__main__``
    module, and so often ffstream and numpy, before the nanny's ``env``
    arguments are applied. The nanny sets them in this process's environment
    to spawn; they are taken out again once the workers run.
    """
    import dask
    import distributed

    env = {"FFSTREAM_NUM_THREADS": "1"} if env is None else env
    key = "distributed.nanny.pre-spawn-environ"
    pre_spawn = {**dask.config.get(key, default={}), **env}
    before = dict(os.environ)
    try:
        with dask.config.set({key: pre_spawn}):
            cluster = distributed.LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
    finally:
        os.environ.clear()
        os.environ.update(before)
    client = distributed.Client(cluster)
    client.wait_for_workers(n_workers, timeout=120)
    return cluster, client


def worker_threads():
    """In a worker: ffstream's thread count and the BLAS/OpenMP libraries' (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    blas = sorted(
        {(lib["internal_api"], lib["num_threads"]) for lib in threadpool_info()}
    )
    return ffstream.get_num_threads(), blas


def scatter_series(client, values, chunk=CHUNK_SERIES):
    """``values`` as a dask-backed DataArray chunked along series, persisted in the workers."""
    import distributed

    obj = client.persist(as_dataarray(values).chunk({"series": chunk, "time": -1}))
    distributed.wait(obj)
    return obj


def warm_up_cluster(client, values, model, horizon):
    """Forecast a few series on every worker: imports, kernel cache loading; checked."""
    small = as_dataarray(values[: 8 * N_WORKERS]).chunk({"series": 8})
    got = xarray_forecast(small, model, horizon).compute().values
    if not np.array_equal(got, numpy_loop(values[: 8 * N_WORKERS], model, horizon)):
        raise AssertionError("the cluster's forecasts disagree with the numpy models")


class ManySeriesXarray(SlowBenchmark):
    """``ffstream.xarray.forecast`` of 10,000 series of 2,000 samples, in this process."""

    repeat = (1, 3, 60.0)
    timeout = 900

    def setup(self):
        require_xarray()
        self.values = many_series()
        self.obj = as_dataarray(self.values)
        check_wrapper(self.values, template(), HORIZON)

    def time_forecast(self):
        xarray_forecast(self.obj, template(), HORIZON)


class ManySeriesLoop(SlowBenchmark):
    """The plain loop over numpy models, and the wrapper's overhead over it."""

    repeat = (1, 3, 60.0)
    timeout = 900

    def setup(self):
        self.values = many_series()
        numpy_loop(self.values[:4], template(), HORIZON)  # compiles

    def time_loop(self):
        numpy_loop(self.values, template(), HORIZON)

    def track_xarray_over_loop(self):
        require_xarray()
        obj = as_dataarray(self.values)
        check_wrapper(self.values, template(), HORIZON)
        wrapped = best_of(
            lambda: xarray_forecast(obj, template(), HORIZON), REPEAT, warm_up=False
        )
        loop = best_of(
            lambda: numpy_loop(self.values, template(), HORIZON), REPEAT, warm_up=False
        )
        return wrapped / loop

    track_xarray_over_loop.unit = "ratio"
    track_xarray_over_loop.timeout = 1800


class ManySeriesCluster(SlowBenchmark):
    """The same forecast of dask-chunked series on a 2-process ``LocalCluster``."""

    repeat = (1, 3, 60.0)
    timeout = 1200

    def setup(self):
        require_xarray()
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise NotImplementedError("dask.distributed is not installed") from None
        self.values = many_series()
        check_wrapper(self.values, template(), HORIZON)
        self.cluster, self.client = start_cluster()
        warm_up_cluster(self.client, self.values, template(), HORIZON)
        self.obj = scatter_series(self.client, self.values)

    def teardown(self):
        self.client.close()
        self.cluster.close()

    def time_forecast(self):
        xarray_forecast(self.obj, template(), HORIZON).compute()

    def track_eager_over_cluster(self):
        eager = as_dataarray(self.values)
        clock = time.perf_counter  # wall time: the work is in other processes
        on_cluster = best_of(
            lambda: xarray_forecast(self.obj, template(), HORIZON).compute(),
            REPEAT,
            warm_up=False,
            clock=clock,
        )
        here = best_of(
            lambda: xarray_forecast(eager, template(), HORIZON),
            REPEAT,
            warm_up=False,
            clock=clock,
        )
        return here / on_cluster

    track_eager_over_cluster.unit = "speed-up"
    track_eager_over_cluster.timeout = 1800


def long_series(n_samples=LONG_SAMPLES):
    """One series of ``n_samples``: the first of :func:`many_series`'s kind, longer."""
    return many_series(1, n_samples, seed=3)[0]


class LongSeries(SlowBenchmark):
    """One series of 10**6 samples, ``FIRForecaster(order=512)``, horizon 1000."""

    repeat = (1, 3, 60.0)
    timeout = 900

    def setup(self):
        require_xarray()
        self.y = long_series()
        self.obj = xr.DataArray(self.y, dims="time", name="y")
        got = xarray_forecast(self.obj[:20_000], template(LONG_ORDER), LONG_HORIZON)
        want = template(LONG_ORDER).fit(self.y[:20_000]).forecast(LONG_HORIZON)
        if not np.array_equal(got.values, want):
            raise AssertionError("ffstream.xarray.forecast disagrees with the model")

    def time_xarray(self):
        xarray_forecast(self.obj, template(LONG_ORDER), LONG_HORIZON)

    def time_numpy(self):
        template(LONG_ORDER).fit(self.y).forecast(LONG_HORIZON)

    def track_xarray_over_numpy(self):
        # Wall time: the least-squares solve runs on the BLAS threads.
        wrapped = best_of(
            lambda: xarray_forecast(self.obj, template(LONG_ORDER), LONG_HORIZON),
            REPEAT,
            warm_up=False,
            clock=time.perf_counter,
        )
        plain = best_of(
            lambda: template(LONG_ORDER).fit(self.y).forecast(LONG_HORIZON),
            REPEAT,
            warm_up=False,
            clock=time.perf_counter,
        )
        return wrapped / plain

    track_xarray_over_numpy.unit = "ratio"
