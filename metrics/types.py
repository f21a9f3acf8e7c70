"""The values metrics work on: parsed predictions, entity mentions, scores and comparisons.

Shapes of predictions and references, by output kind (what ``Prediction.value`` holds):

- ``label``: ``str``, one of the answer choices.
- ``number``: ``float``.
- ``label_list``: ``frozenset[str]`` of answer choices (multi-label, e.g. HoC); empty = none.
- ``entity_list``: ``tuple[str, ...]`` of mention strings, in output order, repeats kept.
- ``typed_entities`` / ``tagged_entities``: ``tuple[tuple[type, text], ...]``.
- ``spans``: ``tuple[Span, ...]``; offsets are character offsets, end exclusive (or token
  indices, as long as predictions and references agree).
- ``token_labels``: ``tuple[str, ...]``, one label per whitespace token ("O" outside).

A reference has the same shape as the prediction its metric reads, except that entity metrics
also take an :class:`AnnotatedText` (the source text and its gold spans), which lets generated
strings be aligned to offsets. JSON round trips are tolerated: lists for tuples, ``[type, text]``
pairs, ``[start, end, type]`` triples and ``{"start", "end", "type"}`` objects are read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Prediction:
    """A model output turned into the task's prediction type, or a recorded parse failure.

    ``error`` set and ``value`` None: nothing could be read (scored as wrong, see each metric).
    ``error`` set and ``value`` not None: partly read (e.g. a label list with one unknown item):
    the readable part is scored, and the example still counts as unparsed.
    """

    value: Any | None  # None when the output could not be parsed
    raw: str
    error: str | None = None  # why it could not be (fully) parsed, or the backend's error

    @property
    def parsed(self) -> bool:
        return self.error is None


class Span(NamedTuple):
    """An entity mention by offsets: ``[start, end)`` with its type (JSON: [start, end, type])."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class AnnotatedText:
    """A gold reference for entity metrics: the source text and its gold mentions by offsets."""

    text: str
    spans: tuple[Span, ...]

    def mention_text(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(frozen=True)
class Score:
    """One metric over a set of examples, with its bootstrap interval and parse failures.

    ``n`` counts every example; ``n_unparsed`` those whose output could not be (fully) read.
    ``details`` holds metric-specific extras: precision and recall, per-type figures for NER,
    per-class F1, how many bootstrap resamples were undefined, how mentions were matched.
    """

    metric: str
    value: float | None  # None where the metric is undefined (e.g. Pearson of a constant)
    n: int
    n_unparsed: int = 0
    ci_low: float | None = None
    ci_high: float | None = None
    note: str = ""
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Comparison:
    """A model's score against a baseline's on the same examples, with a paired test."""

    metric: str
    model: float | None
    baseline: float | None
    delta: float | None  # model - baseline
    p_value: float | None  # two-sided
    method: str  # "exact McNemar" or "paired bootstrap"
    n: int
    ci_low: float | None = None  # percentile bootstrap interval of the delta
    ci_high: float | None = None
    note: str = ""
    higher_is_better: bool = True  # False: the model is better when its delta is negative (an MSE)

    @property
    def gain(self) -> float | None:
        """The delta signed so that positive means the model is better."""
        if self.delta is None:
            return None
        return self.delta if self.higher_is_better else -self.delta

    def beats_baseline(self, alpha: float = 0.05) -> bool:
        """True when the model is better and the difference is significant at ``alpha``."""
        gain = self.gain
        return gain is not None and self.p_value is not None and gain > 0 and self.p_value < alpha

    def summary(self, alpha: float = 0.05) -> str:
        if self.delta is None or self.p_value is None:
            return f"no comparison possible ({self.note or 'undefined score'})"
        if self.beats_baseline(alpha):
            verdict = "beats the baseline"
        elif (self.gain or 0.0) < 0 and self.p_value < alpha:
            verdict = "is worse than the baseline"
        else:
            verdict = "is not distinguishable from the baseline"
        return f"{verdict} (delta={self.delta:+.4f}, p={self.p_value:.3g}, {self.method})"


@dataclass(frozen=True)
class MetricOptions:
    """What label-based metrics need to know of a view, in the labels its outputs use.

    ``negative``: the class micro-F1 leaves out (RE's "no relation"); ``labels``: the label set
    (classes in a prompt's wording, or entity types / PICO classes). JSON: ``{"negative",
    "labels"}``, the form metrics read as their ``options``.
    """

    negative: str | None = None
    labels: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"negative": self.negative, "labels": list(self.labels)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> MetricOptions:
        value = value or {}
        negative = value.get("negative")
        return cls(
            negative=None if negative is None else str(negative),
            labels=tuple(str(label) for label in value.get("labels") or ()),
        )
