"""MedQA (USMLE, English): four- and five-option medical licensing exam questions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import QARecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.multiple_choice import read_medqa

MIRROR = "https://raw.githubusercontent.com/Teddy-XiongGZ/MIRAGE/392943af99cd94cafd50a0de2e7fca24bbf65494/rawdata"
"""MIRAGE's copy of the publishers' files (MedQA and MedMCQA are hosted on Google Drive)."""
_US = "data_clean/questions/US"
_SPLITS = {"train": "train", "validation": "dev", "test": "test"}  # split -> the release's name
_FOUR = {split: f"original/{_US}/4_options/phrases_no_exclude_{name}.jsonl" for split, name in _SPLITS.items()}
_FIVE = {split: f"original/{_US}/{name}.jsonl" for split, name in _SPLITS.items()}
_PINNED = {_FOUR["test"]: "c3b905ccfa66152dc25afbcb2c10e86c0bdb208824f0658fcdb2c040f60a2beb"}


def _view(name: str, files: Mapping[str, str], description: str) -> View:
    def load(split: str, paths: Mapping[str, Path]) -> Iterable[QARecord]:
        return read_medqa(paths[files[split]])

    return View(
        name=name, schema=Schema.QA, task=TaskType.MCQA,
        splits={split: (ref,) for split, ref in files.items()},
        load=load, metrics=("accuracy",), description=description,
    )


def _file(ref: str) -> SourceFile:
    path = ref.removeprefix("original/")
    pinned = _PINNED.get(ref)
    return SourceFile(path, url=f"{MIRROR}/medqa/{path}" if pinned else None, sha256=pinned)


DATASET = DatasetSpec(
    name="medqa",
    title="MedQA (USMLE, English)",
    homepage="https://github.com/jind11/MedQA",
    license="MIT",
    citation=(
        "Jin D, Pan E, Oufattole N, Weng WH, Fang H, Szolovits P. What Disease does this Patient "
        "Have? A Large-scale Open Domain Question Answering Dataset from Medical Exams. Applied "
        "Sciences 2021;11(14):6421."
    ),
    sources=(
        Source(
            name="original",
            description="jind11/MedQA's data_clean release (Google Drive); the 4-option test file "
            "is pinned to its copy in Teddy-XiongGZ/MIRAGE",
            files=tuple(_file(ref) for ref in (*_FOUR.values(), *_FIVE.values())),
        ),
    ),
    views=(
        _view("medqa", _FOUR, "USMLE questions with 4 options (test: 1273); the form papers and "
              "the Open Medical-LLM Leaderboard report"),
        _view("medqa_5options", _FIVE, "USMLE questions with all 5 options (test: 1273)"),
    ),
    benchmarks=("Open Medical-LLM Leaderboard",),
    description="Which option answers the USMLE question?",
)
