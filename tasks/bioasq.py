"""BioASQ Task 7b yes/no questions (registration required): golden files and BLURB's TSVs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import QARecord, Schema, TaskType
from bioeval.tasks.core.spec import Access, DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers import bioasq, blurb

_GOLDEN = tuple(f"original/7B{batch}_golden.json" for batch in range(1, 6))
_BLURB = {"train": "blurb/train.tsv", "validation": "blurb/dev.tsv", "test": "blurb/test.tsv"}
_LABEL_TEXT = {"yes": "yes", "no": "no"}


def _load_golden(split: str, paths: Mapping[str, Path]) -> Iterable[QARecord]:
    for ref in _GOLDEN:
        yield from bioasq.read_yes_no_questions(paths[ref])


def _load_blurb(split: str, paths: Mapping[str, Path]) -> Iterable[QARecord]:
    return blurb.read_yes_no_questions(paths[_BLURB[split]])


DATASET = DatasetSpec(
    name="bioasq",
    title="BioASQ Task 7b, yes/no questions",
    homepage="http://participants-area.bioasq.org/",
    license="BioASQ terms of use (registration required)",
    citation=(
        "Tsatsaronis G, Balikas G, Malakasiotis P, et al. An overview of the BIOASQ large-scale "
        "biomedical semantic indexing and question answering competition. BMC Bioinformatics "
        "2015;16:138."
    ),
    sources=(
        Source(
            name="original",
            description="Task 7b test batches with gold answers (7B1_golden.json ... 7B5)",
            files=tuple(SourceFile(ref.removeprefix("original/")) for ref in _GOLDEN),
        ),
        Source(
            name="blurb",
            description="BLURB's TSVs: id<TAB>question<TAB>gold snippets<TAB>yes|no, no header",
            files=tuple(SourceFile(ref.removeprefix("blurb/")) for ref in _BLURB.values()),
        ),
    ),
    views=(
        View(
            name="bioasq",
            schema=Schema.QA,
            task=TaskType.QA,
            splits={"test": _GOLDEN},
            load=_load_golden,
            metrics=("accuracy",),
            labels=bioasq.YES_NO,
            label_text=_LABEL_TEXT,
            train_split=None,
            description="yes/no questions of the five 7b test batches; context = gold snippets",
        ),
        View(
            name="bioasq_blurb",
            schema=Schema.QA,
            task=TaskType.QA,
            splits={split: (ref,) for split, ref in _BLURB.items()},
            load=_load_blurb,
            metrics=("accuracy",),
            labels=blurb.YES_NO,
            label_text=_LABEL_TEXT,
            description="BLURB's TSVs (test = the 7b test batches' yes/no questions)",
        ),
    ),
    access=Access.REGISTRATION,
    how_to_get=(
        "register at http://participants-area.bioasq.org/, download the Task 7b golden files "
        "(7B1_golden.json ... 7B5_golden.json) into <data dir>/bioasq/original/ (BLURB's "
        "train/dev/test.tsv go into <data dir>/bioasq/blurb/)"
    ),
    benchmarks=("BLURB",),
)
