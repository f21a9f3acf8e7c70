"""A view's predictions scored on a published scorer's own items (``View.published_rows``).

BLUE scores ChemProt on rows of its own: every chemical-gene pair of an abstract, also across
sentences, and a pair with two gold labels written twice. The pair view predicts the pairs
inside one sentence; each row takes the prediction of the example with its pair id, and a row
no example predicts (a pair across sentences) is predicted as the negative class. Scoring a
sample of the examples (``whole_split=False``), only the rows of the sampled pairs are kept: a
pair outside the sample cannot be told from one across sentences there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bioeval.metrics.types import Score
from bioeval.rundir.records import PromptInfo
from bioeval.scoring.predict import ScoredUnit
from bioeval.tasks.core.loading import is_present
from bioeval.tasks.core.spec import DatasetSpec, View


def published_files(spec: DatasetSpec, view: View, split: str, data_dir: Path) -> dict[str, Path]:
    """{"<source>/<path>": path} of the files the view's published rows read for ``split``."""
    rows = view.published_rows
    if rows is None or split not in rows.splits:
        return {}
    return {ref: data_dir / spec.name / ref for ref in rows.splits[split]}


def missing_published_files(paths: Mapping[str, Path]) -> list[Path]:
    return [path for ref, path in paths.items() if not is_present(ref, path)]


def published_score(
    spec: DatasetSpec,
    view: View,
    split: str,
    data_dir: Path,
    example_ids: Sequence[str],
    predictions: Sequence[Any],
    options: Mapping[str, Any],
    *,
    wording: Mapping[str, str] | None = None,
    whole_split: bool = True,
) -> Score | None:
    """The published scorer's metric on ``predictions`` (one per example id, in their order),
    or None where the view has no published rows for ``split`` or their files are absent.
    ``wording`` (label -> the words a prompt renders for it) puts the gold rows in the
    predictions' words."""
    from bioeval.metrics import scoring

    rows = view.published_rows
    paths = published_files(spec, view, split, data_dir)
    if rows is None or not paths or missing_published_files(paths):
        return None
    by_id = dict(zip(example_ids, predictions))
    items = [
        (example_id, labels)
        for _, example_id, labels in rows.load(split, paths)
        if whole_split or example_id in by_id
    ]
    words = dict(wording or {})
    row_predictions = [by_id.get(example_id, options.get("negative")) for example_id, _ in items]
    references = [tuple(words.get(label, label) for label in labels) for _, labels in items]
    score = scoring.score(rows.metric, row_predictions, references, options=options)
    unpredicted = sum(example_id not in by_id for example_id, _ in items)
    note = (
        f"{len(items)} pairs of {rows.source}; {unpredicted} in no example, predicted as the negative class"
        if whole_split
        else f"the {len(items)} pairs of the scored examples in {rows.source} (pairs no example holds "
        "count on the whole split only)"
    )
    # n counts the view's examples, as every score row's does (run folders and reports read it so);
    # the pairs and rows scored are in details
    n_rows = sum(len(labels) for _, labels in items)
    return replace(
        score, n=len(example_ids), note="; ".join(x for x in (note, score.note) if x),
        details={**score.details, "n_pairs": len(items), "n_rows": n_rows},
    )


def with_published_score(
    scored: ScoredUnit,
    spec: DatasetSpec,
    view: View,
    info: PromptInfo,
    example_ids: Sequence[str],
    split: str,
    data_dir: Path,
    whole_split: bool,
) -> ScoredUnit:
    """A run's scored unit with the published scorer's figure added, where the view has one and
    the prompt answers with one label (in its own words: the gold rows are put in them)."""
    if view.published_rows is None or info.output != "label":
        return scored
    options = info.metric_options
    labels = tuple(view.labels or ())
    wording = dict(zip(labels, options.labels)) if len(options.labels) == len(labels) else None
    if wording is None:
        return scored
    score = published_score(
        spec, view, split, data_dir, example_ids, scored.predictions, options.to_json(),
        wording=wording, whole_split=whole_split,
    )
    return scored if score is None else replace(scored, scores=(*scored.scores, score))
