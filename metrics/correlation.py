"""Pearson correlation of generated numbers with gold scores (BIOSSES, as BigBIO and BLUE).

Shapes: a prediction is a ``float`` (the number read from the output) or ``None`` (no number
could be read); a reference is a ``float``. Examples whose output could not be cast to a number
are left out of the correlation and counted (``Score.n_unparsed``); they are not scored as 0,
which would make r depend on an arbitrary stand-in value.

r is undefined (None) with fewer than two scored examples or when either side is constant,
which is the case of a majority baseline (one constant prediction); comparisons against such
a baseline use r = 0 for it.

For the bootstrap the statistic is written as sums: per example (1, x, y, x*x, y*y, x*y) with
x and y centred on their means over the scored examples (r does not change under a shift, and
centring keeps the sums accurate to ~1e-15).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import Options, Tally, check_lengths

_CONSTANT = 1e-12  # a variance below this fraction of the sum of squares is zero (constant)


def pearson_tally(predictions: Sequence[Any], references: Sequence[Any], options: Options) -> Tally:
    check_lengths(predictions, references)
    valid = np.array([_is_number(p) for p in predictions], dtype=bool)
    x = np.array([float(p) if ok else 0.0 for p, ok in zip(predictions, valid)], dtype=float)
    y = np.array([float(r) for r in references], dtype=float)
    if valid.any():
        x = np.where(valid, x - x[valid].mean(), 0.0)
        y = np.where(valid, y - y[valid].mean(), 0.0)
    weight = valid.astype(float)
    stats = np.stack([weight, x, y, x * x, y * y, x * y], axis=1) if len(x) else np.zeros((0, 6))
    return Tally(stats, {"n_scored": int(valid.sum())})


def pearson_value(totals: np.ndarray) -> np.ndarray:
    n, sx, sy, sxx, syy, sxy = (totals[..., i] for i in range(6))
    with np.errstate(divide="ignore", invalid="ignore"):
        n_safe = np.where(n > 0, n, 1.0)
        vx = sxx - sx * sx / n_safe
        vy = syy - sy * sy / n_safe
        cov = sxy - sx * sy / n_safe
        constant = (vx <= _CONSTANT * np.maximum(sxx, 1e-300)) | (vy <= _CONSTANT * np.maximum(syy, 1e-300))
        r = cov / np.sqrt(np.where(constant, 1.0, vx * vy))
    r = np.clip(r, -1.0, 1.0)
    return np.where((n < 2) | constant, np.nan, r)


def pearson(predictions: Sequence[float | None], references: Sequence[float]) -> float | None:
    """Pearson's r over the examples whose output could be read as a number."""
    value = float(pearson_value(pearson_tally(predictions, references, {}).stats.sum(axis=0)))
    return None if math.isnan(value) else value


def _is_number(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
