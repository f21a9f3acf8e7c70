"""The papers' layouts and the best-prompt table in each format: Markdown, CSV, LaTeX, HTML."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence

from bioeval.report.latex import latex_escape
from bioeval.report.layouts import BEST_NOTE, LayoutTable
from bioeval.report.selection import PromptChoice

CHOICE_HEADER = ("model", "task", "metric", "prompts", "Best (test-selected) prompt", "Best (test-selected)",
                 "honest choice", "method", "honest test score", "how")


def _md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def layout_markdown(table: LayoutTable) -> str:
    header = list(table.header)
    rule = "|" + "|".join("---" if i < table.label_columns else "---:" for i in range(len(header))) + "|"
    lines = [f"### {table.title}", "", _md_line(header), rule, *(_md_line(row) for row in table.rows)]
    if table.notes:
        lines += ["", *(f"- {note}" for note in table.notes)]
    return "\n".join(lines)


def layout_csv(tables: Sequence[LayoutTable]) -> str:
    """One tidy table: table, row, kind, column, value (every cell of every layout table)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("table", "row", "kind", "column", "value"))
    for table in tables:
        for row, kind in zip(table.rows, table.kinds):
            label = " / ".join(c for c in row[: table.label_columns] if c)
            for column, cell in zip(table.header[table.label_columns:], row[table.label_columns:]):
                writer.writerow((table.title, label, kind, column, cell))
    return out.getvalue()


def layout_latex(table: LayoutTable) -> str:
    width = len(table.header)
    lines = [f"% {latex_escape(table.title)}; needs \\usepackage{{booktabs}}",
             "\\begin{tabular}{" + "l" * table.label_columns + "r" * (width - table.label_columns) + "}",
             "\\toprule"]
    if table.groups:
        lines.append(" & ".join(
            f"\\multicolumn{{{span}}}{{c}}{{{latex_escape(label)}}}" if label else " & ".join([""] * span)
            for label, span in table.groups) + " \\\\")
        header = [table.header[i] if i < table.label_columns else table.header[i].split(" ", 1)[-1]
                  for i in range(width)]
    else:
        header = list(table.header)
    lines += [" & ".join(latex_escape(h) for h in header) + " \\\\", "\\midrule"]
    previous = table.kinds[0] if table.kinds else ""
    for row, kind in zip(table.rows, table.kinds):
        if kind != previous and "delta" not in (kind, previous):
            lines.append("\\midrule")
        previous = kind
        lines.append(" & ".join(latex_escape(c) for c in row) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    lines += [f"% {latex_escape(note)}" for note in table.notes]
    return "\n".join(lines)


def layout_html(table: LayoutTable) -> str:
    parts = [f"<h3>{html.escape(table.title)}</h3>", "<div class=\"scroll\"><table class=\"layout\"><thead>"]
    if table.groups:
        parts.append("<tr>" + "".join(f"<th colspan=\"{span}\">{html.escape(label)}</th>"
                                      for label, span in table.groups) + "</tr>")
    parts.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.header) + "</tr></thead><tbody>")
    for row, kind in zip(table.rows, table.kinds):
        cells = "".join(
            f"<td>{html.escape(c)}</td>" if i < table.label_columns else f"<td class=\"num\">{html.escape(c)}</td>"
            for i, c in enumerate(row))
        parts.append(f"<tr class=\"{kind}\">{cells}</tr>")
    parts.append("</tbody></table></div>")
    if table.notes:
        parts.append("<ul class=\"notes\">" + "".join(f"<li>{html.escape(n)}</li>" for n in table.notes) + "</ul>")
    return "\n".join(parts)


def choice_cells(choice: PromptChoice) -> tuple[str, ...]:
    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    return (choice.model, choice.task, choice.metric, str(choice.n_prompts), choice.test_best_prompt,
            number(choice.test_best), choice.chosen_prompt, choice.method or "none", number(choice.score),
            choice.detail)


def choices_markdown(choices: Sequence[PromptChoice]) -> str:
    rule = "|" + "|".join("---" for _ in CHOICE_HEADER) + "|"
    lines = ["## Best prompt: test-selected (optimistic) and honest", "", BEST_NOTE + ".", "",
             _md_line(CHOICE_HEADER), rule, *(_md_line(choice_cells(c)) for c in choices)]
    return "\n".join(lines)


def choices_html(choices: Sequence[PromptChoice]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in CHOICE_HEADER)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in choice_cells(choice)) + "</tr>"
                   for choice in choices)
    return (f"<p>{html.escape(BEST_NOTE)}.</p><div class=\"scroll\"><table id=\"choices\">"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
