"""Hallmarks of Cancer (HoC): which of the 10 cancer hallmarks a PubMed abstract discusses.

Scored per document as BLURB does: a document's labels are the union of its sentences' labels.
The ``hallmarks_of_cancer`` view reads the original release (``text/`` and ``labels/``) for the
documents of BLURB's split files; ``hallmarks_of_cancer_blurb`` reads BLURB's TSV alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import Schema, TaskType, TextRecord
from bioeval.tasks.core.spec import DatasetSpec, Loader, Source, SourceFile, View
from bioeval.tasks.readers.hoc import (
    HALLMARKS,
    blurb_pmids,
    read_blurb_documents,
    read_original_documents,
)

_COMMIT = "3bc6e6deb90cf5bc4f9988c493fe2c32e9b3cf2a"
_ARCHIVE = f"https://github.com/sb895/Hallmarks-of-Cancer/archive/{_COMMIT}.zip"
_BLURB_RAW = (
    "https://raw.githubusercontent.com/hieunguyen7337/KeBioLM/"
    "bc7c3667c786236252ba5b26b3b921197465b7a3/data/HoC"
)
_BLURB = {"train": "blurb/train.tsv", "validation": "blurb/dev.tsv", "test": "blurb/test.tsv"}
_TEXT, _LABELS = "original/text/", "original/labels/"

LABEL_TEXT = {name: name.lower() for name in HALLMARKS}


def _load_original(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    pmids = blurb_pmids(paths[_BLURB[split]])
    return read_original_documents(paths[_TEXT], paths[_LABELS], pmids)


def _load_blurb(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    return read_blurb_documents(paths[_BLURB[split]])


def _view(name: str, splits: dict[str, tuple[str, ...]], load: Loader, description: str) -> View:
    return View(
        name=name,
        schema=Schema.TEXT,
        task=TaskType.DC,
        splits=splits,
        load=load,
        metrics=("example_f1", "label_micro_f1", "example_f1_blue"),
        labels=HALLMARKS,
        label_text=LABEL_TEXT,
        description=description,
    )


DATASET = DatasetSpec(
    name="hallmarks_of_cancer",
    title="Hallmarks of Cancer (HoC)",
    homepage="https://github.com/sb895/Hallmarks-of-Cancer",
    license="GPL-3.0",
    citation=(
        "Baker S, Silins I, Guo Y, Ali I, Hogberg J, Stenius U, Korhonen A. Automatic semantic "
        "classification of scientific literature according to the hallmarks of cancer. "
        "Bioinformatics 2016;32(3):432-440."
    ),
    sources=(
        Source(
            name="original",
            description="the original release: text/<PMID>.txt (one sentence a line) and "
            "labels/<PMID>.txt; downloaded from the repository archive at a fixed commit",
            files=(
                SourceFile(
                    "text/", url=_ARCHIVE, archive_member=f"Hallmarks-of-Cancer-{_COMMIT}/text/"
                ),
                SourceFile(
                    "labels/",
                    url=_ARCHIVE,
                    archive_member=f"Hallmarks-of-Cancer-{_COMMIT}/labels/",
                ),
            ),
        ),
        Source(
            name="blurb",
            description="BLURB's sentence TSVs (labels<TAB>sentence<TAB>PMID_sN); they also "
            "define the splits",
            files=(
                SourceFile(
                    "train.tsv",
                    url=f"{_BLURB_RAW}/train.tsv",
                    sha256="48352fe9828a63254c9302d5c9a13abe0167a5016dd1143e7f7e47c0348c9a81",
                ),
                SourceFile(
                    "dev.tsv",
                    url=f"{_BLURB_RAW}/dev.tsv",
                    sha256="c0bae75eab5940db8afd3ac620d391661c826fa1428e38d258c9e730f4358b99",
                ),
                SourceFile(
                    "test.tsv",
                    url=f"{_BLURB_RAW}/test.tsv",
                    sha256="2e9ffe24c756b126efa2d351a9572ebb671a3473658bc0766d02ec80b9129d48",
                ),
            ),
        ),
    ),
    views=(
        _view(
            "hallmarks_of_cancer",
            {split: (ref, _TEXT, _LABELS) for split, ref in _BLURB.items()},
            _load_original,
            "original text and labels of the documents in BLURB's split; labels = union of "
            "the sentences' hallmarks",
        ),
        _view(
            "hallmarks_of_cancer_blurb",
            {split: (ref,) for split, ref in _BLURB.items()},
            _load_blurb,
            "BLURB's TSV, sentences grouped into documents; labels = union of the sentences'",
        ),
    ),
    benchmarks=("BLURB", "BLUE"),
)
