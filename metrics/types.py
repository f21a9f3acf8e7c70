"""The values metrics work on: parsed predictions and scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Prediction:
    """A model output turned into the task's prediction type, or a recorded parse failure."""

    value: Any | None  # None when the output could not be parsed
    raw: str
    error: str | None = None  # why it could not be parsed (or the backend's error)

    @property
    def parsed(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Score:
    """One metric over a set of examples, with its bootstrap interval and parse failures."""

    metric: str
    value: float | None  # None where the metric is undefined (e.g. Pearson of a constant)
    n: int
    n_unparsed: int = 0
    ci_low: float | None = None
    ci_high: float | None = None
    note: str = ""
