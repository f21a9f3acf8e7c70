"""BRAT standoff (``doc.txt`` + ``doc.ann``) as a BigBIO KB record.

``.ann`` lines: ``T1<TAB>Type start end[;start end]<TAB>text`` (text-bound), ``R1<TAB>Type
Arg1:T1 Arg2:T2`` (relation), ``E1<TAB>Type:T3 Role:T1 ...`` (event, trigger first),
``N1<TAB>Reference T1 db:id<TAB>text`` (normalization), ``*<TAB>Equiv T1 T2 ...``
(coreference); attributes (``A``, ``M``) and notes (``#``) are skipped. A text-bound annotation
that is an event's trigger becomes the event's trigger, not an entity.
"""

from __future__ import annotations

import re
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import (
    Coreference,
    Entity,
    Event,
    EventArgument,
    KBRecord,
    Normalization,
    Passage,
    Relation,
)
from bioeval.tasks.readers.text_files import read_lines, read_text

_SPANS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")


def read_brat(txt_path: Path, ann_path: Path) -> KBRecord:
    text = read_text(txt_path)
    doc_id = txt_path.stem
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]] = {}
    relations, events, corefs = [], [], []
    normalizations: dict[str, list[Normalization]] = {}
    for number, line in enumerate(read_lines(ann_path), start=1):
        if not line.strip() or line[0] in "AM#":
            continue
        fields = line.split("\t")
        ann_id = fields[0]
        if len(fields) < 2:
            raise DataFileError(ann_path, "expected ID<TAB>annotation", number)
        parts = fields[1].split()
        if ann_id.startswith("T"):
            spans[ann_id] = _text_bound(fields, ann_path, number)
        elif ann_id.startswith("R") and len(parts) == 3:
            arg1, arg2 = (_role_ref(p, ann_path, number)[1] for p in parts[1:])
            relations.append(Relation(ann_id, parts[0], arg1, arg2))
        elif ann_id.startswith("E") and parts:
            kind, trigger = _role_ref(parts[0], ann_path, number)
            arguments = tuple(EventArgument(*_role_ref(p, ann_path, number)) for p in parts[1:])
            events.append((ann_id, kind, trigger, arguments))
        elif ann_id.startswith("N") and len(parts) == 3 and ":" in parts[2]:
            db_name, _, db_id = parts[2].partition(":")
            normalizations.setdefault(parts[1], []).append(Normalization(db_name, db_id))
        elif ann_id == "*" and parts and parts[0] == "Equiv":
            corefs.append(Coreference(f"{doc_id}-coref{len(corefs)}", tuple(parts[1:])))
        else:
            raise DataFileError(ann_path, f"unrecognised annotation {line!r}", number)
    triggers = {trigger for _, _, trigger, _ in events}
    for _, _, trigger, _ in events:
        if trigger not in spans:
            raise DataFileError(ann_path, f"event trigger {trigger} is not a text-bound annotation")
    entities = tuple(
        Entity(ann_id, kind, (mention,), offsets, tuple(normalizations.get(ann_id, ())))
        for ann_id, (kind, offsets, mention) in spans.items()
        if ann_id not in triggers
    )
    return KBRecord(
        id=doc_id,
        document_id=doc_id,
        passages=(Passage(f"{doc_id}-text", "text", (text,), ((0, len(text)),)),),
        entities=entities,
        relations=tuple(relations),
        events=tuple(
            Event(ann_id, kind, (spans[trigger][2],), spans[trigger][1], arguments)
            for ann_id, kind, trigger, arguments in events
        ),
        coreferences=tuple(corefs),
    )


def _text_bound(
    fields: list[str], path: Path, number: int
) -> tuple[str, tuple[tuple[int, int], ...], str]:
    if len(fields) != 3:
        raise DataFileError(path, "expected T<n><TAB>Type start end<TAB>text", number)
    kind, _, locations = fields[1].partition(" ")
    if not _SPANS.match(locations):
        raise DataFileError(path, f"spans {locations!r}; expected 'start end[;start end]'", number)
    offsets = tuple(
        (int(start), int(end)) for start, end in (piece.split() for piece in locations.split(";"))
    )
    return kind, offsets, fields[2]


def _role_ref(part: str, path: Path, number: int) -> tuple[str, str]:
    role, sep, ref = part.partition(":")
    if not sep or not role or not ref:
        raise DataFileError(path, f"{part!r}; expected Role:ID", number)
    return role, ref
