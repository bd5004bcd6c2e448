"""Helpers shared by the demos: the name check, the timing loops, comparisons.

Both demos run each online convolution schedule of
:data:`ffstream.engine.methods.METHODS`, time it with the same best-of-``repeat``
loop, compare its output with a reference schedule's by
:func:`relative_difference` and end their report with the same verdict line.
"""

import time
from collections.abc import Callable, Sequence

import numpy as np

#: Largest accepted maximum relative difference between schedules.
TOLERANCE = 1e-10
#: Smallest duration used as a divisor in ratios of timings, in seconds.
TICK = 1e-9


def relative_difference(values: np.ndarray, reference: np.ndarray) -> float:
    """``max |values - reference| / max |reference|`` (0 for two all-zero arrays).

    Parameters
    ----------
    values, reference : numpy.ndarray
        Arrays of one shape.

    Returns
    -------
    float
        The maximum relative difference.
    """
    scale = float(np.max(np.abs(reference), initial=0.0))
    error = float(np.max(np.abs(values - reference), initial=0.0))
    if scale == 0.0:
        return 0.0 if error == 0.0 else float("inf")
    return error / scale


def best_time(
    function: Callable[[], object], repeat: int, budget: float
) -> tuple[float, int, object]:
    """Call ``function`` up to ``repeat`` times, fewer once ``budget`` s are spent.

    Returns the best wall time, the number of calls and the last call's result.
    """
    best = float("inf")
    result: object = None
    spent = 0.0
    runs = 0
    while runs < repeat and (runs == 0 or spent < budget):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        runs += 1
    return best, runs, result


def time_each_method(
    run: Callable[[str], object],
    methods: Sequence[str],
    repeat: int,
    budget: float,
    say: Callable[[str], object],
    what: str,
) -> tuple[dict[str, np.ndarray], dict[str, tuple[float, int]]]:
    """Time ``run(method)`` with :func:`best_time` for each of ``methods``.

    ``say`` is told ``"timing the <method> <what>..."`` before each method.

    Returns
    -------
    outputs : dict of str to numpy.ndarray
        The last result of each method, as an array.
    seconds : dict of str to (float, int)
        The best wall time of each method and the number of timed calls.
    """
    outputs: dict[str, np.ndarray] = {}
    seconds: dict[str, tuple[float, int]] = {}
    for method in methods:
        say(f"timing the {method} {what}...")
        best, runs, out = best_time(lambda method=method: run(method), repeat, budget)
        outputs[method] = np.asarray(out)
        seconds[method] = (best, runs)
    return outputs, seconds


def check_names(
    names: Sequence[str], choices: Sequence[str], what: str
) -> tuple[str, ...]:
    """``names`` as a non-empty tuple of distinct ``choices``; else ``ValueError`` on ``what``.

    The demos check their ``models`` and ``methods`` arguments with it, and the
    command line its ``--models`` and ``--methods`` options.
    """
    names = tuple(names)
    if not names:
        raise ValueError(f"{what} must name at least one of {tuple(choices)}")
    if any(n not in choices for n in names) or len(set(names)) != len(names):
        raise ValueError(
            f"{what} must be distinct names among {tuple(choices)}, got {names}"
        )
    return names


def reference_method(methods: Sequence[str]) -> str:
    """The schedule the others are compared with: ``"naive"`` if it ran, else the first."""
    return "naive" if "naive" in methods else methods[0]


def verdict(passed: bool, worst: float, tolerance: float) -> str:
    """The last line of a demo's report: ``OK: ...`` or ``FAILED: ...``."""
    return (
        f"OK: all schedules agree to {worst:.1e} <= {tolerance:.0e}"
        if passed
        else f"FAILED: largest difference {worst:.1e} > {tolerance:.0e}"
    )
