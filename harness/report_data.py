"""Reading run folders for ``bioeval report``: score rows, run facts, and which run wins.

Only ``run.json`` and ``scores.jsonl`` are read (never a model, never a data file). Several
runs may be given; where two of them hold the same model on the same task, the run that
started later wins for that (model, task) and the report says so. Every non-baseline row
carries the score of its own run's majority baseline on the same prompt and metric, so
differences are always taken on the same examples.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError, DataFileError, UnknownNameError
from bioeval.results import RUN_FILE, SCORES_FILE
from bioeval.tasks.readers.text_files import read_jsonl

BASELINE_BACKEND = "majority"
UNFINISHED = ("interrupted", "running")


@dataclass(frozen=True)
class VsBaseline:
    """A model row's paired comparison with the majority baseline, as the run recorded it."""

    delta: float | None
    p_value: float | None
    method: str
    beats_baseline: bool


@dataclass(frozen=True)
class ScoreRow:
    """One line of a run's scores.jsonl, plus where it came from."""

    run: str  # the run folder's name
    model: str
    task: str
    prompt: str
    prompt_version: str
    family: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_unparsed: int
    is_baseline: bool
    vs_baseline: VsBaseline | None = None
    has_baseline: bool = False  # whether its run has a majority row for the same prompt and metric
    baseline_value: float | None = None  # that row's score (None where undefined)

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


@dataclass(frozen=True)
class ReportData:
    runs: tuple[RunInfo, ...]
    rows: tuple[ScoreRow, ...]
    notes: tuple[str, ...]  # what the reader must know: replaced runs, unfinished runs
    warnings: tuple[str, ...]  # the subset of notes also printed to stderr
    tasks: tuple[str, ...] = ()  # by first appearance over all runs, oldest first
    models: tuple[str, ...] = ()  # likewise


def load_runs(paths: Sequence[Path], family: str | None = None) -> ReportData:
    """Read every run folder; resolve repeated (model, task) pairs in favour of the later run."""
    if not paths:
        raise BioevalError("give at least one run folder")
    unique = list(dict.fromkeys(Path(p).resolve() for p in paths))
    names = [p.name for p in unique]
    labels = [p.name if names.count(p.name) == 1 else str(p) for p in unique]
    loaded = [_load_run(p, label) for p, label in zip(unique, labels)]
    order = sorted(range(len(loaded)), key=lambda i: (loaded[i][0].started, i))
    winners: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    warnings: list[str] = []
    for index in order:
        info, rows = loaded[index]
        if info.status in UNFINISHED:
            warnings.append(
                f"run {info.name} has status {info.status!r}: reporting the {len(rows)} score rows it finished"
            )
        for pair in dict.fromkeys((row.model, row.task) for row in rows):
            if pair in winners and winners[pair] != info.name:
                notes.append(
                    f"{pair[0]} on {pair[1]}: run {info.name} (later) replaces run {winners[pair]}"
                )
            winners[pair] = info.name
    kept = [
        row
        for index in order
        for row in loaded[index][1]
        if winners[(row.model, row.task)] == row.run
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
    )


def _load_run(path: Path, label: str) -> tuple[RunInfo, list[ScoreRow]]:
    run_file = path / RUN_FILE
    scores_file = path / SCORES_FILE
    if not path.is_dir():
        raise BioevalError(f"{path} is not a run folder: no such directory")
    if not run_file.is_file():
        raise BioevalError(f"{path} is not a run folder: it has no {RUN_FILE}")
    record = _read_run_json(run_file)
    status = str(record.get("status", "unknown"))
    if not scores_file.is_file() and status not in UNFINISHED:
        raise BioevalError(f"{path} is not a run folder: it has no {SCORES_FILE}")
    info = RunInfo(
        path=path,
        name=label,
        status=status,
        started=str(record.get("started") or ""),
        suites=_suites_of(record),
    )
    baselines = _baseline_models(record)
    rows = _read_scores(scores_file, label, baselines) if scores_file.is_file() else []
    return info, _with_baseline_values(rows)


