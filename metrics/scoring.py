"""Scores with bootstrap intervals, and paired comparisons of a model with a baseline.

``score`` computes a metric on all examples and a percentile bootstrap interval: examples are
resampled with replacement ``n_boot`` times (NumPy generator seeded with ``seed``, so the same
inputs and seed give the same interval), the metric is recomputed on each resample from the
per-example statistics (a matrix product, see ``bioeval.metrics.base``), and the interval is
the (1 - confidence) / 2 and (1 + confidence) / 2 percentiles of the resampled values that are
defined (the number of undefined resamples is in ``details``).

``compare`` pairs a model with a baseline on the same examples. Accuracy uses the exact
McNemar test (two-sided binomial test, p = 0.5, on the examples where exactly one of the two is
right; p = 1 when there are none). Every other metric uses a paired bootstrap: both are
recomputed on the same resamples; the two-sided p-value is twice the smaller share of resampled
differences at or beyond zero, each share counted as (k + 1) / (n_boot + 1), capped at 1. Both
also give a percentile bootstrap interval of the difference.

Unparsed predictions count as each metric documents (``MetricSpec.unparsed``); their number
is always reported in ``Score.n_unparsed``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from bioeval.metrics.base import MetricSpec, Options, Tally, as_float
from bioeval.metrics.registry import metric as metric_by_name
from bioeval.metrics.types import Comparison, Prediction, Score

CELLS_PER_CHUNK = 2_000_000  # resample-count matrix cells held at once (16 MB of float64)


def score(
    metric: str | MetricSpec,
    predictions: Sequence[Prediction | Any],
    references: Sequence[Any],
    *,
    options: Options | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Score:
    """The metric on all examples, its bootstrap interval, and the unparsed count."""
    spec = _spec(metric)
    values, n_unparsed = prediction_values(predictions)
    _check_references(references)
    tally = spec.tally(values, references, dict(options or {}))
    totals = tally.stats.sum(axis=0)
    value = as_float(spec.value(totals))
    details: dict[str, Any] = dict(tally.details)
    if spec.summary is not None and len(references):
        details.update(spec.summary(totals))
    ci_low = ci_high = None
    if value is not None and n_boot > 0 and len(references) > 1:
        (resampled,) = bootstrap_totals([tally.stats], n_boot, seed)
        boot_values = spec.value(resampled)
        ci_low, ci_high = percentile_interval(boot_values, confidence)
        details["n_boot"] = n_boot
        details["n_boot_undefined"] = int(np.isnan(boot_values).sum())
    notes = [tally.note] if tally.note else []
    if n_unparsed:
        notes.append(f"{n_unparsed} unparsed {spec.unparsed}")
    if value is None:
        notes.append("undefined on these examples")
    return Score(
        metric=spec.name,
        value=value,
        n=len(references),
        n_unparsed=n_unparsed,
        ci_low=ci_low,
        ci_high=ci_high,
        note="; ".join(notes),
        details=details,
    )


def compare(
    metric: str | MetricSpec,
    model_predictions: Sequence[Prediction | Any],
    baseline_predictions: Sequence[Prediction | Any],
    references: Sequence[Any],
    *,
    options: Options | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Comparison:
    """Model versus baseline on the same examples: difference, interval and p-value."""
    spec = _spec(metric)
    if not len(model_predictions) == len(baseline_predictions) == len(references):
        raise ValueError(
            f"{len(model_predictions)} model and {len(baseline_predictions)} baseline predictions "
            f"for {len(references)} references"
        )
    _check_references(references)
    model_values, _ = prediction_values(model_predictions)
    baseline_values, _ = prediction_values(baseline_predictions)
    model_tally, baseline_tally = _paired_tallies(spec, model_values, baseline_values, references, options)
    notes: list[str] = []
    model = _point(spec, model_tally, "model", notes)
    baseline = _point(spec, baseline_tally, "baseline", notes)
    n = len(references)
    if model is None or baseline is None or n < 2:
        return Comparison(spec.name, model, baseline, None, None, "none", n, note="; ".join(notes) or "too few examples")
    resampled_model, resampled_baseline = bootstrap_totals([model_tally.stats, baseline_tally.stats], n_boot, seed)
    deltas = _defined(spec, spec.value(resampled_model)) - _defined(spec, spec.value(resampled_baseline))
    ci_low, ci_high = percentile_interval(deltas, confidence)
    test = PAIRED_TESTS.get(spec.name, _bootstrap_p_value)
    method, p_value = test(model_tally, baseline_tally, deltas)
    return Comparison(
        metric=spec.name,
        model=model,
        baseline=baseline,
        delta=model - baseline,
        p_value=p_value,
        method=method,
        n=n,
        ci_low=ci_low,
        ci_high=ci_high,
        note="; ".join(notes),
        higher_is_better=spec.higher_is_better,
    )


def bootstrap_totals(stats: Sequence[np.ndarray], n_boot: int, seed: int) -> list[np.ndarray]:
    """Column totals of each per-example statistics array over the same ``n_boot`` resamples."""
    n = stats[0].shape[0]
    widths = [s.shape[1] for s in stats]
    joined = np.hstack([np.asarray(s, dtype=float) for s in stats])
    out = np.empty((n_boot, joined.shape[1]))
    start = 0
    for counts in example_counts(n, n_boot, np.random.default_rng(seed)):
        out[start : start + len(counts)] = counts @ joined
        start += len(counts)
    edges = np.cumsum([0, *widths])
    return [out[:, a:b] for a, b in itertools.pairwise(edges)]


def example_counts(n: int, n_boot: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Chunks of bootstrap resamples of ``n`` examples, as counts of shape (rounds, n): how often
    each example is drawn in each round (``CELLS_PER_CHUNK`` cells at a time)."""
    chunk = max(1, min(n_boot, CELLS_PER_CHUNK // max(n, 1)))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        picks = rng.integers(0, n, size=(size, n))
        flat = (picks + (np.arange(size) * n)[:, None]).ravel()
        yield np.bincount(flat, minlength=size * n).reshape(size, n).astype(float)


def prediction_values(predictions: Sequence[Prediction | Any]) -> tuple[list[Any], int]:
    """The values metrics read (None for unparsed), and how many predictions carry an error."""
    values, n_unparsed = [], 0
    for prediction in predictions:
        if isinstance(prediction, Prediction):
            values.append(prediction.value)
            n_unparsed += prediction.error is not None
        else:
            values.append(prediction)
            n_unparsed += prediction is None
    return values, n_unparsed


# ---------------------------------------------------------------- paired tests


def _mcnemar_exact(model: Tally, baseline: Tally, deltas: np.ndarray) -> tuple[str, float]:
    model_right = model.stats[:, 0] > 0
    baseline_right = baseline.stats[:, 0] > 0
    return "exact McNemar", mcnemar_exact(model_right, baseline_right)


def mcnemar_exact(a_right: np.ndarray, b_right: np.ndarray) -> float:
    """Exact McNemar p-value of two paired right/wrong vectors: a two-sided binomial test
    (p = 0.5) on the examples exactly one of the two got right; 1 when there are none."""
    from scipy.special import bdtr  # binomial CDF: scipy.special loads far faster than scipy.stats

    a_right, b_right = np.asarray(a_right, dtype=bool), np.asarray(b_right, dtype=bool)
    only_a = int(np.sum(a_right & ~b_right))
    only_b = int(np.sum(~a_right & b_right))
    if only_a + only_b == 0:
        return 1.0
    # Binomial(n, 1/2) is symmetric: the two-sided exact p is twice the smaller tail, capped at 1
    return float(min(1.0, 2 * bdtr(min(only_a, only_b), only_a + only_b, 0.5)))


def _bootstrap_p_value(model: Tally, baseline: Tally, deltas: np.ndarray) -> tuple[str, float]:
    p_value = bootstrap_p_value(deltas)
    return "paired bootstrap", float("nan") if p_value is None else p_value


def bootstrap_p_value(deltas: np.ndarray) -> float | None:
    """Two-sided bootstrap p-value of "no difference": twice the smaller share of resampled
    differences at or beyond zero, each share (k + 1) / (B + 1), capped at 1; None when no
    resampled difference is defined."""
    deltas = np.asarray(deltas, dtype=float)
    defined = deltas[~np.isnan(deltas)]
    if not len(defined):
        return None
    at_or_below = (np.sum(defined <= 0) + 1) / (len(defined) + 1)
    at_or_above = (np.sum(defined >= 0) + 1) / (len(defined) + 1)
    return float(min(1.0, 2 * min(at_or_below, at_or_above)))


PAIRED_TESTS = {"accuracy": _mcnemar_exact}
"""Metric name -> its paired test; metrics not listed use the paired bootstrap."""


# ---------------------------------------------------------------- helpers


def _spec(metric: str | MetricSpec) -> MetricSpec:
    return metric if isinstance(metric, MetricSpec) else metric_by_name(metric)


def _check_references(references: Sequence[Any]) -> None:
    missing = [i for i, reference in enumerate(references) if reference is None]
    if missing:
        raise ValueError(f"{len(missing)} examples have no reference (first at position {missing[0]})")


def _paired_tallies(
    spec: MetricSpec,
    model_values: list[Any],
    baseline_values: list[Any],
    references: Sequence[Any],
    options: Options | None,
) -> tuple[Tally, Tally]:
    """Tallies of both sides over the same classes (the union of the classes each side saw)."""
    opts: dict[str, Any] = dict(options or {})
    model_tally = spec.tally(model_values, references, opts)
    baseline_tally = spec.tally(baseline_values, references, opts)
    model_classes = model_tally.details.get("classes")
    baseline_classes = baseline_tally.details.get("classes")
    if model_classes is not None and baseline_classes is not None and model_classes != baseline_classes:
        opts["labels"] = sorted(set(model_classes) | set(baseline_classes), key=str)
        model_tally = spec.tally(model_values, references, opts)
        baseline_tally = spec.tally(baseline_values, references, opts)
    return model_tally, baseline_tally


def _point(spec: MetricSpec, tally: Tally, side: str, notes: list[str]) -> float | None:
    value = as_float(spec.value(tally.stats.sum(axis=0)))
    if value is None and spec.undefined_as is not None:
        notes.append(f"{side} score undefined (e.g. constant predictions), taken as {spec.undefined_as}")
        return spec.undefined_as
    return value


def _defined(spec: MetricSpec, values: np.ndarray) -> np.ndarray:
    if spec.undefined_as is None:
        return values
    return np.where(np.isnan(values), spec.undefined_as, values)


def percentile_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """The percentile interval of the defined (non-NaN) values; (None, None) when none is."""
    values = np.asarray(values, dtype=float)
    defined = values[~np.isnan(values)]
    if not len(defined):
        return None, None
    tail = (1.0 - confidence) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)

