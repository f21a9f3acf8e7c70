"""Readers of the medical exam releases: MedQA's and MedMCQA's JSON Lines, MMLU's CSVs.

Each question becomes a BigBIO QA record of type ``multiple_choice``: ``choices`` are the option
texts in the publisher's letter order (A, B, C ...), ``answer`` the correct option's text. Every
answer letter is checked against the question's options; a bad row fails with its file and line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import QARecord
from bioeval.tasks.readers.text_files import read_jsonl, read_text, require_keys

LETTERS = "ABCDEFGHIJ"
MEDMCQA_OPTIONS = ("opa", "opb", "opc", "opd")


def exam_record(
    record_id: str, question: str, options: tuple[str, ...], answer_index: int, document_id: str = ""
) -> QARecord:
    return QARecord(
        id=record_id, question_id=record_id, document_id=document_id or record_id,
        question=question, type="multiple_choice", choices=options, context="",
        answer=(options[answer_index],),
    )


def _text(value: Any, path: Path, line: int, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, f"{what} must be a non-empty string", line)
    return value


def read_medqa(path: Path) -> Iterator[QARecord]:
    """MedQA (jind11/MedQA): ``question``, ``options`` {"A": text ...}, ``answer_idx`` (a letter),
    ``answer`` (its text); the record id is ``<file stem>-<line>`` (the release has no ids)."""
    for line, item in read_jsonl(path):
        require_keys(item, ("question", "options", "answer_idx"), path, f"line {line}")
        options = item["options"]
        if not isinstance(options, dict) or not options:
            raise DataFileError(path, "'options' must be an object {letter: text}", line)
        letters = sorted(options)
        if "".join(letters) != LETTERS[: len(letters)]:
            raise DataFileError(path, f"option letters {letters}; expected A, B, C ... in order", line)
        texts = tuple(_text(options[k], path, line, f"option {k}") for k in letters)
        letter = item["answer_idx"]
        if letter not in options:
            raise DataFileError(path, f"answer_idx {letter!r} is not one of the options {letters}", line)
        if "answer" in item and item["answer"] != options[letter]:
            raise DataFileError(
                path, f"answer {item['answer']!r} is not option {letter} ({options[letter]!r})", line
            )
        question = _text(item["question"], path, line, "question")
        yield exam_record(f"{path.stem}-{line}", question, texts, letters.index(letter), str(item.get("meta_info", "")))


def read_mmlu(path: Path, subject: str) -> Iterator[QARecord]:
    """One MMLU CSV (no header): question, A, B, C, D, answer letter; RFC 4180 quoting."""
    rows = csv.reader(io.StringIO(read_text(path), newline=""))
    count = 0
    for row in rows:
        line = rows.line_num
        if len(row) != 6:
            raise DataFileError(path, f"{len(row)} columns; expected 6 (question, A, B, C, D, answer)", line)
        letter = row[5].strip()
        if letter not in LETTERS[:4] or not letter:
            raise DataFileError(path, f"answer {row[5]!r}; expected one of A, B, C, D", line)
        options = tuple(_text(text, path, line, f"option {LETTERS[i]}") for i, text in enumerate(row[1:5]))
        count += 1
        yield exam_record(f"{subject}-{count}", _text(row[0], path, line, "question"), options,
                          LETTERS.index(letter), subject)
    if count == 0:
        raise DataFileError(path, "no questions")


def read_medmcqa(path: Path) -> Iterator[QARecord]:
    """MedMCQA's JSON Lines: ``id``, ``question``, ``opa`` .. ``opd``, ``cop`` (1-4; absent or -1
    in the unanswered test.json, which fails here naming the line), ``choice_type``."""
    for line, item in read_jsonl(path):
        require_keys(item, ("id", "question", *MEDMCQA_OPTIONS), path, f"line {line}")
        cop = item.get("cop")
        if cop is None or cop == -1:
            raise DataFileError(
                path, "no answer ('cop' is missing or -1): MedMCQA's test answers are not public; "
                "evaluate the dev split", line,
            )
        if not isinstance(cop, int) or not 1 <= cop <= 4:
            raise DataFileError(path, f"cop {cop!r}; expected 1, 2, 3 or 4", line)
        options = tuple(_text(item[key], path, line, key) for key in MEDMCQA_OPTIONS)
        yield exam_record(str(item["id"]), _text(item["question"], path, line, "question"), options,
                          cop - 1, str(item.get("subject_name") or ""))


def answer_letters(records: Iterable[QARecord]) -> dict[str, int]:
    """How often each letter is the right one (the answer distribution)."""
    counts: dict[str, int] = {}
    for record in records:
        letter = LETTERS[record.choices.index(record.answer[0])]
        counts[letter] = counts.get(letter, 0) + 1
    return dict(sorted(counts.items()))
