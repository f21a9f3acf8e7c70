"""Pearson correlation of generated numbers with gold scores."""

from __future__ import annotations

import math
from collections.abc import Sequence


def pearson(predictions: Sequence[float | None], references: Sequence[float]) -> float | None:
    """Pearson's r over the examples whose output could be read as a number.

    Undefined (None) with fewer than two such examples or when either side is constant.
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    pairs = [(float(p), float(r)) for p, r in zip(predictions, references) if p is not None]
    if len(pairs) < 2:
        return None
    xs, ys = zip(*pairs)
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if sxx == 0.0 or syy == 0.0:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))
