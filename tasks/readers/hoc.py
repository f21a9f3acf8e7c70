"""Hallmarks of Cancer: the original release and BLURB's TSV, both read per document.

Original (sb895/Hallmarks-of-Cancer): ``text/<PMID>.txt`` has one sentence a line;
``labels/<PMID>.txt`` is one line of ``<``-separated fields, the first empty and then one per
sentence, each holding `` AND``-joined ``Hallmark--sub-class`` paths (or ``NULL`` / nothing).
BLURB: ``labels<TAB>sentence<TAB>index`` rows, ``index`` = ``PMID_sN``, ``labels`` =
``0_v,1_v,...,9_v`` over the 10 hallmarks in alphabetical order.

Both are scored per document (BLURB's convention): the labels of a document are the union of its
sentences' labels; its text is its sentences joined by single spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import TextRecord
from bioeval.tasks.readers.text_files import read_lines, read_text, read_tsv

HALLMARKS = (
    "Activating invasion and metastasis",
    "Avoiding immune destruction",
    "Cellular energetics",
    "Enabling replicative immortality",
    "Evading growth suppressors",
    "Genomic instability and mutation",
    "Inducing angiogenesis",
    "Resisting cell death",
    "Sustaining proliferative signaling",
    "Tumor promoting inflammation",
)
_BY_LOWER = {name.lower(): name for name in HALLMARKS}
_SENTENCE_INDEX = re.compile(r"^(?P<pmid>\d+)_s(?P<n>\d+)$")


def read_blurb_documents(path: Path) -> list[TextRecord]:
    """Documents of a BLURB HoC TSV, in order of first appearance."""
    sentences: dict[str, list[tuple[int, str]]] = {}
    labels: dict[str, set[str]] = {}
    for line, (flags, sentence, index) in read_tsv(path, 3, ("labels", "sentence", "index")):
        match = _SENTENCE_INDEX.match(index)
        if match is None:
            raise DataFileError(path, f"index {index!r}; expected PMID_sN", line)
        pmid = match.group("pmid")
        sentences.setdefault(pmid, []).append((int(match.group("n")), sentence))
        labels.setdefault(pmid, set()).update(_blurb_flags(flags, path, line))
    return [
        TextRecord(
            id=pmid,
            document_id=pmid,
            text=" ".join(text for _, text in sorted(sentences[pmid])),
            labels=tuple(sorted(labels[pmid])),
        )
        for pmid in sentences
    ]


def blurb_pmids(path: Path) -> list[str]:
    """The document ids of a BLURB HoC TSV (how its splits are defined)."""
    return [record.id for record in read_blurb_documents(path)]


def _blurb_flags(flags: str, path: Path, line: int) -> set[str]:
    expected = ",".join(f"{i}_v" for i in range(len(HALLMARKS)))
    items = flags.split(",")
    if len(items) != len(HALLMARKS):
        raise DataFileError(path, f"labels {flags!r}; expected {expected} with v 0 or 1", line)
    found = set()
    for position, item in enumerate(items):
        if item not in (f"{position}_0", f"{position}_1"):
            raise DataFileError(
                path, f"label {item!r}; expected {position}_0 or {position}_1", line
            )
        if item.endswith("_1"):
            found.add(HALLMARKS[position])
    return found


def read_original_documents(
    text_dir: Path, labels_dir: Path, pmids: Iterable[str]
) -> list[TextRecord]:
    return [_original_document(text_dir, labels_dir, pmid) for pmid in pmids]


def _original_document(text_dir: Path, labels_dir: Path, pmid: str) -> TextRecord:
    text_path, labels_path = text_dir / f"{pmid}.txt", labels_dir / f"{pmid}.txt"
    for path in (text_path, labels_path):
        if not path.is_file():
            raise DataFileError(path, f"missing: document {pmid} is in the split but not here")
    sentences = [line for line in read_lines(text_path) if line.strip()]
    fields = read_text(labels_path).strip("\n").split("<")
    if fields[0].strip() or len(fields) - 1 != len(sentences):
        raise DataFileError(
            labels_path,
            f"{len(fields) - 1} '<'-separated label fields after an empty first one; expected "
            f"one per sentence of {text_path.name} ({len(sentences)})",
            1,
        )
    labels: set[str] = set()
    for field in fields[1:]:
        for path_label in field.split("AND"):
            name = path_label.split("--")[0].strip()
            if name in ("", "NULL"):
                continue
            if name.lower() not in _BY_LOWER:
                raise DataFileError(
                    labels_path, f"hallmark {name!r}; expected one of {list(HALLMARKS)}", 1
                )
            labels.add(_BY_LOWER[name.lower()])
    return TextRecord(
        id=pmid,
        document_id=pmid,
        text=" ".join(s.strip() for s in sentences),
        labels=tuple(sorted(labels)),
    )
