"""What a run cut into shards keeps beside its own files.

- ``executor.json``: the executor, its settings, every shard (model, task, part, resources, its
  run's options) and each submission (job id, attempt, when); written by the submitting process.
- ``jobs/<shard>.json``: what the job running a shard says of itself (host, pid, job id, state,
  start and end, error); written by the job.
- ``logs/<shard>.log``: the output of every attempt at the shard, appended.
- ``shards/<shard>/``: the shard's own run folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError, DataFileError
from bioeval.executors.shards import Shard
from bioeval.io import atomic_write_text

EXECUTOR_FILE = "executor.json"
JOBS_DIR = "jobs"
LOGS_DIR = "logs"
MERGE_LOCK = ".merge.lock"


def write_executor(run_dir: Path, executor: str, settings: Mapping[str, Any], shards: Sequence[Shard],
                   submissions: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    document = {
        "executor": executor, "settings": dict(settings),
        "shards": [shard.to_json() for shard in shards],
        "submissions": {key: list(value) for key, value in submissions.items()},
    }
    atomic_write_text(run_dir / EXECUTOR_FILE, json.dumps(document, indent=2) + "\n")


def read_executor(run_dir: Path) -> dict[str, Any]:
    path = run_dir / EXECUTOR_FILE
    if not path.is_file():
        raise BioevalError(f"{run_dir} is not a run cut into shards: it has no {EXECUTOR_FILE}")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        document["shards"] = [Shard.from_json(raw) for raw in document["shards"]]
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise DataFileError(path, f"not an executor record ({error})") from None
    document.setdefault("submissions", {})
    return document


def shard_named(run_dir: Path, shard_id: str) -> Shard:
    for shard in read_executor(run_dir)["shards"]:
        if shard.id == shard_id:
            return shard
    raise BioevalError(f"{run_dir / EXECUTOR_FILE} has no shard {shard_id!r}")


def job_path(run_dir: Path, shard_id: str) -> Path:
    return run_dir / JOBS_DIR / f"{shard_id}.json"


def log_path(run_dir: Path, shard_id: str) -> Path:
    return run_dir / LOGS_DIR / f"{shard_id}.log"


def write_job(run_dir: Path, shard_id: str, **fields: Any) -> None:
    """The job's own account of a shard, updated in place (the fields given win)."""
    path = job_path(run_dir, shard_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**read_job(run_dir, shard_id), "host": socket.gethostname(), "pid": os.getpid(), **fields}
    atomic_write_text(path, json.dumps(document, indent=2) + "\n")


def read_job(run_dir: Path, shard_id: str) -> dict[str, Any]:
    path = job_path(run_dir, shard_id)
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return {}


def log_tail(run_dir: Path, shard_id: str, lines: int = 5) -> list[str]:
    path = log_path(run_dir, shard_id)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()][-lines:]


@contextlib.contextmanager
def merge_lock(run_dir: Path) -> Iterator[None]:
    """One writer of the run folder's merged files at a time (the shards' jobs, the submitter)."""
    import fcntl

    fd = os.open(run_dir / MERGE_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
