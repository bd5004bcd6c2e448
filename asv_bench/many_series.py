"""Many series, side by side in one run: ffstream.xarray eager, a numpy loop, a dask cluster.

Run from anywhere with the environment that has ffstream installed::

    python asv_bench/many_series.py                  # best of 3
    python asv_bench/many_series.py --repeat 5 --peer-series 8 200
    python asv_bench/many_series.py --no-peer        # without statsforecast

The workload is that of ``benchmarks/many_series.py``: 10,000 independent series
of 2,000 samples, each fitted by its own copy of ``FIRForecaster(order=48)``
(least squares with an intercept) and forecast 96 steps ahead. The script prints,
in seconds (best of ``--repeat`` wall-clock runs, taken in interleaved rounds, as
the speed of a shared machine drifts):

* ``ffstream.xarray.forecast`` of the in-memory DataArray, and the plain loop
  ``copy.deepcopy(template).fit(y_i).forecast(96)`` over numpy rows: their ratio
  is the wrapper's overhead;
* the same forecast of a dask-backed DataArray (chunks of 500 series) on a
  ``LocalCluster`` of 2 single-threaded worker processes, the input persisted in
  the workers (start-up and a warm-up excluded, printed apart), and its speed-up
  over the eager forecast; also the run that ships the input from this process;
* thread settings in the workers: ``FFSTREAM_NUM_THREADS`` and the BLAS/OpenMP
  thread counts at 1 (what this repository's cluster uses) and at 2 (as many
  as the cores: 2 workers x 2 threads on 2 cores), for the forecast and for a
  sample-paths workload, whose batched rollouts do use ffstream's threads;
* one series of ``10**6`` samples through ``ffstream.xarray.forecast`` and
  through the numpy model (``FIRForecaster(order=512)``, horizon 1000);
* statsforecast as a peer reference (not a dependency of ffstream: skipped when
  it is not installed). Its closest model to a least-squares AR(48) with an
  intercept is ``AutoRegressive(lags=48)``, i.e. ``ARIMA(order=(48, 0, 0))``
  with a mean: ``method="CSS"`` (conditional sum of squares) minimises the same
  least-squares objective in the mean parametrisation, numerically (BFGS)
  instead of in closed form; the default ``"CSS-ML"`` then maximises the exact
  Gaussian likelihood. Both run on subsets (``--peer-series``, default 4 series
  for CSS-ML, about 40 s each here, and 100 for CSS), with ``n_jobs=1`` and
  ``n_jobs=2``; their times for 10,000 series are the subsets' times scaled up
  linearly, labelled EXTRAPOLATED. Each fit's forecasts are compared with
  those of an AR(48) with intercept fitted by ``numpy.linalg.lstsq``.
"""

import argparse
import os
import time
import warnings

import numpy as np
import xarray as xr
from benchmarks.common import versions
from benchmarks.many_series import (
    CHUNK_SERIES,
    HORIZON,
    LONG_HORIZON,
    LONG_ORDER,
    N_SAMPLES,
    N_SERIES,
    ORDER,
    as_dataarray,
    check_wrapper,
    long_series,
    many_series,
    numpy_loop,
    scatter_series,
    start_cluster,
    template,
    warm_up_cluster,
    worker_threads,
    xarray_forecast,
)

import ffstream
import ffstream.xarray as ffx

#: The sample-paths workload of the thread comparison.
PATH_SERIES, N_PATHS, PATH_HORIZON = 2_000, 64, 96


