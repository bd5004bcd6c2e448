"""The ``ffstream`` command line.

``ffstream demo forecast`` (or just ``ffstream demo``) runs
:func:`ffstream.interfaces.demo.run_demo` on a synthetic series: it fits
forecasters, times their forecasts with each online convolution schedule,
computes prediction intervals, writes a plot (when matplotlib is installed) and
prints its report. ``ffstream demo rollout`` runs
:func:`ffstream.interfaces.demo.run_rollout_demo`: a long autoregressive rollout
of one filter with each schedule. Both exit with status 1 when the schedules
disagree.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ffstream import __version__
from ffstream.engine.methods import METHODS
from ffstream.interfaces.demo import run_demo, run_rollout_demo
from ffstream.interfaces.demo._timing import TOLERANCE, check_names
from ffstream.interfaces.demo.forecasting import (
    DEFAULT_CONTEXT,
    DEFAULT_HORIZON,
    DEFAULT_INTERVAL_HORIZON,
    DEFAULT_LEVEL,
    DEFAULT_N_FILTERS,
    DEFAULT_ORDER,
    DEFAULT_PATHS,
    DEFAULT_SAMPLES,
    MODELS,
)
from ffstream.interfaces.demo.plot import DEFAULT_PLOT
from ffstream.interfaces.demo.rollout import DEFAULT_LENGTH, DEFAULT_STEPS

#: The demos, by sub-command name; ``ffstream demo`` alone runs the first.
DEMOS = ("forecast", "rollout")


def _positive_int(text: str) -> int:
    """Parse a command-line integer that must be at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _level(text: str) -> float:
    """Parse a coverage level strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a number strictly between 0 and 1, got {text}"
        )
    return value


def _names(choices: Sequence[str], what: str) -> Callable[[str], tuple[str, ...]]:
    """A parser of a comma-separated list of distinct names among ``choices``."""

    def parse(text: str) -> tuple[str, ...]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        try:
            return check_names(names, choices, what)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def _add_shared_options(demo: argparse.ArgumentParser) -> None:
    """The options both demos take: seed, schedules, repetitions, quiet."""
    demo.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the data (default: %(default)s)",
    )
    _add_names(demo, "--methods", METHODS, "schedules to run")
    _add_count(
        demo, "--repeat", 3, "time each run up to this many times, keep the best"
    )
    demo.add_argument(
        "--quiet", action="store_true", help="print the report only, no progress"
    )


def _add_count(
    demo: argparse.ArgumentParser,
    flag: str,
    default: int,
    what: str,
    dest: str | None = None,
) -> None:
    """An option that takes a positive integer, with its default in its help."""
    demo.add_argument(
        flag,
        dest=dest or flag.removeprefix("--").replace("-", "_"),
        type=_positive_int,
        default=default,
        metavar="N",
        help=f"{what} (default: {default})",
    )


def _add_names(
    demo: argparse.ArgumentParser, flag: str, choices: Sequence[str], what: str
) -> None:
    """An option that takes distinct names among ``choices``, all by default."""
    demo.add_argument(
        flag,
        type=_names(choices, flag),
        default=tuple(choices),
        metavar="LIST",
        help=f"comma-separated {what} (default: {','.join(choices)})",
    )


def _add_forecast_demo(commands: argparse._SubParsersAction) -> None:
    """The ``ffstream demo forecast`` sub-command and its options."""
    demo = commands.add_parser(
        "forecast",
        help="fit forecasters on synthetic data, time their forecasts, plot them "
        "(the default)",
        description=(
            "Generate a synthetic 3-channel linear system from a seed (damped "
            "oscillators coupled by a fixed matrix, plus noise), fit an "
            "FIRForecaster and a SpectralForecaster, forecast a long horizon with "
            "the naive, epoched and continuous schedules, check that the forecasts "
            f"agree to a relative {TOLERANCE:.0e} and print their timings "
            "(compilation excluded), then compute prediction intervals from sample "
            "paths, compare them with held-out samples of the same system and plot "
            'them to a PNG file (needs matplotlib: pip install "ffstream[plot]"). '
            "Exits with status 1 if the schedules disagree or the plot cannot be "
            "written."
        ),
    )
    _add_count(demo, "--samples", DEFAULT_SAMPLES, "samples to fit the models on")
    _add_count(demo, "--horizon", DEFAULT_HORIZON, "steps of the timed forecasts")
    _add_names(demo, "--models", MODELS, "forecasters to fit")
    _add_count(demo, "--order", DEFAULT_ORDER, "lags of the FIRForecaster")
    _add_count(
        demo, "--n-filters", DEFAULT_N_FILTERS, "filters of the SpectralForecaster"
    )
    _add_count(demo, "--context", DEFAULT_CONTEXT, "context of the SpectralForecaster")
    _add_count(
        demo,
        "--interval-horizon",
        DEFAULT_INTERVAL_HORIZON,
        "held-out steps of the prediction intervals and the plot",
    )
    _add_count(
        demo, "--paths", DEFAULT_PATHS, "sample paths per interval", dest="n_paths"
    )
    demo.add_argument(
        "--level",
        type=_level,
        default=DEFAULT_LEVEL,
        metavar="X",
        help=f"coverage of the prediction intervals (default: {DEFAULT_LEVEL})",
    )
    plot = demo.add_mutually_exclusive_group()
    plot.add_argument(
        "--plot",
        default=DEFAULT_PLOT,
        metavar="PATH",
        help=f"PNG file to write the plot to (default: {DEFAULT_PLOT})",
    )
    plot.add_argument(
        "--no-plot", dest="plot", action="store_const", const=None, help="do not plot"
    )
    _add_shared_options(demo)
    demo.set_defaults(run=_run_forecast_demo, parser=demo)


def _add_rollout_demo(commands: argparse._SubParsersAction) -> None:
    """The ``ffstream demo rollout`` sub-command and its options."""
    demo = commands.add_parser(
        "rollout",
        help="roll one long filter out with each schedule, check it against scipy",
        description=(
            "Roll one long stable filter out autoregressively (identity feedback) "
            "from a random prompt with each schedule, time the rollouts against "
            "one offline scipy.fft convolution of the whole sequence and check "
            f"that the tokens agree with it and with each other to a relative "
            f"{TOLERANCE:.0e}. Exits with status 1 if they do not."
        ),
    )
    _add_count(demo, "--length", DEFAULT_LENGTH, "filter taps L")
    _add_count(demo, "--steps", DEFAULT_STEPS, "tokens to generate")
    demo.add_argument(
        "--prompt-length",
        type=_positive_int,
        metavar="N",
        help="samples in the prompt (default: the filter length)",
    )
    _add_shared_options(demo)
    demo.set_defaults(run=_run_rollout_demo, parser=demo)


def _build_parser() -> argparse.ArgumentParser:
    """The ``ffstream`` parser, with ``demo forecast`` and ``demo rollout``."""
    parser = argparse.ArgumentParser(
        prog="ffstream",
        description=(
            "Exact online causal convolution, fast autoregressive rollouts and "
            "forecasting with FutureFill."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run a demo on built-in synthetic data (default: forecast)",
        description=(
            "Run a demo on synthetic data generated from a seed. "
            "'ffstream demo [OPTIONS]' is short for 'ffstream demo forecast "
            "[OPTIONS]'; 'ffstream demo DEMO --help' lists a demo's options."
        ),
    )
    demos = demo.add_subparsers(dest="demo", metavar="DEMO")
    _add_forecast_demo(demos)
    _add_rollout_demo(demos)
    return parser


def _with_default_demo(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``forecast`` inserted after a ``demo`` that names no demo."""
    argv = list(argv)
    if argv[:1] == ["demo"] and not (argv[1:2] and argv[1] in (*DEMOS, "-h", "--help")):
        argv.insert(1, DEMOS[0])
    return argv


