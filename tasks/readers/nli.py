"""Entailment files: MedNLI's JSON Lines and SciTail's TSV, as ENTAIL records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import EntailRecord
from bioeval.tasks.readers.text_files import read_jsonl, read_tsv, require_keys


def read_mednli(path: Path, labels: Sequence[str]) -> Iterator[EntailRecord]:
    """``{"sentence1", "sentence2", "gold_label", "pairID", ...}`` one object a line."""
    for line, item in read_jsonl(path):
        require_keys(item, ("sentence1", "sentence2", "gold_label", "pairID"), path, f"line {line}")
        label = item["gold_label"]
        if label not in labels:
            raise DataFileError(path, f"gold_label {label!r}; expected one of {list(labels)}", line)
        yield EntailRecord(
            id=str(item["pairID"]),
            premise=item["sentence1"],
            hypothesis=item["sentence2"],
            label=label,
        )


def read_scitail(path: Path, split: str, labels: Sequence[str]) -> Iterator[EntailRecord]:
    """``premise<TAB>hypothesis<TAB>label``, no header and no ids: ids are ``<split>-<line>``."""
    for line, (premise, hypothesis, label) in read_tsv(path, 3):
        if label not in labels:
            raise DataFileError(path, f"label {label!r}; expected one of {list(labels)}", line)
        yield EntailRecord(
            id=f"{split}-{line}", premise=premise, hypothesis=hypothesis, label=label
        )
