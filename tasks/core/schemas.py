"""The BigBIO harmonized schemas as small immutable records.

Field names follow BigBIO (https://github.com/bigscience-workshop/biomedical) so that prompt
templates written for BigBIO's PromptSource fork read the same fields here. Offsets are
character offsets into the document text (see ``KBRecord.text``), end exclusive.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union


class Schema(str, enum.Enum):
    """The BigBIO schema a view's records follow."""

    KB = "kb"
    QA = "qa"
    ENTAIL = "entailment"
    PAIRS = "pairs"
    TEXT = "text"
    T2T = "t2t"
    INSTRUCTION = "instruction"  # a published instruction row (MedINST): not a BigBIO schema


class TaskType(str, enum.Enum):
    """What a view asks of a model; decides the unified prompt and default metrics."""

    NER = "NER"  # named entity recognition
    RE = "RE"  # relation extraction / classification of an entity pair
    QA = "QA"  # question answering
    MCQA = "MCQA"  # multiple-choice exam questions: options listed, one is right (MedQA, MMLU)
    NLI = "NLI"  # textual entailment
    STS = "STS"  # semantic similarity of a sentence pair
    DC = "DC"  # document / sentence classification (multi-label allowed)
    PICO = "PICO"  # PICO element extraction (token level)
    INSTRUCT = "INSTRUCT"  # follow a published instruction row as it is (MedINST32)


Span = tuple[int, int]


@dataclass(frozen=True)
class Normalization:
    db_name: str
    db_id: str


@dataclass(frozen=True)
class Passage:
    id: str
    type: str
    text: tuple[str, ...]
    offsets: tuple[Span, ...]


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    text: tuple[str, ...]
    offsets: tuple[Span, ...]
    normalized: tuple[Normalization, ...] = ()


@dataclass(frozen=True)
class Relation:
    id: str
    type: str
    arg1_id: str
    arg2_id: str
    normalized: tuple[Normalization, ...] = ()


@dataclass(frozen=True)
class EventArgument:
    role: str
    ref_id: str


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    trigger_text: tuple[str, ...]
    trigger_offsets: tuple[Span, ...]
    arguments: tuple[EventArgument, ...] = ()
    normalized: tuple[Normalization, ...] = ()


@dataclass(frozen=True)
class Coreference:
    id: str
    entity_ids: tuple[str, ...]


@dataclass(frozen=True)
class KBRecord:
    """A document with passages, entity mentions, relations, events and coreferences."""

    id: str
    document_id: str
    passages: tuple[Passage, ...]
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()
    coreferences: tuple[Coreference, ...] = ()

    @property
    def text(self) -> str:
        """The document text: passages placed at their offsets, gaps filled with spaces."""
        return document_text(self.passages)


@dataclass(frozen=True)
class QARecord:
    id: str
    question_id: str
    document_id: str
    question: str
    type: str  # yesno, multiple_choice, factoid, list, summary
    choices: tuple[str, ...]
    context: str
    answer: tuple[str, ...]


@dataclass(frozen=True)
class EntailRecord:
    id: str
    premise: str
    hypothesis: str
    label: str


@dataclass(frozen=True)
class PairsRecord:
    id: str
    document_id: str
    text_1: str
    text_2: str
    label: str


@dataclass(frozen=True)
class TextRecord:
    id: str
    document_id: str
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class T2TRecord:
    id: str
    document_id: str
    text_1: str
    text_2: str
    text_1_name: str
    text_2_name: str


@dataclass(frozen=True)
class InstructionRecord:
    """A published instruction row (MedINST's ``instruction``, ``input``, ``output`` and
    ``history``: prior ``(user, assistant)`` turns, the demonstrations of a few-shot file)."""

    id: str
    instruction: str
    input: str
    output: str
    history: tuple[tuple[str, str], ...] = ()


Record = Union[KBRecord, QARecord, EntailRecord, PairsRecord, TextRecord, T2TRecord, InstructionRecord]

RECORD_TYPES: Mapping[Schema, type] = {
    Schema.KB: KBRecord,
    Schema.QA: QARecord,
    Schema.ENTAIL: EntailRecord,
    Schema.PAIRS: PairsRecord,
    Schema.TEXT: TextRecord,
    Schema.T2T: T2TRecord,
    Schema.INSTRUCTION: InstructionRecord,
}


@dataclass(frozen=True)
class Example:
    """One harmonized record with the dataset view and split it came from."""

    dataset: str
    split: str
    record: Record
    source_line: int | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return self.record.id


def document_text(passages: tuple[Passage, ...]) -> str:
    """Rebuild a document's text from its passages' offsets (BigBIO convention)."""
    pieces: list[tuple[int, int, str]] = []
    for passage in passages:
        for (start, end), text in zip(passage.offsets, passage.text):
            pieces.append((start, end, text))
    pieces.sort()
    out: list[str] = []
    cursor = 0
    for start, _end, text in pieces:
        if start > cursor:
            out.append(" " * (start - cursor))
            cursor = start
        if start < cursor:  # overlapping passages: keep the part not yet written
            text = text[cursor - start :]
        out.append(text)
        cursor += len(text)
    return "".join(out)


def template_fields(record: Record) -> dict[str, Any]:
    """The fields a prompt template may read: BigBIO's, as plain lists and dicts.

    KB records also expose ``text`` (the whole document). This is the one place where a loose
    dict leaves a typed record, for Jinja to read.
    """
    fields = _plain(dataclasses.asdict(record))
    if isinstance(record, KBRecord):
        fields["text"] = record.text
    return fields


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
