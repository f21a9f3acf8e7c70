"""BIOSSES: 100 sentence pairs from biomedical papers, similarity scored 0-4 by five experts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import PairsRecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.blurb import read_scored_pairs

_RAW = "https://raw.githubusercontent.com/hieunguyen7337/KeBioLM/bc7c3667c786236252ba5b26b3b921197465b7a3/data/BIOSSES"
_FILES = {"train": "blurb/train.tsv", "validation": "blurb/dev.tsv", "test": "blurb/test.tsv"}


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[PairsRecord]:
    return read_scored_pairs(paths[_FILES[split]])


DATASET = DatasetSpec(
    name="biosses",
    title="BIOSSES sentence similarity",
    homepage="https://tabilab.cmpe.boun.edu.tr/BIOSSES/",
    license="GPL-3.0",
    citation=(
        "Sogancioglu G, Ozturk H, Ozgur A. BIOSSES: a semantic sentence similarity estimation "
        "system for the biomedical domain. Bioinformatics 2017;33(14):i49-i58."
    ),
    sources=(
        Source(
            name="blurb",
            description="BLURB's split of the 100 pairs (train 64, dev 16, test 20); score = "
            "mean of the five annotators",
            files=(
                SourceFile(
                    "train.tsv",
                    url=f"{_RAW}/train.tsv",
                    sha256="19dfcb8d4f07636422cb4b945992131383bf0dfa87847012673abcfc026aa9e7",
                ),
                SourceFile(
                    "dev.tsv",
                    url=f"{_RAW}/dev.tsv",
                    sha256="15902014e1cf828aaf39ab83051063af3b4aec0f6e38edc3ea609299221d4735",
                ),
                SourceFile(
                    "test.tsv",
                    url=f"{_RAW}/test.tsv",
                    sha256="dd68d01d5cc0f73d6790a94b054fdb14b0cd443979f7fc42d1d98aba2cb6791b",
                ),
            ),
        ),
    ),
    views=(
        View(
            name="biosses",
            schema=Schema.PAIRS,
            task=TaskType.STS,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load,
            metrics=("pearson",),
            description="label: the mean similarity score, 0 (unrelated) to 4 (equivalent)",
        ),
    ),
    benchmarks=("BLURB", "BLUE"),
)
