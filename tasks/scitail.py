"""SciTail: entailment between science exam questions-as-statements and web sentences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import EntailRecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.nli import read_scitail

_ZIP = "https://ai2-public-datasets.s3.amazonaws.com/scitail/SciTailV1.1.zip"
_NAMES = {"train": "train", "validation": "dev", "test": "test"}
_FILES = {split: f"original/tsv_format/scitail_1.0_{name}.tsv" for split, name in _NAMES.items()}
LABELS = ("entails", "neutral")


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[EntailRecord]:
    return read_scitail(paths[_FILES[split]], split, LABELS)


DATASET = DatasetSpec(
    name="scitail",
    title="SciTail",
    homepage="https://allenai.org/data/scitail",
    license="Apache-2.0",
    citation=(
        "Khot T, Sabharwal A, Clark P. SciTail: A Textual Entailment Dataset from Science "
        "Question Answering. AAAI 2018."
    ),
    sources=(
        Source(
            name="original",
            description="SciTailV1.1.zip's tsv_format folder: premise<TAB>hypothesis<TAB>label",
            files=tuple(
                SourceFile(
                    ref.removeprefix("original/"),
                    url=_ZIP,
                    archive_member=f"SciTailV1.1/{ref.removeprefix('original/')}",
                )
                for ref in _FILES.values()
            ),
        ),
    ),
    views=(
        View(
            name="scitail",
            schema=Schema.ENTAIL,
            task=TaskType.NLI,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load,
            metrics=("accuracy",),
            labels=LABELS,
            label_text={"entails": "entailment", "neutral": "neutral (not entailed)"},
            description="does the premise entail the hypothesis? ids are <split>-<line>",
        ),
    ),
)
