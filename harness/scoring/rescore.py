"""Re-scoring a run folder from its saved samples, with the current parsers and metrics.

No model and no data files are needed: ``run.json`` records, per prompt, the output kind, the
metrics and their options; every sample keeps the rendered target and the raw output. The new
scores go to a new file ``rescored-<time>.jsonl`` beside ``scores.jsonl``, which is left as it
was.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.io import atomic_write_text, jsonl
from bioeval.rundir.layout import RUN_FILE, samples_path
from bioeval.rundir.reader import read_run_record, read_sample_rows, read_score_rows
from bioeval.rundir.records import ScoreRow, UnitId
from bioeval.scoring.predict import Outcome, score_outcomes


def rescore_run(run_dir: Path) -> tuple[list[ScoreRow], Path]:
    """Score every saved (model, task, prompt) again; returns the rows and the file written."""
    record = read_run_record(run_dir)
    score_rows = read_score_rows(run_dir)
    counts = {row.unit: row.n for row in score_rows}
    units = list(dict.fromkeys(row.unit for row in score_rows))
    rows: list[ScoreRow] = []
    for unit in units:
        info = record.prompts.get(f"{unit.task}/{unit.prompt}")
        if info is None:
            raise DataFileError(run_dir / RUN_FILE, f"no entry for prompt {unit.task}/{unit.prompt} under 'prompts'")
        samples = read_sample_rows(run_dir, unit)
        _check_count(run_dir, unit, len(samples), counts[unit])
        outcomes = [Outcome.of_sample(row) for row in samples]
        scored = score_outcomes(info, unit.mode, outcomes, f"prompt {unit.prompt!r} of {unit.task}")
        rows.extend(ScoreRow.of(unit, score, n_failed=scored.n_failed) for score in scored.scores)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    out = run_dir / f"rescored-{stamp}.jsonl"
    atomic_write_text(out, jsonl(row.to_json() for row in rows))
    return rows, out


def _check_count(run_dir: Path, unit: UnitId, found: int, scored: int | None) -> None:
    """The samples file holds one line per scored example: no more, no fewer."""
    if scored is not None and found != scored:
        path = samples_path(run_dir, unit.model, unit.task, unit.prompt)
        raise DataFileError(
            path, f"{found} samples, but scores.jsonl scored n={scored} examples of "
            f"{unit.model} / {unit.task} / {unit.prompt}; expected {scored} lines",
        )
