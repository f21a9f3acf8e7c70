"""BioC XML collections as BigBIO KB records.

``<collection><document><id/><passage><infon key="type"/><offset/><text/><annotation id>
<infon key="type"/><infon key="identifier"/><location offset length/><text/></annotation>
</passage><relation id><infon key="type"/><node refid role/>...</relation></document>``.
Offsets are document-level (BioC's convention); an annotation with several locations is a
discontinuous mention. Relations with exactly two nodes become relations; ``identifier`` (or
``MESH``) infons become normalizations (``-`` / ``-1`` mean none).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import Entity, KBRecord, Normalization, Passage, Relation
from bioeval.tasks.readers.text_files import read_text

_ID_INFONS = ("identifier", "MESH", "NCBI Gene")


def read_bioc(path: Path) -> list[KBRecord]:
    try:
        root = ElementTree.fromstring(read_text(path))
    except ElementTree.ParseError as error:
        line = error.position[0] if error.position else None
        raise DataFileError(
            path, f"malformed XML: {error}; expected a BioC collection", line
        ) from None
    if root.tag != "collection":
        raise DataFileError(path, f"root element <{root.tag}>; expected <collection>")
    return [_document(element, path) for element in root.iter("document")]


def _document(element: ElementTree.Element, path: Path) -> KBRecord:
    doc_id = _child_text(element, "id", path, "document")
    passages, entities = [], []
    for index, passage in enumerate(element.iter("passage")):
        offset = _integer(
            _child_text(passage, "offset", path, f"document {doc_id} passage"), path, doc_id
        )
        text = passage.findtext("text") or ""
        kind = _infons(passage).get("type", "passage")
        passages.append(
            Passage(f"{doc_id}-p{index}", kind, (text,), ((offset, offset + len(text)),))
        )
        for annotation in passage.iter("annotation"):
            entities.append(_entity(annotation, path, doc_id))
    relations = []
    for relation in element.findall("relation"):
        nodes = relation.findall("node")
        rel_id = relation.get("id") or f"{doc_id}-R{len(relations)}"
        if len(nodes) != 2 or any(node.get("refid") is None for node in nodes):
            raise DataFileError(
                path, f"document {doc_id}: relation {rel_id} needs two nodes with refid"
            )
        infons = _infons(relation)
        relations.append(
            Relation(
                rel_id,
                infons.get("type", infons.get("relation", "")),
                nodes[0].get("refid", ""),
                nodes[1].get("refid", ""),
            )
        )
    return KBRecord(
        id=doc_id,
        document_id=doc_id,
        passages=tuple(passages),
        entities=tuple(entities),
        relations=tuple(relations),
    )


def _entity(annotation: ElementTree.Element, path: Path, doc_id: str) -> Entity:
    ann_id = annotation.get("id")
    if not ann_id:
        raise DataFileError(path, f"document {doc_id}: annotation without an id")
    locations = annotation.findall("location")
    if not locations:
        raise DataFileError(path, f"document {doc_id}: annotation {ann_id} has no location")
    offsets = []
    for location in locations:
        start = _integer(location.get("offset", ""), path, doc_id)
        offsets.append((start, start + _integer(location.get("length", ""), path, doc_id)))
    infons = _infons(annotation)
    ids = [
        identifier
        for key in _ID_INFONS
        for identifier in infons.get(key, "").replace("|", ";").replace(",", ";").split(";")
        if identifier.strip() and identifier.strip() not in ("-", "-1")
    ]
    return Entity(
        id=ann_id,
        type=infons.get("type", ""),
        text=(annotation.findtext("text") or "",),
        offsets=tuple(offsets),
        normalized=tuple(_normalization(i.strip()) for i in ids),
    )


def _normalization(identifier: str) -> Normalization:
    db_name, _, db_id = identifier.rpartition(":")
    return Normalization(db_name or "unknown", db_id)


def _infons(element: ElementTree.Element) -> dict[str, str]:
    return {infon.get("key", ""): infon.text or "" for infon in element.findall("infon")}


def _child_text(element: ElementTree.Element, tag: str, path: Path, where: str) -> str:
    value = element.findtext(tag)
    if value is None:
        raise DataFileError(path, f"{where}: missing <{tag}>")
    return value.strip()


def _integer(value: str, path: Path, doc_id: str) -> int:
    if not value.strip().isdigit():
        raise DataFileError(path, f"document {doc_id}: offset {value!r}; expected an integer")
    return int(value)
