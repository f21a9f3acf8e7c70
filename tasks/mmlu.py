"""MMLU's six medical subjects (MedINST's "MMLU-Medicine"; the Open Medical-LLM Leaderboard's
six MMLU columns), one view each: ``mmlu_anatomy`` ... ``mmlu_professional_medicine``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import QARecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.medqa import MIRROR
from bioeval.tasks.readers.multiple_choice import read_mmlu

SUBJECTS = {  # subject -> sha256 of its test CSV (hendrycks data.tar, as copied in MIRAGE)
    "anatomy": "966dfd5c4579885ebdb8c05d6754ae5834f672632586d8595be3c0f9360e6f4e",
    "clinical_knowledge": "06a1ea973000d5ef5d2664c4ac1c68d0423f1cab6b3b682be7942633740811f1",
    "college_biology": "e1204cb9d19887ea266145f038b5d4cc1fbc33d7efce186259c4ecca1cbe3119",
    "college_medicine": "9c533cfff89edaa317b2e79bbabcdd5e2e522e019679cb4a6475e5f2a1861b1e",
    "medical_genetics": "cc30c698e94f12c00e610a39c62d1a1d9587fa53c005359317346081f722c5e6",
    "professional_medicine": "a034bf0dda10cb0848bdd3097eb1547d61ca2dac9e9b871563691621c38d51e9",
}
_SPLITS = {"test": "test", "validation": "val", "dev": "dev"}  # split -> MMLU's folder and suffix


def _ref(subject: str, split: str) -> str:
    name = _SPLITS[split]
    return f"original/data/{name}/{subject}_{name}.csv"


def _view(subject: str) -> View:
    def load(split: str, paths: Mapping[str, Path]) -> Iterable[QARecord]:
        return read_mmlu(paths[_ref(subject, split)], subject)

    return View(
        name=f"mmlu_{subject}", schema=Schema.QA, task=TaskType.MCQA,
        splits={split: (_ref(subject, split),) for split in _SPLITS},
        load=load, metrics=("accuracy",), train_split=None,
        description=f"MMLU {subject.replace('_', ' ')}; dev holds MMLU's 5 few-shot examples "
        "(the majority baseline counts the evaluated split: MMLU has no training split per subject)",
    )


def _files(subject: str) -> Iterable[SourceFile]:
    for split in _SPLITS:
        path = _ref(subject, split).removeprefix("original/")
        if split == "test":
            yield SourceFile(path, url=f"{MIRROR}/mmlu/{path}", sha256=SUBJECTS[subject])
        else:
            yield SourceFile(path)


DATASET = DatasetSpec(
    name="mmlu",
    title="MMLU, medical subjects",
    homepage="https://github.com/hendrycks/test",
    license="MIT",
    citation=(
        "Hendrycks D, Burns C, Basart S, Zou A, Mazeika M, Song D, Steinhardt J. Measuring "
        "Massive Multitask Language Understanding. ICLR 2021."
    ),
    sources=(
        Source(
            name="original",
            description="hendrycks/test data.tar: data/{test,val,dev}/<subject>_<split>.csv; the "
            "test CSVs are pinned to their copy in Teddy-XiongGZ/MIRAGE",
            files=tuple(f for subject in SUBJECTS for f in _files(subject)),
        ),
    ),
    views=tuple(_view(subject) for subject in SUBJECTS),
    benchmarks=("Open Medical-LLM Leaderboard", "MedINST MMLU-Medicine"),
    description="Which option answers the exam question?",
)
