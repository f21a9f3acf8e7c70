"""Strict reading of text files: UTF-8, tab-separated rows and JSON, with file:line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import DataFileError


UTF8_BOM = b"\xef\xbb\xbf"


OTHER_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
              b"\xfe\xff": "UTF-16"}
"""Byte-order marks of encodings bioeval does not read (checked longest first)."""


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing file, a folder or an unreadable file fails in one line."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise DataFileError(path, "is a folder; expected a file") from None
    except FileNotFoundError:
        raise DataFileError(path, "does not exist; expected a file") from None
    except OSError as error:
        raise DataFileError(path, f"cannot be read ({error.strerror or error})") from None


def read_text(path: Path) -> str:
    """The file's text; a non-UTF-8 byte fails naming the line it is on. A leading UTF-8
    byte-order mark (as spreadsheet programs write it) is dropped; a UTF-16 or UTF-32 one is
    refused by name."""
    data = read_bytes(path)
    for bom, encoding in OTHER_BOMS.items():
        if data.startswith(bom):
            raise DataFileError(path, f"is {encoding} text (byte-order mark); expected UTF-8: save it as UTF-8")
    data = data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataFileError(
            path, f"byte 0x{data[error.start]:02x} is not valid UTF-8 (expected UTF-8 text)", line
        ) from None


def read_lines(path: Path) -> list[str]:
    """Lines without their line ending ("\\r\\n" or "\\n")."""
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_tsv(
    path: Path, columns: int, header: Sequence[str] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) of a tab-separated file with exactly ``columns`` fields.

    With ``header`` the first line must be exactly that header. Blank lines are errors, since
    in these formats they mean a truncated or hand-edited file.
    """
    lines = read_lines(path)
    start = 0
    if header is not None:
        if not lines:
            raise DataFileError(path, f"empty file; expected the header {'<TAB>'.join(header)}", 1)
        found = lines[0].split("\t")
        if found != list(header):
            raise DataFileError(
                path, f"header is {'<TAB>'.join(found)!r}; expected {'<TAB>'.join(header)!r}", 1
            )
        start = 1
    if len(lines) <= start:
        raise DataFileError(path, "no data rows")
    for index in range(start, len(lines)):
        fields = lines[index].split("\t")
        if len(fields) != columns:
            raise DataFileError(
                path,
                f"{len(fields)} tab-separated columns; expected {columns}",
                index + 1,
            )
        yield index + 1, fields


def read_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"invalid JSON: {error.msg}", error.lineno) from None


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, object) for each non-blank line of a JSON Lines file."""
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise DataFileError(path, f"invalid JSON: {error.msg}", number) from None


def require_keys(obj: Any, keys: Sequence[str], path: Path, where: str) -> None:
    """Fail unless ``obj`` is a JSON object holding every key."""
    if not isinstance(obj, dict):
        raise DataFileError(path, f"{where}: expected a JSON object, found {type(obj).__name__}")
    for key in keys:
        if key not in obj:
            raise DataFileError(path, f"{where}: missing key {key!r}")
