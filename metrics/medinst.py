"""MedINST32's scoring rules (MedINST, arXiv 2410.13458), re-implemented from their description.

Predictions and references are the raw output strings (output kind ``text``); an unparsed
prediction (``None``: no output at all) is scored as the empty string. Every rule is a mean of
per-example scores except the two corpus-level F1s (label macro-F1, B/I/O tag F1).

- ``rougeL``: ROUGE-L F-measure with Porter stemming (rouge-score), per example, averaged.
- ``squad_f1`` / ``squad_em``: SQuAD v1.1 word F1 and exact match after its normalisation
  (lower case, punctuation removed, the articles a / an / the removed, whitespace collapsed),
  per example, averaged. As in SQuAD v1.1, F1 is 0 when the two share no word, so two outputs
  that are both empty after normalisation score F1 0 and EM 1.
- ``label_macro_f1``: the whole normalised output is the label; classes are the set of
  normalised gold outputs of the scored examples; an output outside them is a miss for its gold
  class and a false positive for none; unweighted mean of per-class F1.
- ``bracket_entity_f1``: items are the text inside each outermost ``[...]`` (nested brackets and
  a ``<type>`` inside kept), each normalised; multiset precision / recall / F1 per example,
  averaged. Quirks kept: an example with neither gold nor predicted items scores 0; an unclosed
  ``[`` yields no item; text outside brackets is ignored.
- ``hoc_label_f1``: the same per-example multiset F1 over the labels of ``text.split(", ")``,
  each lower-cased and stripped (Python's split: an empty output is one empty label, so an empty
  output against an empty gold scores 1).
- ``bio_tag_f1``: the ``[B]`` / ``[I]`` / ``[O]`` tags of each output in order; the prediction is
  padded with a non-tag (always a miss) or cut to the gold's length; positions pooled over all
  examples; macro-F1 over B, I and O, the tags the gold holds (all three in practice; a tag
  only predicted is no class, as scikit-learn's ``labels=sorted(set(gold))``).
- ``biosses_mse``: mean squared error of the similarity scores, lower is better; an output or
  gold that does not hold exactly one integer from 0 to 5 counts as a squared error of 25.
  Integers are runs of digits, each value counted once: "3 or 3" holds one integer, "3.5" two
  (3 and 5), "-1" the integer 1.
"""

from __future__ import annotations

import functools
import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import Options, Tally, check_lengths, f1_from_counts, safe_divide
from bioeval.metrics.classification import macro_f1_tally

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = frozenset(string.punctuation)
_TAG = re.compile(r"\[([BIO])\]")
_DIGITS = re.compile(r"\d+")
TAGS = ("B", "I", "O")
PAD = "N"  # what a short tag sequence is padded with: no tag, so always a miss
BIOSSES_PENALTY = 25.0
BIOSSES_RANGE = (0, 5)


