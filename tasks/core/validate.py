"""BigBIO's integrity checks, run on every load.

Unique ids, every relation / event / coreference argument resolvable, every entity offset
slice of the document text equal to its mention text, labels (entity types for KB views) inside
the declared set. The first problem is reported with the file, the document id and the offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import (
    EntailRecord,
    KBRecord,
    PairsRecord,
    QARecord,
    Record,
    Span,
    TextRecord,
)


def validate_records(
    records: Sequence[Record], origin: Path | str, labels: Iterable[str] | None = None
) -> None:
    """Raise DataFileError naming ``origin`` at the first integrity problem."""
    allowed = set(labels) if labels is not None else None
    seen: set[str] = set()
    for record in records:
        if not record.id:
            raise DataFileError(origin, "a record has an empty id")
        if record.id in seen:
            raise DataFileError(origin, f"duplicate record id {record.id!r}")
        seen.add(record.id)
        if isinstance(record, KBRecord):
            check_kb(record, origin)
        if allowed is not None:
            for label in record_labels(record):
                if label not in allowed:
                    raise DataFileError(
                        origin,
                        f"record {record.id!r}: label {label!r} is not one of {sorted(allowed)}",
                    )


def record_labels(record: Record) -> tuple[str, ...]:
    """The class labels a record carries: classes, or entity types for KB (NER) records."""
    if isinstance(record, KBRecord):
        return tuple(entity.type for entity in record.entities)
    if isinstance(record, (PairsRecord, EntailRecord)):
        return (record.label,)
    if isinstance(record, TextRecord):
        return record.labels
    if isinstance(record, QARecord) and record.choices:
        return record.answer
    return ()


def check_kb(record: KBRecord, origin: Path | str) -> None:
    text = record.text
    doc = record.document_id
    for passage in record.passages:
        _check_spans(text, passage.text, passage.offsets, origin, doc, f"passage {passage.id}")
    ids: set[str] = set()
    for item_id in _all_ids(record):
        if item_id in ids:
            raise DataFileError(origin, f"document {doc}: duplicate annotation id {item_id!r}")
        ids.add(item_id)
    entity_ids = {entity.id for entity in record.entities}
    for entity in record.entities:
        _check_spans(text, entity.text, entity.offsets, origin, doc, f"entity {entity.id}")
    argument_ids = entity_ids | {event.id for event in record.events}
    for relation in record.relations:
        for arg in (relation.arg1_id, relation.arg2_id):
            if arg not in argument_ids:
                raise DataFileError(
                    origin, f"document {doc}: relation {relation.id} refers to unknown id {arg!r}"
                )
    for event in record.events:
        _check_spans(
            text, event.trigger_text, event.trigger_offsets, origin, doc, f"event {event.id}"
        )
        for argument in event.arguments:
            if argument.ref_id not in argument_ids:
                raise DataFileError(
                    origin,
                    f"document {doc}: event {event.id} refers to unknown id {argument.ref_id!r}",
                )
    for coref in record.coreferences:
        for entity_id in coref.entity_ids:
            if entity_id not in entity_ids:
                raise DataFileError(
                    origin,
                    f"document {doc}: coreference {coref.id} refers to unknown id {entity_id!r}",
                )


def _all_ids(record: KBRecord) -> Iterable[str]:
    yield from (passage.id for passage in record.passages)
    yield from (entity.id for entity in record.entities)
    yield from (relation.id for relation in record.relations)
    yield from (event.id for event in record.events)
    yield from (coref.id for coref in record.coreferences)


def _check_spans(
    text: str,
    pieces: tuple[str, ...],
    offsets: tuple[Span, ...],
    origin: Path | str,
    doc: str,
    what: str,
) -> None:
    if len(pieces) == len(offsets):
        pairs = list(zip(offsets, pieces))
    else:  # BigBIO allows one text for a discontinuous span: compare the joined slices
        pairs = [((offsets[0][0], offsets[-1][1]), " ".join(pieces))] if offsets else []
        joined = " ".join(text[start:end] for start, end in offsets)
        if joined != " ".join(pieces):
            raise DataFileError(
                origin,
                f"document {doc}: {what} at {list(offsets)} reads {joined!r} "
                f"but is annotated as {' '.join(pieces)!r}",
            )
        return
    for (start, end), piece in pairs:
        if not 0 <= start <= end <= len(text):
            raise DataFileError(
                origin,
                f"document {doc}: {what} offsets {start}-{end} fall outside the text "
                f"(length {len(text)})",
            )
        if text[start:end] != piece:
            raise DataFileError(
                origin,
                f"document {doc}: {what} at {start}-{end} reads {text[start:end]!r} "
                f"but is annotated as {piece!r}",
            )
