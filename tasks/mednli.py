"""MedNLI: natural language inference on MIMIC-III clinical notes (credentialed access)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import EntailRecord, Schema, TaskType
from bioeval.tasks.core.spec import Access, DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.nli import read_mednli

_NAMES = {"train": "train", "validation": "dev", "test": "test"}
_FILES = {split: f"original/mli_{name}_v1.jsonl" for split, name in _NAMES.items()}
LABELS = ("entailment", "neutral", "contradiction")


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[EntailRecord]:
    return read_mednli(paths[_FILES[split]], LABELS)


DATASET = DatasetSpec(
    name="mednli",
    title="MedNLI",
    homepage="https://physionet.org/content/mednli/1.0.0/",
    license="PhysioNet Credentialed Health Data License 1.5.0",
    citation=(
        "Romanov A, Shivade C. Lessons from Natural Language Inference in the Clinical Domain. "
        "EMNLP 2018."
    ),
    sources=(
        Source(
            name="original",
            description="mli_{train,dev,test}_v1.jsonl from PhysioNet",
            files=tuple(SourceFile(ref.removeprefix("original/")) for ref in _FILES.values()),
        ),
    ),
    views=(
        View(
            name="mednli",
            schema=Schema.ENTAIL,
            task=TaskType.NLI,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load,
            metrics=("accuracy",),
            labels=LABELS,
            label_text={
                "entailment": "entailment (the hypothesis follows)",
                "neutral": "neutral (neither follows nor contradicts)",
                "contradiction": "contradiction",
            },
            description="premise from a clinical note, hypothesis written by a clinician",
        ),
    ),
    access=Access.CREDENTIALED,
    how_to_get=(
        "get credentialed access on PhysioNet (https://physionet.org/content/mednli/1.0.0/), "
        "download the release and copy mli_train_v1.jsonl, mli_dev_v1.jsonl and "
        "mli_test_v1.jsonl into <data dir>/mednli/original/"
    ),
    benchmarks=("BLUE",),
)
