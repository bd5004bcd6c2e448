"""Measure the forecasters' key costs in one process and print them.

Run from anywhere with the environment that has ffstream installed::

    python asv_bench/measure_models.py             # best of 3, 3 forecast rounds
    python asv_bench/measure_models.py --repeat 5 --rounds 5

The cases are those of ``benchmarks/models.py``:

* ``FIRForecaster(order=4096).fit`` on ``10**6`` samples of one channel: wall
  time (the solve uses the BLAS threads), the peak of the memory the fit
  allocates (``tracemalloc``) and the growth of the process's peak resident set
  size during the first fit (``resource.getrusage``; the fit runs first, before
  anything else large is allocated);
* ``forecast(2**18)`` of an ``FIRForecaster(order=2**14)`` (fitted by Yule-Walker
  on ``2 * 10**5`` samples) with each schedule, and the speed-ups over naive,
  in interleaved rounds (see :func:`measure_forecast`). The continuous forecast
  runs on the model's own engine, warm (its filter spectra computed by an
  untimed first forecast); the naive and epoched ones build an engine for their
  schedule and load the history at every call;
* streaming ``update`` in chunks of 256 samples of a
  ``SpectralForecaster(n_filters=24, context=8192)`` fitted on ``3 * 10**4``
  samples of 8 channels: samples per second without learning, and with
  ``learn=True`` (recursive least squares; the features of the new samples come
  from the model's feature engines, built by one untimed learning update).

Single-threaded cases (forecasts and updates) are timed in CPU time of the
calling thread, which time slices lost to other processes on a shared machine do
not inflate; fits, which use several BLAS threads, in wall time. Numba
compilation is excluded: every code path runs once on small inputs first.
"""

import argparse
import os
import resource
import time
import tracemalloc

from benchmarks.common import best_of, versions
from benchmarks.models import (
    CHUNK,
    FIT_ORDER,
    FIT_SAMPLES,
    FORECAST_ORDER,
    HORIZON,
    LEARN_CHUNKS,
    UPDATE_CHANNELS,
    UPDATE_CHUNKS,
    UPDATE_CONTEXT,
    UPDATE_FILTERS,
    UPDATE_FIT_SAMPLES,
    fitted_forecaster,
    fitted_spectral,
    oscillating_series,
    warm_up_models,
)

import ffstream


def max_rss_mb():
    """Peak resident set size of this process so far, in MB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of the forecasts"
    )
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

    print(versions())
    print(
        f"load average {os.getloadavg()[0]:.2f}; best of {repeat} (naive: 1 run); "
        "thread CPU time, wall time for fits"
    )
    print()

    warm_up_models(1)
    warm_up_models(UPDATE_CHANNELS, spectral=True)
    measure_fit(repeat)
    print()
    measure_forecast(repeat, max(1, args.rounds))
    print()
    measure_update(repeat)
    print()
    print(f"process peak RSS at the end: {max_rss_mb():.0f} MB")


def row(label, value, unit):
    print(f"  {label:<60} {value:12.4g} {unit}", flush=True)


def measure_fit(repeat):
    """Time and memory of the order-4096 fit on 10**6 samples."""
    print(f"FIRForecaster(order={FIT_ORDER}).fit, {FIT_SAMPLES} samples, 1 channel")
    series = oscillating_series(FIT_SAMPLES)[:, 0]
    rss_before = max_rss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    ffstream.FIRForecaster(FIT_ORDER).fit(series)
    first = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_growth = max_rss_mb() - rss_before
    for _ in range(repeat - 1):
        start = time.perf_counter()
        ffstream.FIRForecaster(FIT_ORDER).fit(series)
        first = min(first, time.perf_counter() - start)
    row("fit time (wall)", first, "s")
    row("peak memory allocated by the fit (tracemalloc)", traced_peak, "MB")
    row("growth of the process's peak RSS during the first fit", rss_growth, "MB")
    row("process peak RSS so far", max_rss_mb(), "MB")
    row("series itself", series.nbytes / 2**20, "MB")


def measure_forecast(repeat, rounds):
    """Forecasts of 2**18 steps with each schedule, in interleaved rounds.

    The speed of a shared machine drifts over seconds, and not by the same factor
    for the FFT-bound continuous forecast as for the memory-bound naive one. Each
    round therefore times the three schedules back to back (naive once, the
    others as the best of ``repeat`` runs) and computes its own speed-ups; the
    median round is reported with the range of the others.
    """
    print(
        f"FIRForecaster(order={FORECAST_ORDER}, solver='yule-walker').forecast"
        f"({HORIZON}), fitted on 2e5 samples; {rounds} rounds"
    )
    start = time.perf_counter()
    model = fitted_forecaster()
    row(
        "fit time (wall, Yule-Walker, not the benchmark)",
        time.perf_counter() - start,
        "s",
    )
    model.forecast(HORIZON)
    results = []
    for _ in range(rounds):
        naive = best_of(
            lambda: model.forecast(HORIZON, method="naive"), 1, warm_up=False
        )
        results.append(
            {
                "naive": naive,
                "continuous": best_of(
                    lambda: model.forecast(HORIZON), repeat, warm_up=False
                ),
                "epoched": best_of(
                    lambda: model.forecast(HORIZON, method="epoched"),
                    repeat,
                    warm_up=False,
                ),
            }
        )
    speed_ups = sorted(
        (r["naive"] / r["continuous"], r["naive"] / r["epoched"], i)
        for i, r in enumerate(results)
    )
    median = results[speed_ups[len(speed_ups) // 2][2]]
    for method in ("naive", "epoched", "continuous"):
        row(f"{method} forecast (median round)", median[method], "s")
    for index, method in enumerate(("continuous", "epoched")):
        values = sorted(s[index] for s in speed_ups)
        row(
            f"speed-up of {method} over naive: median "
            f"(rounds {values[0]:.1f} .. {values[-1]:.1f})",
            values[len(values) // 2],
            "x",
        )
    row(
        "continuous: time per step (median round)",
        1e6 * median["continuous"] / HORIZON,
        "us",
    )


def measure_update(repeat):
    """Streaming updates of the 8-channel spectral forecaster."""
    print(
        f"SpectralForecaster(n_filters={UPDATE_FILTERS}, context={UPDATE_CONTEXT})"
        f".update, {UPDATE_CHANNELS} channels, chunks of {CHUNK}"
    )
    start = time.perf_counter()
    spectral, new_chunks = fitted_spectral((UPDATE_CHUNKS + LEARN_CHUNKS) * repeat + 1)
    row(
        f"series and fit time (wall, fit on {UPDATE_FIT_SAMPLES} samples, not timed)",
        time.perf_counter() - start,
        "s",
    )
    chunks = iter(new_chunks)

    def update(n_chunks, learn):
        for _ in range(n_chunks):
            spectral.update(next(chunks), learn=learn)

    seconds = best_of(lambda: update(UPDATE_CHUNKS, False), repeat, warm_up=False)
    row(f"update, {UPDATE_CHUNKS} chunks", seconds, "s")
    row("update throughput", CHUNK * UPDATE_CHUNKS / seconds, "samples/s")
    update(1, True)  # builds the feature engines
    seconds = best_of(lambda: update(LEARN_CHUNKS, True), repeat, warm_up=False)
    row(f"update(learn=True), {LEARN_CHUNKS} chunks", seconds, "s")
    row("update(learn=True) throughput", CHUNK * LEARN_CHUNKS / seconds, "samples/s")


if __name__ == "__main__":
    main()
