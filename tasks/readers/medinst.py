"""MedINST's published instruction files: one JSON object per line, or one JSON array.

Each row holds ``instruction``, ``input`` and ``output`` (strings) and, in the few-shot files,
``history``: a list of ``[user, assistant]`` pairs. Rows are kept exactly as published (no
stripping, no re-wording); a row's id is its position in the file (0-based).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import InstructionRecord

FIELDS = ("instruction", "input", "output")


def read_instruction_file(path: Path) -> list[InstructionRecord]:
    """Every row of a MedINST ``<Task>_test.json`` (JSON Lines or a JSON array)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(path, "not UTF-8 text") from None
    return [_record(path, line, index, row) for index, (line, row) in enumerate(_rows(path, text))]


def _rows(path: Path, text: str) -> Iterator[tuple[int | None, Any]]:
    """(line number or None, parsed row) in file order."""
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataFileError(path, f"invalid JSON array: {error.msg}", error.lineno) from None
        yield from ((None, row) for row in rows)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise DataFileError(
                path, f"expected one JSON object a line (or one JSON array): {error.msg}", number
            ) from None


def _record(path: Path, line: int | None, index: int, row: Any) -> InstructionRecord:
    where = "" if line is not None else f"row {index}: "
    if not isinstance(row, dict):
        raise DataFileError(path, f"{where}expected a JSON object with {', '.join(FIELDS)}", line)
    for name in FIELDS:
        if not isinstance(row.get(name), str):
            raise DataFileError(path, f"{where}expected a string {name!r}, got {_shape(row.get(name))}", line)
    return InstructionRecord(
        id=str(index),
        instruction=row["instruction"],
        input=row["input"],
        output=row["output"],
        history=_history(path, line, where, row.get("history")),
    )


def _history(path: Path, line: int | None, where: str, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    turns = value if isinstance(value, list) else None
    pairs = []
    for turn in turns if turns is not None else [None]:
        if not (isinstance(turn, list) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise DataFileError(
                path, f"{where}expected 'history' to be a list of [user, assistant] string pairs, "
                f"got {_shape(value)}", line,
            )
        pairs.append((turn[0], turn[1]))
    return tuple(pairs)


def _shape(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "nothing"
    return text if len(text) <= 60 else text[:57] + "..."
