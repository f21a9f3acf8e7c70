"""The run folder: ``run.json``, ``scores.jsonl`` and ``samples/``, written atomically.

Every file is written to a temporary name in the same folder and renamed into place, so an
interrupted run (Ctrl-C, a crash) leaves complete files or none. ``scores.jsonl`` only grows:
each finished (model, task, prompt) appends its rows by rewriting the file with the old rows
first.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.tasks.readers.text_files import read_jsonl

RUN_FILE = "run.json"
SCORES_FILE = "scores.jsonl"
SAMPLES_DIR = "samples"


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
        os.chmod(scratch, 0o666 & ~_umask())
        os.replace(scratch, path)
    except BaseException:
        if os.path.exists(scratch):
            os.unlink(scratch)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@functools.cache
def _umask() -> int:
    current = os.umask(0)  # reading the umask means setting it: put it straight back
    os.umask(current)
    return current


def jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n" for row in rows)


def safe_name(name: str) -> str:
    """A file-system-safe version of a model, task or prompt name."""
    cleaned = re.sub(r"[^A-Za-z0-9._=-]+", "_", name).strip("._")
    return cleaned or "_"


class RunFolder:
    """Writes one run's files; refuses to reuse a folder that already holds a run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path) -> RunFolder:
        if path.exists() and any(path.iterdir()):
            raise BioevalError(
                f"output folder {path} already exists and is not empty; choose another --output"
            )
        path.mkdir(parents=True, exist_ok=True)
        return cls(path)

    def write_run(self, record: Mapping[str, Any]) -> None:
        atomic_write_text(self.path / RUN_FILE, json.dumps(record, indent=2, ensure_ascii=False) + "\n")

    def samples_path(self, model: str, task: str, prompt: str) -> Path:
        return self.path / SAMPLES_DIR / safe_name(model) / safe_name(task) / f"{safe_name(prompt)}.jsonl"

    def write_samples(self, model: str, task: str, prompt: str, rows: Iterable[Mapping[str, Any]]) -> Path:
        path = self.samples_path(model, task, prompt)
        atomic_write_text(path, jsonl(rows))
        return path

    def append_scores(self, rows: Iterable[Mapping[str, Any]]) -> None:
        path = self.path / SCORES_FILE
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        atomic_write_text(path, old + jsonl(rows))


def read_jsonl_file(path: Path) -> list[dict[str, Any]]:
    """Every object of a JSON Lines file (strict UTF-8; a bad line fails with file:line)."""
    return [row for _, row in read_jsonl(path)]
