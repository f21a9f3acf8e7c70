"""Metric names: bioeval's, and the PromptSource names prompt files use for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bioeval.errors import UnknownNameError
from bioeval.metrics.classification import accuracy
from bioeval.metrics.correlation import pearson

MetricFn = Callable[[Sequence[Any], Sequence[Any]], "float | None"]

METRICS: dict[str, MetricFn] = {
    "accuracy": accuracy,
    "pearson": pearson,
}

PROMPTSOURCE_NAMES: dict[str, str] = {
    "Accuracy": "accuracy",
    "Pearson Correlation": "pearson",
}

OUTPUT_KIND: dict[str, str] = {
    "accuracy": "label",
    "pearson": "number",
}
"""Which parser reads a generated output for a metric (classification prompts: "label")."""


def metric(name: str) -> MetricFn:
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownNameError("metric", name, METRICS) from None


def from_promptsource(name: str) -> str:
    """bioeval's metric name for a PromptSource metadata metric name (or a bioeval name)."""
    if name in METRICS:
        return name
    try:
        return PROMPTSOURCE_NAMES[name]
    except KeyError:
        raise UnknownNameError("metric", name, list(PROMPTSOURCE_NAMES) + list(METRICS)) from None
