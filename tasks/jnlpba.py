"""JNLPBA (GENIA bio-entity recognition, 2004 shared task) as BLURB distributes it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import KBRecord, Schema, TaskType
from bioeval.tasks.core.spec import NER_METRICS, DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.iob import read_kb

_RAW = (
    "https://raw.githubusercontent.com/cambridgeltl/MTL-Bioinformatics-2016/"
    "df0df02fae6dbb87d88ffcf323b9096528f06f84/data/JNLPBA"
)
_FILES = {"train": "blurb/train.tsv", "validation": "blurb/devel.tsv", "test": "blurb/test.tsv"}
ENTITY_TYPES = ("protein", "DNA", "RNA", "cell_type", "cell_line")


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
    return read_kb(paths[_FILES[split]], f"{split}-", {t: t for t in ENTITY_TYPES})


DATASET = DatasetSpec(
    name="jnlpba",
    title="JNLPBA: bio-entity recognition on GENIA abstracts",
    homepage="http://www.geniaproject.org/shared-tasks/bionlp-jnlpba-shared-task-2004",
    license="CC BY 3.0 (GENIA); BLURB's files CC BY 4.0",
    citation=(
        "Collier N, Kim JD. Introduction to the bio-entity recognition task at JNLPBA. "
        "JNLPBA 2004, 73-78."
    ),
    sources=(
        Source(
            name="blurb",
            description="BLURB's IOB files with -DOCSTART- per abstract "
            "(cambridgeltl/MTL-Bioinformatics-2016 data/JNLPBA)",
            files=(
                SourceFile("train.tsv", url=f"{_RAW}/train.tsv"),
                SourceFile(
                    "devel.tsv",
                    url=f"{_RAW}/devel.tsv",
                    sha256="462b09bc79a4dd69cec2e70b6041f54383b4b94892d2ee971a587fdc74caae80",
                ),
                SourceFile(
                    "test.tsv",
                    url=f"{_RAW}/test.tsv",
                    sha256="87c9b8f1f7fcf94add38c16088203d4ddf35c2f61eb2c7e61240c738d8dd9d35",
                ),
            ),
        ),
    ),
    views=(
        View(
            name="jnlpba",
            schema=Schema.KB,
            task=TaskType.NER,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load,
            metrics=NER_METRICS,
            labels=ENTITY_TYPES,
            description="one record per abstract (-DOCSTART- blocks), one passage per sentence",
        ),
    ),
    benchmarks=("BLURB",),
)
