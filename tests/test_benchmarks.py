"""The asv suite is well-formed: every benchmark imports and has a valid signature.

Timings are not tests (a busy machine must not fail the suite): this only runs
``asv check`` on the benchmarks of ``asv_bench/`` in the current interpreter.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "asv_bench"


@pytest.mark.skipif(shutil.which("asv") is None, reason="asv is not installed")
def test_asv_check_finds_no_problems():
    done = subprocess.run(
        ["asv", "check", "--python=same"],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems found" in done.stdout


def test_the_recorded_history_covers_at_least_15_commits():
    results = BENCHMARKS / "results" / "ffstream-2core"
    assert (results / "machine.json").exists()
    commits = {path.name.split("-")[0] for path in results.glob("*-virtualenv-*.json")}
    assert len(commits) >= 15, sorted(commits)