def _read_run_json(run_file: Path) -> dict[str, Any]:
    try:
        record = json.loads(run_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataFileError(run_file, f"invalid JSON: {error.msg}", error.lineno) from None
    if not isinstance(record, dict):
        raise DataFileError(run_file, "expected a JSON object (the run record)")
    return record


def _baseline_models(record: Mapping[str, Any]) -> set[str]:
    models = record.get("models") or {}
    named = {
        name for name, info in models.items()
        if isinstance(info, Mapping) and info.get("backend") == BASELINE_BACKEND
    }
    return named or {BASELINE_BACKEND}


def _suites_of(record: Mapping[str, Any]) -> tuple[str, ...]:
    """Suites named in the run's --tasks, or whose every task the run planned."""
    from bioeval.suites import all_suites

    suites = all_suites()
    command = [str(part) for part in record.get("command") or []]
    asked: set[str] = set()
    for index, part in enumerate(command):
        if part == "--tasks" and index + 1 < len(command):
            asked.update(command[index + 1].split(","))
        elif part.startswith("--tasks="):
            asked.update(part.split("=", 1)[1].split(","))
    config = record.get("config") or {}
    planned = set(config.get("tasks") or []) | set(config.get("skipped_tasks") or [])
    found = {
        name for name, suite in suites.items()
        if name in asked or (planned and set(suite.tasks) <= planned)
    }
    return tuple(name for name in suites if name in found)


_REQUIRED = ("model", "task", "prompt", "metric", "value", "n")


def _read_scores(path: Path, run: str, baselines: set[str]) -> list[ScoreRow]:
    return [_score_row(raw, path, number, run, baselines) for number, raw in read_jsonl(path)]


def _score_row(raw: Any, path: Path, number: int, run: str, baselines: set[str]) -> ScoreRow:
    if not isinstance(raw, dict):
        raise DataFileError(path, "expected a JSON object (one score row)", number)
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise DataFileError(path, f"score row lacks {', '.join(missing)}", number)
    for key in ("model", "task", "prompt", "metric"):
        if not isinstance(raw[key], str) or not raw[key]:
            raise DataFileError(path, f"expected {key!r} to be a non-empty string", number)
    versus = raw.get("vs_baseline")
    if versus is not None and not isinstance(versus, dict):
        raise DataFileError(path, "expected 'vs_baseline' to be an object", number)
    return ScoreRow(
        run=run,
        model=raw["model"],
        task=raw["task"],
        prompt=raw["prompt"],
        prompt_version=str(raw.get("prompt_version") or ""),
        family=str(raw.get("family") or ""),
        metric=raw["metric"],
        value=_number(raw, "value", path, number),
        ci_low=_number(raw, "ci_low", path, number),
        ci_high=_number(raw, "ci_high", path, number),
        n=_count(raw, "n", path, number),
        n_unparsed=_count(raw, "n_unparsed", path, number),
        is_baseline=raw["model"] in baselines,
        vs_baseline=None if versus is None else _vs_baseline(versus, path, number),
    )


def _vs_baseline(raw: Mapping[str, Any], path: Path, number: int) -> VsBaseline:
    return VsBaseline(
        delta=_number(raw, "delta", path, number),
        p_value=_number(raw, "p_value", path, number),
        method=str(raw.get("method") or ""),
        beats_baseline=bool(raw.get("beats_baseline")),
    )


def _number(raw: Mapping[str, Any], key: str, path: Path, number: int) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DataFileError(path, f"expected {key!r} to be a number or null, got {value!r}", number)
    return float(value)


def _count(raw: Mapping[str, Any], key: str, path: Path, number: int) -> int:
    value = raw.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataFileError(path, f"expected {key!r} to be a count (integer >= 0), got {value!r}", number)
    return value


def _with_baseline_values(rows: list[ScoreRow]) -> list[ScoreRow]:
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


def delta_to_baseline(row: ScoreRow) -> float | None:
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
