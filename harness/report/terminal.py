"""What a run prints when it ends: the report's per-prompt tables as plain text.

For each task and metric: one row per prompt, one column per model (the majority baseline
included, a star where a model beats it significantly on the same examples); then mean, median,
best, worst and standard deviation over the prompts, and where the baseline's answer was counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from bioeval.report.aggregates import AGGREGATES, Aggregates, by_unit
from bioeval.report.data import ReportData, report_rows
from bioeval.report.tables import PromptCell, PromptTable, build_prompt_tables
from bioeval.rundir.records import RunRecord, ScoreRow


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: columns padded to their widest cell, a rule under the header."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _cell(cell: PromptCell | None) -> str:
    if cell is None:
        return ""
    text = "n/a" if cell.value is None else f"{cell.value:.4f}"
    if cell.beats_baseline:
        text += "*"
    if cell.n_unparsed:
        text += f" ({cell.n_unparsed}/{cell.n} unparsed)"
    return text


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _block(table: PromptTable, aggregates: dict[tuple[str, str, str], Aggregates], counted_on: Sequence[str]) -> str:
    body: list[list[str]] = [[row.prompt, *(_cell(c) for c in row.cells)] for row in table.rows]
    summaries = [aggregates[(model, table.task, table.metric)] for model in table.models]
    body.extend([f"[{name} over prompts]", *(_fmt(s.get(name)) for s in summaries)] for name in AGGREGATES)
    header = (
        f"{table.task} - {table.metric} (n={table.n}, {len(table.rows)} prompts; "
        "* = beats the majority baseline, p < 0.05)"
    )
    footer = "".join(f"\nmajority baseline: most frequent target of the {where}" for where in counted_on)
    return header + "\n" + format_table(["prompt", *table.models], body) + footer


def format_summary(rows: Sequence[ScoreRow], record: RunRecord | None = None) -> str:
    """The run's rows as per-prompt tables, models in the order they ran."""
    report = report_rows(rows, record, run="")
    data = ReportData(
        runs=(), rows=tuple(report), notes=(), warnings=(),
        tasks=tuple(dict.fromkeys(row.task for row in report)),
        models=tuple(dict.fromkeys(row.model for row in report)),
    )
    aggregates = by_unit(data.rows)
    blocks = []
    for table in build_prompt_tables(data):
        where = sorted({
            info.counted_on for key, info in (record.majority_baseline.items() if record else ())
            if key.split("/", 1)[0] == table.task
        })
        blocks.append(_block(table, aggregates, where))
    return "\n\n".join(blocks)
