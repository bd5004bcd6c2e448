"""The ``ffstream`` command line.

``ffstream demo`` runs :func:`ffstream.demo.run_demo` on built-in data, prints its
report and exits with status 1 when the schedules disagree.
"""

import argparse
import sys
from collections.abc import Sequence

from ffstream import __version__
from ffstream.demo import DEFAULT_LENGTH, DEFAULT_STEPS, METHODS, TOLERANCE, run_demo


def _positive_int(text: str) -> int:
    """Parse a command-line integer that must be at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _methods(text: str) -> tuple[str, ...]:
    """Parse a comma-separated list of distinct schedule names."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in METHODS]
    if not names or unknown or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(
            f"expected distinct names among {', '.join(METHODS)}, "
            f"separated by commas, got {text!r}"
        )
    return names


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``ffstream`` command.

    Returns
    -------
    argparse.ArgumentParser
        A parser with one sub-command, ``demo``.
    """
    parser = argparse.ArgumentParser(
        prog="ffstream",
        description=(
            "Exact online causal convolution and fast autoregressive rollouts "
            "with FutureFill."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="time the naive, epoched and continuous schedules on a long rollout",
        description=(
            "Build a long stable filter and a prompt from a seed, roll the filter out "
            "with each schedule (identity feedback), check that the schedules agree "
            f"to a relative {TOLERANCE:.0e} and print their timings next to one "
            "offline scipy.fft convolution. Compilation is excluded from the "
            "timings. Exits with status 1 if the schedules disagree."
        ),
    )
    demo.add_argument(
        "--length",
        type=_positive_int,
        default=DEFAULT_LENGTH,
        help="filter taps L (default: %(default)s)",
    )
    demo.add_argument(
        "--steps",
        type=_positive_int,
        default=DEFAULT_STEPS,
        help="tokens to generate (default: %(default)s)",
    )
    demo.add_argument(
        "--prompt-length",
        type=_positive_int,
        default=None,
        help="samples in the prompt (default: the filter length)",
    )
    demo.add_argument(
        "--seed", type=int, default=0, help="seed of the data (default: %(default)s)"
    )
    demo.add_argument(
        "--methods",
        type=_methods,
        default=METHODS,
        metavar="LIST",
        help=f"comma-separated schedules to run (default: {','.join(METHODS)})",
    )
    demo.add_argument(
        "--repeat",
        type=_positive_int,
        default=3,
        help="time each rollout up to this many times, keep the best "
        "(default: %(default)s)",
    )
    demo.add_argument(
        "--quiet", action="store_true", help="print the report only, no progress"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ffstream`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 if the demo's schedules disagree, 2 for
        a usage error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 2

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = run_demo(
        length=args.length,
        steps=args.steps,
        prompt_length=args.prompt_length,
        seed=args.seed,
        methods=args.methods,
        repeat=args.repeat,
        progress=None if args.quiet else progress,
    )
    print(result.format(), flush=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
