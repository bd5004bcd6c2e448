"""numba's on-disk cache of the kernels when several processes compile into it at once.

Dask workers, process pools and parallel test runs start together on an empty
cache and all compile the same kernels. numba updates a function's cache index
by read-modify-write without a lock: two processes compiling two signatures of
one function at once could both store their code as data file 1, the index
then pointed one signature at the other's machine code, and every later process
crashed on it (``TypeError: can't unbox array``) until the cache was deleted.
:class:`ffstream.kernels._numba.GuardedIndexDataCacheFile` serialises the saves
and stores each entry's key in its data file.

Every process runs in a fresh interpreter with its own empty cache directory
(``FFSTREAM_CACHE_DIR`` for the kernels, ``NUMBA_CACHE_DIR`` for anything else),
started behind a barrier so that they compile at the same moment.
"""

import json
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from ffstream.kernels import _numba

N_PROCESSES = 4

#: Fit and forecast an FIRForecaster, and push a block through an OnlineConv,
#: with every method: the digest of all results, and the process's cache use.
WORKLOAD = """
import hashlib, json, os, sys, time
import numpy as np
import ffstream
from ffstream.engine.methods import METHODS
from numba.core.dispatcher import Dispatcher

ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(go):  # the barrier: every process compiles at once
    time.sleep(0.005)
rng = np.random.default_rng(0)
y = np.cumsum(rng.standard_normal(400)) * 0.1 + rng.standard_normal(400)
h = 0.9 ** np.arange(300) * rng.standard_normal(300) * 0.05
x = rng.standard_normal(700)
results = []
for method in METHODS:
    model = ffstream.FIRForecaster(order=8).fit(y)
    results.append(model.forecast(50, method=method))
    results.append(ffstream.OnlineConv(h, method).push_block(x))
hits = misses = 0
for name, module in list(sys.modules.items()):
    if name.startswith("ffstream"):
        for obj in vars(module).values():
            if isinstance(obj, Dispatcher):
                hits += sum(obj.stats.cache_hits.values())
                misses += sum(obj.stats.cache_misses.values())
digest = hashlib.sha256(b"".join(r.tobytes() for r in results)).hexdigest()
print(json.dumps({"digest": digest, "first": results[0][:3].tolist(),
                  "hits": hits, "misses": misses}))
"""

#: A tiny cached function compiled for 12 dtypes, starting at a different one in
#: each process, in a directory guarded like the kernels' (one compiles in a few
#: milliseconds, so the saves of the processes do overlap).
MANY_SIGNATURES = """
import os, sys, time
import numpy as np
from ffstream.kernels import _jit, _numba

here = os.path.dirname(os.path.abspath(sys.argv[1]))
locator = _numba._numba_class("UserProvidedCacheLocator")
subpath = locator.get_suitable_cache_subpath(os.path.join(here, "racy.py"))
_numba._KERNEL_CACHE_PATHS.add(os.path.join(os.environ["NUMBA_CACHE_DIR"], subpath))
sys.path.insert(0, here)
import racy

ready, go, first = sys.argv[2], sys.argv[3], int(sys.argv[4])
dtypes = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
          np.uint64, np.float32, np.float64, np.complex64, np.complex128]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
for dtype in dtypes[first:] + dtypes[:first]:
    got = racy.twice(np.arange(3).astype(dtype))
    assert got.dtype == dtype and got.tolist() == [0, 2, 4], (dtype, got)
print("ok")
"""


