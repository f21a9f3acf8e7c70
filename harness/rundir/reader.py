"""The one reader of a run folder: its run record, score rows and sample rows, typed and checked.

Rescoring, reports and the terminal summary read run folders only through here; a malformed
file fails with its path, the line and what was expected.
"""

from __future__ import annotations

import json
from pathlib import Path

from bioeval.errors import BioevalError, DataFileError
from bioeval.io import jsonl_lines
from bioeval.rundir.layout import RUN_FILE, SCORES_FILE, samples_path
from bioeval.rundir.records import RunRecord, SampleRow, ScoreRow, UnitId, Where

UNFINISHED = ("interrupted", "running", "incomplete")


def require_run_folder(run_dir: Path) -> None:
    if not run_dir.is_dir():
        raise BioevalError(f"{run_dir} is not a run folder: no such directory")
    if not (run_dir / RUN_FILE).is_file():
        raise BioevalError(f"{run_dir} is not a run folder: it has no {RUN_FILE}")


def read_run_record(run_dir: Path) -> RunRecord:
    require_run_folder(run_dir)
    path = run_dir / RUN_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"invalid JSON: {error.msg}", error.lineno) from None
    except UnicodeDecodeError:
        raise DataFileError(path, "not UTF-8 text") from None
    return RunRecord.from_json(raw, Where(path))


def read_score_rows(run_dir: Path, required: bool = True) -> list[ScoreRow]:
    """scores.jsonl's rows; with ``required`` False a missing file reads as no rows."""
    path = run_dir / SCORES_FILE
    if not path.is_file():
        if required:
            raise BioevalError(f"{run_dir} is not a run folder: it has no {SCORES_FILE}")
        return []
    return [ScoreRow.from_json(raw, Where(path, line)) for line, raw in jsonl_lines(path)]


def read_sample_rows(run_dir: Path, unit: UnitId) -> list[SampleRow]:
    path = samples_path(run_dir, unit.model, unit.task, unit.prompt)
    if not path.is_file():
        raise BioevalError(
            f"{run_dir}: no samples for {unit.model} / {unit.task} / {unit.prompt} "
            f"(expected {path.relative_to(run_dir)})"
        )
    rows: list[SampleRow] = []
    first_line: dict[str, int] = {}
    for line, raw in jsonl_lines(path):
        row = SampleRow.from_json(raw, Where(path, line))
        if row.id in first_line:
            raise DataFileError(
                path, f"sample id {row.id!r} appears twice (first on line {first_line[row.id]}); "
                "expected one line per example", line,
            )
        first_line[row.id] = line
        rows.append(row)
    return rows
