"""The HTML format: one self-contained, interactive page (no network, no external file).

Server-rendered tables (readable without JavaScript) plus a small script from package data
(``assets/report.js`` and ``assets/report.css``, inlined): a sortable leaderboard, filters by
model, task, prompt and family, per-prompt tables, and a drill-down from a per-prompt cell to
its examples (rendered input, raw output, parsed prediction, gold, answer choices with their
log-likelihoods, error), read from the run folders' samples and embedded as JSON in a
``<script type="application/json">``, at most ``max_examples`` per (model, task, prompt).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from importlib import resources

from bioeval.report.data import SampleUnit
from bioeval.report.document import Report
from bioeval.report.layout_text import choices_html, layout_html
from bioeval.report.text import LEGEND, leaderboard_body, leaderboard_header, prompt_body, prompt_header, runs_line


def unit_key(model: str, task: str, prompt: str) -> str:
    return f"{model}\u241f{task}\u241f{prompt}"


def _asset(name: str) -> str:
    return resources.files("bioeval.report").joinpath("assets", name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def samples_document(units: Sequence[SampleUnit]) -> dict[str, object]:
    out: dict[str, object] = {}
    for unit in units:
        out[unit_key(unit.model, unit.task, unit.prompt)] = {
            "model": unit.model, "task": unit.task, "prompt": unit.prompt, "total": unit.total,
            "rows": [[r.id, r.input, r.output, r.prediction, r.gold, list(r.choices or ()),
                      list(r.choice_logliks or ()), r.error] for r in unit.rows],
        }
    return out


def _cell(text: str, numeric: bool, attrs: str = "") -> str:
    css = " class=\"num\"" if numeric else ""
    return f"<td{css}{attrs}>{html.escape(text)}</td>"


def leaderboard_html(report: Report) -> str:
    board = report.leaderboard
    header = leaderboard_header(board)
    tasks = [c.task for c in board.columns] + [""] * len(board.suites)
    head = "".join(
        f"<th data-col=\"{i}\" data-task=\"{html.escape(tasks[i - 1]) if i else ''}\" tabindex=\"0\">"
        f"{html.escape(h)}<span class=\"arrow\"></span></th>"
        for i, h in enumerate(header))
    lines = [f"<div class=\"scroll\"><table id=\"leaderboard\" class=\"sortable\"><thead><tr>{head}</tr></thead><tbody>"]
    for row, cells in zip(board.rows, leaderboard_body(board)):
        model = row.label if row.kind in ("model", "baseline") else ""
        tds = "".join(
            _cell(c, i > 0, f" data-task=\"{html.escape(tasks[i - 1])}\"" if i and tasks[i - 1] else "")
            for i, c in enumerate(cells))
        title = f" title=\"{html.escape(row.source)}\"" if row.source else ""
        lines.append(f"<tr class=\"{row.kind}\" data-model=\"{html.escape(model)}\"{title}>{tds}</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def prompt_tables_html(report: Report) -> str:
    units = {unit_key(u.model, u.task, u.prompt) for u in report.samples}
    parts = [f"<p>{html.escape(LEGEND)} Click a score to see its examples.</p>"]
    for table in report.prompt_tables:
        title = f"{table.task} - {table.metric} (n={table.n}, {len(table.rows)} prompts)"
        head = "".join(f"<th>{html.escape(h)}</th>" for h in prompt_header(table))
        parts.append(f"<section class=\"ptable\" data-task=\"{html.escape(table.task)}\">"
                     f"<h3>{html.escape(title)}</h3><div class=\"scroll\"><table class=\"sortable\">"
                     f"<thead><tr>{head}</tr></thead><tbody>")
        for row, cells in zip(table.rows, prompt_body(table)):
            tds = [_cell(c, False) for c in cells[:3]]
            for model, text in zip(table.models, cells[3:]):
                key = unit_key(model, table.task, row.prompt)
                if key in units and text:
                    tds.append(f"<td class=\"num\" data-model=\"{html.escape(model)}\"><button class=\"drill\" "
                               f"data-unit=\"{html.escape(key)}\">{html.escape(text)}</button></td>")
                else:
                    tds.append(_cell(text, True, f" data-model=\"{html.escape(model)}\""))
            parts.append(f"<tr data-prompt=\"{html.escape(row.prompt)}\" data-family=\"{html.escape(row.family)}\">"
                         + "".join(tds) + "</tr>")
        parts.append("</tbody></table></div></section>")
    return "\n".join(parts)


def _plots_html(report: Report) -> list[str]:
    parts = []
    for plot in report.plots:
        text = plot.svg.read_text(encoding="utf-8")
        svg = text[text.find("<svg"):] if "<svg" in text else ""
        parts.append(f"<figure id=\"plot-{html.escape(plot.metric)}\">{svg}"
                     f"<figcaption>{html.escape(plot.caption or plot.metric)}</figcaption></figure>")
    return parts


def _filters(report: Report) -> str:
    options = {
        "model": list(dict.fromkeys(r.model for r in report.data.rows)),
        "task": list(dict.fromkeys(r.task for r in report.data.rows)),
        "prompt": list(dict.fromkeys(r.prompt for r in report.data.rows)),
        "family": list(dict.fromkeys(r.family for r in report.data.rows)),
    }
    selects = []
    for name, values in options.items():
        opts = "".join(f"<option value=\"{html.escape(v)}\">{html.escape(v)}</option>" for v in values)
        selects.append(f"<label>{name} <select id=\"filter-{name}\" data-filter=\"{name}\">"
                       f"<option value=\"\">all</option>{opts}</select></label>")
    return "<div id=\"filters\">" + "".join(selects) + "</div>"


def to_html(report: Report) -> str:
    board = report.leaderboard
    notes = list(report.data.notes) + list(board.notes)
    parts = [
        "<!DOCTYPE html>", "<html lang=\"en\">",
        "<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
        "<title>bioeval report</title>", f"<style>{_asset('report.css')}</style></head>", "<body>",
        "<h1>bioeval report</h1>", f"<p class=\"runs\">Runs: {html.escape(runs_line(report.data))}</p>",
        _filters(report),
    ]
    if report.layout:
        parts.append("<h2>The papers' tables, with this run's rows</h2>")
        parts.extend(layout_html(table) for table in report.layout)
    parts += [f"<h2>Leaderboard ({html.escape(board.aggregate)} over prompts)</h2>",
              "<p class=\"hint\">Click a column header to sort.</p>", leaderboard_html(report)]
    if notes:
        parts.append("<ul class=\"notes\">" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    if report.choices:
        parts += ["<h2>Best prompt: test-selected and honest</h2>", choices_html(report.choices)]
    if report.plots:
        parts.append("<h2>Plots</h2>")
        parts.extend(_plots_html(report))
    if report.statistics is not None:
        from bioeval.report.stat_html import statistics_html

        drawn = any(p.metric == "reliability" for p in report.plots)
        parts.append(statistics_html(report.statistics, with_diagrams=not drawn))
    parts += ["<h2>Per-prompt results</h2>", prompt_tables_html(report),
              "<div id=\"drilldown\" hidden><div class=\"panel\"><button id=\"drill-close\">close</button>"
              "<h3 id=\"drill-title\"></h3><p id=\"drill-note\"></p><div class=\"scroll\" id=\"drill-body\"></div>"
              "</div></div>",
              f"<script type=\"application/json\" id=\"bioeval-samples\">{_script_json(samples_document(report.samples))}</script>",
              f"<script>{_asset('report.js')}</script>", "</body>", "</html>"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)) + "\n"
