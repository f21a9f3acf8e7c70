"""Classification metrics: accuracy, micro-F1 over positive classes, macro-F1, example-based F1,
and the published scorers' variants of them (BLUE's HoC and ChemProt rows, BioMistral-NLU's).

Shapes: a single-label prediction or reference is a ``str`` (any hashable works); a
multi-label one is a set of labels (``frozenset``, ``set``, ``list`` or ``tuple``). An
unparsed prediction is ``None``.

- ``accuracy``: fraction of exact matches; an unparsed prediction is wrong.
- ``micro_f1``: F1 from true positives, predictions and gold items pooled over the positive
  classes only, the negative class (option ``negative``, e.g. "false" for ChemProt,
  "DDI-false" for DDI) left out, as BLUE's ``eval_rel`` and BLURB compute relation extraction;
  equal to ``sklearn.metrics.f1_score(average="micro", labels=positive)``. Positive classes:
  option ``labels`` minus ``negative``, else every label seen minus ``negative``. A gold label
  outside option ``labels`` means references and options name labels differently (e.g. answer
  letters against label names): the score is then undefined, with a note saying so. An unparsed
  prediction is a label outside every class: a false negative when the gold is positive.
- ``macro_f1``: unweighted mean over classes of each class's F1 (a class's F1 is 0 when it is
  neither predicted nor gold). Classes as for ``micro_f1``. Works on single labels and on label
  sets (per-class binary decisions), as ``sklearn.metrics.f1_score(average="macro")``.
- ``example_f1``: example-based F1 as the BLUE paper defines it for HoC: per example
  P = |gold & pred| / |pred| and R = |gold & pred| / |gold|; P and R are averaged over
  examples and F1 is their harmonic mean. Where that divides by zero, bioeval's convention: an
  example with an empty gold set and an empty predicted set scores P = R = 1; an empty set on
  one side only scores P = R = 0. An unparsed prediction scores P = R = 0.
- ``example_f1_blue``: the same as BLUE's published ``eval_hoc.py`` computes it: an empty
  prediction has P = 0, and a document without a gold label is left out (the script divides by
  the gold count and stops there); the note says how many were left out.
- ``label_micro_f1`` (value :func:`gold_class_micro_f1_value` on the per-class counts of
  ``macro_f1``): BioMistral-NLU's multi-label score, micro-F1 over (example, label) decisions,
  pooled over the labels that are gold at least once.
- ``pair_rows_micro_f1``: BLUE's ``eval_rel.py`` on its ChemProt rows: a reference is the list
  of a pair's gold rows (a pair with two gold labels has two), each compared with the pair's
  one prediction; micro over the positive labels.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import (
    Options,
    Tally,
    check_lengths,
    f1_from_counts,
    option_labels,
    safe_divide,
)

# ---------------------------------------------------------------- accuracy


def accuracy_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    stats = np.array(
        [[float(p is not None and _label_key(p) == _label_key(r)), 1.0] for p, r in zip(predictions, references)],
        dtype=float,
    ).reshape(-1, 2)
    return Tally(stats)


def accuracy_value(totals: np.ndarray) -> np.ndarray:
    return safe_divide(totals[..., 0], totals[..., 1])


def accuracy(predictions: Sequence[Hashable | None], references: Sequence[Hashable]) -> float | None:
    """Fraction of exact matches; an unparsed prediction (None) counts as wrong."""
    value = accuracy_value(accuracy_tally(predictions, references, {}).stats.sum(axis=0))
    return None if np.isnan(value) else float(value)


def _label_key(label: Any) -> Any:
    if isinstance(label, (set, frozenset, list, tuple)):
        return frozenset(label)
    return label


# ---------------------------------------------------------------- micro-F1 over positive classes


def micro_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    classes, problem = _classes(predictions, references, options)
    positive = set(classes)
    rows = []
    for prediction, reference in zip(predictions, references):
        predicted = _label_set(prediction) & positive
        gold = _label_set(reference) & positive
        rows.append((len(predicted & gold), len(predicted), len(gold)))
    stats = np.array(rows, dtype=float).reshape(-1, 3)
    return Tally(stats, {"classes": sorted(positive, key=str)}, note=problem)


def micro_f1_value(totals: np.ndarray) -> np.ndarray:
    return f1_from_counts(totals[..., 0], totals[..., 1], totals[..., 0], totals[..., 2])


def micro_f1_summary(totals: np.ndarray) -> dict[str, Any]:
    tp, n_pred, n_gold = (float(x) for x in totals)
    return {
        "precision": _maybe(safe_divide(tp, n_pred)),
        "recall": _maybe(safe_divide(tp, n_gold)),
        "tp": tp,
        "n_predicted": n_pred,
        "n_gold": n_gold,
    }


# ---------------------------------------------------------------- macro-F1


def macro_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    classes, problem = _classes(predictions, references, options)
    index = {label: i for i, label in enumerate(classes)}
    stats = np.zeros((len(references), 3 * len(classes)))
    for row, (prediction, reference) in enumerate(zip(predictions, references)):
        predicted, gold = _label_set(prediction), _label_set(reference)
        for label in predicted & gold:
            if label in index:
                stats[row, 3 * index[label]] += 1
        for label in predicted:
            if label in index:
                stats[row, 3 * index[label] + 1] += 1
        for label in gold:
            if label in index:
                stats[row, 3 * index[label] + 2] += 1
    return Tally(stats, {"classes": classes}, note=problem)


def macro_f1_value(totals: np.ndarray) -> np.ndarray:
    per_class = _per_class_f1(totals)
    if per_class.shape[-1] == 0:
        return np.full(per_class.shape[:-1], np.nan)
    return per_class.mean(axis=-1)


def _per_class_f1(totals: np.ndarray) -> np.ndarray:
    shape = totals.shape[:-1] + (totals.shape[-1] // 3, 3)
    counts = totals.reshape(shape)
    f1 = f1_from_counts(counts[..., 0], counts[..., 1], counts[..., 0], counts[..., 2])
    return np.nan_to_num(f1)  # a class neither predicted nor gold: 0, as scikit-learn


def per_class_summary(totals: np.ndarray) -> dict[str, Any]:
    return {"per_class_f1": [float(x) for x in _per_class_f1(totals)]}


# ---------------------------------------------------------------- micro-F1 over the classes with gold


def label_decisions_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    """Per-class (tp, predicted, gold) over every label seen (BioMistral-NLU keys its counts by
    the option text found in an answer): option ``labels`` is not read, only ``negative``."""
    return macro_f1_tally(predictions, references, {"negative": options.get("negative")})


def gold_class_micro_f1_value(totals: np.ndarray) -> np.ndarray:
    """Micro-F1 from per-class (tp, predicted, gold) columns, pooled over the classes that
    have a gold item in these totals (BioMistral-NLU's ``write_scores``: a class never gold adds
    nothing, not even its false positives)."""
    counts = totals.reshape(totals.shape[:-1] + (totals.shape[-1] // 3, 3))
    kept = np.where(counts[..., 2:3] > 0, counts, 0.0).sum(axis=-2)
    return f1_from_counts(kept[..., 0], kept[..., 1], kept[..., 0], kept[..., 2])


def gold_class_micro_summary(totals: np.ndarray) -> dict[str, Any]:
    counts = totals.reshape(-1, 3)
    tp, n_pred, n_gold = counts[counts[:, 2] > 0].sum(axis=0)
    return {
        "precision": _maybe(safe_divide(tp, n_pred)),
        "recall": _maybe(safe_divide(tp, n_gold)),
        "tp": float(tp),
        "n_predicted": float(n_pred),
        "n_gold": float(n_gold),
        "per_class_f1": [float(x) for x in _per_class_f1(totals)],
    }


# ---------------------------------------------------------------- micro-F1 over BLUE's rows


def row_micro_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    """A reference is the sequence of gold rows of one pair (BLUE writes a ChemProt pair once
    per gold label); the pair's one prediction is compared with each row."""
    check_lengths(predictions, references)
    negative = options.get("negative")
    rows = []
    for prediction, reference in zip(predictions, references):
        gold = list(reference) if isinstance(reference, (list, tuple)) else [reference]
        positive = prediction is not None and prediction != negative
        rows.append((
            sum(positive and label == prediction for label in gold),
            len(gold) if positive else 0,
            sum(label != negative for label in gold),
        ))
    return Tally(np.array(rows, dtype=float).reshape(-1, 3))


