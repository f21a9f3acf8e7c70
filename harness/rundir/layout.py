"""The run folder: ``run.json``, ``scores.jsonl`` and ``samples/``, written atomically.

Every file is written to a temporary name in the same folder and renamed into place, so an
interrupted run (Ctrl-C, a crash) leaves complete files or none. ``scores.jsonl`` only grows:
each finished (model, task, prompt) appends its rows by rewriting the file with the old rows
first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from bioeval.errors import BioevalError
from bioeval.io import atomic_write_text, jsonl, safe_name
from bioeval.rundir.records import RunRecord, SampleRow, ScoreRow

RUN_FILE = "run.json"
LOCK_FILE = ".lock"
SCORES_FILE = "scores.jsonl"
SAMPLES_DIR = "samples"


def samples_path(run_dir: Path, model: str, task: str, prompt: str) -> Path:
    return run_dir / SAMPLES_DIR / safe_name(model) / safe_name(task) / f"{safe_name(prompt)}.jsonl"


class RunFolder:
    """Writes one run's files. While a run writes, it holds a lock on ``<run>/.lock`` (with its
    process id), so a second process cannot write the same folder and a folder whose run.json
    says ``running`` but whose lock is free is known to be crashed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock: int | None = None

    @classmethod
    def create(cls, path: Path) -> RunFolder:
        if path.exists() and not path.is_dir():
            raise BioevalError(f"output {path} is a file, not a folder; choose another --output")
        if path.is_dir() and any(p.name != LOCK_FILE for p in path.iterdir()):
            hint = (
                f"; it holds a run: continue it with `bioeval run --resume {path}`"
                if (path / RUN_FILE).is_file() else ""
            )
            raise BioevalError(f"output folder {path} already exists and is not empty{hint}; choose another --output")
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".bioeval-write-test"
            probe.touch()
            probe.unlink()
        except OSError as error:
            raise BioevalError(
                f"output folder {path} cannot be created or written ({error.strerror}); "
                "choose another --output"
            ) from None
        return cls(path).lock()

    @classmethod
    def reopen(cls, path: Path) -> RunFolder:
        """An existing run folder, to resume; fails if another process is writing it."""
        folder = cls(path).lock()
        for scratch in path.rglob(".*.tmp"):  # left by a process killed mid-write
            scratch.unlink()
        return folder

    def lock(self) -> RunFolder:
        import fcntl

        try:
            fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise BioevalError(f"cannot write in run folder {self.path}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise BioevalError(f"run folder {self.path} is in use by a running bioeval (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._lock = fd
        return self

    def write_run(self, record: RunRecord) -> None:
        text = json.dumps(record.to_json(), indent=2, ensure_ascii=False) + "\n"
        atomic_write_text(self.path / RUN_FILE, text)

    def samples_path(self, model: str, task: str, prompt: str) -> Path:
        return samples_path(self.path, model, task, prompt)

    def write_samples(self, model: str, task: str, prompt: str, rows: Iterable[SampleRow]) -> Path:
        path = self.samples_path(model, task, prompt)
        atomic_write_text(path, jsonl(row.to_json() for row in rows))
        return path

    def append_scores(self, rows: Iterable[ScoreRow]) -> None:
        path = self.path / SCORES_FILE
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        atomic_write_text(path, old + jsonl(row.to_json() for row in rows))
