"""A small two-column HTML table: the ``_repr_html_`` that Jupyter shows for an object.

Streams and models list what describes them as ``(name, value)`` rows;
:func:`html_table` turns the rows into a table whose first row is a title
(the class name). Every name and value is escaped, so a value holding ``<`` or
``&`` is shown as text, never interpreted as HTML.
"""

import html
from collections.abc import Iterable
from typing import Any

import numpy as np

#: Values shown of a per-channel sequence before the rest is elided as "...".
MAX_SHOWN = 4

_TABLE_STYLE = "border-collapse: collapse; text-align: left; font-size: 0.9em"
_TITLE_STYLE = "text-align: left; padding: 2px 8px; border-bottom: 1px solid #999"
_NAME_STYLE = "text-align: left; padding: 1px 8px; font-weight: normal; color: #555"
_VALUE_STYLE = "text-align: left; padding: 1px 8px; font-family: monospace"


def format_value(value: Any) -> str:
    """A short text for one table cell.

    Parameters
    ----------
    value : Any
        A float (shown with 4 significant digits), a sequence or 1-D array of
        numbers (at most :data:`MAX_SHOWN` of them, then ``"..."``), or
        anything else (shown as ``str(value)``).

    Returns
    -------
    str
        The text, not yet escaped.

    Examples
    --------
    >>> format_value(0.123456)
    '0.1235'
    >>> format_value([1.0, 2.5, 3.0, 4.0, 5.0, 6.0])
    '1, 2.5, 3, 4, ...'
    >>> format_value("continuous")
    'continuous'
    """
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    if isinstance(value, (list, tuple, np.ndarray)):
        values = np.asarray(value).ravel()
        if values.dtype.kind in "fiu":
            shown = [format_value(float(v)) for v in values[:MAX_SHOWN]]
            return ", ".join(shown + (["..."] if len(values) > MAX_SHOWN else []))
    return str(value)


def html_table(title: str, rows: Iterable[tuple[str, Any]]) -> str:
    """Render ``rows`` of ``(name, value)`` as a two-column HTML table under ``title``.

    Parameters
    ----------
    title : str
        Text of the first row (spanning both columns), e.g. the class name.
    rows : iterable of (str, Any)
        One row per pair: the name, and the value shown by :func:`format_value`.

    Returns
    -------
    str
        A ``<table>`` element; every text in it is escaped with :func:`html.escape`.

    Examples
    --------
    >>> print(html_table("Model<1>", [("order", 3), ("ridge", 0.5)]))  # doctest: +ELLIPSIS
    <table ...><thead><tr><th colspan="2" ...>Model&lt;1&gt;</th></tr></thead><tbody>
    <tr><th ...>order</th><td ...>3</td></tr>
    <tr><th ...>ridge</th><td ...>0.5</td></tr>
    </tbody></table>
    """
    lines = [
        f'<table style="{_TABLE_STYLE}"><thead><tr>'
        f'<th colspan="2" style="{_TITLE_STYLE}">{html.escape(str(title))}</th>'
        "</tr></thead><tbody>"
    ]
    for name, value in rows:
        lines.append(
            f'<tr><th style="{_NAME_STYLE}">{html.escape(str(name))}</th>'
            f'<td style="{_VALUE_STYLE}">{html.escape(format_value(value))}</td></tr>'
        )
    lines.append("</tbody></table>")
    return "\n".join(lines)
