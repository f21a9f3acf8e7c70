"""Files: atomic writes, strict JSON Lines, hashes and file-system-safe names.

Every file bioeval writes goes to a temporary name in the same folder and is renamed into
place, so an interrupted process leaves complete files or none.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from bioeval.tasks.core.loading import sha256_file
from bioeval.tasks.readers.text_files import read_jsonl

__all__ = [
    "atomic_write_bytes", "atomic_write_text", "jsonl", "jsonl_lines", "read_jsonl_file",
    "require_writable_folder", "write_user_file",
    "safe_name", "sha256_file", "sha256_text",
]


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it into place.

    The file gets the permissions a plain ``open`` would give it (0666 less the umask), not
    the 0600 of the temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(scratch, 0o666 & ~umask())
        os.replace(scratch, path)
    except BaseException:
        if os.path.exists(scratch):
            os.unlink(scratch)
        raise


def require_writable_folder(folder: Path, what: str) -> None:
    """Fail in one line, before anything is written, unless ``folder`` is (or can become) a
    writable folder: not a file, no file among its parents, not read-only."""
    from bioeval.errors import BioevalError

    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise BioevalError(f"{what}: {existing} is a file, not a folder; choose another path")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BioevalError(f"{what}: folder {existing} is not writable; choose another path")


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_user_file(path: Path, payload: bytes, what: str) -> None:
    """``atomic_write_bytes`` to a path the user chose: a failure is one line naming it."""
    from bioeval.errors import BioevalError

    try:
        atomic_write_bytes(path, payload)
    except OSError as error:
        raise BioevalError(f"{what}: cannot write {path} ({error.strerror or error})") from None


@functools.cache
def umask() -> int:
    current = os.umask(0)  # reading the umask means setting it: put it straight back
    os.umask(current)
    return current


def jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as JSON Lines (keys in the order given, non-ASCII kept)."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def jsonl_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) for every non-blank line (strict UTF-8; a bad line fails with file:line)."""
    return read_jsonl(path)


def read_jsonl_file(path: Path) -> list[Any]:
    """Every value of a JSON Lines file (strict UTF-8; a bad line fails with file:line)."""
    return [row for _, row in read_jsonl(path)]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_name(name: str) -> str:
    """A file-system-safe version of a model, task or prompt name."""
    cleaned = re.sub(r"[^A-Za-z0-9._=-]+", "_", name).strip("._")
    return cleaned or "_"
