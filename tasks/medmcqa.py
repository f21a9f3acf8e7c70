"""MedMCQA: four-option questions from Indian medical entrance exams (AIIMS, NEET PG)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import QARecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.medqa import MIRROR
from bioeval.tasks.readers.multiple_choice import read_medmcqa

_FILES = {"train": "original/data/train.json", "validation": "original/data/dev.json",
          "test": "original/data/test.json"}
_DEV_SHA256 = "a2b5f53890f4e742b728378fb847bc5338088d48ea01218676379f587270af31"


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[QARecord]:
    return read_medmcqa(paths[_FILES[split]])


DATASET = DatasetSpec(
    name="medmcqa",
    title="MedMCQA",
    homepage="https://medmcqa.github.io/",
    license="MIT",
    citation=(
        "Pal A, Umapathi LK, Sankarasubbu M. MedMCQA: A Large-scale Multi-Subject Multi-Choice "
        "Dataset for Medical domain Question Answering. CHIL 2022, PMLR 174:248-260."
    ),
    sources=(
        Source(
            name="original",
            description="MedMCQA's data.zip (Google Drive): data/{train,dev,test}.json; dev.json is "
            "pinned to its copy in Teddy-XiongGZ/MIRAGE",
            files=(
                SourceFile("data/train.json"),
                SourceFile("data/dev.json", url=f"{MIRROR}/medmcqa/data/dev.json", sha256=_DEV_SHA256),
                SourceFile("data/test.json"),
            ),
        ),
    ),
    views=(
        View(
            name="medmcqa", schema=Schema.QA, task=TaskType.MCQA,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load, metrics=("accuracy",), eval_split="validation",
            description="evaluated on dev (4183 questions), as papers do: test.json has no "
            "answers, and asking for it fails saying so",
        ),
    ),
    benchmarks=("Open Medical-LLM Leaderboard",),
    description="Which option answers the medical entrance exam question?",
)