def _demo_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of the demo function from the parsed options.

    Every option of a demo is stored under the name of its function's parameter;
    ``--quiet`` turns off the progress messages on standard error.
    """
    options = vars(args).copy()
    for name in ("command", "demo", "run", "parser", "quiet"):
        del options[name]

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return options | {"progress": None if args.quiet else progress}


def _run_forecast_demo(args: argparse.Namespace) -> int:
    """Run ``ffstream demo forecast``; the exit status."""
    try:
        result = run_demo(**_demo_arguments(args))
    except ValueError as error:
        args.parser.error(str(error))
    print(result.format(), flush=True)
    return 0 if result.passed and result.plot_error is None else 1


def _run_rollout_demo(args: argparse.Namespace) -> int:
    """Run ``ffstream demo rollout``; the exit status."""
    result = run_rollout_demo(**_demo_arguments(args))
    print(result.format(), flush=True)
    return 0 if result.passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ffstream`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 if the demo's schedules disagree or its
        plot cannot be written, 2 for a usage error.

    Examples
    --------
    >>> main(["demo", "rollout", "--length=64", "--steps=128", "--quiet"])
    ... # doctest: +ELLIPSIS
    ffstream demo rollout: filter of L = 64 taps, ...
    OK: all schedules agree to ...
    0
    """
    parser = _build_parser()
    args = parser.parse_args(_with_default_demo(sys.argv[1:] if argv is None else argv))
    if args.command != "demo":
        parser.print_help()
        return 2
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
