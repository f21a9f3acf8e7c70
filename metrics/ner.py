"""Entity-level metrics: strict and relaxed precision / recall / F1, and ROUGE-1 on entity lists.

Shapes (see ``bioeval.metrics.types``): a prediction is a list of mentions, each a string
(untyped), a ``(type, text)`` pair, or a :class:`Span` (offsets); a reference is the same, or an
:class:`AnnotatedText` (source text and gold spans). ``None`` (unparsed) predicts no mention.

How a prediction is matched to its reference, per example:

- offsets, when both sides carry them (spans, or strings aligned to the reference text):
  ``entity_f1`` counts a predicted span correct when a gold span has the same start, end and
  type (BLURB's entity-level F1, as seqeval and conlleval compute it); ``entity_f1_relaxed``
  counts a predicted span correct when it overlaps a gold span of the same type, and a gold
  span found when a predicted span of the same type overlaps it.
- strings otherwise: mentions are compared after :func:`normalize_mention`, as multisets
  (``entity_f1``: each gold mention string matches at most one predicted one); relaxed,
  a string matches when one contains the other at word boundaries (the string form of overlap).

Both compare strings by default even when the reference has offsets; option ``align=True``
aligns predicted strings to the reference text first (see ``bioeval.metrics.entities``), so
they are matched by offsets. Strict and relaxed always use the same mode, so relaxed F1 is
never below strict F1 on the same predictions.
Types are compared when both sides are typed, spelled alike (case, "_" / "-" versus space and a
plural "s" do not matter: "cell type" is "cell_type"); untyped predictions (or references) are matched
on spans or strings alone. Counts are summed over the corpus (micro), per type as well (``details``).

``rouge1``: ROUGE-1 F-measure (rouge-score, no stemming) between the predicted and the gold
mention strings joined by spaces, averaged over examples, as the BigBIO zero-shot study scored
NER; an example with no gold and no predicted mention scores 1.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import (
    Options,
    Tally,
    check_lengths,
    f1_from_counts,
    safe_divide,
)
from bioeval.metrics.entities import (
    Mention,
    align_mentions,
    as_mentions,
    canonical_types,
    contains_at_word_boundary,
    normalize_mention,
    with_canonical_type,
)
from bioeval.metrics.types import AnnotatedText

Counts = tuple[int, int, int, int]  # matched predictions, predictions, found gold, gold


def strict_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    return _entity_tally(predictions, references, relaxed=False, align=bool(options.get("align")))


def relaxed_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    # same matching mode as strict (strings unless ``align``), so relaxed is never below strict
    return _entity_tally(predictions, references, relaxed=True, align=bool(options.get("align")))


def entity_value(totals: np.ndarray) -> np.ndarray:
    return f1_from_counts(totals[..., 0], totals[..., 1], totals[..., 2], totals[..., 3])


def entity_summary(totals: np.ndarray) -> dict[str, Any]:
    tp_pred, n_pred, tp_gold, n_gold = (float(x) for x in totals[:4])
    return {
        "precision": _maybe(safe_divide(tp_pred, n_pred)),
        "recall": _maybe(safe_divide(tp_gold, n_gold)),
        "n_predicted": n_pred,
        "n_gold": n_gold,
    }


def _entity_tally(
    predictions: Sequence[Any], references: Sequence[Any], *, relaxed: bool, align: bool
) -> Tally:
    check_lengths(predictions, references)
    rows: list[Counts] = []
    per_type: dict[str, list[int]] = {}
    modes: Counter[str] = Counter()
    typed = True
    golds = [as_mentions(reference) for reference in references]
    canonical = canonical_types(m.type for gold in golds for m in gold)
    for prediction, reference, gold in zip(predictions, references, golds):
        text = reference.text if isinstance(reference, AnnotatedText) else None
        predicted = [with_canonical_type(m, canonical) for m in as_mentions(prediction, text)]
        if text is not None and align and not all(m.has_offsets for m in predicted):
            predicted = align_mentions(predicted, text)
        by_offsets = all(m.has_offsets for m in gold) and (
            all(m.has_offsets for m in predicted) or (text is not None and align)
        )
        if predicted and gold:
            modes["offsets" if by_offsets else "strings"] += 1
        typed = typed and all(m.type is not None for m in [*predicted, *gold])
        pred_hits, gold_hits = _match(predicted, gold, relaxed=relaxed, by_offsets=by_offsets)
        rows.append((sum(pred_hits), len(predicted), sum(gold_hits), len(gold)))
        _add_per_type(per_type, predicted, pred_hits, gold, gold_hits)
    stats = np.array(rows, dtype=float).reshape(-1, 4)
    details: dict[str, Any] = {"matched_by": dict(modes)}
    if typed:
        details["per_type"] = _per_type_scores(per_type)
    return Tally(stats, details, note=_matching_note(modes))


def _match(
    predicted: list[Mention], gold: list[Mention], *, relaxed: bool, by_offsets: bool
) -> tuple[list[int], list[int]]:
    """Per predicted and per gold mention: 1 if matched, else 0."""
    untyped = any(m.type is None for m in predicted) or any(m.type is None for m in gold)
    if not relaxed:
        return _exact_multiset_match(predicted, gold, by_offsets=by_offsets, untyped=untyped)
    same = _overlaps if by_offsets else _contains

    def compatible(p: Mention, g: Mention) -> bool:
        return (untyped or p.type == g.type) and same(p, g)

    pred_hits = [int(any(compatible(p, g) for g in gold)) for p in predicted]
    gold_hits = [int(any(compatible(p, g) for p in predicted)) for g in gold]
    return pred_hits, gold_hits


def _exact_multiset_match(
    predicted: list[Mention], gold: list[Mention], *, by_offsets: bool, untyped: bool
) -> tuple[list[int], list[int]]:
    def key(m: Mention) -> tuple[Any, ...]:
        type_ = None if untyped else m.type
        if by_offsets:
            return (type_, m.start, m.end)
        if m.text is None:
            raise ValueError("a mention given only by offsets needs the reference text to compare strings")
        return (type_, normalize_mention(m.text))

    available = Counter(key(g) for g in gold)
    pred_hits = []
    for mention in predicted:
        k = key(mention) if mention.has_offsets or not by_offsets else None
        hit = k is not None and available[k] > 0
        if hit:
            available[k] -= 1
        pred_hits.append(int(hit))
    remaining = Counter(available)
    gold_hits = []
    for mention in gold:  # the gold mentions left in `available` are the unmatched ones
        k = key(mention)
        missed = remaining[k] > 0
        if missed:
            remaining[k] -= 1
        gold_hits.append(int(not missed))
    return pred_hits, gold_hits


def _overlaps(p: Mention, g: Mention) -> bool:
    if not (p.has_offsets and g.has_offsets):
        return False
    assert p.start is not None and p.end is not None and g.start is not None and g.end is not None
    return p.start < g.end and g.start < p.end


def _contains(p: Mention, g: Mention) -> bool:
    if p.text is None or g.text is None:
        raise ValueError("a mention given only by offsets needs the reference text to compare strings")
    a, b = normalize_mention(p.text), normalize_mention(g.text)
    return a == b or contains_at_word_boundary(a, b) or contains_at_word_boundary(b, a)


def _add_per_type(
    per_type: dict[str, list[int]],
    predicted: list[Mention],
    pred_hits: list[int],
    gold: list[Mention],
    gold_hits: list[int],
) -> None:
    for mention, hit in zip(predicted, pred_hits):
        counts = per_type.setdefault(mention.type or "", [0, 0, 0, 0])
        counts[0] += hit
        counts[1] += 1
    for mention, hit in zip(gold, gold_hits):
        counts = per_type.setdefault(mention.type or "", [0, 0, 0, 0])
        counts[2] += hit
        counts[3] += 1


def _per_type_scores(per_type: dict[str, list[int]]) -> dict[str, dict[str, float | int | None]]:
    out: dict[str, dict[str, float | int | None]] = {}
    for type_, (tp_pred, n_pred, tp_gold, n_gold) in sorted(per_type.items()):
        out[type_] = {
            "precision": _maybe(safe_divide(tp_pred, n_pred)),
            "recall": _maybe(safe_divide(tp_gold, n_gold)),
            "f1": _maybe(f1_from_counts(tp_pred, n_pred, tp_gold, n_gold)),
            "n_predicted": n_pred,
            "n_gold": n_gold,
        }
    return out


def _matching_note(modes: Counter[str]) -> str:
    if not modes:
        return ""
    if len(modes) == 1:
        return f"mentions matched by {next(iter(modes))}"
    return "mentions matched by " + ", ".join(f"{mode} in {n} examples" for mode, n in sorted(modes.items()))


# ---------------------------------------------------------------- ROUGE-1


def rouge1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    scorer = _rouge_scorer(bool(options.get("use_stemmer", False)))
    rows = []
    for prediction, reference in zip(predictions, references):
        gold = _joined_text(as_mentions(reference))
        text = reference.text if isinstance(reference, AnnotatedText) else None
        predicted = _joined_text(as_mentions(prediction, text))
        if not gold.strip() and not predicted.strip():
            rows.append((1.0, 1.0))
        else:
            rows.append((scorer.score(gold, predicted)["rouge1"].fmeasure, 1.0))
    return Tally(np.array(rows, dtype=float).reshape(-1, 2))


def rouge1_value(totals: np.ndarray) -> np.ndarray:
    return safe_divide(totals[..., 0], totals[..., 1])


@functools.lru_cache(maxsize=2)
def _rouge_scorer(use_stemmer: bool) -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1"], use_stemmer=use_stemmer)


def _joined_text(mentions: list[Mention]) -> str:
    if any(m.text is None for m in mentions):
        raise ValueError("ROUGE-1 needs mention strings; spans need the reference text")
    return " ".join(m.text or "" for m in mentions)


def _maybe(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number
