"""Reading run folders for ``bioeval report``: score rows, run facts, and which run wins.

Only ``run.json`` and ``scores.jsonl`` are read here (never a model, never a data file; the
honest best-prompt choice and the HTML drill-down read ``samples/`` too). Several
runs may be given; where two of them hold the same model on the same task, the run that
started later wins for that (model, task) and the report says so. Every non-baseline row
carries the score of its own run's majority baseline on the same prompt and metric, so
differences are always taken on the same examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bioeval.errors import BioevalError, DataFileError, UnknownNameError
from bioeval.rundir.reader import UNFINISHED, read_run_record, read_sample_rows, read_score_rows
from bioeval.rundir.records import RunRecord, SampleRow, ScoreRow, VsBaseline

DEV_SPLITS = ("validation", "dev")


@dataclass(frozen=True)
class ReportRow:
    """One score row of a run, with the run it came from and its baseline on the same prompt."""

    run: str  # the run folder's name
    score: ScoreRow
    is_baseline: bool
    has_baseline: bool = False  # whether its run has a majority row for the same prompt and metric
    baseline_value: float | None = None  # that row's score (None where undefined)

    model = property(lambda self: self.score.unit.model)
    task = property(lambda self: self.score.unit.task)
    prompt = property(lambda self: self.score.unit.prompt)
    prompt_version = property(lambda self: self.score.unit.prompt_version)
    family = property(lambda self: self.score.unit.family)
    metric = property(lambda self: self.score.metric)
    value = property(lambda self: self.score.value)
    ci_low = property(lambda self: self.score.ci_low)
    ci_high = property(lambda self: self.score.ci_high)
    n = property(lambda self: self.score.n)
    n_unparsed = property(lambda self: self.score.n_unparsed)

    @property
    def vs_baseline(self) -> VsBaseline | None:
        return self.score.vs_baseline

    @property
    def prompt_key(self) -> tuple[str, str]:
        return (self.prompt, self.prompt_version)


@dataclass(frozen=True)
class RunInfo:
    path: Path
    name: str
    status: str
    started: str
    suites: tuple[str, ...]  # suites the run was asked for (by name, or all of their tasks)
    split: str = "test"  # the split the run evaluated (config.split; "test" when not recorded)


@dataclass(frozen=True)
class ReportData:
    runs: tuple[RunInfo, ...]
    rows: tuple[ReportRow, ...]
    notes: tuple[str, ...]  # what the reader must know: replaced runs, unfinished runs
    warnings: tuple[str, ...]  # the subset of notes also printed to stderr
    tasks: tuple[str, ...] = ()  # by first appearance over all runs, oldest first
    models: tuple[str, ...] = ()  # likewise
    dev_rows: tuple[ReportRow, ...] = ()  # rows of validation runs: for choosing prompts, not reported


def load_runs(paths: Sequence[Path], family: str | None = None) -> ReportData:
    """Read every run folder; where two runs hold the same (model, task), the one evaluated on
    more examples wins, and of equal ones the later; the report says which and why."""
    if not paths:
        raise BioevalError("give at least one run folder")
    unique = list(dict.fromkeys(Path(p).resolve() for p in paths))
    names = [p.name for p in unique]
    labels = [p.name if names.count(p.name) == 1 else str(p) for p in unique]
    everything = [_load_run(p, label) for p, label in zip(unique, labels)]
    dev_rows = tuple(row for info, rows in everything if info.split in DEV_SPLITS for row in rows)
    loaded = [item for item in everything if item[0].split not in DEV_SPLITS]
    if not loaded:
        raise BioevalError("every run folder given is a validation run; give the test runs too")
    order = sorted(range(len(loaded)), key=lambda i: (loaded[i][0].started, i))
    winners: dict[tuple[str, str], tuple[str, int]] = {}  # (model, task) -> (run, n)
    notes: list[str] = []
    warnings: list[str] = []
    for index in order:
        info, rows = loaded[index]
        if info.status in UNFINISHED:
            warnings.append(
                f"run {info.name} has status {info.status!r}: reporting the {len(rows)} score rows it finished"
            )
        sizes: dict[tuple[str, str], int] = {}
        for row in rows:
            sizes[(row.model, row.task)] = max(sizes.get((row.model, row.task), 0), row.n)
        for pair, n in sizes.items():
            note = _replacement(pair, winners.get(pair), info.name, n)
            if note:
                (warnings if "fewer examples" in note else notes).append(note)
            if pair not in winners or n >= winners[pair][1]:
                winners[pair] = (info.name, n)
    kept = [
        row
        for index in order
        for row in loaded[index][1]
        if winners[(row.model, row.task)][0] == row.run
    ]
    every_row = [row for index in order for row in loaded[index][1]]
    if family is not None:
        families = {row.family for row in kept}
        if family not in families:
            raise UnknownNameError("prompt family", family, families)
        kept = [row for row in kept if row.family == family]
    if not kept:
        raise BioevalError("the run folders hold no score rows to report")
    return ReportData(
        runs=tuple(loaded[i][0] for i in order),
        rows=tuple(kept),
        notes=tuple(warnings + notes),
        warnings=tuple(warnings),
        tasks=tuple(dict.fromkeys(row.task for row in every_row)),
        models=tuple(dict.fromkeys(row.model for row in every_row)),
        dev_rows=dev_rows,
    )


def _load_run(path: Path, label: str) -> tuple[RunInfo, list[ReportRow]]:
    record = read_run_record(path)
    split = str(record.config.get("split") or "test")
    info = RunInfo(path=path, name=label, status=record.status, started=record.started, suites=record.suites,
                   split=split)
    return info, report_rows(read_score_rows(path, required=record.status not in UNFINISHED), record, label)


def _replacement(pair: tuple[str, str], before: tuple[str, int] | None, run: str, n: int) -> str:
    """What the report says when a later run holds a (model, task) an earlier one holds too."""
    if before is None or before[0] == run:
        return ""
    (model, task), (earlier, earlier_n) = pair, before
    if n >= earlier_n:
        return f"{model} on {task}: run {run} (later, n={n}) replaces run {earlier} (n={earlier_n})"
    return (
        f"{model} on {task}: kept run {earlier} (n={earlier_n}); the later run {run} has fewer examples "
        f"(n={n})"
    )


def report_rows(rows: Sequence[ScoreRow], record: RunRecord | None, run: str) -> list[ReportRow]:
    """A run's score rows as report rows: which are the baseline's, and its score beside each."""
    baselines = record.baseline_models() if record is not None else {"majority"}
    return _with_baseline_values([ReportRow(run, row, row.unit.model in baselines) for row in rows])


def _with_baseline_values(rows: list[ReportRow]) -> list[ReportRow]:
    baseline = {
        (row.task, row.prompt, row.metric): row.value for row in rows if row.is_baseline
    }
    out = []
    for row in rows:
        key = (row.task, row.prompt, row.metric)
        if not row.is_baseline and key in baseline:
            row = replace(row, has_baseline=True, baseline_value=baseline[key])
        out.append(row)
    return out


def delta_to_baseline(row: ReportRow) -> float | None:
    """The row's score minus its run's baseline on the same prompt and examples.

    The paired delta the run recorded where there is one; otherwise the difference of the two
    scores, an undefined baseline taken as the metric's stand-in (Pearson of a constant: 0).
    """
    if row.is_baseline:
        return None
    if row.vs_baseline is not None and row.vs_baseline.delta is not None:
        return row.vs_baseline.delta
    if row.value is None or not row.has_baseline:
        return None
    baseline = row.baseline_value
    if baseline is None:
        from bioeval.metrics.registry import METRICS

        spec = METRICS.get(row.metric)
        baseline = spec.undefined_as if spec is not None else None
    return None if baseline is None else row.value - baseline


@dataclass(frozen=True)
class SampleUnit:
    """The examples of one (model, task, prompt), for the HTML drill-down."""

    model: str
    task: str
    prompt: str
    total: int  # examples in the samples file
    rows: tuple[SampleRow, ...]  # the first ``max_examples`` of them


def read_samples(data: ReportData, max_examples: int) -> tuple[SampleUnit, ...]:
    """The samples of every (model, task, prompt) in the report, at most ``max_examples`` each."""
    paths = {run.name: run.path for run in data.runs}
    units: dict[tuple[str, str, str], SampleUnit] = {}
    for row in data.rows:
        key = (row.model, row.task, row.prompt)
        if key in units:
            continue  # the same unit's other metrics
        try:
            rows = read_sample_rows(paths[row.run], row.score.unit)
        except DataFileError:
            raise  # a broken samples file is an error, not a cell without drill-down
        except BioevalError:
            continue  # a run without samples/: its cells have no drill-down
        units[key] = SampleUnit(row.model, row.task, row.prompt, len(rows), tuple(rows[:max_examples]))
    return tuple(units.values())
