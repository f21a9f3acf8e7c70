"""The statistics section of the HTML report: model vs model, variance shares, agreement with
the examples most often wrong (each linked to its own entry: input, gold, every prompt's
prediction), calibration with a reliability diagram per (model, task) drawn as inline SVG."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bioeval.report.stat_text import (
    SECTIONS,
    calibration_note,
    calibration_table,
    comparison_table,
    fmt,
    prompt_test_table,
    settings_line,
)
from bioeval.report.stat_types import MEAN_OVER_PROMPTS, AgreementRow, CalibrationRow, Statistics

INPUT_CHARS = 2000  # of an example's rendered input shown in its entry


def _table(header: Sequence[str], body: Sequence[Sequence[str]], css: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body)
    return (f"<div class=\"scroll\"><table class=\"sortable {css}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def example_anchor(model: str, task: str, example: str) -> str:
    return "ex-" + re.sub(r"[^A-Za-z0-9_-]", "_", f"{model}-{task}-{example}")


def _comparisons(stats: Statistics) -> list[str]:
    if not stats.comparisons:
        return ["<p>Model vs model: undefined (fewer than two models share a task's prompts and examples).</p>"]
    return [f"<p>{html.escape(settings_line(stats))}</p>",
            _table(*comparison_table(stats.comparisons, stats.settings.alpha), "comparisons"),
            "<details><summary>Per prompt (exact McNemar or paired bootstrap, Holm-adjusted)</summary>",
            _table(*prompt_test_table(stats.comparisons)), "</details>"]


def _hardest(row: AgreementRow) -> str:
    links = "".join(
        f"<li><a href=\"#{example_anchor(row.model, row.task, h.id)}\">{html.escape(h.id)}</a>: wrong under "
        f"{h.n_wrong} of {h.n_prompts} prompts</li>" for h in row.hardest)
    entries = []
    for h in row.hardest:
        predictions = "".join(f"<li>{html.escape(p)}: {html.escape(v)}</li>" for p, v in h.predictions)
        entries.append(
            f"<details class=\"example\" id=\"{example_anchor(row.model, row.task, h.id)}\"><summary>"
            f"{html.escape(row.model)} / {html.escape(row.task)} / {html.escape(h.id)} (gold: {html.escape(h.gold)})"
            f"</summary><pre>{html.escape(h.input[:INPUT_CHARS])}</pre><ul>{predictions}</ul></details>")
    return (f"<h4>{html.escape(row.model)} on {html.escape(row.task)}: most often wrong</h4>"
            f"<ol class=\"hardest\">{links}</ol>" + "".join(entries))


def reliability_svg(row: CalibrationRow, size: int = 220) -> str:
    """Equal-width reliability diagram: bars of accuracy per confidence bin, the diagonal."""
    pad = 30
    inner = size - 2 * pad
    parts = [f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" role=\"img\" "
             f"aria-label=\"reliability diagram {html.escape(row.model)} {html.escape(row.task)}\">",
             f"<rect x=\"{pad}\" y=\"{pad}\" width=\"{inner}\" height=\"{inner}\" fill=\"none\" stroke=\"#888\"/>",
             f"<line x1=\"{pad}\" y1=\"{pad + inner}\" x2=\"{pad + inner}\" y2=\"{pad}\" stroke=\"#888\" "
             "stroke-dasharray=\"4 3\"/>"]
    for b in row.figures.reliability:
        x, width = pad + b.low * inner, (b.high - b.low) * inner
        height = b.accuracy * inner
        parts.append(f"<rect class=\"bin\" x=\"{x:.1f}\" y=\"{pad + inner - height:.1f}\" width=\"{width:.1f}\" "
                     f"height=\"{height:.1f}\" fill=\"#4477aa\" fill-opacity=\"0.7\"><title>confidence "
                     f"{b.low:.1f}-{b.high:.1f}: n={b.count}, accuracy {b.accuracy:.3f}, mean confidence "
                     f"{b.confidence:.3f}</title></rect>")
    parts += [f"<text x=\"{pad}\" y=\"{size - 8}\" font-size=\"11\">confidence 0 to 1</text>",
              f"<text x=\"4\" y=\"{pad - 10}\" font-size=\"11\">accuracy</text>", "</svg>"]
    return "".join(parts)


def statistics_html(stats: Statistics, with_diagrams: bool = True) -> str:
    parts = ["<h2 id=\"model-vs-model\">Model vs model (paired)</h2>", *_comparisons(stats)]
    for title, build, note in SECTIONS:
        header, body = build(stats)
        if not body:
            continue
        note = calibration_note(stats) if build is calibration_table else note
        parts += [f"<h2>{html.escape(title)}</h2>", f"<p>{html.escape(note)}</p>", _table(header, body)]
    if stats.agreement:
        parts.append("<section id=\"hardest\">" + "".join(_hardest(a) for a in stats.agreement if a.hardest)
                     + "</section>")
    pooled = [c for c in stats.calibration if c.prompt == MEAN_OVER_PROMPTS]
    if pooled and with_diagrams:
        figures = "".join(
            f"<figure class=\"reliability\">{reliability_svg(c)}<figcaption>{html.escape(c.model)} on "
            f"{html.escape(c.task)}: reliability, {c.figures.bins} equal-width bins pooled over prompts (ECE "
            f"{fmt(c.figures.ece_equal_width)})</figcaption></figure>" for c in pooled)
        parts.append(f"<div class=\"diagrams\">{figures}</div>")
    if stats.notes:
        parts.append("<ul class=\"notes\">" + "".join(f"<li>{html.escape(n)}</li>" for n in stats.notes) + "</ul>")
    return "\n".join(parts)


def compare_html(stats: Statistics) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>bioeval: model vs model</title>"
            "</head><body><h1>bioeval: model vs model</h1>\n" + "\n".join(_comparisons(stats)) + "\n</body></html>\n")
