"""Re-scoring a run folder from its saved samples, with the current parsers and metrics.

No model and no data files are needed: ``run.json`` records, per prompt, the output kind, the
metrics and their options; every sample keeps the rendered target and the raw output. The new
scores go to a new file ``rescored-<time>.jsonl`` beside ``scores.jsonl``, which is left as it
was.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError, DataFileError
from bioeval.gold import annotated_from_json
from bioeval.lmeval_bridge import MULTIPLE_CHOICE
from bioeval.metrics import scoring
from bioeval.metrics.types import Prediction
from bioeval.results import (
    RUN_FILE,
    SCORES_FILE,
    RunFolder,
    atomic_write_text,
    jsonl,
    read_jsonl_file,
)
from bioeval.scoring import IDENTITY_KEYS, read_output, read_target, score_rows


def _prediction(row: dict[str, Any], kind: str, mode: str, vocabulary: list[str]) -> Prediction:
    """The saved raw output read again: a ranked choice as it is, a generation parsed anew."""
    output = row.get("output") or ""
    if row.get("input") is None:  # the template failed on this example
        return Prediction(value=None, raw="", error=row.get("error") or "template failed")
    if mode == MULTIPLE_CHOICE and not output:
        return Prediction(value=None, raw="", error=row.get("error") or "no output")
    return read_output(output, kind, mode, row.get("choices") or vocabulary)


def _gold(row: dict[str, Any], kind: str, vocabulary: list[str]) -> Any:
    annotated = annotated_from_json(row.get("gold"))
    if annotated is not None:  # entity tasks are scored against the annotation
        return annotated
    target = row.get("target")
    if target is None:
        return None
    return read_target(target, kind, row.get("choices") or vocabulary).value


def rescore_run(run_dir: Path) -> tuple[list[dict[str, Any]], Path]:
    """Score every saved (model, task, prompt) again; returns the rows and the file written."""
    run_file = run_dir / RUN_FILE
    if not run_file.is_file():
        raise BioevalError(f"{run_dir} is not a run folder: it has no {RUN_FILE}")
    try:
        run = json.loads(run_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataFileError(run_file, f"invalid JSON: {error.msg}", error.lineno) from None
    old_rows = read_jsonl_file(run_dir / SCORES_FILE) if (run_dir / SCORES_FILE).is_file() else []
    folder = RunFolder(run_dir)
    rows: list[dict[str, Any]] = []
    for key in dict.fromkeys(tuple(r[k] for k in IDENTITY_KEYS) for r in old_rows):
        identity = dict(zip(IDENTITY_KEYS, key))  # one per (model, task, prompt)
        model, task, prompt, mode = (identity[k] for k in ("model", "task", "prompt", "mode"))
        info = run["prompts"].get(f"{task}/{prompt}")
        if info is None:
            raise DataFileError(run_file, f"no entry for prompt {task}/{prompt} under 'prompts'")
        samples = read_jsonl_file(folder.samples_path(model, task, prompt))
        kind, vocabulary = info["output"], info.get("vocabulary", [])
        predictions = [_prediction(row, kind, mode, vocabulary) for row in samples]
        references = [_gold(row, kind, vocabulary) for row in samples]
        scores = [
            scoring.score(metric, predictions, references, options=info.get("metric_options"))
            for metric in info["metrics"]
        ]
        rows.extend(score_rows(identity, scores))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    out = run_dir / f"rescored-{stamp}.jsonl"
    atomic_write_text(out, jsonl(rows))
    return rows, out
