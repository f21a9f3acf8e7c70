"""BC2GM (BioCreative II gene mention) as BLURB distributes it: gene mentions in sentences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import KBRecord, Schema, TaskType
from bioeval.tasks.core.spec import NER_METRICS, DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.iob import read_kb

_RAW = (
    "https://raw.githubusercontent.com/cambridgeltl/MTL-Bioinformatics-2016/"
    "df0df02fae6dbb87d88ffcf323b9096528f06f84/data/BC2GM-IOB"
)
_FILES = {"train": "blurb/train.tsv", "validation": "blurb/devel.tsv", "test": "blurb/test.tsv"}
_SHA256 = {
    "train.tsv": "46e17f4e1509483b82c03f27d6f0214020f738fb71704356fb3445eb824ab38d",
    "devel.tsv": "33a94577aa22f1e70ec9e02781a05baa4e1390e866d28bf2b344888e4e3d4103",
    "test.tsv": "30d7a4f571ca8ed22a044528063ba5d0388d666d8b8b329733d6927e5fb30764",
}


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
    return read_kb(paths[_FILES[split]], f"{split}-", {"GENE": "GENE"})


DATASET = DatasetSpec(
    name="bc2gm",
    title="BC2GM: BioCreative II gene mention recognition",
    homepage="https://biocreative.bioinformatics.udel.edu/tasks/biocreative-ii/task-1a-gene-mention-tagging/",
    license="Unknown upstream; BLURB's IOB files CC BY 4.0",
    citation=(
        "Smith L, Tanabe LK, Ando RJ, et al. Overview of BioCreative II gene mention "
        "recognition. Genome Biology 2008;9(Suppl 2):S2."
    ),
    sources=(
        Source(
            name="blurb",
            description="BLURB's IOB files (cambridgeltl/MTL-Bioinformatics-2016 data/BC2GM-IOB)",
            files=tuple(
                SourceFile(name, url=f"{_RAW}/{name}", sha256=sha) for name, sha in _SHA256.items()
            ),
        ),
    ),
    views=(
        View(
            name="bc2gm",
            schema=Schema.KB,
            task=TaskType.NER,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load,
            metrics=NER_METRICS,
            labels=("GENE",),
            description="one record per sentence; gene / gene product mentions",
        ),
    ),
    benchmarks=("BLURB",),
)
