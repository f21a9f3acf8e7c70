"""BioMistral-NLU's published scorers for NER and PICO, re-implemented (uw-bionlp/BioMistral-NLU,
``evaluation.py``: ``read_events``, ``calculate_event_scores``, ``calculate_PICO_scores`` and
``write_scores``).

Both read the unified format's answer, one line "Type: span...span" per type, as a list of
mention strings per (example, type), and both:

- collapse repeats: a line with more than 20 mentions keeps each distinct (stripped) string
  once, a line with 20 or fewer keeps every repeat (``read_events``);
- count per type true positives, predictions and gold items, summed over the corpus;
- micro-average over the types that have at least one gold item in the corpus: a type that is
  only ever predicted adds nothing, not even false positives (``write_scores`` skips rows with
  no gold).

``entity_f1_exact_lower``: a predicted mention is correct when, lowercased and stripped (and
with "{" removed, as the scorer does), it equals a gold mention of the same type not already
matched: exact strings, one-to-one, no other normalization (a boundary moved onto a comma is
wrong). ``pico_bow_micro_f1``: the mentions of a type are split into whitespace words, and a
predicted word is correct when it equals (case-sensitive) a gold word of the same type not
already matched: a bag-of-words micro-F1 per document and class.

Here the type of a predicted mention is the type its line names (spelled as the gold spells
it: case, "_" / "-" and a plural "s" do not matter). The published code pairs prediction lines
with reference lines by position when both have as many lines, and by the line's type
otherwise; bioeval's unified prompt asks for every type in a fixed order, where both agree.
Gold mentions are the strings of the annotated spans. An unparsed output predicts nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import Options, Tally, check_lengths, option_labels
from bioeval.metrics.entities import Mention, as_mentions, canonical_types, with_canonical_type
from bioeval.metrics.types import AnnotatedText

COLLAPSE_ABOVE = 20
"""A line with more mentions than this keeps each distinct string once (``read_events``)."""

Keys = Callable[[list[str]], list[str]]  # one type's mention strings -> the items matched


def strings_by_type(mentions: Sequence[Mention]) -> dict[str, list[str]]:
    """Each type's mention strings, stripped, empty ones dropped, repeats collapsed above 20."""
    by_type: dict[str, list[str]] = {}
    for mention in mentions:
        if mention.text is None:
            raise ValueError("a mention given only by offsets needs the reference text")
        text = mention.text.strip()
        if text:
            by_type.setdefault(mention.type or "", []).append(text)
    return {t: list(dict.fromkeys(s)) if len(s) > COLLAPSE_ABOVE else s for t, s in by_type.items()}


def lowercase_exact(strings: list[str]) -> list[str]:
    """``check_span_overlap`` without overlap: "{" removed, lowercased, stripped."""
    return [s.replace("{", "").lower().strip() for s in strings]


def whitespace_words(strings: list[str]) -> list[str]:
    """``calculate_PICO_scores``: every whitespace word of every mention, case kept."""
    return [word for s in strings for word in s.split()]


def _type_counts(prediction: Any, reference: Any, keys: Keys, canonical: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    text = reference.text if isinstance(reference, AnnotatedText) else None
    predicted = strings_by_type([with_canonical_type(m, canonical) for m in as_mentions(prediction, text)])
    gold = strings_by_type([with_canonical_type(m, canonical) for m in as_mentions(reference)])
    counts = {}
    for type_ in set(predicted) | set(gold):
        p, g = Counter(keys(predicted.get(type_, []))), Counter(keys(gold.get(type_, [])))
        counts[type_] = (sum((p & g).values()), sum(p.values()), sum(g.values()))
    return counts


def _tally(predictions: Sequence[Any], references: Sequence[Any], options: Options, keys: Keys) -> Tally:
    check_lengths(predictions, references)
    labels = option_labels(options) or []
    canonical = canonical_types([*labels, *(m.type for r in references for m in as_mentions(r))])
    per_example = [_type_counts(p, r, keys, canonical) for p, r in zip(predictions, references)]
    classes = sorted({*labels, *(t for counts in per_example for t in counts)})
    index = {type_: i for i, type_ in enumerate(classes)}
    stats = np.zeros((len(per_example), 3 * len(classes)))
    for row, counts in enumerate(per_example):
        for type_, values in counts.items():
            stats[row, 3 * index[type_] : 3 * index[type_] + 3] = values
    return Tally(stats, {"classes": classes})


def exact_lower_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    return _tally(predictions, references, options, lowercase_exact)


def bow_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    return _tally(predictions, references, options, whitespace_words)
