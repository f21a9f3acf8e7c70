"""The i2b2 / n2c2 2010 relations release, read from its archives, and BLUE's pair view.

The release (n2c2 portal, data-use agreement) is three ``.tar.gz`` archives:
``concept_assertion_relation_training_data.tar.gz`` (``beth/`` and ``partners/`` with ``txt/``,
``concept/``, ``ast/``, ``rel/``), ``reference_standard_for_test_data.tar.gz`` (``concepts/``,
``ast/``, ``rel/``) and ``test_data.tar.gz`` (``*.txt``). Files are matched by name stem.

``*.txt``: one sentence a line, tokens separated by spaces. ``*.con``:
``c="text" L:T L:T||t="problem|treatment|test"`` (line 1-based, token 0-based, end inclusive).
``*.rel``: ``c="text" L:T L:T||r="TrAP"||c="text" L:T L:T``.

Pairs (BLUE's recipe): every two concepts of the same line, in file order; both masked with
their type (``@PROBLEM$``, ``@TREATMENT$``, ``@TEST$``; ``@TYPE1-TYPE2$`` when they overlap or
touch); label = the relation annotated between them (either direction; the first one if a
pair has several), else ``false``.
"""

from __future__ import annotations

import itertools
import re
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import TextRecord
from bioeval.tasks.readers.masking import Argument, mask_pair

CONCEPT_TYPES = ("problem", "treatment", "test")
RELATION_TYPES = ("PIP", "TeCP", "TeRP", "TrAP", "TrCP", "TrIP", "TrNAP", "TrWP")
NEGATIVE = "false"
_CONCEPT = r'c="(.*)" (\d+):(\d+) (\d+):(\d+)'
_CON_LINE = re.compile(rf'^{_CONCEPT}\|\|t="([^"]*)"$')
_REL_LINE = re.compile(rf'^{_CONCEPT}\|\|r="([^"]*)"\|\|{_CONCEPT}$')


@dataclass
class _Record:
    """The files of one discharge summary, as (archive, member, text)."""

    txt: tuple[str, str] | None = None
    con: tuple[str, str] | None = None
    rel: tuple[str, str] | None = None
    origin: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Concept:
    line: int  # 0-based sentence index
    start: int  # character offsets in the line
    end: int
    type: str
    key: tuple[int, int, int, int]  # (line, token, line, token) as written


def read_pairs(archives: Iterable[Path]) -> Iterator[TextRecord]:
    records = _read_archives(archives)
    for name in sorted(records):
        record = records[name]
        if record.con is None:
            continue  # unannotated text
        if record.txt is None:
            raise DataFileError(
                record.origin["con"], f"record {name}: no {name}.txt in the archives"
            )
        yield from _record_pairs(name, record)


def _read_archives(archives: Iterable[Path]) -> dict[str, _Record]:
    records: dict[str, _Record] = {}
    for archive in archives:
        try:
            with tarfile.open(archive, "r:*") as tar:
                for member in tar.getmembers():
                    stem, dot, ext = Path(member.name).name.partition(".")
                    if (
                        not member.isfile()
                        or "unannotated" in member.name
                        or ext not in ("txt", "con", "rel")
                    ):
                        continue
                    handle = tar.extractfile(member)
                    data = handle.read() if handle else b""
                    where = f"{archive}:{member.name}"
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError as error:
                        line = data.count(b"\n", 0, error.start) + 1
                        raise DataFileError(
                            where, "not valid UTF-8 (expected UTF-8 text)", line
                        ) from None
                    record = records.setdefault(stem, _Record())
                    setattr(record, ext, (where, text))
                    record.origin[ext] = where
        except (tarfile.TarError, EOFError, OSError) as error:
            raise DataFileError(
                archive, f"unreadable archive ({error}); expected a .tar.gz of the release"
            ) from None
    return records


def _record_pairs(name: str, record: _Record) -> Iterator[TextRecord]:
    assert record.txt is not None and record.con is not None
    lines = record.txt[1].split("\n")
    concepts = _concepts(record.con, lines)
    relations = _relations(record.rel, lines, concepts) if record.rel else {}
    for (i, first), (j, second) in itertools.combinations(enumerate(concepts), 2):
        if first.line != second.line:
            continue
        label = relations.get((i, j), relations.get((j, i), NEGATIVE))
        text = mask_pair(
            lines[first.line],
            Argument(first.start, first.end, first.type.upper()),
            Argument(second.start, second.end, second.type.upper()),
            overlap_mask=f"{first.type.upper()}-{second.type.upper()}",
            touching_overlaps=True,
        )
        yield TextRecord(id=f"{name}.c{i}.c{j}", document_id=name, text=text, labels=(label,))


def _concepts(con: tuple[str, str], lines: list[str]) -> list[_Concept]:
    where, content = con
    concepts = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _CON_LINE.match(raw.strip())
        if match is None:
            raise DataFileError(where, 'expected c="text" L:T L:T||t="type"', number)
        kind = match.group(6)
        if kind not in CONCEPT_TYPES:
            raise DataFileError(
                where, f"concept type {kind!r}; expected one of {CONCEPT_TYPES}", number
            )
        concepts.append(_locate(match, 1, kind, lines, where, number))
    return concepts


def _relations(
    rel: tuple[str, str], lines: list[str], concepts: list[_Concept]
) -> dict[tuple[int, int], str]:
    where, content = rel
    index = {concept.key: position for position, concept in enumerate(concepts)}
    relations: dict[tuple[int, int], str] = {}
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _REL_LINE.match(raw.strip())
        if match is None:
            raise DataFileError(
                where, 'expected c="..." L:T L:T||r="type"||c="..." L:T L:T', number
            )
        kind = match.group(6)
        if kind not in RELATION_TYPES:
            raise DataFileError(
                where, f"relation type {kind!r}; expected one of {RELATION_TYPES}", number
            )
        args = []
        for first_group in (1, 7):
            key = tuple(int(match.group(first_group + k)) for k in range(1, 5))
            if key not in index:
                raise DataFileError(
                    where,
                    f"relation argument {match.group(first_group)!r} at {key} is not a concept "
                    "of the .con file",
                    number,
                )
            args.append(index[key])
        relations.setdefault((args[0], args[1]), kind)
    return relations


def _locate(
    match: re.Match[str], group: int, kind: str, lines: list[str], where: str, number: int
) -> _Concept:
    """Character offsets of a concept from its line:token positions, checked against its text."""
    start_line, start_token, end_line, end_token = (
        int(match.group(group + k)) for k in range(1, 5)
    )
    if start_line != end_line or not 1 <= start_line <= len(lines):
        raise DataFileError(
            where,
            f"concept spans lines {start_line}-{end_line}; expected one line of the text",
            number,
        )
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", lines[start_line - 1])]
    if not 0 <= start_token <= end_token < len(tokens):
        raise DataFileError(
            where,
            f"tokens {start_token}-{end_token} outside line {start_line} ({len(tokens)} tokens)",
            number,
        )
    start, end = tokens[start_token][0], tokens[end_token][1]
    found = lines[start_line - 1][start:end]
    if found.lower() != match.group(group).lower():
        raise DataFileError(
            where,
            f"concept at {start_line}:{start_token}-{end_token} reads {found!r} but is "
            f"annotated as {match.group(group)!r}",
            number,
        )
    return _Concept(
        start_line - 1, start, end, kind, (start_line, start_token, end_line, end_token)
    )
