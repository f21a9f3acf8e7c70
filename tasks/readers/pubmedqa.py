"""PubMedQA's JSON release (Jin et al., 2019): ``ori_pqal.json`` and ``test_ground_truth.json``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import QARecord
from bioeval.tasks.readers.text_files import read_json, require_keys

DECISIONS = ("yes", "no", "maybe")


def read_test_pmids(path: Path) -> dict[str, str]:
    """``{PMID: decision}`` of ``test_ground_truth.json``."""
    truth = read_json(path)
    if not isinstance(truth, dict) or not truth:
        raise DataFileError(path, "expected a non-empty JSON object {PMID: yes|no|maybe}")
    for pmid, decision in truth.items():
        if decision not in DECISIONS:
            raise DataFileError(path, f"PMID {pmid}: decision {decision!r}; expected {DECISIONS}")
    return truth


def read_pqal(path: Path, keep: set[str] | None, drop: set[str] | None) -> Iterator[QARecord]:
    """Items of ``ori_pqal.json``, restricted to ``keep`` or excluding ``drop`` (PMIDs)."""
    items = read_json(path)
    if not isinstance(items, dict):
        raise DataFileError(path, "expected a JSON object keyed by PMID")
    for pmid, item in items.items():
        if keep is not None and pmid not in keep:
            continue
        if drop is not None and pmid in drop:
            continue
        require_keys(item, ("QUESTION", "CONTEXTS", "final_decision"), path, f"PMID {pmid}")
        decision = item["final_decision"]
        if decision not in DECISIONS:
            raise DataFileError(
                path, f"PMID {pmid}: final_decision {decision!r}; expected {DECISIONS}"
            )
        contexts = item["CONTEXTS"]
        if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
            raise DataFileError(path, f"PMID {pmid}: CONTEXTS must be a list of strings")
        yield QARecord(
            id=pmid,
            question_id=pmid,
            document_id=pmid,
            question=item["QUESTION"],
            type="yesno",
            choices=DECISIONS,
            context=" ".join(contexts),
            answer=(decision,),
        )
