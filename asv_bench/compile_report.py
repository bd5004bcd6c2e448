"""Where a first run's numba compilation goes: per entry point and per kernel.

Each scenario runs in a fresh interpreter with empty kernel caches
(``FFSTREAM_CACHE_DIR`` and ``NUMBA_CACHE_DIR`` point at a new temporary
directory), so that every kernel it reaches is compiled, as on a user's first run
after installing. numba's ``"numba:compile"`` events are recorded in the child:
each kernel's *own* compile time excludes the kernels compiled while it was being
compiled (the callees it inlines or calls), so the per-kernel seconds add up to
the scenario's total compile time.

Usage (from ``asv_bench/``, with ffstream importable)::

    python compile_report.py                 # every scenario
    python compile_report.py demo rollout    # some of them
    python compile_report.py --kernels 8     # the 8 costliest kernels per scenario
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

#: What each scenario runs: the README's demo and the public entry points.
SCENARIOS = {
    "import": "import ffstream",
    "push_block": """
        import numpy as np, ffstream
        ffstream.OnlineConv(0.5 ** np.arange(300)).push_block(np.ones(700))
    """,
    "rollout": """
        import numpy as np, ffstream
        ffstream.rollout(0.5 ** np.arange(300), 300, np.ones(8))
    """,
    "batch_rollout": """
        import numpy as np, ffstream
        ffstream.rollout(0.5 ** np.arange(300)[:, None], 300, np.ones((4, 8, 1)))
    """,
    "fir_forecast": """
        import numpy as np, ffstream
        y = np.sin(0.1 * np.arange(500))
        ffstream.FIRForecaster(8).fit(y).forecast(50)
    """,
    "fir_interval": """
        import numpy as np, ffstream
        y = np.sin(0.1 * np.arange(500)) + 0.1 * np.cos(0.37 * np.arange(500))
        ffstream.FIRForecaster(8).fit(y).prediction_interval(50, n_paths=100, seed=0)
    """,
    "spectral_learn": """
        import numpy as np, ffstream
        y = np.sin(0.1 * np.arange(600))
        model = ffstream.SpectralForecaster(4, 64).fit(y[:500])
        model.update(y[500:], learn=True).forecast(50)
    """,
    "demo": """
        from ffstream.interfaces.demo import run_demo
        run_demo(plot=None)
    """,
}

RECORDER = """
import json, sys, time
from numba.core import event

class OwnTime(event.Listener):
    def __init__(self):
        self.stack, self.own = [], {}
    def on_start(self, ev):
        self.stack.append([time.perf_counter(), 0.0])
    def on_end(self, ev):
        start, children = self.stack.pop()
        spent = time.perf_counter() - start
        if self.stack:
            self.stack[-1][1] += spent
        dispatcher = ev.data["dispatcher"]
        name = f"{dispatcher.py_func.__module__}.{dispatcher.py_func.__qualname__}"
        self.own[name] = self.own.get(name, 0.0) + spent - children

listener = OwnTime()
event.register("numba:compile", listener)
started = time.perf_counter()
"""

REPORT = """
total = time.perf_counter() - started
print("COMPILE-REPORT " + json.dumps({"total": total, "own": listener.own}))
"""


def run_scenario(code):
    """``(seconds in all, {kernel: own compile seconds})`` of ``code``, empty caches."""
    with tempfile.TemporaryDirectory() as empty:
        environment = dict(os.environ, FFSTREAM_CACHE_DIR=empty, NUMBA_CACHE_DIR=empty)
        script = RECORDER + textwrap.dedent(code) + REPORT
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(
        line for line in done.stdout.splitlines() if line.startswith("COMPILE-REPORT ")
    )
    report = json.loads(line.removeprefix("COMPILE-REPORT "))
    return report["total"], report["own"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", choices=[[], *SCENARIOS], default=[])
    parser.add_argument(
        "--kernels", type=int, default=6, help="kernels listed per scenario"
    )
    options = parser.parse_args()
    for name in options.scenarios or SCENARIOS:
        total, own = run_scenario(SCENARIOS[name])
        compiled = sum(own.values())
        print(
            f"{name}: {total:.1f} s in all, {compiled:.1f} s compiling {len(own)} kernels"
        )
        for kernel, seconds in sorted(own.items(), key=lambda item: -item[1])[
            : options.kernels
        ]:
            print(f"    {seconds:6.2f} s  {kernel}")


if __name__ == "__main__":
    main()
