"""Gold answers read off records, and the JSON form of gold and prediction values.

An entity prompt's output is scored against the annotated mentions of the record (its text and
gold spans), not against the prompt's rendered target, so a target that cannot list a mention
faithfully (a span holding the list separator) costs nothing. Which reader a task type uses is
declared in ``bioeval.task_types``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bioeval.metrics.types import AnnotatedText, Span
from bioeval.tasks.core.schemas import (
    EntailRecord,
    InstructionRecord,
    KBRecord,
    PairsRecord,
    QARecord,
    Record,
    TextRecord,
)


def single_label(record: Record) -> str:
    if isinstance(record, QARecord):
        return record.answer[0]
    if isinstance(record, (EntailRecord, PairsRecord)):
        return record.label
    if isinstance(record, TextRecord):
        return record.labels[0]
    raise TypeError(f"no single label on a {type(record).__name__}")


def score_value(record: Record) -> float:
    if not isinstance(record, PairsRecord):
        raise TypeError(f"no score on a {type(record).__name__}")
    return float(record.label)


def label_set(record: Record) -> frozenset[str]:
    if not isinstance(record, TextRecord):
        raise TypeError(f"no label set on a {type(record).__name__}")
    return frozenset(record.labels)


def output_text(record: Record) -> str:
    if not isinstance(record, InstructionRecord):
        raise TypeError(f"no published output on a {type(record).__name__}")
    return record.output


def annotated_text(record: Record) -> AnnotatedText:
    if not isinstance(record, KBRecord):
        raise TypeError(f"no annotated text on a {type(record).__name__}")
    spans = tuple(
        Span(start, end, entity.type) for entity in record.entities for start, end in entity.offsets
    )
    return AnnotatedText(record.text, spans)


def to_json(value: Any) -> Any:
    """A JSON-ready form of a gold, prediction or metric-details value (AnnotatedText as text
    and spans, sets sorted, NumPy scalars as Python numbers)."""
    if isinstance(value, AnnotatedText):
        return {"text": value.text, "spans": [list(span) for span in value.spans]}
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(to_json(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # a NumPy scalar
    return value


def annotated_from_json(value: Any) -> AnnotatedText | None:
    if isinstance(value, dict) and "text" in value and "spans" in value:
        return AnnotatedText(value["text"], tuple(Span(int(s), int(e), str(t)) for s, e, t in value["spans"]))
    return None