# ---------------------------------------------------------------- example-based F1


def example_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    rows = []
    for prediction, reference in zip(predictions, references):
        gold = _label_set(reference)
        if prediction is None:
            rows.append((0.0, 0.0, 0.0, 1.0))
            continue
        predicted = _label_set(prediction)
        rows.append((*_example_precision_recall(predicted, gold), 1.0))
    stats = np.array(rows, dtype=float).reshape(-1, 4)
    return Tally(stats)


def _example_precision_recall(predicted: set[Any], gold: set[Any]) -> tuple[float, float, float]:
    if not predicted and not gold:
        return 1.0, 1.0, 1.0
    if not predicted or not gold:
        return 0.0, 0.0, 0.0
    common = len(predicted & gold)
    precision, recall = common / len(predicted), common / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def example_f1_blue_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    """BLUE's ``eval_hoc``: P = 0 for an empty prediction; a document without a gold label is
    left out (the published scorer divides by its gold count and stops there)."""
    check_lengths(predictions, references)
    rows = []
    for prediction, reference in zip(predictions, references):
        gold, predicted = _label_set(reference), _label_set(prediction)
        if not gold:
            rows.append((0.0, 0.0, 0.0, 0.0))
            continue
        common = len(predicted & gold)
        precision = common / len(predicted) if predicted else 0.0
        recall = common / len(gold)
        f1 = 2 * precision * recall / (precision + recall) if common else 0.0
        rows.append((precision, recall, f1, 1.0))
    stats = np.array(rows, dtype=float).reshape(-1, 4)
    left_out = int(np.sum(stats[:, 3] == 0))
    note = f"{left_out} documents without a gold label left out (BLUE's scorer cannot score them)" if left_out else ""
    return Tally(stats, note=note)


