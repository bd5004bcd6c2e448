"""The ``ffstream`` command line.

``ffstream demo`` runs :func:`ffstream.interfaces.demo.run_demo` on a synthetic series: it fits
forecasters, times their forecasts with each online convolution schedule, computes
prediction intervals, writes a plot (when matplotlib is installed) and prints its
report. ``ffstream demo --rollout`` runs :func:`ffstream.interfaces.demo.run_rollout_demo`
instead: a long autoregressive rollout of one filter with each schedule. Both exit
with status 1 when the schedules disagree.
"""

import argparse
import sys
from collections.abc import Callable, Sequence

from ffstream import __version__
from ffstream.interfaces.demo import (
    DEFAULT_CONTEXT,
    DEFAULT_HORIZON,
    DEFAULT_INTERVAL_HORIZON,
    DEFAULT_LENGTH,
    DEFAULT_LEVEL,
    DEFAULT_N_FILTERS,
    DEFAULT_ORDER,
    DEFAULT_PATHS,
    DEFAULT_PLOT,
    DEFAULT_SAMPLES,
    DEFAULT_STEPS,
    METHODS,
    MODELS,
    TOLERANCE,
    run_demo,
    run_rollout_demo,
)

#: Options of the forecasting demo only, with their defaults.
_FORECAST_OPTIONS = {
    "samples": DEFAULT_SAMPLES,
    "horizon": DEFAULT_HORIZON,
    "models": MODELS,
    "order": DEFAULT_ORDER,
    "n_filters": DEFAULT_N_FILTERS,
    "context": DEFAULT_CONTEXT,
    "interval_horizon": DEFAULT_INTERVAL_HORIZON,
    "paths": DEFAULT_PATHS,
    "level": DEFAULT_LEVEL,
    "plot": DEFAULT_PLOT,
}
#: Options of the rollout demo only (``None``: computed from the others).
_ROLLOUT_OPTIONS = {
    "length": DEFAULT_LENGTH,
    "steps": DEFAULT_STEPS,
    "prompt_length": None,
}


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
        names = tuple(name.strip() for name in text.split(",") if name.strip())
        unknown = [name for name in names if name not in choices]
        if not names or unknown or len(set(names)) != len(names):
            raise argparse.ArgumentTypeError(
                f"expected distinct {what} among {', '.join(choices)}, "
                f"separated by commas, got {text!r}"
            )
        return names

    return parse


