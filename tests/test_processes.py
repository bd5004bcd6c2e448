"""Forked processes: after a batched rollout on threads, and while another thread holds a stream.

Each case runs in a fresh interpreter (a crash or a hang there fails the test
instead of killing or stalling the suite), with a timeout.
"""

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="fork is only available on POSIX"
)


def run_script(body: str, *, timeout: float = 240) -> str:
    """Run ``body`` in a fresh interpreter, return its stdout; fail on error or hang."""
    script = textwrap.dedent(body)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"the script hung for {timeout} s; stderr: {expired.stderr}")
    assert done.returncode == 0, (
        f"exit status {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    )
    return done.stdout


POOL_AFTER_PARALLEL_WORK = """
    import multiprocessing, numpy as np, ffstream

    rng = np.random.default_rng(0)
    h = 0.6 ** np.arange(64)
    prompts = rng.standard_normal((4, 12))
    model = ffstream.FIRForecaster(order=3).fit(rng.standard_normal(300))

    def work(seed):
        paths = model.sample_paths(20, 8, seed=seed)
        return ffstream.rollout(h, 40, prompt=prompts * seed), paths

    if __name__ == "__main__":
        # {first} starts ffstream's threads in this process before the fork.
        {first}
        expected = [work(seed) for seed in (1, 2, 3)]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            got = pool.map(work, [1, 2, 3])
        for (tokens, paths), (want_tokens, want_paths) in zip(got, expected):
            assert np.array_equal(tokens, want_tokens)
            assert np.array_equal(paths, want_paths)
        print("pool ok")
"""


@pytest.mark.parametrize(
    "first",
    [
        "ffstream.rollout(h, 10, prompt=prompts)",
        "model.sample_paths(5, 100, seed=0)",
    ],
    ids=["batched-rollout", "sample-paths"],
)
def test_a_fork_pool_after_parallel_work_gives_the_same_results(first):
    out = run_script(POOL_AFTER_PARALLEL_WORK.replace("{first}", first))
    assert "pool ok" in out


def test_a_forked_child_runs_batches_on_threads_of_its_own():
    out = run_script(
        """
        import os, numpy as np, ffstream
        from ffstream.engine import threads

        ffstream.set_num_threads(2)
        batch = ffstream.rollout(np.ones(4) / 8, 5, prompt=np.ones((3, 2)))
        assert threads._pool is not None  # the parent's pool has a thread
        pid = os.fork()
        if pid == 0:
            fresh = threads._pool is None
            again = ffstream.rollout(np.ones(4) / 8, 5, prompt=np.ones((3, 2)))
            os._exit(0 if fresh and np.array_equal(again, batch) else 1)
        _, status = os.waitpid(pid, 0)
        print("child", os.waitstatus_to_exitcode(status))
        """
    )
    assert out.startswith("child 0")


def test_a_fork_waits_for_a_block_in_progress_and_the_child_can_push():
    out = run_script(
        """
        import os, threading, time, numpy as np, ffstream

        stream = ffstream.OnlineConv(np.ones(4096))
        stream.push_block(np.ones(100))
        holding = threading.Event()

        def hold_the_lock():
            with stream._lock:  # as a push_block in progress does
                holding.set()
                time.sleep(0.5)
                stream._state  # still inside

        thread = threading.Thread(target=hold_the_lock)
        thread.start()
        holding.wait()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            # Without new locks the child would wait forever for a thread it lacks.
            out = stream.push_block(np.ones(10))
            os._exit(0 if out[-1] == 110.0 and stream.n_seen == 110 else 1)
        waited = time.perf_counter() - started
        thread.join()
        _, status = os.waitpid(pid, 0)
        print("child", os.waitstatus_to_exitcode(status), "waited", round(waited, 2))
        assert stream.push(1.0) == 101.0
        """,
        timeout=60,
    )
    _, child, _, waited = out.split()
    assert child == "0"
    assert float(waited) > 0.2  # the fork waited for the lock's holder


def test_two_threads_forking_at_once_never_hang_nor_leave_a_lock_held():
    out = run_script(
        """
        import os, threading, numpy as np, ffstream
        from ffstream.engine import locking

        streams = [ffstream.OnlineConv(np.ones(8)) for _ in range(50)]

        def fork_many():
            for _ in range(150):
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                os.waitpid(pid, 0)

        threads = [threading.Thread(target=fork_many) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        held = sum(stream._lock.locked() for stream in streams)
        print("held", held, "guards", locking._LIVE_GUARD.locked(), locking._FORK_GUARD.locked())
        """,
        timeout=120,
    )
    assert out.split() == ["held", "0", "guards", "False", "False"]


def test_a_stream_made_while_a_fork_waits_is_not_inherited_mid_update():
    out = run_script(
        """
        import os, threading, time, numpy as np, ffstream

        first = ffstream.OnlineConv(np.ones(8))
        made = {}

        def hold_first():  # a push_block in progress: the fork waits for it
            with first._lock:
                time.sleep(0.5)

        def make_and_update():  # a new stream, updated while the fork waits
            time.sleep(0.2)
            second = ffstream.OnlineConv(np.ones(8))
            made["second"] = second
            with second._lock:
                second.mid_update = True
                time.sleep(1.0)
                second.mid_update = False

        holders = [threading.Thread(target=hold_first), threading.Thread(target=make_and_update)]
        for thread in holders:
            thread.start()
        time.sleep(0.1)
        pid = os.fork()
        if pid == 0:
            second = made.get("second")
            inherited_mid_update = second is not None and second.mid_update
            os._exit(1 if inherited_mid_update else 0)
        _, status = os.waitpid(pid, 0)
        for thread in holders:
            thread.join()
        print("child", os.waitstatus_to_exitcode(status))
        """,
        timeout=60,
    )
    assert out.split() == ["child", "0"]
