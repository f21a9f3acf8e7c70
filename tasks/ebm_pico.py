"""EBM-PICO (EBM-NLP): participants, interventions and outcomes in RCT abstracts, token level."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import KBRecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.iob import read_kb

_RAW = (
    "https://raw.githubusercontent.com/hieunguyen7337/KeBioLM/"
    "bc7c3667c786236252ba5b26b3b921197465b7a3/data/ebmnlp"
)
_FILES = {"validation": "blurb/dev.tsv", "test": "blurb/test.tsv"}
PICO_TYPES = {"PAR": "Participants", "INT": "Intervention", "OUT": "Outcome"}


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
    return read_kb(paths[_FILES[split]], f"{split}-", PICO_TYPES, scheme="IO")


DATASET = DatasetSpec(
    name="ebm_pico",
    title="EBM-PICO (EBM-NLP), BLURB version",
    homepage="https://github.com/bepnye/EBM-NLP",
    license="Not stated upstream (EBM-NLP is distributed for research)",
    citation=(
        "Nye B, Li JJ, Patel R, Yang Y, Marshall IJ, Nenkova A, Wallace BC. A corpus with "
        "multi-level annotations of patients, interventions and outcomes to support language "
        "processing for medical literature. ACL 2018."
    ),
    sources=(
        Source(
            name="blurb",
            description="BLURB's CoNLL files: -DOCSTART- (PMID) per abstract, IO tags "
            "I-PAR / I-INT / I-OUT / O",
            files=(
                SourceFile(
                    "dev.tsv",
                    url=f"{_RAW}/dev.tsv",
                    sha256="700c7bf7642fcfde8cfe52605e1ead8f8ffa5d4f6b09b5e96ef62744e604a8d4",
                ),
                SourceFile(
                    "test.tsv",
                    url=f"{_RAW}/test.tsv",
                    sha256="60f676f1664ad491a6378b1029c7dd1371c461912322fc6382cec8d6784dd508",
                ),
            ),
        ),
    ),
    views=(
        View(
            name="ebm_pico",
            schema=Schema.KB,
            task=TaskType.PICO,
            splits={split: (ref,) for split, ref in _FILES.items()},
            load=_load,
            metrics=("token_f1", "pico_bow_micro_f1"),
            labels=tuple(PICO_TYPES.values()),
            train_split=None,
            description="one record per abstract; entities = maximal runs of one I- tag; the "
            "text's whitespace tokens are the file's tokens",
        ),
    ),
    benchmarks=("BLURB",),
)
