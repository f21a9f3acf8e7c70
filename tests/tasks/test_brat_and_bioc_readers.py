"""The BRAT standoff and BioC XML readers, on small files in those formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import Normalization
from bioeval.tasks.core.validate import validate_records
from bioeval.tasks.readers.bioc import read_bioc
from bioeval.tasks.readers.brat import read_brat

BRAT_TEXT = "Famotidine-associated delirium was reversed after stopping famotidine.\n"
BRAT_ANN = (
    "T1\tChemical 0 10\tFamotidine\n"
    "T2\tDisease 22 30\tdelirium\n"
    "T3\tChemical 59 69\tfamotidine\n"
    "T4\tReversal 35 43\treversed\n"
    "T5\tDisease 0 10;22 30\tFamotidine delirium\n"
    "R1\tCause Arg1:T1 Arg2:T2\n"
    "E1\tReversal:T4 Theme:T2 Cause:T3\n"
    "N1\tReference T1 MESH:D015738\tFamotidine\n"
    "*\tEquiv T1 T3\n"
    "A1\tNegated E1\n"
    "#1\tAnnotatorNotes T2\tchecked\n"
)


def write_brat(tmp_path: Path, ann: str = BRAT_ANN) -> tuple[Path, Path]:
    txt, annotations = tmp_path / "8701013.txt", tmp_path / "8701013.ann"
    txt.write_text(BRAT_TEXT, encoding="utf-8")
    annotations.write_text(ann, encoding="utf-8")
    return txt, annotations


def test_brat_standoff_to_kb(tmp_path: Path) -> None:
    record = read_brat(*write_brat(tmp_path))
    validate_records([record], tmp_path)
    assert record.id == "8701013" and record.text == BRAT_TEXT
    entities = {e.id: e for e in record.entities}
    assert sorted(entities) == ["T1", "T2", "T3", "T5"]  # T4 is the event trigger
    assert entities["T1"].normalized == (Normalization("MESH", "D015738"),)
    assert entities["T5"].offsets == ((0, 10), (22, 30))  # discontinuous
    assert [(r.type, r.arg1_id, r.arg2_id) for r in record.relations] == [("Cause", "T1", "T2")]
    (event,) = record.events
    assert (event.type, event.trigger_text, event.trigger_offsets) == (
        "Reversal",
        ("reversed",),
        ((35, 43),),
    )
    assert [(a.role, a.ref_id) for a in event.arguments] == [("Theme", "T2"), ("Cause", "T3")]
    assert record.coreferences[0].entity_ids == ("T1", "T3")


def test_brat_offset_mismatch_names_the_document(tmp_path: Path) -> None:
    record = read_brat(*write_brat(tmp_path, "T1\tChemical 1 11\tFamotidine\n"))
    with pytest.raises(
        DataFileError,
        match=r"document 8701013: entity T1 at 1-11 reads "
        r"'amotidine-' but is annotated as 'Famotidine'",
    ):
        validate_records([record], tmp_path / "8701013.ann")


def test_brat_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    txt, ann = write_brat(tmp_path, "T1\tChemical 0 10\tFamotidine\nT2\tDisease 22\tdelirium\n")
    with pytest.raises(DataFileError, match=rf"{ann}:2: spans '22'; expected 'start end"):
        read_brat(txt, ann)


BIOC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE collection SYSTEM "BioC.dtd">
<collection>
  <source>PubMed</source><date>20240101</date><key>BioC.key</key>
  <document>
    <id>8701013</id>
    <passage>
      <infon key="type">title</infon>
      <offset>0</offset>
      <text>Famotidine-associated delirium.</text>
      <annotation id="0">
        <infon key="type">Chemical</infon><infon key="identifier">D015738</infon>
        <location offset="0" length="10"/><text>Famotidine</text>
      </annotation>
      <annotation id="1">
        <infon key="type">Disease</infon><infon key="identifier">MESH:D003693</infon>
        <location offset="22" length="8"/><text>delirium</text>
      </annotation>
    </passage>
    <passage>
      <infon key="type">abstract</infon>
      <offset>32</offset>
      <text>Famotidine is a histamine H2-receptor antagonist.</text>
      <annotation id="2">
        <infon key="type">Chemical</infon><infon key="identifier">-1</infon>
        <location offset="32" length="10"/><text>Famotidine</text>
      </annotation>
    </passage>
    <relation id="R0">
      <infon key="relation">CID</infon>
      <node refid="0" role="Chemical"/><node refid="1" role="Disease"/>
    </relation>
  </document>
</collection>
"""


def test_bioc_collection_to_kb(tmp_path: Path) -> None:
    path = tmp_path / "cdr.xml"
    path.write_text(BIOC, encoding="utf-8")
    (record,) = read_bioc(path)
    validate_records([record], path, ["Chemical", "Disease"])
    assert record.text == (
        "Famotidine-associated delirium. Famotidine is a histamine H2-receptor antagonist."
    )
    assert [p.type for p in record.passages] == ["title", "abstract"]
    assert [(e.id, e.type, e.offsets) for e in record.entities] == [
        ("0", "Chemical", ((0, 10),)),
        ("1", "Disease", ((22, 30),)),
        ("2", "Chemical", ((32, 42),)),
    ]
    assert record.entities[0].normalized == (Normalization("unknown", "D015738"),)
    assert record.entities[1].normalized == (Normalization("MESH", "D003693"),)
    assert record.entities[2].normalized == ()
    assert [(r.type, r.arg1_id, r.arg2_id) for r in record.relations] == [("CID", "0", "1")]


def test_bioc_bad_offset_and_bad_xml(tmp_path: Path) -> None:
    path = tmp_path / "cdr.xml"
    path.write_text(BIOC.replace('offset="22" length="8"', 'offset="21" length="8"'))
    (record,) = read_bioc(path)
    with pytest.raises(
        DataFileError, match=r"document 8701013: entity 1 at 21-29 reads ' deliriu'"
    ):
        validate_records([record], path)
    path.write_text(BIOC[: len(BIOC) // 2], encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{path}:\d+: malformed XML"):
        read_bioc(path)
