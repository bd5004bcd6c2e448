"""Batches of series on threads: the same bits however many threads, errors as themselves."""

import os
import subprocess
import sys
import threading

import numba
import numpy as np
import pytest

import ffstream
from ffstream.engine.threads import run_in_groups


@pytest.fixture
def threads_restored():
    before = ffstream.get_num_threads()
    yield
    ffstream.set_num_threads(before)


@numba.njit
def series_noise(y, u, step, series, data):
    """``u = 0.5 y + data[series, step]``: each series reads its own noise."""
    for c in range(u.shape[0]):
        u[c] = 0.5 * y[c] + data[series, step, c]


@numba.njit
def fails_in_series_5(y, u, step, series, data):
    for c in range(u.shape[0]):
        u[c] = y[c]
    if series == 5 and step == 3:
        u[0] = data[data.shape[0] + 1]


@pytest.mark.parametrize("n_series", [1, 2, 3, 7, 64])
def test_a_batch_gives_the_same_bits_on_any_number_of_threads(
    rng, method, threads_restored, n_series
):
    h = rng.standard_normal((300, 2)) * 0.98 ** np.arange(300)[:, None] / 10
    prompts = rng.standard_normal((n_series, 40, 2))
    noise = rng.standard_normal((n_series, 500, 2))
    results = []
    for n_threads in (1, 2, 3, 8):
        ffstream.set_num_threads(n_threads)
        results.append(
            ffstream.rollout(h, 500, prompts, series_noise, method, feedback_data=noise)
        )
    for result in results[1:]:
        assert np.array_equal(result, results[0])
    # And each series is the rollout of its own prompt alone (with its own noise).
    for b in (0, n_series - 1):
        alone = ffstream.rollout(
            h, 500, prompts[b : b + 1], series_noise, method, feedback_data=noise[b:]
        )
        assert np.array_equal(alone[0], results[0][b])


def test_sample_paths_do_not_depend_on_the_threads(rng, threads_restored):
    model = ffstream.FIRForecaster(order=5).fit(rng.standard_normal((400, 2)))
    ffstream.set_num_threads(1)
    serial = model.sample_paths(30, 150, seed=3)
    ffstream.set_num_threads(3)
    assert np.array_equal(model.sample_paths(30, 150, seed=3), serial)


def test_a_feedback_error_in_a_worker_thread_reaches_the_caller(threads_restored):
    ffstream.set_num_threads(4)
    prompts = np.ones((8, 3))
    with pytest.raises(IndexError, match="feedback fails_in_series_5 indexed an array"):
        ffstream.rollout(
            np.ones(4) / 8, 10, prompts, fails_in_series_5, feedback_data=np.zeros(2),
            check_bounds=True,
        )  # fmt: skip


def test_run_in_groups_covers_every_item_once_and_raises_the_first_error(
    threads_restored,
):
    ffstream.set_num_threads(3)
    seen = []
    lock = threading.Lock()

    def record(start, stop):
        with lock:
            seen.append((start, stop))

    run_in_groups(record, 10)
    assert sorted(seen) == [(0, 3), (3, 6), (6, 10)]
    run_in_groups(record, 0)  # nothing to do: one empty group in the caller
    finished = []

    def fail_late_groups(start, stop):
        finished.append(start)
        if start > 0:
            raise RuntimeError(f"group at {start}")

    with pytest.raises(RuntimeError, match="group at 3"):
        run_in_groups(fail_late_groups, 10)
    assert sorted(finished) == [0, 3, 6]  # every group ran to the end


def test_two_callers_share_the_threads(rng, threads_restored):
    ffstream.set_num_threads(2)
    h = 0.4 * 0.5 ** np.arange(64)  # taps summing to 0.8: a stable rollout
    prompts = rng.standard_normal((16, 8))
    expected = ffstream.rollout(h, 2000, prompts)
    results = [None, None]

    def roll(i):
        results[i] = ffstream.rollout(h, 2000, prompts)

    callers = [threading.Thread(target=roll, args=(i,)) for i in (0, 1)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert all(np.array_equal(result, expected) for result in results)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_set_num_threads_takes_a_positive_count(bad, threads_restored):
    before = ffstream.get_num_threads()
    with pytest.raises((TypeError, ValueError), match="n must be"):
        ffstream.set_num_threads(bad)
    assert ffstream.get_num_threads() == before


def _num_threads_in_child(value):
    env = dict(os.environ, FFSTREAM_NUM_THREADS=value)
    return subprocess.run(
        [sys.executable, "-c", "import ffstream; print(ffstream.get_num_threads())"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_environment_sets_the_default():
    done = _num_threads_in_child("3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
    done = _num_threads_in_child("zero")
    assert done.returncode != 0
    assert "FFSTREAM_NUM_THREADS must be a positive integer, got 'zero'" in done.stderr
