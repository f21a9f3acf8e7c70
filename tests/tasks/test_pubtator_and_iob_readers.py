"""PubTator and IOB readers on small files: the upstream quirks they accept, the errors they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioeval.errors import DataFileError
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named
from bioeval.tasks.readers.iob import read_kb
from bioeval.tasks.readers.pubtator import read_pubtator

DOCUMENT = (
    "8528200|t|Instability of the CAG repeat in the MJD1 gene.\n"
    "8528200|a|Machado-Joseph disease is caused by an expanded CAG repeat.\n"
    "8528200\t48\t70\tMachado-Joseph disease  \tSpecificDisease\tD017827\n"
    "\n"
)


def test_ncbi_repeated_document_kept_once_and_trailing_spaces_stripped(tmp_path: Path) -> None:
    """NCBI's train file repeats PMID 8528200 and has a mention with trailing spaces."""
    folder = tmp_path / "ncbi_disease/original"
    folder.mkdir(parents=True)
    (folder / "NCBItestset_corpus.txt").write_text(DOCUMENT + DOCUMENT, encoding="utf-8")
    ((spec, view),) = views_named("ncbi_disease")
    (example,) = load_split(spec, view, "test", tmp_path)
    (entity,) = example.record.entities
    assert entity.text == ("Machado-Joseph disease",) and entity.offsets == ((48, 70),)


def test_ncbi_repeated_pmid_with_other_content_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "ncbi_disease/original"
    folder.mkdir(parents=True)
    other = DOCUMENT.replace("D017827", "D000001")
    (folder / "NCBItestset_corpus.txt").write_text(DOCUMENT + other, encoding="utf-8")
    ((spec, view),) = views_named("ncbi_disease")
    with pytest.raises(DataFileError, match="duplicate record id '8528200'"):
        load_split(spec, view, "test", tmp_path)


def test_pubtator_relation_to_an_unknown_concept(tmp_path: Path) -> None:
    path = tmp_path / "cdr.txt"
    path.write_text(DOCUMENT.replace("\n\n", "\n8528200\tCID\tD000001\tD017827\n\n"))
    with pytest.raises(
        DataFileError,
        match=rf"{path}:4: document 8528200: relation argument "
        r"D000001 names no mention",
    ):
        read_pubtator(path)


def test_pubtator_composite_mentions_keep_every_id(tmp_path: Path) -> None:
    path = tmp_path / "cdr.txt"
    path.write_text(
        "1|t|Renal and hepatic failure.\n1|a|None.\n"
        "1\t0\t25\tRenal and hepatic failure\tDisease\tD051437|D017093\t"
        "Renal failure|hepatic failure\n\n",
        encoding="utf-8",
    )
    (record,) = read_pubtator(path)
    assert [n.db_id for n in record.entities[0].normalized] == ["D051437", "D017093"]


def test_iob_continuation_without_a_beginning(tmp_path: Path) -> None:
    path = tmp_path / "test.tsv"
    path.write_text("Famotidine\tO\nassociated\tI-Chemical\n\n", encoding="utf-8")
    with pytest.raises(
        DataFileError,
        match=rf"{path}:2: tag 'I-Chemical' does not continue an "
        r"entity; expected B-Chemical",
    ):
        read_kb(path, "test-", {"Chemical": "Chemical"})


def test_conll_documents_and_io_runs(tmp_path: Path) -> None:
    path = tmp_path / "test.tsv"
    path.write_text(
        "-DOCSTART- (10070173)\n\nBudesonide\tI-INT\nin\tO\nrhinitis\tI-PAR\npatients\tI-PAR\n"
        ".\tO\n\nSymptoms\tI-OUT\n\n-DOCSTART- (10080001)\n\nNone\tO\n",
        encoding="utf-8",
    )
    first, second = read_kb(path, "test-", {"PAR": "P", "INT": "I", "OUT": "O"}, scheme="IO")
    assert (first.id, second.id) == ("10070173", "10080001")
    assert first.text == "Budesonide in rhinitis patients . Symptoms"
    assert [(e.type, e.text[0]) for e in first.entities] == [
        ("I", "Budesonide"),
        ("P", "rhinitis patients"),
        ("O", "Symptoms"),
    ]
    assert [p.text[0] for p in first.passages] == ["Budesonide in rhinitis patients .", "Symptoms"]
    assert second.entities == ()


def test_sentences_before_the_first_docstart(tmp_path: Path) -> None:
    path = tmp_path / "test.tsv"
    path.write_text("a\tO\n\n-DOCSTART-\tO\n\nb\tO\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{path}:3: sentences before the first -DOCSTART-"):
        read_kb(path, "test-", {})
