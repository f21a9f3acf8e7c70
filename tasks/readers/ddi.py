"""DDI-2013 XML (one file per document) and the BLUE/BLURB sentence-pair view built from it.

``<document id><sentence id text><entity id charOffset type text/>...<pair id e1 e2 ddi
[type]/></sentence></document>``; ``charOffset`` is ``start-end`` with ``end`` inclusive, or
several ``;``-separated spans for a discontinuous mention.

Pairs (BLUE's recipe, as BLURB ships it): every ``pair`` element; both entities masked
``@DRUG$`` (``@DRUG-DRUG$`` when the spans overlap or touch); label ``DDI-<type>`` when
``ddi="true"`` (``DDI-int`` if the type is missing), else ``DDI-false``; id = the pair id. Line breaks and tabs of the sentence
become spaces (a TSV row holds one line).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import Entity, KBRecord, Passage, TextRecord
from bioeval.tasks.core.validate import check_kb
from bioeval.tasks.readers.masking import Argument, mask_pair
from bioeval.tasks.readers.text_files import read_text

NEGATIVE = "DDI-false"
RELATION_TYPES = ("effect", "mechanism", "advise", "int")
_SPAN = re.compile(r"^(\d+)-(\d+)$")


def xml_files(folders: Iterable[Path]) -> list[Path]:
    """The ``*.xml`` files of the folders, in a stable order."""
    return sorted(path for folder in folders for path in folder.glob("*.xml"))


def read_pairs(paths: Iterable[Path]) -> Iterator[TextRecord]:
    for path in paths:
        yield from _file_pairs(path)


def _file_pairs(path: Path) -> Iterator[TextRecord]:
    document = _parse(path)
    doc_id = _attribute(document, "id", path)
    for sentence in document.iter("sentence"):
        record = _sentence_record(sentence, path)
        entities = {entity.id: entity for entity in record.entities}
        text = re.sub(r"[\r\n\t]", " ", record.passages[0].text[0])
        for pair in sentence.iter("pair"):
            pair_id = _attribute(pair, "id", path)
            args = [entities.get(_attribute(pair, key, path)) for key in ("e1", "e2")]
            if args[0] is None or args[1] is None:
                raise DataFileError(
                    path, f"document {doc_id}: pair {pair_id} refers to an unknown entity"
                )
            yield TextRecord(
                id=pair_id,
                document_id=doc_id,
                text=mask_pair(
                    text,
                    _argument(args[0]),
                    _argument(args[1]),
                    overlap_mask="DRUG-DRUG",
                    touching_overlaps=True,
                ),
                labels=(_label(pair, pair_id, path),),
            )


def _parse(path: Path) -> ElementTree.Element:
    try:
        root = ElementTree.fromstring(read_text(path))
    except ElementTree.ParseError as error:
        line = error.position[0] if error.position else None
        raise DataFileError(path, f"malformed XML: {error}; expected DDI-2013 XML", line) from None
    if root.tag != "document":
        raise DataFileError(path, f"root element <{root.tag}>; expected <document>")
    return root


def _sentence_record(sentence: ElementTree.Element, path: Path) -> KBRecord:
    """One sentence as a KB record, checked: every entity's offsets read its text."""
    sentence_id = _attribute(sentence, "id", path)
    text = _attribute(sentence, "text", path)
    entities = []
    for element in sentence.iter("entity"):
        entity_id = _attribute(element, "id", path)
        spans = tuple(
            _span(piece, path, sentence_id) for piece in element.get("charOffset", "").split(";")
        )
        entities.append(
            Entity(
                id=entity_id,
                type=_attribute(element, "type", path),
                text=_mention(text, spans, _attribute(element, "text", path)),
                offsets=spans,
            )
        )
    record = KBRecord(
        id=sentence_id,
        document_id=sentence_id,
        passages=(Passage(f"{sentence_id}-text", "sentence", (text,), ((0, len(text)),)),),
        entities=tuple(e for e in entities if e.id not in OFFSET_ERRATA),
    )
    check_kb(record, path)
    return KBRecord(record.id, record.document_id, record.passages, tuple(entities))


# Entities of the official release whose charOffset does not read their text (spans shifted by
# one); pairs use the offsets as published, as BLUE and BLURB do, but they are not checked.
OFFSET_ERRATA = frozenset({"DDI-DrugBank.d216.s16.e2"})


def _mention(text: str, spans: tuple[tuple[int, int], ...], annotated: str) -> tuple[str, ...]:
    """A discontinuous mention's fragments, when its text joins them (with or without a space;
    the release does both); otherwise the annotated text, for the check to compare."""
    fragments = tuple(text[start:end] for start, end in spans)
    if len(spans) > 1 and annotated in (" ".join(fragments), "".join(fragments)):
        return fragments
    return (annotated,)


def _span(piece: str, path: Path, sentence_id: str) -> tuple[int, int]:
    match = _SPAN.match(piece.strip())
    if match is None:
        raise DataFileError(
            path, f"sentence {sentence_id}: charOffset {piece!r}; expected start-end"
        )
    return int(match.group(1)), int(match.group(2)) + 1


def _argument(entity: Entity) -> Argument:
    # a discontinuous mention is masked from its first to its last character (as BLURB does)
    return Argument(entity.offsets[0][0], entity.offsets[-1][1], "DRUG")


def _label(pair: ElementTree.Element, pair_id: str, path: Path) -> str:
    ddi, kind = pair.get("ddi"), pair.get("type")
    if ddi == "false":
        return NEGATIVE
    if ddi == "true" and kind is None:
        # one pair of the release (DDI-DrugBank.d236.s29.p0) is true without a type: an
        # interaction stated without detail, which is what "int" means
        return "DDI-int"
    if ddi != "true" or kind not in RELATION_TYPES:
        raise DataFileError(
            path,
            f"pair {pair_id}: ddi={ddi!r} type={kind!r}; expected ddi false, or true with "
            f"type one of {RELATION_TYPES}",
        )
    return f"DDI-{kind}"


def _attribute(element: ElementTree.Element, name: str, path: Path) -> str:
    value = element.get(name)
    if value is None:
        raise DataFileError(path, f"<{element.tag}> without the {name!r} attribute")
    return value