def example_f1_value(totals: np.ndarray) -> np.ndarray:
    precision = safe_divide(totals[..., 0], totals[..., 3])
    recall = safe_divide(totals[..., 1], totals[..., 3])
    f1 = np.nan_to_num(safe_divide(2 * precision * recall, precision + recall))
    return np.where(totals[..., 3] == 0, np.nan, f1)


def example_f1_summary(totals: np.ndarray) -> dict[str, Any]:
    return {
        "precision": _maybe(safe_divide(totals[0], totals[3])),
        "recall": _maybe(safe_divide(totals[1], totals[3])),
        "mean_example_f1": _maybe(safe_divide(totals[2], totals[3])),
    }


# ---------------------------------------------------------------- helpers


def _label_set(value: Any) -> set[Any]:
    if value is None:
        return set()
    if isinstance(value, (set, frozenset, list, tuple)):
        return set(value)
    return {value}


def _classes(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> tuple[list[Any], str]:
    """Classes scored: option ``labels`` (else every label seen) minus option ``negative``.

    A gold label outside option ``labels`` means references and options name labels
    differently (e.g. answer words against label codes): no class is scored, so the metric is
    undefined, and the returned note says why.
    """
    negative = options.get("negative")
    labels = option_labels(options)
    if labels is None:
        seen: set[Any] = set()
        for value in _chain(predictions, references):
            seen |= _label_set(value)
        labels = sorted(seen, key=str)
    else:
        problem = _stray_reference_label(references, {*labels, negative})
        if problem:
            return [], problem
    return [label for label in labels if label != negative], ""


def _stray_reference_label(references: Sequence[Any], known: set[Any]) -> str:
    for reference in references:
        strays = _label_set(reference) - known
        if strays:
            return (
                f"gold label {min(strays, key=str)!r} is not in the 'labels' option "
                f"{sorted(map(str, known - {None}))}: references and options name labels differently"
            )
    return ""


def _chain(*sequences: Sequence[Any]) -> Iterable[Any]:
    for sequence in sequences:
        yield from sequence


def _maybe(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number
