"""Accuracy over single labels."""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def accuracy(predictions: Sequence[Hashable | None], references: Sequence[Hashable]) -> float | None:
    """Fraction of exact matches; an unparsed prediction (None) counts as wrong."""
    _same_length(predictions, references)
    if not references:
        return None
    return sum(p is not None and p == r for p, r in zip(predictions, references)) / len(references)


def _same_length(predictions: Sequence[object], references: Sequence[object]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