def start_together(script, argv_of, n, tmp_path, env, timeout):
    """Start ``n`` interpreters running ``script``, release them at once, return their outputs.

    ``argv_of(i, ready, go)`` gives process ``i``'s arguments; each creates its
    ``ready`` file and then waits for ``go``, which is created when all are ready.
    """
    go = tmp_path / "go"
    go.unlink(missing_ok=True)
    readies = [tmp_path / f"ready{i}" for i in range(n)]
    processes = []
    for i, ready in enumerate(readies):
        ready.unlink(missing_ok=True)
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", script, *argv_of(i, str(ready), str(go))],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=tmp_path,
            )
        )
    try:
        deadline = time.monotonic() + timeout
        while not all(ready.exists() for ready in readies):
            if any(p.poll() is not None for p in processes):
                break  # one died before the barrier: its output says why
            assert time.monotonic() < deadline, "the processes never became ready"
            time.sleep(0.01)
        go.touch()
        outputs = [p.communicate(timeout=timeout) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.communicate()
    return [
        (p.returncode, out, err)
        for p, (out, err) in zip(processes, outputs, strict=True)
    ]


def isolated_env(tmp_path):
    """The environment with empty cache directories of its own, one thread each."""
    env = dict(os.environ)
    env["FFSTREAM_CACHE_DIR"] = str(tmp_path / "ffstream-cache")
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba-cache")
    env["FFSTREAM_NUM_THREADS"] = "1"
    return env


def index_entries(root):
    """``(index file, key, data file, stored key, signature of the stored code)`` of every entry."""
    entries = []
    for index in sorted(Path(root).rglob("*.nbi")):
        with open(index, "rb") as f:
            pickle.load(f)  # numba's version
            _, overloads = pickle.loads(f.read())
        for key, name in overloads.items():
            stored_key, data = pickle.loads((index.parent / name).read_bytes())
            entries.append((index.name, key, name, stored_key, data[3]))
    return entries


def report(line):
    return json.loads(line.strip().splitlines()[-1])


def test_four_processes_compile_into_an_empty_cache_at_once_and_a_fifth_loads_it(
    tmp_path,
):
    env = isolated_env(tmp_path)
    runs = start_together(
        WORKLOAD, lambda i, ready, go: [ready, go], N_PROCESSES, tmp_path, env, 600
    )
    for code, out, err in runs:
        assert code == 0, f"exit status {code}\nstdout: {out}\nstderr: {err[-3000:]}"
    reports = [report(out) for _, out, _ in runs]
    assert len({r["digest"] for r in reports}) == 1, reports  # bit for bit
    assert all(r["misses"] > 0 for r in reports)  # each compiled (the cache was empty)

    entries = index_entries(env["FFSTREAM_CACHE_DIR"])
    assert entries, "nothing was cached"
    for index, key, name, stored_key, signature in entries:
        assert stored_key == key, f"{index} points {name} at another signature's code"
        args = key[0].args if hasattr(key[0], "args") else key[0]
        assert tuple(signature.args) == tuple(args), (index, name)
    names = [(index, name) for index, _, name, _, _ in entries]
    assert len(names) == len(set(names)), "two signatures share one data file"
    assert not list(Path(env["FFSTREAM_CACHE_DIR"]).rglob("*.tmp.*"))

    (tmp_path / "go").touch()  # no barrier for the fifth
    fifth = subprocess.run(
        [
            sys.executable,
            "-c",
            WORKLOAD,
            str(tmp_path / "ready5"),
            str(tmp_path / "go"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert fifth.returncode == 0, fifth.stderr[-3000:]
    loaded = report(fifth.stdout)
    assert loaded["digest"] == reports[0]["digest"]
    assert loaded["hits"] > 0 and loaded["misses"] == 0, loaded


def test_many_signatures_of_one_function_compiled_at_once_never_mix_up(
    tmp_path, monkeypatch
):
    """The race itself: four processes saving signatures of one function at once.

    numba's own cache files failed this now and then (2 rounds of 29 on two
    cores, each leaving a cache that crashed every later process): the index of
    the function named another signature's code. Guarded, no entry may be lost
    either.
    """
    (tmp_path / "racy.py").write_text(
        "import numba\n\n\n@numba.njit(cache=True)\ndef twice(x):\n    return x + x\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))  # to unpickle the cached code here
    script = textwrap.dedent(MANY_SIGNATURES)
    env = isolated_env(tmp_path)
    anchor = str(tmp_path / "racy.py")
    for round_ in range(1):
        env["NUMBA_CACHE_DIR"] = str(tmp_path / f"numba-cache-{round_}")
        runs = start_together(
            script,
            lambda i, ready, go: [anchor, ready, go, str(3 * i)],
            N_PROCESSES,
            tmp_path,
            env,
            300,
        )
        for code, _, err in runs:
            assert code == 0, f"exit status {code}\nstderr: {err[-3000:]}"
        entries = index_entries(env["NUMBA_CACHE_DIR"])
        assert len(entries) == 12  # no entry lost
        for _, key, name, stored_key, signature in entries:
            assert stored_key == key and tuple(signature.args) == tuple(key[0]), name
        again = start_together(
            script, lambda i, ready, go: [anchor, ready, go, "0"], 1, tmp_path, env, 300
        )
        assert again[0][0] == 0, again[0][2][-3000:]


@pytest.fixture
def guarded_dir(tmp_path):
    path = str(tmp_path / "guarded")
    os.makedirs(path)
    _numba._KERNEL_CACHE_PATHS.add(path)
    yield path
    _numba._KERNEL_CACHE_PATHS.discard(path)


def cache_file(path, stamp="stamp"):
    return _numba.GuardedIndexDataCacheFile(path, "kernel.f-1.py311", stamp)


def test_a_data_file_holding_another_key_is_a_cache_miss(guarded_dir):
    """What the race left behind: an index entry naming another signature's code."""
    first, second = cache_file(guarded_dir), cache_file(guarded_dir)
    first.save("key-a", "code for a")
    assert second.load("key-a") == "code for a"
    name = first._load_index()["key-a"]
    first._save_index({"key-b": name})  # as a writer with an older view would
    assert second.load("key-b") is None  # compile again, never run a's code as b's
    first._save_data(name, "code without its key")  # numba's own format
    first._save_index({"key-a": name})
    assert second.load("key-a") is None


def test_saves_give_each_key_its_own_file_and_keep_every_entry(guarded_dir):
    files = [cache_file(guarded_dir) for _ in range(3)]
    for i, f in enumerate(files):
        f.save(f"key-{i}", f"code {i}")
    files[0].save("key-1", "code 1 again")  # a key saved again keeps its file
    index = files[2]._load_index()
    assert sorted(index) == ["key-0", "key-1", "key-2"]
    assert len(set(index.values())) == 3
    assert [files[1].load(f"key-{i}") for i in range(3)] == [
        "code 0",
        "code 1 again",
        "code 2",
    ]


@pytest.mark.skipif(_numba.fcntl is None, reason="no fcntl.flock on this platform")
def test_a_save_waits_for_the_cache_directory_lock(guarded_dir):
    saved = threading.Event()

    def save():
        cache_file(guarded_dir).save("key", "code")
        saved.set()

    with _numba._exclusive(os.path.join(guarded_dir, ".lock")):
        thread = threading.Thread(target=save)
        thread.start()
        assert not saved.wait(0.3)  # blocked on the lock another writer holds
    thread.join(10)
    assert saved.is_set()
    assert cache_file(guarded_dir).load("key") == "code"


def test_other_directories_keep_numbas_own_files(tmp_path):
    plain = cache_file(str(tmp_path))
    plain.save("key", "code")
    stored = pickle.loads((tmp_path / plain._load_index()["key"]).read_bytes())
    assert stored == "code"  # no key stored next to it
    assert not (tmp_path / ".lock").exists()


@pytest.mark.skipif(_numba.fcntl is None, reason="no flock on this platform")
def test_a_file_system_without_locks_saves_unlocked_after_one_warning(
    tmp_path, monkeypatch
):
    import errno

    def no_locks(descriptor, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(_numba.fcntl, "flock", no_locks)
    monkeypatch.setattr(_numba, "_WARNED_UNLOCKED", set())
    lock = str(tmp_path / ".lock")
    ran = []
    with pytest.warns(RuntimeWarning, match="cannot lock its kernel cache"):
        with _numba._exclusive(lock):
            ran.append(1)
    with _numba._exclusive(lock):  # warned once per file
        ran.append(2)
    assert ran == [1, 2]
