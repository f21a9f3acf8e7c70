"""Token-level F1 for PICO extraction (EBM-PICO), as BLURB defines it.

BLURB scores EBM-PICO at the word level: every whitespace token of the test set gets one label
(I-PAR, I-INT, I-OUT or O), the labels of all documents are pooled, and the score is the macro
average over the three PICO classes of each class's token F1, O excluded; that is
``sklearn.metrics.f1_score(gold, pred, average="macro", labels=["I-PAR", "I-INT", "I-OUT"])``,
the formula of BLURB's evaluator. Here the classes are option ``labels`` minus the outside
label (option ``outside``, default "O"), else every label seen except the outside label.

Shapes: a reference is either a sequence of token labels (one ``str`` per token), or an
:class:`AnnotatedText` whose whitespace tokens take the type of the gold span over them. A
prediction is a sequence of token labels of the same length, or mentions (strings are aligned
to the reference text, see ``bioeval.metrics.entities``; spans are used as they are). ``None``
(unparsed) labels every token outside.

When a reference is typed mention strings without a text (the parsed target of a generative
prompt), token positions are unknown and the counts are taken over bags of tokens per class:
a true positive is a token (after mention normalization) found in both the predicted and the
gold mentions of that class, as many times as it occurs in both. The score's note says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import Options, Tally, check_lengths, option_labels
from bioeval.metrics.classification import macro_f1_value, per_class_summary
from bioeval.metrics.entities import (
    align_mentions,
    as_mentions,
    canonical_types,
    mention_tokens,
    token_labels,
    type_key,
    with_canonical_type,
)
from bioeval.metrics.types import AnnotatedText

ClassCounts = dict[str, tuple[int, int, int]]  # class -> (tp, predicted, gold)


def token_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    outside = str(options.get("outside", "O"))
    per_example: list[ClassCounts] = []
    modes: Counter[str] = Counter()
    labels = option_labels(options)
    canonical = canonical_types([*(labels or ()), *(c for r in references for c in _gold_classes(r))])
    for prediction, reference in zip(predictions, references):
        counts, mode = _example_counts(prediction, reference, outside, canonical)
        per_example.append(counts)
        modes[mode] += 1
    if labels is None:
        labels = sorted({c for counts in per_example for c in counts})
    else:
        gold_classes = {c for counts in per_example for c, (_, _, n_gold) in counts.items() if n_gold}
        strays = sorted(gold_classes - set(labels))
        if strays:  # references and options name classes differently: score nothing, say why
            note = f"gold class {strays[0]!r} is not in the 'labels' option {list(labels)}"
            return Tally(np.zeros((len(per_example), 0)), {"classes": []}, note=note)
    classes = [label for label in labels if label != outside]
    index = {label: i for i, label in enumerate(classes)}
    stats = np.zeros((len(per_example), 3 * len(classes)))
    for row, counts in enumerate(per_example):
        for label, (tp, n_pred, n_gold) in counts.items():
            if label in index:
                stats[row, 3 * index[label] : 3 * index[label] + 3] = (tp, n_pred, n_gold)
    note = "token counts over bags of mention tokens (no source text)" if modes["bags"] else ""
    return Tally(stats, {"classes": classes, "matched_by": dict(modes)}, note=note)


token_f1_value = macro_f1_value
token_f1_summary = per_class_summary


def _gold_classes(reference: Any) -> set[str]:
    if isinstance(reference, AnnotatedText):
        return {span.type for span in reference.spans}
    if _is_label_sequence(reference):
        return set(reference)
    return {m.type for m in as_mentions(reference) if m.type is not None}


def _example_counts(
    prediction: Any, reference: Any, outside: str, canonical: Mapping[str, str]
) -> tuple[ClassCounts, str]:
    """Per-class counts of one example; predicted classes spelled as the gold / labels spell them."""
    if isinstance(reference, AnnotatedText):
        gold = token_labels(reference.text, as_mentions(reference), outside)
        predicted = _predicted_labels(prediction, reference, len(gold), outside)
        return _label_counts(_spelled(predicted, canonical, outside), gold, outside), "tokens"
    if _is_label_sequence(reference):
        gold = list(reference)
        if prediction is None or len(prediction) == 0:  # nothing predicted: all outside
            predicted = [outside] * len(gold)
        elif _is_label_sequence(prediction):
            predicted = _spelled(list(prediction), canonical, outside)
        else:
            raise ValueError("token labels as reference need token labels as prediction")
        return _label_counts(_same_length(predicted, gold), gold, outside), "tokens"
    predicted_mentions = [with_canonical_type(m, canonical) for m in as_mentions(prediction)]
    return _bag_counts(predicted_mentions, as_mentions(reference)), "bags"


def _spelled(labels: list[str], canonical: Mapping[str, str], outside: str) -> list[str]:
    return [label if label == outside else canonical.get(type_key(label), label) for label in labels]


def _predicted_labels(prediction: Any, reference: AnnotatedText, n_tokens: int, outside: str) -> list[str]:
    if prediction is None:
        return [outside] * n_tokens
    if _is_label_sequence(prediction) and len(prediction) > 0:
        return _same_length(list(prediction), [outside] * n_tokens)
    mentions = align_mentions(as_mentions(prediction, reference.text), reference.text)
    return token_labels(reference.text, mentions, outside)


def _same_length(predicted: list[str], gold: list[str]) -> list[str]:
    if len(predicted) != len(gold):
        raise ValueError(f"expected {len(gold)} token labels, got {len(predicted)}")
    return predicted


def _label_counts(predicted: Sequence[str], gold: Sequence[str], outside: str) -> ClassCounts:
    tp: Counter[str] = Counter(p for p, g in zip(predicted, gold) if p == g and g != outside)
    n_pred: Counter[str] = Counter(p for p in predicted if p != outside)
    n_gold: Counter[str] = Counter(g for g in gold if g != outside)
    return {c: (tp[c], n_pred[c], n_gold[c]) for c in set(n_pred) | set(n_gold)}


def _bag_counts(predicted: list[Any], gold: list[Any]) -> ClassCounts:
    def bags(mentions: list[Any]) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for mention in mentions:
            if mention.text is None:
                raise ValueError("a mention given only by offsets needs the reference text")
            out.setdefault(mention.type or "", Counter()).update(mention_tokens(mention.text))
        return out

    pred_bags, gold_bags = bags(predicted), bags(gold)
    counts: ClassCounts = {}
    for label in set(pred_bags) | set(gold_bags):
        p, g = pred_bags.get(label, Counter()), gold_bags.get(label, Counter())
        counts[label] = (sum((p & g).values()), sum(p.values()), sum(g.values()))
    return counts


def _is_label_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)
