"""The two tables of a report: the leaderboard and the per-prompt table, as typed structures.

Leaderboard: one row per model (the majority baseline as its own row, published reference
rows after it), one column per task with its metric (the task's primary metric, i.e. the first
metric of its rows, or the one asked for), each cell an aggregate over the task's prompts; and
per suite the benchmark score (BLURB: macro average of group averages; otherwise the macro
average over tasks), shown only when every task of the suite is in the results.

Per-prompt table: per task and metric, one row per prompt (name, family, version), one cell
per model with the score, its 95% interval, the unparsed count and the comparison with the
baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bioeval.errors import BioevalError, UnknownNameError
from bioeval.metrics.aggregate import blue_score, blurb_score
from bioeval.report.aggregates import AGGREGATES, Aggregates, by_unit, higher_is_better
from bioeval.report.data import ReportData, ReportRow, delta_to_baseline
from bioeval.report.references import ReferenceRow
from bioeval.config.suites import Suite, all_suites

MODEL, BASELINE, REFERENCE, DELTA = "model", "baseline", "reference", "delta"


@dataclass(frozen=True)
class LeaderboardColumn:
    task: str
    metric: str
    dataset: str = ""  # the dataset the task's view reads (reference figures match on either)


@dataclass(frozen=True)
class LeaderboardCell:
    value: float | None  # the chosen aggregate (or the published figure of a reference row)
    over_prompts: Aggregates | None  # None for reference rows
    ci_low: float | None = None  # the mean's two-way (prompts x examples) bootstrap interval
    ci_high: float | None = None
    rank: int | None = None  # tie group: models not separable from the group's best share a rank


@dataclass(frozen=True)
class BenchmarkScore:
    suite: str
    value: float | None
    missing: tuple[str, ...] = ()  # tasks of the suite without a score for this row
    note: str = ""


@dataclass(frozen=True)
class LeaderboardRow:
    label: str
    kind: str  # MODEL, BASELINE, REFERENCE or DELTA (this run minus a paper's row, same alias)
    cells: tuple[LeaderboardCell | None, ...]  # aligned with Leaderboard.columns
    benchmarks: tuple[BenchmarkScore, ...]  # aligned with Leaderboard.suites
    source: str = ""  # where a reference row's figures come from


@dataclass(frozen=True)
class Leaderboard:
    aggregate: str
    columns: tuple[LeaderboardColumn, ...]
    suites: tuple[str, ...]
    rows: tuple[LeaderboardRow, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PromptCell:
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_unparsed: int
    baseline_value: float | None
    delta: float | None
    p_value: float | None
    method: str
    beats_baseline: bool | None  # None where the run recorded no comparison


@dataclass(frozen=True)
class PromptRow:
    prompt: str
    family: str
    version: str
    cells: tuple[PromptCell | None, ...]  # aligned with PromptTable.models


@dataclass(frozen=True)
class PromptTable:
    task: str
    metric: str
    n: int
    models: tuple[str, ...]
    rows: tuple[PromptRow, ...]


def check_metric(data: ReportData, metric: str | None) -> None:
    present = {row.metric for row in data.rows}
    if metric is not None and metric not in present:
        raise UnknownNameError("metric", metric, present)


def models_in_order(data: ReportData) -> tuple[str, ...]:
    """Models by first appearance over the runs (oldest first), the baseline(s) last."""
    present = {row.model for row in data.rows}
    baselines = {row.model for row in data.rows if row.is_baseline}
    ordered = [m for m in data.models if m in present]
    return tuple([m for m in ordered if m not in baselines] + [m for m in ordered if m in baselines])


def choose_suites(data: ReportData, suite: str | None) -> tuple[Suite, ...]:
    known = all_suites()
    if suite is not None:
        if suite not in known:
            raise UnknownNameError("suite", suite, known)
        return (known[suite],)
    used = {name for run in data.runs for name in run.suites}
    return tuple(s for name, s in known.items() if name in used)


def build_leaderboard(
    data: ReportData,
    metric: str | None = None,
    statistic: str = "mean",
    suite: str | None = None,
    references: Sequence[ReferenceRow] = (),
) -> Leaderboard:
    if statistic not in AGGREGATES:
        raise UnknownNameError("aggregate", statistic, AGGREGATES)
    check_metric(data, metric)
    suites = choose_suites(data, suite)
    notes: list[str] = []
    columns = _columns(data, metric, suites[0] if suite else None, notes)
    if metric is None:
        columns = _with_named_metrics(data, columns, references, suites, notes)
    aggregates = by_unit(data.rows)
    rows = [_model_row(data.rows, model, columns, statistic, aggregates) for model in models_in_order(data)]
    rows = [_with_benchmarks(row, columns, suites, statistic) for row in rows]
    evaluated = list(rows)
    for reference in references:
        cells = tuple(_reference_cell(reference, column, statistic) for column in columns)
        if any(cell is not None for cell in cells):
            benchmarks = tuple(BenchmarkScore(s.name, reference.benchmark(s.name)) for s in suites)
            rows.append(LeaderboardRow(reference.display, REFERENCE, cells, benchmarks, reference.source))
            rows.extend(_delta_rows(evaluated, reference, cells))
    notes.extend(_benchmark_notes(rows, suites))
    if any(row.kind == REFERENCE for row in rows):
        notes.append(f"published rows: the papers' figures comparable with the {statistic} over prompts "
                     "(configs/reference_scores.yaml, with each source); 'minus' rows: this run minus "
                     "the paper for the same model alias")
    return Leaderboard(statistic, columns, tuple(s.name for s in suites), tuple(rows), tuple(notes))


def _columns(
    data: ReportData, metric: str | None, suite: Suite | None, notes: list[str]
) -> tuple[LeaderboardColumn, ...]:
    metrics_by_task: dict[str, list[str]] = {}
    for row in data.rows:
        metrics_by_task.setdefault(row.task, [])
        if row.metric not in metrics_by_task[row.task]:
            metrics_by_task[row.task].append(row.metric)
    datasets = {row.task: row.score.unit.dataset for row in data.rows}
    tasks = [t for t in data.tasks if t in metrics_by_task]
    if suite is not None:
        outside = [t for t in tasks if t not in suite.tasks]
        if outside:
            notes.append(f"tasks outside suite {suite.name} left out: {', '.join(outside)}")
        tasks = [t for t in suite.tasks if t in metrics_by_task]
    if metric is None:
        return tuple(LeaderboardColumn(t, metrics_by_task[t][0], datasets[t]) for t in tasks)
    without = [t for t in tasks if metric not in metrics_by_task[t]]
    if without:
        notes.append(f"tasks without metric {metric} left out: {', '.join(without)}")
    return tuple(LeaderboardColumn(t, metric, datasets[t]) for t in tasks if metric in metrics_by_task[t])


def _with_named_metrics(
    data: ReportData, columns: Sequence[LeaderboardColumn], references: Sequence[ReferenceRow],
    suites: Sequence[Suite], notes: list[str],
) -> tuple[LeaderboardColumn, ...]:
    """After a task's column, a column per metric that a published row reports for the task or a
    suite scores it by, where that is not the column's own and the runs have it: both figures,
    each under its own name."""
    present = {(row.task, row.metric) for row in data.rows}
    out: list[LeaderboardColumn] = []
    for column in columns:
        out.append(column)
        wanted = {score.metric: "the metric of the published rows for it"
                  for reference in references
                  if (score := reference.score(column.task, column.dataset)) is not None}
        wanted.update({metric: f"the metric suite {suite.name} scores it by"
                       for suite in suites for task, metric in suite.metrics if task == column.task})
        for metric, why in wanted.items():
            extra = LeaderboardColumn(column.task, metric, column.dataset)
            if metric != column.metric and (column.task, metric) in present and extra not in out:
                out.append(extra)
                notes.append(f"{column.task}: {metric} beside {column.metric}, {why} "
                             "(`bioeval list metrics` says what each computes)")
    return tuple(out)


def _model_row(
    rows: Sequence[ReportRow], model: str, columns: Sequence[LeaderboardColumn], statistic: str,
    aggregates: dict[tuple[str, str, str], Aggregates],
) -> LeaderboardRow:
    over = [aggregates.get((model, column.task, column.metric)) for column in columns]
    cells = [None if a is None else LeaderboardCell(a.get(statistic), a) for a in over]
    is_baseline = any(r.is_baseline for r in rows if r.model == model)
    return LeaderboardRow(model, BASELINE if is_baseline else MODEL, tuple(cells), ())


def _reference_cell(reference: ReferenceRow, column: LeaderboardColumn, statistic: str) -> LeaderboardCell | None:
    value = reference.value(column.task, column.metric, statistic, column.dataset)
    return None if value is None else LeaderboardCell(value, None)


def _delta_rows(
    evaluated: Sequence[LeaderboardRow], reference: ReferenceRow, cells: Sequence[LeaderboardCell | None]
) -> list[LeaderboardRow]:
    """"this run minus the paper" for the evaluated row with the reference's model alias."""
    out = []
    for row in evaluated:
        if not reference.alias or row.label != reference.alias:
            continue
        deltas = tuple(
            LeaderboardCell(mine.value - theirs.value, None)
            if mine is not None and theirs is not None and mine.value is not None and theirs.value is not None
            else None
            for mine, theirs in zip(row.cells, cells)
        )
        if any(cell is not None for cell in deltas):
            label = f"{row.label} minus {reference.display}"
            out.append(LeaderboardRow(label, DELTA, deltas, tuple(BenchmarkScore(b.suite, None) for b in row.benchmarks),
                                      reference.source))
    return out


