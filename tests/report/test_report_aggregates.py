"""One aggregation over prompts (bioeval.report.aggregates): the terminal summary a run prints
and the report's leaderboard show the same mean, median, best, worst and std per (model, task,
metric) of one run folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioeval.report.aggregates import AGGREGATES, over_prompts
from bioeval.report.data import load_runs
from bioeval.report.tables import build_leaderboard
from bioeval.report.terminal import format_summary
from bioeval.rundir.reader import read_run_record, read_score_rows


def terminal_aggregates(text: str) -> dict[tuple[str, str, str], dict[str, str]]:
    """{(model, task, metric): {statistic: the printed figure}} of a terminal summary."""
    out: dict[tuple[str, str, str], dict[str, str]] = {}
    for block in text.split("\n\n"):
        title, header, rule, *lines = block.splitlines()
        task, metric = title.split(" (", 1)[0].split(" - ")
        spans, start = [], 0
        for dashes in rule.split("  "):
            spans.append((start, start + len(dashes)))
            start += len(dashes) + 2
        models = [header[a:b].strip() for a, b in spans[1:]]
        for line in lines:
            for name in AGGREGATES:
                if line.startswith(f"[{name} over prompts]"):
                    for model, (a, b) in zip(models, spans[1:]):
                        out.setdefault((model, task, metric), {})[name] = line[a:b].strip()
    return out


def shown(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def test_terminal_summary_and_leaderboard_agree(model_run: Path) -> None:
    printed = terminal_aggregates(format_summary(read_score_rows(model_run), read_run_record(model_run)))
    board = build_leaderboard(load_runs([model_run]))
    compared = 0
    for row in board.rows:
        for column, cell in zip(board.columns, row.cells):
            if cell is None:
                continue
            figures = printed[(row.label, column.task, column.metric)]
            assert {name: shown(cell.over_prompts.get(name)) for name in AGGREGATES} == figures
            compared += 1
    assert compared == len(board.columns) * 2  # the baseline and the second model, every task


@pytest.mark.parametrize("statistic", AGGREGATES)
def test_the_leaderboard_cell_is_the_asked_statistic(model_run: Path, statistic: str) -> None:
    data = load_runs([model_run])
    board = build_leaderboard(data, statistic=statistic)
    for row in board.rows:
        for column, cell in zip(board.columns, row.cells):
            group = [r for r in data.rows if (r.model, r.task, r.metric) == (row.label, column.task, column.metric)]
            assert cell is not None and cell.value == over_prompts(group).get(statistic)


def test_undefined_scores_are_left_out_and_counted(model_run: Path) -> None:
    rows = [r for r in load_runs([model_run]).rows if r.model == "majority" and r.task == "biosses"]
    over = over_prompts(rows)
    assert over.n_prompts == len(rows) and over.n_undefined == sum(r.value is None for r in rows)
    assert over_prompts([]).mean is None and over_prompts(rows[:1]).std in (0.0, None)
