"""Training (and HoC dev) splits in ../shared/data: counts, label distributions, checksums.

The majority baseline counts on these and ``--fewshot`` draws from them, so they are checked the
way the test splits are (tests/tasks/test_official_counts.py), against SOURCES.md's figures.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bioeval.tasks.core.loading import has_split, load_split, sha256_file
from bioeval.tasks.core.registry import all_datasets, views_named
from bioeval.tasks.core.schemas import Example


def load(name: str, data: Path, split: str) -> list[Example]:
    ((spec, view),) = views_named(name)
    return load_split(spec, view, split, data)


def mention_types(examples: list[Example]) -> Counter[str]:
    return Counter(e.type for ex in examples for e in ex.record.entities)  # type: ignore[union-attr]


def test_every_present_file_has_the_sha256_its_downloader_pins(shared_data: Path) -> None:
    checked = []
    for spec in all_datasets():
        for source in spec.sources:
            for declared in source.files:
                path = shared_data / spec.name / source.name / declared.path
                if declared.sha256 is None or not path.is_file():
                    continue
                assert sha256_file(path) == declared.sha256, f"{path}: not the pinned file"
                checked.append(f"{spec.name}/{source.name}/{declared.path}")
    for train in (
        "gad/blurb/train.tsv",
        "hallmarks_of_cancer/blurb/train.tsv",
        "hallmarks_of_cancer/blurb/dev.tsv",
        "bc2gm/blurb/train.tsv",
        "bc5cdr/blurb_chem/train.tsv",
        "bc5cdr/blurb_disease/train.tsv",
        "ncbi_disease/blurb/train.tsv",
    ):
        assert train in checked


def test_gad_train_4261_sentences_2227_positive(shared_data: Path) -> None:
    train = load("gad", shared_data, "train")
    assert Counter(ex.record.labels[0] for ex in train) == {"1": 2227, "0": 2034}  # type: ignore[union-attr]
    dev = load("gad", shared_data, "validation")
    assert Counter(ex.record.labels[0] for ex in dev) == {"1": 293, "0": 242}  # type: ignore[union-attr]
    ids = {ex.id for ex in train} | {ex.id for ex in dev} | {ex.id for ex in load("gad", shared_data, "test")}
    assert len(ids) == 4261 + 535 + 534  # split-prefixed ids stay unique across the files


def sentence_rows(shared_data: Path, file: str) -> int:
    lines = (shared_data / "hallmarks_of_cancer/blurb" / file).read_text(encoding="utf-8").splitlines()
    return len(lines) - 1  # header


@pytest.mark.parametrize(
    ("split", "file", "sentences", "documents", "unlabelled", "labels"),
    [
        ("train", "train.tsv", 12119, 1295, 197, 1738),
        ("validation", "dev.tsv", 1798, 186, 22, 244),
        ("test", "test.tsv", 3547, 371, 53, 484),
    ],
)
def test_hallmarks_of_cancer_splits_in_both_releases(
    shared_data: Path, split: str, file: str, sentences: int, documents: int, unlabelled: int, labels: int
) -> None:
    assert sentence_rows(shared_data, file) == sentences
    original = {ex.id: ex.record for ex in load("hallmarks_of_cancer", shared_data, split)}
    blurb = {ex.id: ex.record for ex in load("hallmarks_of_cancer_blurb", shared_data, split)}
    assert len(original) == documents and set(original) == set(blurb)
    assert all(original[pmid] == blurb[pmid] for pmid in original)  # same text, same label union
    assert sum(not record.labels for record in original.values()) == unlabelled  # type: ignore[union-attr]
    assert sum(len(record.labels) for record in original.values()) == labels  # type: ignore[union-attr]


def test_hallmarks_of_cancer_original_release_is_read_whole(shared_data: Path) -> None:
    """All 1852 documents of the original release are BLURB's train, dev and test, once each."""
    folder = shared_data / "hallmarks_of_cancer/original"
    released = {path.stem for path in (folder / "text").glob("*.txt")}
    assert len(released) == 1852 and released == {path.stem for path in (folder / "labels").glob("*.txt")}
    splits = {split: [ex.id for ex in load("hallmarks_of_cancer", shared_data, split)]
              for split in ("train", "validation", "test")}
    read = [pmid for pmids in splits.values() for pmid in pmids]
    assert len(read) == len(set(read)) == 1852 and set(read) == released
    test_pmids = (shared_data / "hallmarks_of_cancer/blurb/test_pmids.txt").read_text().split()
    assert len(test_pmids) == 371 and set(test_pmids) == set(splits["test"]) and set(test_pmids) <= released


@pytest.mark.parametrize(
    ("view", "sentences", "mentions"),
    [
        ("bc2gm", 12574, {"GENE": 15197}),
        ("bc5cdr_chem", 4560, {"Chemical": 5203}),
        ("bc5cdr_disease", 4560, {"Disease": 4182}),
        ("ncbi_disease_blurb", 5424, {"Disease": 5134}),
    ],
)
def test_ner_train_splits(shared_data: Path, view: str, sentences: int, mentions: dict[str, int]) -> None:
    train = load(view, shared_data, "train")
    assert len(train) == sentences and mention_types(train) == mentions
    assert all(ex.id.startswith("train-") for ex in train)
    with_mentions = sum(bool(ex.record.entities) for ex in train)  # type: ignore[union-attr]
    assert 0 < with_mentions < sentences  # shots and baseline see sentences with and without


def test_pubmed_qa_train_is_the_500_labelled_items_outside_test(shared_data: Path) -> None:
    train = load("pubmed_qa", shared_data, "train")
    test = load("pubmed_qa", shared_data, "test")
    assert Counter(ex.record.answer[0] for ex in train) == {"yes": 276, "no": 169, "maybe": 55}  # type: ignore[union-attr]
    assert not {ex.id for ex in train} & {ex.id for ex in test}


@pytest.mark.parametrize(
    ("view", "absent"),
    [
        ("jnlpba", "jnlpba/blurb/train.tsv"),
        ("ebm_pico", None),  # EBM-PICO declares no training split at all
        ("ncbi_disease", "ncbi_disease/original/NCBItrainset_corpus.txt"),  # the BLURB view has one
        ("bc5cdr", "bc5cdr/pubtator/CDR_TrainingSet.PubTator.txt"),  # the BLURB views have one
    ],
)
def test_views_without_a_training_split_here(shared_data: Path, view: str, absent: str | None) -> None:
    """SOURCES.md: JNLPBA's and EBM-PICO's training files are not here; neither are the original
    NCBI and CDR training files (so those views' baselines count on their evaluated split)."""
    ((spec, found),) = views_named(view)
    assert not has_split(spec, found, found.train_split or "train", shared_data)
    if absent is not None:
        assert not (shared_data / absent).exists()