def _with_benchmarks(
    row: LeaderboardRow, columns: Sequence[LeaderboardColumn], suites: Sequence[Suite], statistic: str
) -> LeaderboardRow:
    lower = {c.task: c.metric for c in columns if not higher_is_better(c.metric)}
    benchmarks = tuple(
        _benchmark(suite, suite_scores(suite, columns, row.cells), statistic, lower) for suite in suites
    )
    return LeaderboardRow(row.label, row.kind, row.cells, benchmarks, row.source)


def suite_scores(
    suite: Suite, columns: Sequence[LeaderboardColumn], cells: Sequence[LeaderboardCell | None]
) -> dict[str, float | None]:
    """{task: the cell a suite's score takes}: the suite's own metric for the task where it names
    one, else the task's first column."""
    own = dict(suite.metrics)
    scores: dict[str, float | None] = {}
    for column, cell in zip(columns, cells):
        if cell is None or own.get(column.task, column.metric) != column.metric:
            continue
        scores.setdefault(column.task, cell.value)
    return scores


def _benchmark(
    suite: Suite, scores: dict[str, float | None], statistic: str, lower: Mapping[str, str] | None = None
) -> BenchmarkScore:
    """``lower``: {task: metric} of the columns whose metric is lower-is-better, which no average
    with higher-is-better scores can take in."""
    own = dict(suite.metrics)
    missing = tuple(f"{t} ({own[t]})" if t in own else t for t in suite.tasks if t not in scores)
    if missing:
        return BenchmarkScore(suite.name, None, missing)
    if statistic == "std":
        return BenchmarkScore(suite.name, None, note="not defined on the spread over prompts")
    mixed = [f"{task} ({metric})" for task, metric in (lower or {}).items() if task in suite.tasks]
    if mixed:
        return BenchmarkScore(suite.name, None, note=f"not defined: lower is better for {', '.join(mixed)}")
    try:
        value = blurb_score(scores, dict(suite.groups)) if suite.groups else blue_score(scores, suite.tasks)
    except BioevalError as error:
        return BenchmarkScore(suite.name, None, note=str(error))
    return BenchmarkScore(suite.name, value)


