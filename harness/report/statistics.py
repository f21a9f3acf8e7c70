"""What a report says about chance across prompts and examples, from the run folders alone.

Per leaderboard cell (model, task, metric): the mean over prompts with a two-way (prompts x
examples) bootstrap interval, and where its variance comes from. Per pair of models on the same
task, prompts and examples: the difference of the means with a two-way paired interval and p,
a paired test per prompt with Holm's correction, "A beats B on k of n prompts", and the
leaderboard's tie groups. Per (model, task) of a classification task: agreement across prompts
and the examples most often wrong; for ranked answer choices: calibration. The estimators are
pure functions in ``bioeval.metrics.prompt_stats`` and ``bioeval.metrics.calibration``; this
module picks the examples and prompts they run on, and says n, method and seed of each.
"""

from __future__ import annotations

from dataclasses import replace

from bioeval.report.data import ReportData
from bioeval.report.stat_types import (
    AgreementRow,
    CalibrationRow,
    MeanInterval,
    PairComparison,
    StatsSettings,
    Statistics,
    TieGroups,
    VarianceRow,
)
from bioeval.report.unit_samples import UnitReader
from bioeval.report.tables import BASELINE, MODEL, Leaderboard


def compute_statistics(data: ReportData, leaderboard: Leaderboard, settings: StatsSettings,
                       reader: UnitReader | None = None) -> Statistics:
    """Every statistic for the leaderboard's columns (task, metric), read from ``samples/``."""
    from bioeval.report.stat_compute import Grid, agreement_rows, calibration_rows, comparisons, interval, \
        tie_groups, variance_row

    grid = Grid.load(data, reader or UnitReader(data))
    intervals: list[MeanInterval] = []
    variance: list[VarianceRow] = []
    pairs: list[PairComparison] = []
    ties: list[TieGroups] = []
    order = [row.label for row in leaderboard.rows if row.kind in (MODEL, BASELINE)]  # models first, baselines last

    def models_of(task: str) -> list[str]:
        return sorted(grid.models(task), key=lambda m: order.index(m) if m in order else len(order))

    for column in leaderboard.columns:
        models = models_of(column.task)
        for model in models:
            table = grid.table(model, column.task, column.metric)
            if table is None:
                continue
            intervals.append(interval(table, settings))
            variance.append(variance_row(table, settings))
        column_pairs = comparisons(grid, column.task, column.metric, models, settings)
        pairs.extend(column_pairs)
        group = tie_groups(column.task, column.metric, [i for i in intervals if i.task == column.task
                                                        and i.metric == column.metric], column_pairs, settings)
        if group is not None:
            ties.append(group)
    tasks = tuple(dict.fromkeys(c.task for c in leaderboard.columns))
    agreement: list[AgreementRow] = []
    calibration: list[CalibrationRow] = []
    for task in tasks:
        for model in models_of(task):
            agreement.extend(agreement_rows(grid, model, task, settings))
            calibration.extend(calibration_rows(grid, model, task, settings))
    return Statistics(
        settings=settings, intervals=tuple(intervals), comparisons=tuple(pairs), ties=tuple(ties),
        variance=tuple(variance), agreement=tuple(agreement), calibration=tuple(calibration),
        notes=tuple(grid.notes),
    )


def interval_of(statistics: Statistics | None, model: str, task: str, metric: str) -> MeanInterval | None:
    if statistics is None:
        return None
    return next((i for i in statistics.intervals if (i.model, i.task, i.metric) == (model, task, metric)), None)


def rank_of(statistics: Statistics | None, model: str, task: str, metric: str) -> int | None:
    if statistics is None:
        return None
    for group in statistics.ties:
        if (group.task, group.metric) == (task, metric):
            return dict(group.ranks).get(model)
    return None


def with_statistics(board: Leaderboard, statistics: Statistics) -> Leaderboard:
    """The leaderboard with each model cell's two-way interval and tie-group rank (for the mean
    over prompts only: the interval and the tests are about the mean), and a note saying how."""
    if board.aggregate != "mean":
        return replace(board, notes=board.notes + (
            f"intervals and tie groups are given for the mean over prompts, not the {board.aggregate}",))
    rows = []
    for row in board.rows:
        if row.kind not in (MODEL, BASELINE):
            rows.append(row)
            continue
        cells = []
        for column, cell in zip(board.columns, row.cells):
            found = interval_of(statistics, row.label, column.task, column.metric)
            if cell is not None and found is not None:
                cell = replace(cell, ci_low=found.ci_low, ci_high=found.ci_high,
                               rank=rank_of(statistics, row.label, column.task, column.metric))
            cells.append(cell)
        rows.append(replace(row, cells=tuple(cells)))
    settings = statistics.settings
    note = (f"leaderboard cells: mean over prompts [{settings.confidence:.0%} two-way bootstrap interval over "
            f"prompts and examples, {settings.n_boot} resamples, seed {settings.seed}, the prompts' share of the "
            "variance taken with Student's t on prompts - 1 degrees of freedom; with one prompt the example "
            f"bootstrap] #rank: tie groups per task (two-way paired bootstrap, alpha={settings.alpha}, Holm's "
            "correction over the comparisons with each group's best)")
    return replace(board, rows=tuple(rows), notes=board.notes + (note,))
