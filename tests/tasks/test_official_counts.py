"""Test-split counts of every dataset in ../shared/data against the official statistics."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named
from bioeval.tasks.core.schemas import Example, KBRecord
from bioeval.tasks.readers import chemprot as chemprot_reader


def load(name: str, data: Path, split: str = "test") -> list[Example]:
    ((spec, view),) = views_named(name)
    return load_split(spec, view, split, data)


def mention_types(examples: list[Example]) -> Counter[str]:
    return Counter(e.type for ex in examples for e in ex.record.entities)  # type: ignore[union-attr]


def test_bc5cdr_pubtator_and_iob_agree_with_the_official_counts(shared_data: Path) -> None:
    documents = load("bc5cdr", shared_data)
    assert len(documents) == 500
    assert mention_types(documents) == {"Chemical": 5385, "Disease": 4424}
    assert sum(len(ex.record.relations) for ex in documents) == 1066  # type: ignore[union-attr]
    assert mention_types(load("bc5cdr_chem", shared_data)) == {"Chemical": 5385}
    assert mention_types(load("bc5cdr_disease", shared_data)) == {"Disease": 4424}


def test_bc5cdr_cid_relations_join_a_chemical_and_a_disease(shared_data: Path) -> None:
    record = load("bc5cdr", shared_data)[0].record
    assert isinstance(record, KBRecord) and record.relations
    types = {e.id: e.type for e in record.entities}
    for relation in record.relations:
        assert relation.type == "CID"
        assert (types[relation.arg1_id], types[relation.arg2_id]) == ("Chemical", "Disease")


def test_ncbi_disease_100_documents_960_mentions(shared_data: Path) -> None:
    documents = load("ncbi_disease", shared_data)
    assert len(documents) == 100
    assert sum(mention_types(documents).values()) == 960
    assert set(mention_types(documents)) == {
        "SpecificDisease",
        "DiseaseClass",
        "Modifier",
        "CompositeMention",
    }
    assert mention_types(load("ncbi_disease_blurb", shared_data)) == {"Disease": 960}


def test_bc2gm_6325_gene_mentions(shared_data: Path) -> None:
    assert mention_types(load("bc2gm", shared_data)) == {"GENE": 6325}


def test_jnlpba_404_documents_8662_entities(shared_data: Path) -> None:
    documents = load("jnlpba", shared_data)
    assert len(documents) == 404
    assert sum(mention_types(documents).values()) == 8662
    assert set(mention_types(documents)) == {"protein", "DNA", "RNA", "cell_type", "cell_line"}


def test_pubmed_qa_500_test_questions(shared_data: Path) -> None:
    answers = Counter(ex.record.answer[0] for ex in load("pubmed_qa", shared_data))  # type: ignore[union-attr]
    assert answers == {"yes": 276, "no": 169, "maybe": 55}


def test_gad_534_test_sentences(shared_data: Path) -> None:
    labels = Counter(ex.record.labels[0] for ex in load("gad", shared_data))  # type: ignore[union-attr]
    assert labels == {"1": 281, "0": 253}


def test_biosses_20_test_pairs(shared_data: Path) -> None:
    assert len(load("biosses", shared_data)) == 20


def test_hallmarks_of_cancer_371_documents_and_both_releases_agree(shared_data: Path) -> None:
    original = {ex.id: ex.record for ex in load("hallmarks_of_cancer", shared_data)}
    blurb = {ex.id: ex.record for ex in load("hallmarks_of_cancer_blurb", shared_data)}
    assert len(original) == len(blurb) == 371
    assert set(original) == set(blurb)
    pmids = (shared_data / "hallmarks_of_cancer/blurb/test_pmids.txt").read_text().split()
    assert sorted(pmids) == sorted(original)
    assert all(original[pmid].labels == blurb[pmid].labels for pmid in original)  # type: ignore[union-attr]
    assert all(original[pmid].text == blurb[pmid].text for pmid in original)  # type: ignore[union-attr]
    # the union of sentence labels: some documents have none, some several
    sizes = Counter(len(record.labels) for record in original.values())  # type: ignore[union-attr]
    assert sizes[0] > 0 and max(sizes) >= 3


def test_chemprot_800_abstracts_3458_gold_relations(shared_data: Path) -> None:
    folder = shared_data / "chemprot/original/chemprot_test_gs"
    files = chemprot_reader.ChemProtFiles(
        folder / "chemprot_test_abstracts_gs.tsv",
        folder / "chemprot_test_entities_gs.tsv",
        folder / "chemprot_test_relations_gs.tsv",
    )
    documents = {record.id: record for record in chemprot_reader.read_documents(files)}
    assert len(documents) == 800
    gold = chemprot_reader.read_relations(folder / "chemprot_test_gold_standard.tsv")
    gold_relations = [(pmid, r) for pmid, found in gold.items() for r in found]
    assert len(gold_relations) == 3458
    for pmid, relation in gold_relations:  # every gold argument is an annotated entity
        entity_ids = {entity.id for entity in documents[pmid].entities}
        assert {relation.arg1_id, relation.arg2_id} <= entity_ids
    pairs = load("chemprot", shared_data)
    assert len(pairs) == 15779
    assert {ex.record.document_id for ex in pairs} <= set(documents)


def test_ebm_pico_191_documents(shared_data: Path) -> None:
    documents = load("ebm_pico", shared_data)
    assert len(documents) == 191
    assert all(ex.id.isdigit() for ex in documents)  # the PMIDs of the -DOCSTART- lines
    assert set(mention_types(documents)) == {"Participants", "Intervention", "Outcome"}


@pytest.mark.parametrize("view", ["bc5cdr_chem", "jnlpba", "ebm_pico"])
def test_iob_tokens_are_the_whitespace_tokens_of_the_text(shared_data: Path, view: str) -> None:
    """Token labels can be recovered from the KB text: its whitespace tokens are the file's."""
    first = load(view, shared_data)[0].record
    assert isinstance(first, KBRecord)
    folder = {
        "bc5cdr_chem": "bc5cdr/blurb_chem",
        "jnlpba": "jnlpba/blurb",
        "ebm_pico": "ebm_pico/blurb",
    }
    tokens = []
    for line in (shared_data / folder[view] / "test.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if tokens:
                break
            continue
        if line.strip():
            tokens.append(line.split("\t")[0])
        elif view == "bc5cdr_chem" and tokens:
            break  # one record per sentence in files without documents
    assert first.text.split(" ") == tokens
    for entity in first.entities:
        start, end = entity.offsets[0]
        assert first.text[start:end] == entity.text[0]
