"""IOB / CoNLL token files (BLURB's NER and PICO TSVs) as BigBIO KB records.

One token a line, ``token<TAB>tag``; a blank line ends a sentence; a ``-DOCSTART-`` line (alone,
with ``<TAB>O``, or with `` (PMID)``) starts a document. Tags follow IOB2 (``B-X`` starts an
entity, ``I-X`` continues it) or IO (maximal runs of ``I-X``, as in EBM-PICO).

The KB text of a record is its tokens joined by single spaces, sentences joined by one space;
each sentence is a passage. Files that mark documents give one record per document, others one
record per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import Entity, KBRecord, Passage
from bioeval.tasks.readers.text_files import read_lines

DOCSTART = "-DOCSTART-"
_DOCSTART_ID = re.compile(r"^-DOCSTART-(?:\t\S+| \((?P<id>[^)]*)\))?$")


@dataclass(frozen=True)
class Token:
    text: str
    tag: str
    line: int


@dataclass(frozen=True)
class Document:
    """Sentences of one document; ``name`` is the id a ``-DOCSTART- (ID)`` line gives, if any."""

    sentences: tuple[tuple[Token, ...], ...]
    line: int
    name: str | None = None


def read_documents(path: Path) -> list[Document]:
    """Documents of a CoNLL file: ``-DOCSTART-`` blocks, or one per sentence if there are none."""
    marked: list[Document] = []
    loose: list[tuple[Token, ...]] = []
    current: list[tuple[Token, ...]] | None = None
    doc_line, doc_name = 0, None
    sentence: list[Token] = []
    lines = read_lines(path)
    if not lines:
        raise DataFileError(path, "empty file; expected token<TAB>tag lines", 1)

    def end_sentence() -> None:
        if sentence:
            (current if current is not None else loose).append(tuple(sentence))
            sentence.clear()

    for number, line in enumerate(lines, start=1):
        if line.startswith(DOCSTART):
            match = _DOCSTART_ID.match(line)
            if match is None:
                raise DataFileError(path, f"malformed {DOCSTART} line {line!r}", number)
            end_sentence()
            if loose:
                raise DataFileError(path, f"sentences before the first {DOCSTART}", number)
            if current is not None:
                marked.append(Document(tuple(current), doc_line, doc_name))
            current, doc_line, doc_name = [], number, match.group("id")
            continue
        if not line.strip():
            end_sentence()
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise DataFileError(
                path, f"{len(fields)} tab-separated columns; expected token<TAB>tag", number
            )
        sentence.append(Token(fields[0], fields[1], number))
    end_sentence()
    if current is not None:
        marked.append(Document(tuple(current), doc_line, doc_name))
        return marked
    return [Document((s,), s[0].line) for s in loose]


def to_kb(
    document: Document,
    record_id: str,
    types: Mapping[str, str],
    path: Path,
    scheme: str = "IOB2",
) -> KBRecord:
    """A KB record; ``types`` maps tag types (``Chemical``, ``PAR``) to entity types."""
    passages: list[Passage] = []
    entities: list[Entity] = []
    offset = 0
    for index, sentence in enumerate(document.sentences):
        text = " ".join(token.text for token in sentence)
        passages.append(
            Passage(f"{record_id}-s{index}", "sentence", (text,), ((offset, offset + len(text)),))
        )
        for start, end, tag_type in _spans(sentence, path, scheme, types):
            piece = " ".join(token.text for token in sentence[start:end])
            begin = offset + sum(len(token.text) + 1 for token in sentence[:start])
            entities.append(
                Entity(
                    id=f"{record_id}-e{len(entities)}",
                    type=types[tag_type],
                    text=(piece,),
                    offsets=((begin, begin + len(piece)),),
                )
            )
        offset += len(text) + 1
    return KBRecord(
        id=record_id,
        document_id=document.name or record_id,
        passages=tuple(passages),
        entities=tuple(entities),
    )


def _spans(
    sentence: tuple[Token, ...], path: Path, scheme: str, types: Mapping[str, str]
) -> Iterator[tuple[int, int, str]]:
    """(first token, end token, tag type) of each entity in a sentence."""
    start: int | None = None
    open_type = ""
    for index, token in enumerate(sentence):
        prefix, _, tag_type = token.tag.partition("-")
        if token.tag != "O" and (prefix not in _PREFIXES[scheme] or tag_type not in types):
            expected = ", ".join(f"{p}-{t}" for t in types for p in _PREFIXES[scheme])
            raise DataFileError(path, f"tag {token.tag!r}; expected O, {expected}", token.line)
        continues = prefix == "I" and start is not None and tag_type == open_type
        if scheme == "IOB2" and prefix == "I" and not continues:
            raise DataFileError(
                path,
                f"tag {token.tag!r} does not continue an entity; expected B-{tag_type}",
                token.line,
            )
        if start is not None and not continues:
            yield start, index, open_type
            start = None
        if token.tag != "O" and start is None:
            start, open_type = index, tag_type
    if start is not None:
        yield start, len(sentence), open_type


_PREFIXES = {"IOB2": ("B", "I"), "IO": ("I",)}


def read_kb(
    path: Path, id_prefix: str, types: Mapping[str, str], scheme: str = "IOB2"
) -> list[KBRecord]:
    """KB records of a file: ids are the ``-DOCSTART- (ID)`` ids, else ``<prefix><n>``."""
    return [
        to_kb(document, document.name or f"{id_prefix}{index}", types, path, scheme)
        for index, document in enumerate(read_documents(path))
    ]