def _benchmark_notes(rows: Sequence[LeaderboardRow], suites: Sequence[Suite]) -> list[str]:
    notes = []
    for index, suite in enumerate(suites):
        kind = "macro average of its group averages" if suite.groups else "macro average over its tasks"
        notes.append(f"{suite.name} score: {kind} ({len(suite.tasks)} tasks)")
        notes.extend(f"{suite.name} differs from the published benchmark: {d}" for d in suite.deviations)
        by_missing: dict[tuple[str, ...], list[str]] = {}
        for row in rows:
            score = row.benchmarks[index]
            if score.missing:
                by_missing.setdefault(score.missing, []).append(row.label)
            elif score.value is None and row.kind not in (REFERENCE, DELTA):
                notes.append(f"{suite.name} score of {row.label} undefined: {score.note}")
        for missing, labels in by_missing.items():
            notes.append(
                f"{suite.name} score not shown for {', '.join(labels)}: "
                f"no results for {', '.join(missing)}"
            )
    return notes


def build_prompt_tables(data: ReportData, metric: str | None = None) -> tuple[PromptTable, ...]:
    check_metric(data, metric)
    models = models_in_order(data)
    groups: dict[tuple[str, str], list[ReportRow]] = {}
    for row in data.rows:
        if metric is None or row.metric == metric:
            groups.setdefault((row.task, row.metric), []).append(row)
    tables = []
    position = {task: index for index, task in enumerate(data.tasks)}
    for (task, name), group in sorted(groups.items(), key=lambda item: position[item[0][0]]):
        present = [m for m in models if any(r.model == m for r in group)]
        by_prompt: dict[tuple[str, str], dict[str, ReportRow]] = {}
        for row in group:
            by_prompt.setdefault(row.prompt_key, {})[row.model] = row
        rows = tuple(
            PromptRow(
                prompt=prompt,
                family=next(iter(cells.values())).family,
                version=version,
                cells=tuple(_prompt_cell(cells.get(m)) for m in present),
            )
            for (prompt, version), cells in by_prompt.items()
        )
        tables.append(PromptTable(task, name, max(r.n for r in group), tuple(present), rows))
    return tuple(tables)


def _prompt_cell(row: ReportRow | None) -> PromptCell | None:
    if row is None:
        return None
    versus = row.vs_baseline
    return PromptCell(
        value=row.value,
        ci_low=row.ci_low,
        ci_high=row.ci_high,
        n=row.n,
        n_unparsed=row.n_unparsed,
        baseline_value=row.value if row.is_baseline else row.baseline_value,
        delta=delta_to_baseline(row),
        p_value=None if versus is None else versus.p_value,
        method="" if versus is None else versus.method,
        beats_baseline=None if versus is None else versus.beats_baseline,
    )


def benchmark_value(suite: Suite, scores: dict[str, float | None]) -> float | None:
    """A suite's benchmark score from {task: score}, or None where incomplete or undefined."""
    return _benchmark(suite, scores, "mean").value