def interleaved_best(functions, repeat):
    """Best wall time of each function over ``repeat`` rounds, each round calling all once."""
    best = {name: float("inf") for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def line(label, seconds, note=""):
    print(f"  {label:<58} {seconds:9.3f} s  {note}")


def measure_eager_and_loop(values, repeat):
    obj = as_dataarray(values)
    check_wrapper(values, template(), HORIZON)
    times = interleaved_best(
        {
            "xarray": lambda: xarray_forecast(obj, template(), HORIZON),
            "loop": lambda: numpy_loop(values, template(), HORIZON),
        },
        repeat,
    )
    print(
        f"{N_SERIES} series x {N_SAMPLES} samples, FIRForecaster(order={ORDER}), "
        f"horizon {HORIZON}, in this process"
    )
    line(
        "ffstream.xarray.forecast (eager DataArray)",
        times["xarray"],
        f"{1e3 * times['xarray'] / N_SERIES:.3f} ms/series",
    )
    line(
        "numpy loop: deepcopy(template).fit(y_i).forecast(96)",
        times["loop"],
        f"{1e3 * times['loop'] / N_SERIES:.3f} ms/series",
    )
    print(f"  xarray / loop overhead ratio: {times['xarray'] / times['loop']:.3f}")
    return times


def sample_paths_workload(obj):
    return ffx.sample_paths(obj, template(), PATH_HORIZON, N_PATHS, seed=1)


def measure_cluster(values, eager_seconds, repeat):
    print(
        f"\n2-process LocalCluster (threads_per_worker=1), chunks of {CHUNK_SERIES} "
        "series"
    )
    start = time.perf_counter()
    cluster, client = start_cluster()
    started = time.perf_counter() - start
    try:
        start = time.perf_counter()
        warm_up_cluster(client, values, template(), HORIZON)
        warmed = time.perf_counter() - start
        start = time.perf_counter()
        obj = scatter_series(client, values)
        scattered = time.perf_counter() - start
        eager = as_dataarray(values)
        local = as_dataarray(values).chunk({"series": CHUNK_SERIES, "time": -1})
        times = interleaved_best(
            {
                "cluster": lambda: xarray_forecast(obj, template(), HORIZON).compute(),
                "shipped": lambda: xarray_forecast(
                    local, template(), HORIZON
                ).compute(),
                "eager": lambda: xarray_forecast(eager, template(), HORIZON),
            },
            repeat,
        )
        check = xarray_forecast(obj, template(), HORIZON).compute().values
        same = np.array_equal(check, xarray_forecast(eager, template(), HORIZON).values)
    finally:
        client.close()
        cluster.close()
    line("cluster start-up (not in the timings below)", started)
    line("warm-up: imports and kernel cache loading in the workers", warmed)
    line("persisting the input in the workers (160 MB)", scattered)
    line(
        "forecast on the cluster, input in the workers",
        times["cluster"],
        f"speed-up over eager {times['eager'] / times['cluster']:.2f}x",
    )
    line(
        "forecast on the cluster, input shipped from here",
        times["shipped"],
        f"speed-up over eager {times['eager'] / times['shipped']:.2f}x",
    )
    line(
        "eager, timed in the same rounds",
        times["eager"],
        f"(first eager measurement {eager_seconds:.3f} s)",
    )
    print(f"  cluster result equals the eager one bit for bit: {same}")
    return times


def measure_threads(values, repeat):
    """Forecast and sample paths on clusters with 1 and with 2 threads of each kind."""
    print(
        "\nThreads in the workers (2 processes x threads_per_worker=1 on 2 cores), "
        "set before they spawn"
    )
    path_values = values[:PATH_SERIES]
    settings = {
        "FFSTREAM_NUM_THREADS=1, BLAS/OpenMP 1 (the default here)": {
            "FFSTREAM_NUM_THREADS": "1"
        },
        "FFSTREAM_NUM_THREADS=2, BLAS/OpenMP 2 (4 threads on 2 cores)": {
            "FFSTREAM_NUM_THREADS": "2",
            "OMP_NUM_THREADS": "2",
            "MKL_NUM_THREADS": "2",
            "OPENBLAS_NUM_THREADS": "2",
        },
    }
    for label, env in settings.items():
        cluster, client = start_cluster(env=env)
        try:
            warm_up_cluster(client, values, template(), HORIZON)
            obj = scatter_series(client, values)
            paths = scatter_series(client, path_values)
            sample_paths_workload(paths[:4]).compute()  # warm-up
            seen = sorted(
                {str(report) for report in client.run(worker_threads).values()}
            )
            times = interleaved_best(
                {
                    "forecast": lambda obj=obj: xarray_forecast(
                        obj, template(), HORIZON
                    ).compute(),
                    "paths": lambda paths=paths: sample_paths_workload(paths).compute(),
                },
                repeat,
            )
        finally:
            client.close()
            cluster.close()
        print(f"  {label}")
        print(f"    seen in the workers (ffstream threads, [(pool, threads)]): {seen}")
        line(f"  forecast, {len(values)} series", times["forecast"])
        line(f"  sample_paths, {PATH_SERIES} series x {N_PATHS} paths", times["paths"])
    eager_paths = as_dataarray(path_values)
    before = ffstream.get_num_threads()
    sample_paths_workload(eager_paths[:4])
    try:
        calls = {}
        for n in (1, 2):

            def call(n=n):
                ffstream.set_num_threads(n)
                sample_paths_workload(eager_paths)

            calls[n] = call
        eager = interleaved_best(calls, repeat)
    finally:
        ffstream.set_num_threads(before)
    for n, seconds in eager.items():
        line(f"eager sample_paths here, {n} ffstream thread(s), same paths", seconds)


def measure_long(repeat):
    y = long_series()
    obj = xr.DataArray(y, dims="time", name="y")
    xarray_forecast(obj[:20_000], template(LONG_ORDER), LONG_HORIZON)  # compiles
    times = interleaved_best(
        {
            "xarray": lambda: xarray_forecast(obj, template(LONG_ORDER), LONG_HORIZON),
            "numpy": lambda: template(LONG_ORDER).fit(y).forecast(LONG_HORIZON),
        },
        max(repeat, 5),  # 0.15 s calls: more rounds against the machine's noise
    )
    print(
        f"\nOne series of {len(y)} samples, FIRForecaster(order={LONG_ORDER}), "
        f"horizon {LONG_HORIZON}"
    )
    line("ffstream.xarray.forecast", times["xarray"])
    line("numpy model: fit(y).forecast(1000)", times["numpy"])
    print(
        f"  xarray / numpy overhead ratio: {times['xarray'] / times['numpy']:.3f} "
        "(aim <= 1.1)"
    )


def least_squares_ar(values, order, horizon):
    """Forecasts of an AR(``order``) with intercept fitted by ``numpy.linalg.lstsq`` (reference)."""
    out = np.empty((len(values), horizon))
    for i, y in enumerate(values):
        lags = np.column_stack(
            [np.ones(len(y) - order)]
            + [y[order - k : len(y) - k] for k in range(1, order + 1)]
        )
        beta = np.linalg.lstsq(lags, y[order:], rcond=None)[0]
        history = list(y[-order:])
        for _ in range(horizon):
            history.append(beta[0] + np.dot(beta[1:], history[::-1][:order]))
        out[i] = history[order:]
    return out


def measure_peer(values, subsets, ours_seconds):
    """statsforecast's AR(48) fits on subsets of the series, ``n_jobs=1`` and ``2``."""
    try:
        import pandas as pd
        import statsforecast
        from statsforecast import StatsForecast
        from statsforecast.models import AutoRegressive
    except ImportError:
        print("\nstatsforecast is not installed: no peer reference")
        return
    print(f"\nstatsforecast {statsforecast.__version__} as a peer, horizon {HORIZON}")
    largest = max(subsets.values())
    ours = numpy_loop(values[:largest], template(), HORIZON)
    reference = least_squares_ar(values[:largest], ORDER, HORIZON)
    spread = np.abs(reference - values[:largest, -1:]).max()  # scale of the forecasts
    print(
        f"  ffstream vs numpy.linalg.lstsq AR({ORDER}) with intercept, first {largest} "
        f"series: max |difference| {np.abs(ours - reference).max():.2g}"
    )

    def frame(n_series, n_samples=N_SAMPLES):
        return pd.DataFrame(
            {
                "unique_id": np.repeat(np.arange(n_series), n_samples),
                "ds": np.tile(np.arange(n_samples), n_series),
                "y": values[:n_series, :n_samples].ravel(),
            }
        )

    for method, n_series in subsets.items():
        print(
            f'  AutoRegressive(lags={ORDER}, method="{method}"), first {n_series} series'
        )
        data = frame(n_series)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warm-up: numba compilation
            StatsForecast(
                models=[AutoRegressive(lags=ORDER, method=method)], freq=1, n_jobs=1
            ).forecast(df=frame(1, 300), h=HORIZON)
        seconds = {}
        for n_jobs in (1, 2):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                start = time.perf_counter()
                out = StatsForecast(
                    models=[AutoRegressive(lags=ORDER, method=method)],
                    freq=1,
                    n_jobs=n_jobs,
                ).forecast(df=data, h=HORIZON)
                seconds[n_jobs] = time.perf_counter() - start
            theirs = (
                out.sort_values(["unique_id", "ds"])["AutoRegressive"]
                .to_numpy()
                .reshape(n_series, HORIZON)
            )
            warned = sum("convergence" in str(w.message) for w in caught)
            note = f"{1e3 * seconds[n_jobs] / n_series:.0f} ms/series" + (
                f"; {warned} convergence warnings" if n_jobs == 1 else ""
            )
            line(
                f"  n_jobs={n_jobs}: {n_series} series, measured", seconds[n_jobs], note
            )
            scaled = seconds[n_jobs] * N_SERIES / n_series
            line(
                f"  n_jobs={n_jobs}: {N_SERIES} series, EXTRAPOLATED (x{N_SERIES // n_series})",
                scaled,
                f"{scaled / ours_seconds:.0f}x ffstream.xarray eager",
            )
        error = np.abs(theirs - reference[:n_series]).max()
        flat = int(np.sum(np.ptp(theirs, axis=1) < 1e-9))
        print(
            f"    max |forecast - least-squares AR({ORDER}) forecast|: {error:.3g} "
            f"(those forecasts stray up to {spread:.3g} from the last value); "
            f"{flat} of {n_series} forecasts constant; n_jobs=2 speed-up "
            f"{seconds[1] / seconds[2]:.2f}x"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (best of)")
    parser.add_argument(
        "--peer-series",
        type=int,
        nargs=2,
        default=(4, 100),
        metavar=("CSS_ML", "CSS"),
        help="series statsforecast's CSS-ML and CSS fits run on (then extrapolated)",
    )
    parser.add_argument("--no-peer", action="store_true", help="skip statsforecast")
    args = parser.parse_args()
    print(versions())
    print(
        f"ffstream threads here: {ffstream.get_num_threads()}; load average "
        f"{os.getloadavg()[0]:.2f} (other processes on the machine slow the "
        "2-process runs most)\n"
    )
    values = many_series()
    eager = measure_eager_and_loop(values, args.repeat)
    measure_cluster(values, eager["xarray"], args.repeat)
    measure_threads(values, args.repeat)
    measure_long(args.repeat)
    if not args.no_peer:
        subsets = dict(zip(("CSS-ML", "CSS"), args.peer_series, strict=True))
        measure_peer(values, subsets, eager["xarray"])
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
