"""The run folder: ``run.json``, ``scores.jsonl`` and ``samples/``, written atomically.

Every file is written to a temporary name in the same folder and renamed into place, so an
interrupted run (Ctrl-C, a crash) leaves complete files or none. ``scores.jsonl`` only grows:
each finished (model, task, prompt) appends its rows by rewriting the file with the old rows
first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bioeval.errors import BioevalError
from bioeval.io import atomic_write_text, jsonl, safe_name
from bioeval.rundir.records import RunRecord, SampleRow, ScoreRow

RUN_FILE = "run.json"
SCORES_FILE = "scores.jsonl"
SAMPLES_DIR = "samples"


def samples_path(run_dir: Path, model: str, task: str, prompt: str) -> Path:
    return run_dir / SAMPLES_DIR / safe_name(model) / safe_name(task) / f"{safe_name(prompt)}.jsonl"


class RunFolder:
    """Writes one run's files; refuses to reuse a folder that already holds a run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path) -> RunFolder:
        if path.exists() and not path.is_dir():
            raise BioevalError(f"output {path} is a file, not a folder; choose another --output")
        try:
            if path.exists() and any(path.iterdir()):
                raise BioevalError(
                    f"output folder {path} already exists and is not empty; choose another --output"
                )
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".bioeval-write-test"
            probe.touch()
            probe.unlink()
        except OSError as error:
            raise BioevalError(
                f"output folder {path} cannot be created or written ({error.strerror}); "
                "choose another --output"
            ) from None
        return cls(path)

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
