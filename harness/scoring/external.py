"""Scoring an external predictions file against a task's gold annotations.

``bioeval score --task VIEW --predictions FILE.jsonl``: one ``{"id", "prediction"}`` per line.
The gold comes from the records themselves (not from a prompt), in the label codes of the
dataset: a label (QA, NLI, RE), a number (STS), a set of labels (document classification), or
the source text with its gold spans (NER, PICO). Which prediction shapes a task type accepts is
declared in ``bioeval.task_types``; for NER and PICO several are, and the first line decides.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import DataFileError
from bioeval.metrics import scoring
from bioeval.metrics.parsers import PARSERS
from bioeval.metrics.predictions_file import read_predictions_file
from bioeval.metrics.registry import METRICS
from bioeval.metrics.types import Score
from bioeval.task_types import task_type
from bioeval.tasks.core.schemas import Record
from bioeval.tasks.core.spec import View


def detect_kind(path: Path, view: View) -> str:
    """The first accepted shape that reads the file's first prediction."""
    kinds = task_type(view.task).prediction_shapes
    if len(kinds) == 1:
        return kinds[0]
    first = None
    number = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                first = json.loads(line).get("prediction")
            except (json.JSONDecodeError, AttributeError):
                return kinds[0]  # the reader reports the bad line
            break
    for kind in kinds:
        try:
            PARSERS[kind].read_json(first, view.labels or ())
            return kind
        except ValueError:
            continue
    shapes = "; or ".join(PARSERS[kind].shape for kind in kinds)
    raise DataFileError(path, f"the first prediction is none of the shapes for {view.name}: {shapes}", number)


def score_predictions(
    view: View,
    records: Sequence[Record],
    path: Path,
    allow_missing: bool = False,
    published: Callable[[Sequence[Any], Mapping[str, Any]], Score | None] | None = None,
) -> tuple[str, list[Score]]:
    """(the prediction shape used, one Score per metric of the view, then the published
    scorer's, where ``published`` (predictions, options) gives one)."""
    kind = detect_kind(path, view)
    external = read_predictions_file(
        path, ids=[r.id for r in records], kind=kind, choices=view.labels or (), allow_missing=allow_missing
    )
    gold = task_type(view.task).gold
    references = [gold(record) for record in records]
    options = view.metric_options().to_json()
    usable = [m for m in view.metrics if kind in METRICS[m].output_kinds]
    scores = [scoring.score(m, external.predictions, references, options=options) for m in usable]
    extra = published(external.predictions, options) if published is not None else None
    return kind, scores if extra is None else [*scores, extra]
