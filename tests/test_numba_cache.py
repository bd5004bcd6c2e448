"""The compiled kernels are reused from numba's on-disk cache, and only while valid."""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import ffstream

WARM_UP = """
import numpy as np
import ffstream
h = np.array([0.5, 0.25])
tokens = ffstream.rollout(h, 3, prompt=np.ones(2))
outputs = ffstream.OnlineConv(h).push_block(np.ones(3))
"""

REPORT_MISSES = """
import json
import sys
from numba.core.dispatcher import Dispatcher
missed = set()
for name, module in list(sys.modules.items()):
    if name.startswith("ffstream"):
        for attr, obj in vars(module).items():
            if isinstance(obj, Dispatcher) and obj.stats.cache_misses:
                missed.add(f"{name}.{attr}")
print(json.dumps({"missed": sorted(missed), "tokens": tokens.tolist()}))
"""


def run_python(code, env=None, cwd=None):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )
    return result


def test_a_second_process_loads_every_kernel_from_the_cache():
    """Once a rollout has been compiled, a new process does not compile it again.

    Compiling the rollout loop takes several seconds, so a cache miss on every
    run defeats ``cache=True`` (and adds a new cache file per process).
    """
    namespace = {}
    exec(WARM_UP, namespace)  # compiled (and cached) in this process
    result = run_python(WARM_UP + REPORT_MISSES)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(report["tokens"], namespace["tokens"], rtol=1e-12)
    assert report["missed"] == [], (
        "kernels compiled again instead of loaded from the cache"
    )


def test_editing_a_kernel_module_invalidates_the_cached_callers(tmp_path):
    """A cached entry point must not keep machine code from an older version of the
    kernels it calls from other modules.

    Swapping the values of two method codes in ``kernels/schedules.py`` changes
    nothing for a consistent build; with stale machine code the plan and the
    compiled loop disagree about what the codes mean.
    """
    package = Path(ffstream.__file__).parent
    site = tmp_path / "site"
    shutil.copytree(
        package, site / "ffstream", ignore=shutil.ignore_patterns("__pycache__")
    )
    schedules = site / "ffstream" / "kernels" / "schedules.py"
    source = schedules.read_text()
    naive = re.search(r"^NAIVE = (\d+)$", source, flags=re.MULTILINE)
    epoched = re.search(r"^EPOCHED = (\d+)$", source, flags=re.MULTILINE)
    if naive is None or epoched is None:
        pytest.skip("the method codes are no longer module constants of schedules.py")

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PYTHONPATH"] = str(site)
    code = f"""
        import json
        import numpy as np
        import ffstream
        assert ffstream.__file__.startswith({str(site)!r}), ffstream.__file__
        stream = ffstream.OnlineConv(np.ones(3), "naive")
        print(json.dumps(stream.push_block(np.ones(5)).tolist()))
    """
    first = run_python(code, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == [1.0, 2.0, 3.0, 3.0, 3.0]

    swapped = source[: naive.start(1)] + epoched.group(1) + source[naive.end(1) :]
    epoched = re.search(r"^EPOCHED = (\d+)$", swapped, flags=re.MULTILINE)
    swapped = swapped[: epoched.start(1)] + naive.group(1) + swapped[epoched.end(1) :]
    schedules.write_text(swapped)

    second = run_python(code, env=env, cwd=tmp_path)
    assert second.returncode == 0, (
        "the cached entry point ran machine code of the old schedules.py:\n"
        + second.stderr[-2000:]
    )
    assert json.loads(second.stdout) == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_kernels_are_cached_outside_the_package_so_uninstall_leaves_nothing(tmp_path):
    """Running the kernels writes nothing next to the installed sources.

    A package is installed as a copy of its files (here without bytecode, which
    pip compiles and records at install time) and uninstalled by deleting the
    files it installed. Files that numba left in ``site-packages/ffstream`` would
    survive that and turn ``ffstream`` into an empty namespace package that
    shadows a later editable install.
    """
    package = Path(ffstream.__file__).parent
    site = tmp_path / "site"
    shutil.copytree(
        package, site / "ffstream", ignore=shutil.ignore_patterns("__pycache__")
    )
    installed = [path for path in (site / "ffstream").rglob("*") if path.is_file()]
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    env["FFSTREAM_CACHE_DIR"] = str(cache)
    # One cached kernel is enough to see where the cache goes (and compiles in
    # half the time of WARM_UP): the cache locator is the same for every kernel.
    ran = run_python(
        f"import ffstream\nassert ffstream.__file__.startswith({str(site)!r})\n"
        "ffstream.OnlineConv([1.0, 0.5], 'naive').push(1.0)\n",
        env=env,
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert any(cache.rglob("*.nbi")), (
        "the kernels were not cached in FFSTREAM_CACHE_DIR"
    )

    for path in installed:  # uninstall: delete what was installed, then empty folders
        path.unlink()
    for folder in sorted((site / "ffstream").rglob("*"), reverse=True):
        folder.rmdir()  # fails if anything but the installed files was left behind
    (site / "ffstream").rmdir()

    # The repository's package, found after the emptied site folder, is the real one.
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(package.parent)])
    imported = run_python(
        "import ffstream\nprint(ffstream.OnlineConv.__name__)", env=env
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "OnlineConv"


def test_reinstalling_unchanged_kernels_keeps_their_cache(tmp_path):
    """The cache is stamped with the kernels' contents, not their files' times.

    ``pip install .`` again (or ``pip install ".[plot]"`` after ``pip install .``)
    rewrites every file with a new modification time; the kernels that did not
    change must load from the cache instead of compiling again.
    """
    package = Path(ffstream.__file__).parent
    site = tmp_path / "site"
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    env["FFSTREAM_CACHE_DIR"] = str(tmp_path / "cache")
    code = f"""
        import json
        import ffstream
        from ffstream.kernels import streaming
        assert ffstream.__file__.startswith({str(site)!r})
        ffstream.OnlineConv([1.0, 0.5], "naive").push(1.0)
        stats = streaming.push_block.stats
        print(json.dumps([sum(stats.cache_hits.values()), sum(stats.cache_misses.values())]))
    """
    reports = []
    for install in range(2):
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(
            package,
            site / "ffstream",
            ignore=shutil.ignore_patterns("__pycache__"),
            copy_function=shutil.copy,  # new modification times, as pip writes
        )
        later = 1_000_000_000 + 3600 * install
        for path in (site / "ffstream").rglob("*.py"):
            os.utime(path, (later, later))
        ran = run_python(code, env=env, cwd=tmp_path)
        assert ran.returncode == 0, ran.stderr
        hits, misses = json.loads(ran.stdout.strip().splitlines()[-1])
        reports.append((hits, misses))
    (first_hits, first_misses), (second_hits, second_misses) = reports
    assert first_misses >= 1 and first_hits == 0  # compiled on the first install
    assert second_misses == 0 and second_hits >= 1  # loaded after the reinstall
