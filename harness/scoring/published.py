"""A view's predictions scored on a published scorer's own items (``View.published_rows``).

BLUE scores ChemProt on rows of its own: every chemical-gene pair of an abstract, also across
sentences, and a pair with two gold labels written twice. The pair view predicts the pairs
inside one sentence; each row takes the prediction of the example with its pair id, and a row
no example predicts (a pair across sentences) is predicted as the negative class. Scoring a
sample of the examples, pass ``whole_split=False``: only the rows of documents with a scored
example are kept then (a document whose pairs all cross sentences has none, and is left out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.metrics.types import Score
from bioeval.tasks.core.loading import is_present
from bioeval.tasks.core.schemas import Record
from bioeval.tasks.core.spec import DatasetSpec, View


def published_score(
    spec: DatasetSpec,
    view: View,
    split: str,
    data_dir: Path,
    records: Sequence[Record],
    predictions: Sequence[Any],
    options: Mapping[str, Any],
    *,
    wording: Mapping[str, str] | None = None,
    whole_split: bool = True,
) -> Score | None:
    """The published scorer's metric on ``predictions`` (one per record, in the records' order),
    or None where the view has no published rows for ``split``. ``wording`` (label -> the words
    a prompt renders for it) puts the gold rows in the predictions' words."""
    from bioeval.metrics import scoring

    rows = view.published_rows
    if rows is None or split not in rows.splits:
        return None
    paths = {ref: data_dir / spec.name / ref for ref in rows.splits[split]}
    missing = [str(path) for ref, path in paths.items() if not is_present(ref, path)]
    if missing:
        raise BioevalError(f"{rows.metric} of {view.name} ({rows.source}) needs {', '.join(missing)}")
    documents = {record.document_id or record.id for record in records}
    by_id = dict(zip((record.id for record in records), predictions))
    items = [
        (example_id, labels)
        for document, example_id, labels in rows.load(split, paths)
        if whole_split or document in documents
    ]
    words = dict(wording or {})
    row_predictions = [by_id.get(example_id, options.get("negative")) for example_id, _ in items]
    references = [tuple(words.get(label, label) for label in labels) for _, labels in items]
    score = scoring.score(rows.metric, row_predictions, references, options=options)
    unpredicted = sum(example_id not in by_id for example_id, _ in items)
    note = f"{len(items)} pairs of {rows.source}; {unpredicted} in no example, predicted as the negative class"
    return Score(
        metric=score.metric, value=score.value, n=score.n, n_unparsed=score.n_unparsed,
        ci_low=score.ci_low, ci_high=score.ci_high,
        note="; ".join(x for x in (note, score.note) if x), details=score.details,
    )
