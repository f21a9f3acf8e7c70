"""What every metric is made of: per-example sufficient statistics and a value from their totals.

A metric here is two pure functions. ``tally`` turns (predictions, references, options) into
one row of numbers per example (counts such as true positives, or sums such as x*y); ``value``
turns the column totals of those rows into the metric. Every metric of the three reproduced
setups decomposes this way, Pearson included (n, sums, sums of squares and products), which
is what makes bootstrap resampling a matrix product instead of a Python loop.

``value`` is vectorized: it takes an array of totals of shape (..., k) and returns shape (...),
NaN where the metric is undefined (e.g. F1 with no gold and no predicted mention).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Options = Mapping[str, Any]


@dataclass(frozen=True)
class Tally:
    """Per-example statistics of one metric on one set of examples."""

    stats: np.ndarray  # shape (n_examples, k)
    details: Mapping[str, Any] = field(default_factory=dict)  # metric-specific extras
    note: str = ""


TallyFn = Callable[[Sequence[Any], Sequence[Any], Options], Tally]
ValueFn = Callable[[np.ndarray], np.ndarray]
SummaryFn = Callable[[np.ndarray], dict[str, Any]]


@dataclass(frozen=True)
class Provenance:
    """Where a metric's definition comes from and what exactly it computes."""

    source: str  # the paper or the published code that defines it
    unit: str  # what is counted or scored: a token, a mention, a (document, label) decision ...
    averaging: str  # how units are pooled: micro, macro, mean over examples ...
    empty: str  # what an empty gold or an empty prediction scores


@dataclass(frozen=True)
class MetricSpec:
    """A registered metric: how to compute it and what the rest of bioeval needs to know."""

    name: str
    tally: TallyFn
    value: ValueFn
    output_kinds: tuple[str, ...]  # parsers whose predictions it reads; the first is the default
    description: str
    higher_is_better: bool = True
    per_example: bool = False  # the value is the mean of a per-example score (``value`` of one row)
    value_range: tuple[float, float] = (0.0, 1.0)
    options: frozenset[str] = frozenset()  # option names it reads; others are ignored
    unparsed: str = "scored as wrong"  # what an unparsed prediction counts as
    undefined_as: float | None = None  # stand-in for an undefined baseline in comparisons
    summary: SummaryFn | None = None  # extra details (precision, recall ...) from totals
    provenance: Provenance | None = None

    @property
    def output_kind(self) -> str:
        return self.output_kinds[0]

    def __call__(
        self,
        predictions: Sequence[Any],
        references: Sequence[Any],
        options: Options | None = None,
    ) -> float | None:
        """The metric on all examples (prediction values, None for unparsed)."""
        tally = self.tally(predictions, references, options or {})
        return as_float(self.value(tally.stats.sum(axis=0)))


def as_float(value: Any) -> float | None:
    """A Python float, or None for NaN (undefined)."""
    number = float(value)
    return None if np.isnan(number) else number


def check_lengths(predictions: Sequence[Any], references: Sequence[Any]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def f1_from_counts(
    tp_pred: np.ndarray, n_pred: np.ndarray, tp_gold: np.ndarray, n_gold: np.ndarray
) -> np.ndarray:
    """Harmonic mean of P = tp_pred/n_pred and R = tp_gold/n_gold.

    P (R) is taken as 0 when nothing was predicted (nothing was gold), as scikit-learn and
    seqeval do; F1 is undefined (NaN) only when there is neither a prediction nor a gold item.
    """
    precision = np.nan_to_num(safe_divide(tp_pred, n_pred))
    recall = np.nan_to_num(safe_divide(tp_gold, n_gold))
    f1 = np.nan_to_num(safe_divide(2 * precision * recall, precision + recall))
    return np.where((np.asarray(n_pred) + np.asarray(n_gold)) == 0, np.nan, f1)


def option_labels(options: Options) -> list[str] | None:
    """The ``labels`` option as a list (None when absent or empty)."""
    labels = options.get("labels")
    if labels is None:
        return None
    if isinstance(labels, str):
        raise ValueError(f"option 'labels' must be a list of labels, got {labels!r}")
    labels = list(labels)
    return labels or None