def normalize(text: str) -> str:
    """SQuAD v1.1's answer normalisation."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def mean_value(totals: np.ndarray) -> np.ndarray:
    return safe_divide(totals[..., 0], totals[..., 1])


def _per_example(scores: Sequence[float]) -> Tally:
    return Tally(np.array([(s, 1.0) for s in scores], dtype=float).reshape(-1, 2))


# ---------------------------------------------------------------- ROUGE-L, SQuAD F1 / EM


@functools.lru_cache(maxsize=1)
def _rouge_l() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def rouge_l_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    scorer = _rouge_l()
    return _per_example(
        [scorer.score(_text(r), _text(p))["rougeL"].fmeasure for p, r in zip(predictions, references)]
    )


def squad_f1(prediction: str, reference: str) -> float:
    predicted, gold = normalize(prediction).split(), normalize(reference).split()
    common = sum((Counter(predicted) & Counter(gold)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def squad_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    return _per_example([squad_f1(_text(p), _text(r)) for p, r in zip(predictions, references)])


def squad_em_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    return _per_example(
        [float(normalize(_text(p)) == normalize(_text(r))) for p, r in zip(predictions, references)]
    )


# ---------------------------------------------------------------- label macro-F1


def label_macro_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    gold = [normalize(_text(r)) for r in references]
    predicted = [normalize(_text(p)) for p in predictions]
    return macro_f1_tally(predicted, gold, {"labels": sorted(set(gold))})


# ---------------------------------------------------------------- bracketed items, HoC labels


def bracket_items(text: str) -> list[str]:
    """The text inside each outermost ``[...]``, in order (an unclosed ``[`` yields nothing)."""
    items: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == "[":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == "]" and depth > 0:
            depth -= 1
            if depth == 0:
                items.append(text[start:index])
    return items


def multiset_f1(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) of two multisets; 0 where either is empty (both empty included)."""
    if not predicted or not gold:
        return 0.0, 0.0, 0.0
    common = sum((Counter(predicted) & Counter(gold)).values())
    if common == 0:
        return 0.0, 0.0, 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def _items_tally(predictions: Sequence[Any], references: Sequence[Any], split: Any) -> Tally:
    check_lengths(predictions, references)
    rows = []
    for prediction, reference in zip(predictions, references):
        predicted, gold = split(_text(prediction)), split(_text(reference))
        precision, recall, f1 = multiset_f1(predicted, gold)
        rows.append((f1, 1.0, precision, recall))
    return Tally(np.array(rows, dtype=float).reshape(-1, 4))


def bracket_entities(text: str) -> list[str]:
    return [normalize(item) for item in bracket_items(text)]


def bracket_entity_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    return _items_tally(predictions, references, bracket_entities)


def hoc_labels(text: str) -> list[str]:
    """HoC's labels: ``text.split(", ")``, each lower-cased and stripped (not SQuAD-normalised)."""
    return [label.lower().strip() for label in text.split(", ")]


def hoc_label_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    return _items_tally(predictions, references, hoc_labels)


def items_summary(totals: np.ndarray) -> dict[str, Any]:
    precision, recall = safe_divide(totals[2:4], totals[1])
    return {"mean_precision": _maybe(precision), "mean_recall": _maybe(recall)}


# ---------------------------------------------------------------- B / I / O tags


def tags(text: str) -> list[str]:
    return _TAG.findall(text)


def bio_tag_f1_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    """One row per example: (tp, predicted, gold) per tag, over its gold-length positions."""
    check_lengths(predictions, references)
    rows = []
    for prediction, reference in zip(predictions, references):
        gold = tags(_text(reference))
        predicted = (tags(_text(prediction)) + [PAD] * len(gold))[: len(gold)]
        rows.append(macro_f1_tally(predicted, gold, {"labels": TAGS}).stats.sum(axis=0))
    return Tally(np.array(rows, dtype=float).reshape(-1, 3 * len(TAGS)), {"classes": list(TAGS)})


def bio_tag_f1_value(totals: np.ndarray) -> np.ndarray:
    """Mean F1 over the tags the gold holds (scikit-learn's ``labels=sorted(set(gold))``)."""
    counts = totals.reshape(totals.shape[:-1] + (len(TAGS), 3))
    f1 = np.nan_to_num(f1_from_counts(counts[..., 0], counts[..., 1], counts[..., 0], counts[..., 2]))
    present = counts[..., 2] > 0
    return safe_divide((f1 * present).sum(axis=-1), present.sum(axis=-1))


# ---------------------------------------------------------------- BIOSSES


def biosses_score(text: str) -> int | None:
    """The one integer 0-5 ``text`` holds, else None. Integers are runs of digits, counted once
    each ("3 or 3" holds one; "3.5" holds two; "-1" holds 1)."""
    numbers = {int(digits) for digits in _DIGITS.findall(text)}
    if len(numbers) != 1:
        return None
    (value,) = numbers
    low, high = BIOSSES_RANGE
    return value if low <= value <= high else None


def biosses_squared_error(prediction: str, reference: str) -> float:
    predicted, gold = biosses_score(prediction), biosses_score(reference)
    if predicted is None or gold is None:
        return BIOSSES_PENALTY
    return float((predicted - gold) ** 2)


def biosses_mse_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    return _per_example(
        [biosses_squared_error(_text(p), _text(r)) for p, r in zip(predictions, references)]
    )


def _maybe(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number

