"""The forecasting and rollout demos and the ``ffstream demo`` command, at small sizes."""

import functools
import subprocess
import sys

import numpy as np
import pytest

from ffstream.engine.methods import METHODS
from ffstream.interfaces import cli
from ffstream.interfaces.demo import run_demo, run_rollout_demo
from ffstream.interfaces.demo.forecasting import MODELS
from ffstream.interfaces.demo.plot import PLOT_INSTALL_HINT
from ffstream.interfaces.demo.series import make_series

#: Small sizes: the demo runs in well under a second once the kernels are compiled.
SMALL = {
    "samples": 600,
    "horizon": 512,
    "order": 16,
    "n_filters": 4,
    "context": 300,
    "interval_horizon": 48,
    "n_paths": 20,
    "repeat": 1,
}
SMALL_ARGS = [
    "--samples=600",
    "--horizon=512",
    "--order=16",
    "--n-filters=4",
    "--context=300",
    "--interval-horizon=48",
    "--paths=20",
    "--repeat=1",
    "--quiet",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def result():
    return run_demo(**SMALL)


@pytest.fixture
def no_matplotlib(monkeypatch):
    """Make ``import matplotlib`` (and its submodules) fail, as if not installed."""
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def test_make_series_is_deterministic():
    first = make_series(500, seed=3)
    assert first.shape == (500, 3)
    assert np.all(np.isfinite(first))
    np.testing.assert_array_equal(first, make_series(500, seed=3))
    assert not np.array_equal(first, make_series(500, seed=4))


def test_demo_methods_agree(result):
    assert result.passed
    assert result.worst <= result.tolerance
    assert result.reference == "naive"
    assert {(t.model, t.method) for t in result.timings} == {
        (model, method) for model in MODELS for method in METHODS
    }
    for timing in result.timings:
        assert timing.seconds > 0 and timing.runs == 1
    seconds = {(t.model, t.method): t.seconds for t in result.timings}
    assert result.speedup("spectral") == pytest.approx(
        seconds["spectral", "naive"] / seconds["spectral", "continuous"]
    )


def test_demo_report(result):
    text = result.format()
    assert str(result) == text
    for word in (*METHODS, *MODELS, "FIRForecaster(order=16)", "synthetic", "seed 0"):
        assert word in text
    assert "excluded from the timings" in text
    assert text.splitlines()[-1].startswith("OK")
    assert "plot not requested" in text


def test_demo_intervals(result):
    d = 3
    assert result.future.shape == (SMALL["interval_horizon"], d)
    assert result.history.shape == (SMALL["interval_horizon"], d)
    for model in result.models:
        assert model.forecast.shape == model.lower.shape == model.upper.shape
        assert model.forecast.shape == (SMALL["interval_horizon"], d)
        assert np.all(model.lower <= model.upper)
        inside = (model.lower <= result.future) & (result.future <= model.upper)
        assert model.coverage == pytest.approx(inside.mean())
        error = model.forecast - result.future
        assert model.rmse == pytest.approx(np.sqrt(np.mean(error**2)))
    lengths = {model.name: model.filter_length for model in result.models}
    assert lengths == {"fir": SMALL["order"], "spectral": SMALL["context"]}


def test_demo_failure_is_reported():
    failed = run_demo(**SMALL, models=["fir"], tolerance=-1.0)
    assert not failed.passed
    assert failed.format().splitlines()[-1].startswith("FAILED")


def test_demo_rejects_bad_arguments():
    with pytest.raises(ValueError, match="models"):
        run_demo(**SMALL, models=["fir", "fir"])
    with pytest.raises(ValueError, match="methods"):
        run_demo(**SMALL, methods=["fast"])
    with pytest.raises(ValueError, match="order"):
        run_demo(**{**SMALL, "order": SMALL["samples"]})
    with pytest.raises(ValueError, match="level"):
        run_demo(**SMALL, level=1.0)
    with pytest.raises(ValueError, match="interval_horizon .* at most horizon"):
        run_demo(**{**SMALL, "interval_horizon": SMALL["horizon"] + 1})


@pytest.mark.skipif(not _has_matplotlib(), reason="matplotlib is not installed")
def test_demo_writes_png(tmp_path):
    path = tmp_path / "demo.png"
    plotted = run_demo(**SMALL, models=["fir"], plot=path)
    assert plotted.plot_path == path
    assert plotted.plot_error is None
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert f"plot written to {path}" in plotted.format()


@pytest.mark.skipif(not _has_matplotlib(), reason="matplotlib is not installed")
def test_demo_reports_unwritable_plot(tmp_path):
    path = tmp_path / "missing-directory" / "demo.png"
    plotted = run_demo(**SMALL, models=["fir"], plot=path)
    assert plotted.plot_path is None
    assert plotted.plot_error
    assert "plot not written" in plotted.format()
    assert plotted.passed


def test_demo_without_matplotlib(tmp_path, no_matplotlib):
    path = tmp_path / "demo.png"
    skipped = run_demo(**SMALL, models=["fir"], plot=path)
    assert skipped.passed
    assert skipped.plot_path is None and skipped.plot_error is None
    assert not path.exists()
    assert "matplotlib is not installed" in skipped.plot_note
    assert PLOT_INSTALL_HINT in skipped.format()


def test_cli_demo(tmp_path, capsys):
    path = tmp_path / "cli.png"
    assert cli.main(["demo", *SMALL_ARGS, "--plot", str(path)]) == 0
    out = capsys.readouterr().out
    for method in METHODS:
        assert method in out
    assert out.rstrip().splitlines()[-1].startswith("OK")
    if _has_matplotlib():
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        assert f"plot written to {path}" in out
    else:
        assert not path.exists()
        assert PLOT_INSTALL_HINT in out


def test_cli_demo_without_matplotlib(tmp_path, capsys, no_matplotlib):
    path = tmp_path / "cli.png"
    assert cli.main(["demo", *SMALL_ARGS, "--models=fir", "--plot", str(path)]) == 0
    assert PLOT_INSTALL_HINT in capsys.readouterr().out
    assert not path.exists()


def test_cli_demo_no_plot_default_path(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo", *SMALL_ARGS, "--models=fir", "--no-plot"]) == 0
    assert "plot not requested" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_cli_exit_status_on_disagreement(monkeypatch, capsys):
    monkeypatch.setattr(cli, "run_demo", functools.partial(run_demo, tolerance=-1.0))
    assert cli.main(["demo", *SMALL_ARGS, "--models=fir", "--no-plot"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_cli_rollout_demo(capsys):
    args = ["demo", "rollout", "--length=300", "--steps=600", "--repeat=1", "--quiet"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("ffstream demo rollout: filter of L = 300 taps")
    assert all(method in out for method in METHODS)
    assert out.rstrip().splitlines()[-1].startswith("OK")


def test_cli_demo_alone_is_the_forecast_demo():
    parse = cli._build_parser().parse_args
    alone = parse(cli._with_default_demo(["demo", "--samples=700", "--no-plot"]))
    spelled = parse(["demo", "forecast", "--samples=700", "--no-plot"])
    assert vars(alone) == vars(spelled)
    assert alone.demo == "forecast" and alone.samples == 700 and alone.plot is None
    default = parse(cli._with_default_demo(["demo"]))
    assert default.run is cli._run_forecast_demo
    assert (default.samples, default.plot) == (20_000, "ffstream-demo.png")
    rollout = parse(cli._with_default_demo(["demo", "rollout"]))
    assert rollout.run is cli._run_rollout_demo and rollout.prompt_length is None
    assert not hasattr(rollout, "samples") and not hasattr(default, "length")


def test_rollout_demo_function():
    rollout = run_rollout_demo(length=256, steps=512, seed=3, repeat=1)
    assert rollout.passed
    assert [m.method for m in rollout.methods] == list(METHODS)


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "rollout", "--order=8"],
        ["demo", "--length=8"],
        ["demo", "forecast", "--length=8"],
        ["demo", "rollout", "--methods=naive,naive"],
        ["demo", "rollout", "--steps=0"],
        ["demo", "--rollout"],
        ["demo", "--models=fir,arima"],
        ["demo", "--level=1.5"],
        ["demo", "--plot=x.png", "--no-plot"],
        ["demo", "--order=600", "--samples=600"],
    ],
)
def test_cli_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as error:
        cli.main(args)
    assert error.value.code == 2
    assert "error" in capsys.readouterr().err


def test_cli_entry_point_runs(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ffstream.interfaces.cli",
            "demo",
            *SMALL_ARGS,
            "--no-plot",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "OK: all schedules agree" in completed.stdout
    assert list(tmp_path.iterdir()) == []
