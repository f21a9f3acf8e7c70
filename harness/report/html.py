"""The HTML format: one self-contained page with both tables and the plots as inline SVG."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bioeval.report.tables import Report
from bioeval.report.text import (
    LEGEND,
    leaderboard_body,
    leaderboard_header,
    prompt_body,
    prompt_header,
    runs_line,
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.baseline td { background: #fafafa; font-style: italic; }
tr.reference td { color: #555; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
"""


def _table(header: Sequence[str], body: Sequence[Sequence[str]], numeric_from: int,
           row_classes: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    lines = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>"]
    for index, row in enumerate(body):
        css = row_classes[index] if index < len(row_classes) else ""
        cells = "".join(
            f"<td class=\"num\">{html.escape(c)}</td>" if i >= numeric_from else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(row)
        )
        lines.append(f"<tr class=\"{css}\">{cells}</tr>" if css else f"<tr>{cells}</tr>")
    lines.append("</tbody>\n</table>")
    return "\n".join(lines)


def _inline_svg(text: str) -> str:
    """The <svg> element of an SVG file, without its XML declaration and doctype."""
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def to_html(report: Report) -> str:
    board = report.leaderboard
    notes = list(report.data.notes) + list(board.notes)
    parts = [
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head><meta charset=\"utf-8\"><title>bioeval report</title>",
        f"<style>{STYLE}</style></head>",
        "<body>",
        "<h1>bioeval report</h1>",
        f"<p>Runs: {html.escape(runs_line(report.data))}</p>",
        f"<h2>Leaderboard ({html.escape(board.aggregate)} over prompts)</h2>",
        _table(leaderboard_header(board), leaderboard_body(board), 1, [row.kind for row in board.rows]),
    ]
    if notes:
        parts.append("<ul class=\"notes\">" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    if report.plots:
        parts.append("<h2>Score minus the majority baseline, per prompt</h2>")
        for plot in report.plots:
            svg = _inline_svg(plot.svg.read_text(encoding="utf-8"))
            parts.append(f"<figure id=\"plot-{html.escape(plot.metric)}\">{svg}"
                         f"<figcaption>{html.escape(plot.metric)}</figcaption></figure>")
    parts.append("<h2>Per-prompt results</h2>")
    parts.append(f"<p>{html.escape(LEGEND)}</p>")
    for table in report.prompt_tables:
        title = f"{table.task} - {table.metric} (n={table.n}, {len(table.rows)} prompts)"
        parts.append(f"<h3>{html.escape(title)}</h3>")
        parts.append(_table(prompt_header(table), prompt_body(table), 3))
    parts += ["</body>", "</html>"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)) + "\n"
