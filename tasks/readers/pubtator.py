"""PubTator files (BC5CDR's CDR corpus, the NCBI disease corpus) as BigBIO KB records.

A document is ``PMID|t|title`` and ``PMID|a|abstract``, then one line per mention
``PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>ids[<TAB>parts]`` (ids ``|``- or ``+``-separated,
``-1`` for none) and, in CDR, relations ``PMID<TAB>CID<TAB>chemical id<TAB>disease id``.
Documents are separated by blank lines. Offsets count in ``title + " " + abstract``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import Entity, KBRecord, Normalization, Passage, Relation
from bioeval.tasks.readers.text_files import read_lines

_TEXT_LINE = re.compile(r"^(?P<pmid>[^|\t]+)\|(?P<kind>[ta])\|(?P<text>.*)$")
_ID_SEPARATOR = re.compile(r"[|+]")


@dataclass
class _Draft:
    pmid: str
    line: int
    title: str | None = None
    abstract: str | None = None
    mentions: list[tuple[int, list[str]]] = field(default_factory=list)
    relations: list[tuple[int, list[str]]] = field(default_factory=list)


def read_pubtator(path: Path, relation_types: tuple[str, ...] = ("CID",)) -> list[KBRecord]:
    return [_record(draft, path) for draft in _drafts(path, relation_types)]


def _drafts(path: Path, relation_types: tuple[str, ...]) -> list[_Draft]:
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            current = None
            continue
        text_line = _TEXT_LINE.match(line)
        if text_line:
            pmid, kind = text_line.group("pmid"), text_line.group("kind")
            if current is None or current.pmid != pmid or kind == "t":
                if kind != "t":
                    raise DataFileError(path, f"abstract of {pmid} without a title line", number)
                current = _Draft(pmid, number)
                drafts.append(current)
            if getattr(current, _KINDS[kind]) is not None:
                raise DataFileError(path, f"document {pmid}: second |{kind}| line", number)
            setattr(current, _KINDS[kind], text_line.group("text"))
            continue
        fields = line.split("\t")
        if current is None or fields[0] != current.pmid:
            raise DataFileError(
                path, "annotation line outside document; expected PMID|t|title first", number
            )
        if len(fields) == 4 and fields[1] in relation_types:
            current.relations.append((number, fields))
        elif len(fields) in (6, 7):
            current.mentions.append((number, fields))
        else:
            raise DataFileError(
                path,
                f"{len(fields)} tab-separated columns; expected 6 (PMID start end text type ids) "
                f"or 4 (PMID {'|'.join(relation_types)} id id)",
                number,
            )
    return drafts


_KINDS = {"t": "title", "a": "abstract"}


def _record(draft: _Draft, path: Path) -> KBRecord:
    if draft.title is None or draft.abstract is None:
        raise DataFileError(path, f"document {draft.pmid}: missing title or abstract", draft.line)
    title, abstract = draft.title, draft.abstract
    passages = (
        Passage(f"{draft.pmid}-title", "title", (title,), ((0, len(title)),)),
        Passage(
            f"{draft.pmid}-abstract",
            "abstract",
            (abstract,),
            ((len(title) + 1, len(title) + 1 + len(abstract)),),
        ),
    )
    entities = tuple(
        _entity(draft.pmid, index, fields, line, path)
        for index, (line, fields) in enumerate(draft.mentions)
    )
    relations = tuple(
        _relation(draft.pmid, index, fields, line, path, entities)
        for index, (line, fields) in enumerate(draft.relations)
    )
    return KBRecord(
        id=draft.pmid,
        document_id=draft.pmid,
        passages=passages,
        entities=entities,
        relations=relations,
    )


def _entity(pmid: str, index: int, fields: list[str], line: int, path: Path) -> Entity:
    try:
        start, end = int(fields[1]), int(fields[2])
    except ValueError:
        raise DataFileError(
            path, f"offsets {fields[1]!r} {fields[2]!r} are not integers", line
        ) from None
    if not 0 <= start < end:
        raise DataFileError(path, f"offsets {start}-{end}; expected 0 <= start < end", line)
    ids = [i for i in _ID_SEPARATOR.split(fields[5]) if i and i != "-1"]
    return Entity(
        id=f"{pmid}-T{index}",
        type=fields[4],
        text=(fields[3].strip(),),  # NCBI train has one mention with trailing spaces
        offsets=((start, end),),
        normalized=tuple(_normalization(i) for i in ids),
    )


def _normalization(identifier: str) -> Normalization:
    """``OMIM:215600`` -> (OMIM, 215600); bare MeSH ids ``D015738`` -> (MESH, D015738)."""
    db_name, _, db_id = identifier.rpartition(":")
    return Normalization(db_name=db_name or "MESH", db_id=db_id)


def _relation(
    pmid: str, index: int, fields: list[str], line: int, path: Path, entities: tuple[Entity, ...]
) -> Relation:
    """A concept-level relation, anchored (as BigBIO does) on the first mention of each id."""
    args = []
    for concept in fields[2:4]:
        mention = next((e for e in entities if any(n.db_id == concept for n in e.normalized)), None)
        if mention is None:
            raise DataFileError(
                path, f"document {pmid}: relation argument {concept} names no mention", line
            )
        args.append(mention.id)
    return Relation(id=f"{pmid}-R{index}", type=fields[1], arg1_id=args[0], arg2_id=args[1])
