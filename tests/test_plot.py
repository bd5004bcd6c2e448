"""plot_forecast and the shared band drawing: x values, bands per level, overlays, errors."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from ffstream.interfaces.plot import (  # noqa: E402
    PLOT_INSTALL_HINT,
    Band,
    draw_bands,
    plot_forecast,
)
from ffstream.interfaces.plot.bands import HATCHES  # noqa: E402

H = 6


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bounds(width, n=H):
    return -width * np.ones(n), width * np.ones(n)


def _band_fills(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def _line(ax, label):
    (line,) = [line for line in ax.get_lines() if line.get_label() == label]
    return line


def _legend(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _frame(index, levels=(0.8, 0.95)):
    columns = pd.MultiIndex.from_product(
        [["lower", "upper"], levels], names=["bound", "level"]
    )
    widths = np.concatenate([-np.asarray(levels), np.asarray(levels)])
    return pd.DataFrame(np.outer(np.ones(len(index)), widths), index, columns)


# -- x values of each kind of input ------------------------------------------------


def test_numpy_inputs_are_drawn_at_positions():
    ax = plot_forecast(
        np.arange(10.0), np.ones(H), actual=np.zeros(3), interval=_bounds(1.0)
    )
    np.testing.assert_array_equal(_line(ax, "history").get_xdata(), np.arange(-10, 0))
    np.testing.assert_array_equal(_line(ax, "forecast").get_xdata(), np.arange(H))
    np.testing.assert_array_equal(_line(ax, "actual").get_xdata(), np.arange(3))
    np.testing.assert_array_equal(_line(ax, "history").get_ydata(), np.arange(10.0))
    assert _legend(ax) == ["history", "actual", "forecast", "forecast interval"]


def test_history_tail_keeps_the_last_samples():
    ax = plot_forecast(np.arange(10.0), np.ones(H), history_tail=4)
    history = _line(ax, "history")
    np.testing.assert_array_equal(history.get_xdata(), np.arange(-4, 0))
    np.testing.assert_array_equal(history.get_ydata(), np.arange(6.0, 10.0))


def test_a_single_column_array_is_one_channel():
    ax = plot_forecast(np.arange(4.0)[:, None], np.ones((H, 1)))
    np.testing.assert_array_equal(_line(ax, "forecast").get_ydata(), np.ones(H))


def test_pandas_inputs_are_drawn_against_their_index():
    index = pd.date_range("2024-01-01", periods=10 + H, freq="D")
    history = pd.Series(np.arange(10.0), index[:10])
    forecast = pd.Series(np.ones(H), index[10:])
    ax = plot_forecast(
        history, forecast, interval=_frame(index[10:]), actual=np.zeros(H)
    )
    xs = np.asarray(_line(ax, "history").get_xdata(), dtype="datetime64[ns]")
    np.testing.assert_array_equal(xs, index[:10].to_numpy())
    xs = np.asarray(_line(ax, "forecast").get_xdata(), dtype="datetime64[ns]")
    np.testing.assert_array_equal(xs, index[10:].to_numpy())
    # plain actual values take the forecast's labels
    xs = np.asarray(_line(ax, "actual").get_xdata(), dtype="datetime64[ns]")
    np.testing.assert_array_equal(xs, index[10:].to_numpy())
    assert len(_band_fills(ax)) == 2
    assert _legend(ax) == [
        "history",
        "actual",
        "forecast",
        "forecast 95% interval",
        "forecast 80% interval",
    ]


def test_a_dataframe_with_lower_and_upper_columns():
    frame = pd.DataFrame({"lower": -np.ones(H), "upper": np.ones(H)})
    ax = plot_forecast(pd.Series(np.zeros(4)), pd.Series(np.ones(H)), interval=frame)
    assert len(_band_fills(ax)) == 1


def test_xarray_inputs_are_drawn_against_their_coordinate():
    time = np.arange(100, 110)
    history = xr.DataArray(np.arange(10.0), coords={"time": time}, dims="time")
    ahead = np.arange(110, 110 + H)
    forecast = xr.DataArray(np.ones(H), coords={"time": ahead}, dims="time")
    levels = [0.5, 0.9]
    interval = xr.Dataset(
        {
            "lower": (("level", "time"), -np.outer(levels, np.ones(H))),
            "upper": (("level", "time"), np.outer(levels, np.ones(H))),
        },
        coords={"time": ahead, "level": levels},
    )
    ax = plot_forecast(history, forecast, interval=interval, label="m")
    np.testing.assert_array_equal(_line(ax, "history").get_xdata(), time)
    np.testing.assert_array_equal(_line(ax, "m").get_xdata(), ahead)
    assert _legend(ax) == ["history", "m", "m 90% interval", "m 50% interval"]
    # one level selected: the scalar coordinate still names it
    ax = plot_forecast(history, forecast, interval=interval.sel(level=0.9), label="m")
    assert _legend(ax) == ["history", "m", "m 90% interval"]


# -- bands -----------------------------------------------------------------------


def test_each_level_is_a_fill_with_two_edge_lines():
    bands = {0.5: _bounds(1.0), 0.8: _bounds(2.0), 0.95: _bounds(3.0)}
    ax = plot_forecast(np.zeros(4), np.zeros(H), interval=bands, label="m")
    fills = _band_fills(ax)
    assert [fill.get_label() for fill in fills] == [
        "m 95% interval",
        "m 80% interval",
        "m 50% interval",
    ]
    edges = [
        line
        for line in ax.get_lines()
        if str(line.get_gid()).startswith("ffstream-band")
    ]
    assert len(edges) == 2 * len(bands)
    # the widest level has dashed edges, the narrower ones dotted
    styles = [line.get_linestyle() for line in edges]
    assert styles == ["--", "--", ":", ":", ":", ":"]
    # the widest band's edges are its bounds
    np.testing.assert_array_equal(edges[0].get_ydata(), -3 * np.ones(H))
    np.testing.assert_array_equal(edges[1].get_ydata(), 3 * np.ones(H))


def test_draw_bands_orders_by_width_and_labels_each():
    ax = plt.figure().subplots()
    bands = [Band(*_bounds(1.0), "narrow"), Band(*_bounds(2.0), None)]
    artists = draw_bands(ax, np.arange(H), bands, color="red")
    assert len(artists) == 6
    assert [fill.get_label() for fill in _band_fills(ax)] == ["_nolegend_", "narrow"]
    assert ax.get_legend_handles_labels()[1] == ["narrow"]


def test_overlaid_models_keep_their_colours_and_hatches():
    history = np.arange(10.0)
    ax = plot_forecast(history, np.ones(H), interval=_bounds(1.0), label="A")
    ax2 = plot_forecast(
        history, np.zeros(H), interval=_bounds(1.5), label="B", ax=ax, actual=None
    )
    assert ax2 is ax
    # the history is drawn once
    assert [line.get_label() for line in ax.get_lines()].count("history") == 1
    colours = [to_rgba(_line(ax, name).get_color()) for name in ("A", "B")]
    assert colours[0] != colours[1]
    fills = _band_fills(ax)
    assert len(fills) == 2
    assert [fill.get_hatch() for fill in fills] == list(HATCHES[:2])
    # each band is filled (lightly) in its model's colour
    for fill, colour in zip(fills, colours, strict=True):
        face = fill.get_facecolor()[0]
        assert tuple(face[:3]) == pytest.approx(colour[:3])
        assert face[3] < 0.3
    assert _legend(ax) == ["history", "A", "A interval", "B", "B interval"]


def test_an_explicit_colour_is_used_for_the_line_and_its_band():
    ax = plot_forecast(np.zeros(4), np.ones(H), interval=_bounds(1.0), color="red")
    assert to_rgba(_line(ax, "forecast").get_color()) == to_rgba("red")
    face = _band_fills(ax)[0].get_facecolor()[0]
    assert tuple(face[:3]) == pytest.approx(to_rgba("red")[:3])


def test_a_new_history_on_the_same_axes_is_drawn_again():
    ax = plot_forecast(np.zeros(4), np.ones(H))
    plot_forecast(np.ones(4), np.ones(H), ax=ax)
    assert [line.get_label() for line in ax.get_lines()].count("history") == 2


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "forecast", "kwargs", "error", "match"),
    [
        (
            np.zeros((4, 3)),
            np.zeros(H),
            {},
            ValueError,
            r"history has 3 channels.*\[:, 0\]",
        ),
        (np.zeros(4), np.zeros((H, 2)), {}, ValueError, "forecast has 2 channels"),
        (
            pd.DataFrame({"a": np.zeros(4), "b": np.zeros(4)}),
            pd.Series(np.zeros(H)),
            {},
            ValueError,
            r"select one, e.g. history\['a'\]",
        ),
        (
            xr.DataArray(np.zeros((4, 2)), dims=("time", "channel")),
            xr.DataArray(np.zeros(H), dims="time"),
            {},
            ValueError,
            r"history.isel\(channel=0\)",
        ),
        (np.zeros(4), np.zeros(0), {}, ValueError, "forecast must have at least one"),
        (np.float64(1.0), np.zeros(H), {}, ValueError, "history must be 1-D"),
        (["a", "b"], np.zeros(H), {}, TypeError, "history must hold real numbers"),
        (
            np.zeros(4),
            np.zeros(H),
            {"interval": (np.zeros(3), np.zeros(H))},
            ValueError,
            "interval lower bound has 3 samples but forecast has 6",
        ),
        (
            np.zeros(4),
            np.zeros(H),
            {"interval": (np.zeros(H),) * 3},
            ValueError,
            "pair, got a tuple of length 3",
        ),
        (
            np.zeros(4),
            np.zeros(H),
            {"interval": np.zeros((2, H))},
            TypeError,
            "interval must be",
        ),
        (
            np.zeros(4),
            np.zeros(H),
            {"interval": pd.DataFrame({"lo": np.zeros(H), "hi": np.zeros(H)})},
            ValueError,
            "columns 'lower' and 'upper'",
        ),
        (
            np.zeros(4),
            np.zeros(H),
            {"interval": xr.Dataset({"lower": ("t", np.zeros(H))})},
            ValueError,
            r"missing \['upper'\]",
        ),
        (np.zeros(4), np.zeros(H), {"history_tail": 0}, ValueError, "history_tail"),
        (np.zeros(4), np.zeros(H), {"history_tail": 2.5}, TypeError, "history_tail"),
        (np.zeros(4), np.zeros(H), {"label": 3}, TypeError, "label"),
        (np.zeros(4), np.zeros(H), {"color": "no such colour"}, ValueError, "color"),
        (np.zeros(4), np.zeros(H), {"ax": "axes"}, TypeError, "ax must be"),
        (pd.Series(np.zeros(4)), np.zeros(H), {}, ValueError, "both be plain arrays"),
        (
            pd.Series(np.zeros(4)),
            pd.Series(np.zeros(H)),
            {"actual": np.zeros(2)},
            ValueError,
            "actual is a plain array of 2 samples",
        ),
        (
            np.zeros(4),
            np.zeros(H),
            {"actual": pd.Series(np.zeros(2))},
            ValueError,
            "actual is labelled",
        ),
    ],
)
def test_bad_input_names_the_argument(history, forecast, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_forecast(history, forecast, **kwargs)
    assert plt.get_fignums() == []  # nothing drawn before the checks


def test_multichannel_interval_frame_is_rejected():
    columns = pd.MultiIndex.from_product(
        [["lower", "upper"], [0.9], ["a", "b"]], names=["bound", "level", "channel"]
    )
    frame = pd.DataFrame(np.zeros((H, 4)), columns=columns)
    with pytest.raises(ValueError, match="interval has 2 channels"):
        plot_forecast(np.zeros(4), np.zeros(H), interval=frame)


def test_missing_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    with pytest.raises(ImportError, match=PLOT_INSTALL_HINT.replace("[", r"\[")):
        plot_forecast(np.zeros(4), np.zeros(H))
