"""PubMedQA, expert-labelled part (PQA-L): yes / no / maybe questions over PubMed abstracts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import QARecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.pubmedqa import DECISIONS, read_pqal, read_test_pmids

_RAW = "https://raw.githubusercontent.com/pubmedqa/pubmedqa/1cbae8e92f72f20c8d3747cbb3bf5bc53554d997/data"
_ITEMS = "original/ori_pqal.json"
_TEST = "original/test_ground_truth.json"


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[QARecord]:
    truth = read_test_pmids(paths[_TEST])
    if split == "test":
        records = list(read_pqal(paths[_ITEMS], keep=set(truth), drop=None))
        found = {record.id for record in records}
        absent = sorted(set(truth) - found)
        if absent:
            raise DataFileError(
                paths[_ITEMS], f"test PMID {absent[0]} of {_TEST} is not in the file"
            )
        for record in records:
            if record.answer[0] != truth[record.id]:
                raise DataFileError(
                    paths[_TEST],
                    f"PMID {record.id}: ground truth {truth[record.id]!r} disagrees with "
                    f"ori_pqal.json's {record.answer[0]!r}",
                )
        return records
    return list(read_pqal(paths[_ITEMS], keep=None, drop=set(truth)))


DATASET = DatasetSpec(
    name="pubmed_qa",
    title="PubMedQA (PQA-L)",
    homepage="https://pubmedqa.github.io/",
    license="MIT",
    citation=(
        "Jin Q, Dhingra B, Liu Z, Cohen W, Lu X. PubMedQA: A Dataset for Biomedical Research "
        "Question Answering. EMNLP-IJCNLP 2019."
    ),
    sources=(
        Source(
            name="original",
            description="pubmedqa/pubmedqa on GitHub: the 1000 expert-labelled items and the "
            "500 test PMIDs",
            files=(
                SourceFile(
                    "ori_pqal.json",
                    url=f"{_RAW}/ori_pqal.json",
                    sha256="8b3276be8942ebbd77f3ddcda12c1749bf0e490045a736fd8438ee40cf37a41d",
                ),
                SourceFile(
                    "test_ground_truth.json",
                    url=f"{_RAW}/test_ground_truth.json",
                    sha256="939fe566f09017d13b1ca64d2ddfee0bc2374b366048152997669cccedc44d51",
                ),
            ),
        ),
    ),
    views=(
        View(
            name="pubmed_qa",
            schema=Schema.QA,
            task=TaskType.QA,
            splits={"train": (_ITEMS, _TEST), "test": (_ITEMS, _TEST)},
            load=_load,
            metrics=("accuracy", "macro_f1"),
            labels=DECISIONS,
            label_text={"yes": "yes", "no": "no", "maybe": "maybe"},
            description="test: the 500 PMIDs of test_ground_truth.json; train: the other 500 "
            "labelled items (PubMedQA's cross-validation pool)",
        ),
    ),
    benchmarks=("BLURB",),
    description="Does the abstract answer the question yes, no or maybe?",
)
