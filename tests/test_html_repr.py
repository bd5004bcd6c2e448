"""``_repr_html_`` of streams and models: a two-column table of what describes them."""

import html
import re

import numpy as np
import pytest

import ffstream
from ffstream.engine.html_table import MAX_SHOWN, format_value, html_table


def rows_of(markup: str) -> dict[str, str]:
    """The ``name -> value`` rows of a table made by :func:`html_table`, unescaped."""
    pairs = re.findall(r"<tr><th[^>]*>(.*?)</th><td[^>]*>(.*?)</td></tr>", markup)
    return {html.unescape(name): html.unescape(value) for name, value in pairs}


def title_of(markup: str) -> str:
    return html.unescape(re.search(r'<th colspan="2"[^>]*>(.*?)</th>', markup)[1])


# -- the table ---------------------------------------------------------------------


def test_html_table_escapes_title_names_and_values():
    markup = html_table("A<b>&", [("x<y", "<script>"), ("n", 3)])
    assert "<script>" not in markup and "A<b>" not in markup
    assert "A&lt;b&gt;&amp;" in markup and "&lt;script&gt;" in markup
    assert title_of(markup) == "A<b>&"
    assert rows_of(markup) == {"x<y": "<script>", "n": "3"}
    assert markup.startswith("<table") and markup.endswith("</table>")


def test_format_value_elides_long_sequences():
    assert format_value(np.arange(MAX_SHOWN, dtype=float)) == "0, 1, 2, 3"
    assert format_value(np.arange(MAX_SHOWN + 1.0)).endswith(", ...")
    assert format_value(1 / 3) == "0.3333"
    assert format_value(True) == "True"
    assert format_value("a") == "a"


# -- streams -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "layout", "n_in", "n_out"),
    [
        (np.ones(5), "scalar", 1, 1),
        (np.ones((5, 2)), "depthwise", 2, 2),
        (np.ones((5, 3, 2)), "mimo", 2, 3),
    ],
)
def test_stream_rows_match_its_attributes(filters, layout, n_in, n_out):
    stream = ffstream.OnlineConv(filters)
    stream.push_block(np.zeros((7, n_in)) if layout != "scalar" else np.zeros(7))
    markup = stream._repr_html_()
    assert title_of(markup) == "OnlineConv"
    rows = rows_of(markup)
    assert rows["layout"] == stream.layout == layout
    assert rows["filter length"] == str(stream.filter_length) == "5"
    assert rows["input channels"] == str(n_in)
    assert rows["output channels"] == str(n_out)
    assert rows["schedule"] == stream.method == "continuous"
    assert rows["samples seen"] == str(stream.n_seen) == "7"


def test_stream_shows_the_epoch_of_the_epoched_schedule():
    stream = ffstream.OnlineConv(np.ones(50), method="epoched", epoch=8)
    rows = rows_of(stream._repr_html_())
    assert rows["schedule"] == "epoched"
    assert rows["epoch"] == "8"
    assert "epoch" not in rows_of(ffstream.OnlineConv(np.ones(50))._repr_html_())


# -- models --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(0)
    y = np.zeros((400, 2))
    for t in range(1, 400):
        y[t] = 0.7 * y[t - 1] + rng.standard_normal(2)
    return y + [1.0, -2.0]


UNFITTED = [
    (ffstream.FIRForecaster(order=3, ridge=0.5), {"order": "3", "ridge": "0.5"}),
    (
        ffstream.SpectralForecaster(n_filters=4, context=32),
        {"n_filters": "4", "context": "32", "ar_order": "2", "ridge": "1e-06"},
    ),
    (ffstream.SeasonalNaive(7), {"season": "7"}),
    (ffstream.LastValue(), {}),
]


@pytest.mark.parametrize(
    ("model", "settings"), UNFITTED, ids=lambda m: type(m).__name__
)
def test_unfitted_model_shows_its_settings(model, settings):
    markup = model._repr_html_()
    assert title_of(markup) == type(model).__name__
    rows = rows_of(markup)
    assert rows["fitted"] == "no"
    for name, value in settings.items():
        assert rows[name] == value
    assert "samples seen" not in rows and "channels" not in rows


def test_fitted_fir_shows_its_fit(series):
    model = ffstream.FIRForecaster(order=3).fit(series)
    rows = rows_of(model._repr_html_())
    assert rows["fitted"] == "yes"
    assert rows["channels"] == str(model.n_channels) == "2"
    assert rows["filter length"] == str(model.filter_length) == "3"
    assert rows["samples seen"] == str(model.n_seen) == "400"
    assert rows["largest |coefficient|"] == format_value(np.abs(model.coef_).max())
    assert rows["intercept"] == format_value(model.intercept_)
    std = np.sqrt(np.diag(model.residual_cov_))
    assert rows["residual std"] == format_value(std)
    assert rows["solver"] == "normal"


def test_fitted_spectral_model_shows_its_effective_filter(series):
    model = ffstream.SpectralForecaster(n_filters=4, context=32).fit(series)
    model.update(series[:5])
    rows = rows_of(model._repr_html_())
    assert rows["filter length"] == "32"
    assert rows["samples seen"] == "405"
    assert rows["largest |coefficient|"] == format_value(np.abs(model._taps).max())
    assert rows["intercept"] == format_value(model.intercept_)


def test_the_summary_follows_online_learning_without_rebuilding(series):
    model = ffstream.FIRForecaster(order=2).fit(series[:300])
    before = rows_of(model._repr_html_())["largest |coefficient|"]
    model.update(series[300:], learn=True)
    rows = rows_of(model._repr_html_())
    assert model._filter_outdated  # the summary did not rebuild the engine
    assert rows["largest |coefficient|"] == format_value(np.abs(model._coef).max())
    assert rows["largest |coefficient|"] != before
    assert rows["samples seen"] == "400"


def test_many_channels_are_elided():
    y = np.random.default_rng(1).standard_normal((200, MAX_SHOWN + 2))
    rows = rows_of(ffstream.FIRForecaster(order=1).fit(y)._repr_html_())
    assert rows["channels"] == str(MAX_SHOWN + 2)
    assert rows["residual std"].endswith(", ...")
    assert rows["residual std"].count(",") == MAX_SHOWN


@pytest.mark.parametrize("cls", [ffstream.SeasonalNaive, ffstream.LastValue])
def test_fitted_baselines_show_their_history(cls, series):
    model = cls(3) if cls is ffstream.SeasonalNaive else cls()
    model.fit(series).update(series[:2])
    rows = rows_of(model._repr_html_())
    assert rows["fitted"] == "yes"
    assert rows["channels"] == "2"
    assert rows["samples seen"] == str(model.n_seen) == "402"
    assert rows["last values"] == format_value(series[1])
    assert title_of(model._repr_html_()) == cls.__name__


def test_a_class_name_with_markup_is_escaped():
    cls = type("Fir<b>", (ffstream.FIRForecaster,), {})
    markup = cls(order=2)._repr_html_()
    assert "Fir&lt;b&gt;" in markup and "<b>" not in markup
    assert title_of(markup) == "Fir<b>"
