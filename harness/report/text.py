"""Text formats of a report: Markdown (GitHub tables), CSV (one tidy table), LaTeX, JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict

from bioeval.report.data import ReportData, delta_to_baseline
from bioeval.report.document import Report
from bioeval.report.latex import latex_escape
from bioeval.report.layout_text import choices_markdown, layout_csv, layout_latex, layout_markdown
from bioeval.report.stat_text import STAT_COLUMNS, stat_cells, statistics_json, statistics_latex, statistics_markdown
from bioeval.report.tables import (
    BASELINE,
    DELTA,
    MODEL,
    REFERENCE,
    BenchmarkScore,
    Leaderboard,
    LeaderboardRow,
    PromptCell,
    PromptTable,
)

LEGEND = (
    "Cells: score [95% bootstrap interval]; * = beats the majority baseline on the same "
    "examples (p < 0.05, paired test); (k/n unparsed) = outputs that could not be parsed."
)
CSV_COLUMNS = (
    "model", "task", "prompt", "family", "prompt_version", "metric", "value", "ci_low", "ci_high",
    "n", "n_unparsed", "baseline_value", "delta", "p_value", "method", "beats_baseline", "run",
)


def number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def row_label(row: LeaderboardRow) -> str:
    suffix = {MODEL: "", BASELINE: " (baseline)", REFERENCE: " (published)", DELTA: ""}[row.kind]
    return row.label + suffix


def leaderboard_cell(row: LeaderboardRow, index: int) -> str:
    cell = row.cells[index]
    if cell is None:
        return ""
    if cell.value is None:
        return "n/a"
    text = number(cell.value)
    if cell.ci_low is not None and cell.ci_high is not None:
        text += f" [{number(cell.ci_low, 3)}, {number(cell.ci_high, 3)}]"
    if cell.rank is not None:
        text += f" #{cell.rank}"
    if cell.over_prompts is not None and cell.over_prompts.n_undefined:
        text += f" ({cell.over_prompts.n_undefined} undefined)"
    return text


def benchmark_cell(score: BenchmarkScore) -> str:
    if score.missing:
        return "incomplete"
    return "n/a" if score.value is None else number(score.value)


def prompt_cell(cell: PromptCell | None) -> str:
    if cell is None:
        return ""
    if cell.value is None:
        text = "n/a"
    else:
        text = number(cell.value)
        if cell.ci_low is not None and cell.ci_high is not None:
            text += f" [{number(cell.ci_low)}, {number(cell.ci_high)}]"
    if cell.beats_baseline:
        text += " *"
    if cell.n_unparsed:
        text += f" ({cell.n_unparsed}/{cell.n} unparsed)"
    return text


def leaderboard_header(board: Leaderboard) -> list[str]:
    return [
        "model",
        *(f"{c.task} ({c.metric})" for c in board.columns),
        *(f"{suite} score" for suite in board.suites),
    ]


def leaderboard_body(board: Leaderboard) -> list[list[str]]:
    return [
        [row_label(row), *(leaderboard_cell(row, i) for i in range(len(board.columns))),
         *(benchmark_cell(b) for b in row.benchmarks)]
        for row in board.rows
    ]


def prompt_header(table: PromptTable) -> list[str]:
    return ["prompt", "family", "version", *table.models]


def prompt_body(table: PromptTable) -> list[list[str]]:
    return [
        [row.prompt, row.family, row.version, *(prompt_cell(c) for c in row.cells)]
        for row in table.rows
    ]


def runs_line(data: ReportData) -> str:
    return "; ".join(f"{run.name} ({run.status}, started {run.started or 'unknown'})" for run in data.runs)


def _md_table(header: Sequence[str], body: Sequence[Sequence[str]], numeric_from: int) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    rule = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    return "\n".join([line(header), "|" + "|".join(rule) + "|", *(line(row) for row in body)])


def to_markdown(report: Report) -> str:
    board = report.leaderboard
    parts = ["# bioeval report", f"Runs: {runs_line(report.data)}"]
    if report.layout:
        parts.append("## The papers' tables, with this run's rows")
        parts.extend(layout_markdown(table) for table in report.layout)
    else:
        parts.append(f"## Leaderboard ({board.aggregate} over prompts)")
        parts.append(_md_table(leaderboard_header(board), leaderboard_body(board), 1))
    notes = list(report.data.notes) + list(board.notes)
    if notes:
        parts.append("Notes:\n\n" + "\n".join(f"- {note}" for note in notes))
    if report.choices:
        parts.append(choices_markdown(report.choices))
    if report.statistics is not None:
        parts.append(statistics_markdown(report.statistics))
    parts.append("## Per-prompt results")
    parts.append(LEGEND)
    for table in report.prompt_tables:
        parts.append(f"### {table.task} - {table.metric} (n={table.n}, {len(table.rows)} prompts)")
        parts.append(_md_table(prompt_header(table), prompt_body(table), 3))
    for plot in report.plots:
        alt = plot.caption or f"{plot.metric}: score minus the majority baseline per prompt"
        parts.append(f"![{alt}]({plot.link})")
    return "\n\n".join(parts) + "\n"


def to_csv(report: Report) -> str:
    if report.layout:
        return layout_csv(report.layout)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + STAT_COLUMNS)
    metrics = {(t.task, t.metric) for t in report.prompt_tables}
    for row in report.data.rows:
        if (row.task, row.metric) not in metrics:
            continue
        versus = row.vs_baseline
        baseline = row.value if row.is_baseline else row.baseline_value
        writer.writerow([
            row.model, row.task, row.prompt, row.family, row.prompt_version, row.metric,
            _raw(row.value), _raw(row.ci_low), _raw(row.ci_high), row.n, row.n_unparsed,
            _raw(baseline), _raw(delta_to_baseline(row)),
            _raw(None if versus is None else versus.p_value),
            "" if versus is None else versus.method,
            "" if versus is None else str(versus.beats_baseline).lower(),
            row.run,
            *stat_cells(report.statistics, row.model, row.task, row.prompt, row.metric),
        ])
    return out.getvalue()


def _raw(value: float | None) -> str:
    return "" if value is None else repr(value)


def to_latex(report: Report) -> str:
    if report.layout:
        return "\n\n".join(layout_latex(table) for table in report.layout) + "\n"
    board = report.leaderboard
    width = len(board.columns) + len(board.suites)
    best = _best_per_column(board)
    lines = [
        f"% bioeval report: leaderboard, {board.aggregate} over prompts; needs \\usepackage{{booktabs}}",
        "\\begin{tabular}{l" + "r" * width + "}",
        "\\toprule",
        " & ".join(["Model", *(latex_escape(c.task) for c in board.columns),
                    *(latex_escape(s) for s in board.suites)]) + " \\\\",
        " & ".join(["", *(latex_escape(c.metric) for c in board.columns),
                    *("score" for _ in board.suites)]) + " \\\\",
        "\\midrule",
    ]
    previous = board.rows[0].kind if board.rows else MODEL
    for row in board.rows:
        if row.kind != previous:
            lines.append("\\midrule")
            previous = row.kind
        cells = [latex_escape(row_label(row))]
        for index in range(len(board.columns)):
            cell = row.cells[index]
            text = "" if cell is None else ("n/a" if cell.value is None else number(cell.value))
            if cell is not None and cell.ci_low is not None and cell.ci_high is not None:
                text += f" [{number(cell.ci_low, 3)}, {number(cell.ci_high, 3)}]"
            bold = row.kind not in (REFERENCE, DELTA) and cell is not None and cell.value is not None and cell.value == best[index]
            cells.append(f"\\textbf{{{text}}}" if bold else text)
        cells.extend(benchmark_cell(b) if not b.missing else "--" for b in row.benchmarks)
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if report.statistics is not None:
        lines += ["", statistics_latex(report.statistics)]
    return "\n".join(lines) + "\n"


def _best_per_column(board: Leaderboard) -> list[float | None]:
    """The best value of each column among evaluated rows (published rows are context).

    None everywhere for the spread over prompts, where "best" has no direction.
    """
    from bioeval.metrics.registry import METRICS

    best: list[float | None] = []
    for index, column in enumerate(board.columns):
        values = [
            row.cells[index].value for row in board.rows
            if row.kind not in (REFERENCE, DELTA) and row.cells[index] is not None and row.cells[index].value is not None
        ]
        spec = METRICS.get(column.metric)
        pick = max if spec is None or spec.higher_is_better else min
        best.append(pick(values) if values and board.aggregate != "std" else None)
    return best


def to_json(report: Report) -> str:
    document = {
        "runs": [
            {"name": r.name, "path": str(r.path), "status": r.status, "started": r.started, "suites": list(r.suites)}
            for r in report.data.runs
        ],
        "notes": list(report.data.notes),
        "leaderboard": asdict(report.leaderboard),
        "prompt_tables": [asdict(table) for table in report.prompt_tables],
        "plots": [{"metric": p.metric, "png": str(p.png), "svg": str(p.svg)} for p in report.plots],
        "best_prompt": [asdict(choice) for choice in report.choices],
    }
    if report.statistics is not None:
        document["statistics"] = statistics_json(report.statistics)
    if report.layout:
        document["layout"] = [asdict(table) for table in report.layout]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