def _build_parsers() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The ``ffstream`` parser and its ``demo`` sub-parser."""
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
        help="fit forecasters on synthetic data, time their forecasts, plot them",
        description=(
            "Generate a synthetic 3-channel linear system from a seed (damped "
            "oscillators coupled by a fixed matrix, plus noise), fit an "
            "FIRForecaster and a SpectralForecaster, forecast a long horizon with "
            "the naive, epoched and continuous schedules, check that the forecasts "
            f"agree to a relative {TOLERANCE:.0e} and print their timings "
            "(compilation excluded), then compute prediction intervals from sample "
            "paths, compare them with held-out samples of the same system and plot "
            'them to a PNG file (needs matplotlib: pip install "ffstream[plot]"). '
            "With --rollout, run the rollout demo instead: one long filter rolled "
            "out with each schedule and checked against an offline FFT convolution. "
            "Exits with status 1 if the schedules disagree or the plot cannot be "
            "written."
        ),
    )
    demo.add_argument(
        "--rollout",
        action="store_true",
        help="run the rollout demo (options --length, --steps, --prompt-length) "
        "instead of the forecasting demo",
    )
    forecast = demo.add_argument_group("forecasting demo")
    forecast.add_argument(
        "--samples",
        type=_positive_int,
        metavar="N",
        help=f"samples to fit the models on (default: {DEFAULT_SAMPLES})",
    )
    forecast.add_argument(
        "--horizon",
        type=_positive_int,
        metavar="N",
        help=f"steps of the timed forecasts (default: {DEFAULT_HORIZON})",
    )
    forecast.add_argument(
        "--models",
        type=_names(MODELS, "models"),
        metavar="LIST",
        help=f"comma-separated forecasters to fit (default: {','.join(MODELS)})",
    )
    forecast.add_argument(
        "--order",
        type=_positive_int,
        metavar="N",
        help=f"lags of the FIRForecaster (default: {DEFAULT_ORDER})",
    )
    forecast.add_argument(
        "--n-filters",
        type=_positive_int,
        metavar="N",
        help=f"filters of the SpectralForecaster (default: {DEFAULT_N_FILTERS})",
    )
    forecast.add_argument(
        "--context",
        type=_positive_int,
        metavar="N",
        help=f"context of the SpectralForecaster (default: {DEFAULT_CONTEXT})",
    )
    forecast.add_argument(
        "--interval-horizon",
        type=_positive_int,
        metavar="N",
        help="held-out steps of the prediction intervals and the plot "
        f"(default: {DEFAULT_INTERVAL_HORIZON})",
    )
    forecast.add_argument(
        "--paths",
        type=_positive_int,
        metavar="N",
        help=f"sample paths per prediction interval (default: {DEFAULT_PATHS})",
    )
    forecast.add_argument(
        "--level",
        type=_level,
        metavar="X",
        help=f"coverage of the prediction intervals (default: {DEFAULT_LEVEL})",
    )
    plot = forecast.add_mutually_exclusive_group()
    plot.add_argument(
        "--plot",
        metavar="PATH",
        help=f"PNG file to write the plot to (default: {DEFAULT_PLOT})",
    )
    plot.add_argument(
        "--no-plot",
        dest="plot",
        action="store_false",
        help="do not plot",
    )
    rollout = demo.add_argument_group("rollout demo (--rollout)")
    rollout.add_argument(
        "--length",
        type=_positive_int,
        metavar="N",
        help=f"filter taps L (default: {DEFAULT_LENGTH})",
    )
    rollout.add_argument(
        "--steps",
        type=_positive_int,
        metavar="N",
        help=f"tokens to generate (default: {DEFAULT_STEPS})",
    )
    rollout.add_argument(
        "--prompt-length",
        type=_positive_int,
        metavar="N",
        help="samples in the prompt (default: the filter length)",
    )
    common = demo.add_argument_group("both demos")
    common.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the data (default: %(default)s)",
    )
    common.add_argument(
        "--methods",
        type=_names(METHODS, "schedules"),
        default=METHODS,
        metavar="LIST",
        help=f"comma-separated schedules to run (default: {','.join(METHODS)})",
    )
    common.add_argument(
        "--repeat",
        type=_positive_int,
        metavar="N",
        default=3,
        help="time each forecast or rollout up to this many times, keep the best "
        "(default: %(default)s)",
    )
    common.add_argument(
        "--quiet", action="store_true", help="print the report only, no progress"
    )
    return parser, demo


def _resolve(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.Namespace:
    """Reject the other demo's options and fill in this demo's defaults."""
    mine, others = (
        (_ROLLOUT_OPTIONS, _FORECAST_OPTIONS)
        if args.rollout
        else (_FORECAST_OPTIONS, _ROLLOUT_OPTIONS)
    )
    given = [
        "--no-plot" if getattr(args, name) is False else "--" + name.replace("_", "-")
        for name in others
        if getattr(args, name) is not None
    ]
    if given:
        verb = "is" if len(given) == 1 else "are"
        where = (
            "not used with --rollout" if args.rollout else "only used with --rollout"
        )
        parser.error(f"{', '.join(given)} {verb} {where}")
    for name, default in mine.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    return args


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
    """
    parser, demo_parser = _build_parsers()
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 2
    args = _resolve(demo_parser, args)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    say = None if args.quiet else progress
    if args.rollout:
        result = run_rollout_demo(
            length=args.length,
            steps=args.steps,
            prompt_length=args.prompt_length,
            seed=args.seed,
            methods=args.methods,
            repeat=args.repeat,
            progress=say,
        )
        print(result.format(), flush=True)
        return 0 if result.passed else 1
    try:
        result = run_demo(
            samples=args.samples,
            horizon=args.horizon,
            models=args.models,
            order=args.order,
            n_filters=args.n_filters,
            context=args.context,
            methods=args.methods,
            interval_horizon=args.interval_horizon,
            n_paths=args.paths,
            level=args.level,
            seed=args.seed,
            repeat=args.repeat,
            plot=args.plot or None,
            progress=say,
        )
    except ValueError as error:
        demo_parser.error(str(error))
    print(result.format(), flush=True)
    return 0 if result.passed and result.plot_error is None else 1


if __name__ == "__main__":
    sys.exit(main())
