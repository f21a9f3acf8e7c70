"""What the submitting process asks of an executor: submit shards, say how each job is doing,
cancel them. Scheduling itself (queues, GPU placement, requeue) is the engine's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bioeval.executors.shards import Shard

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass
class Job:
    """One attempt at one shard."""

    shard: Shard
    attempt: int
    job_id: str = ""
    handle: Any = None  # the engine's object: a Popen, a submitit Job, a Ray ObjectRef


@dataclass(frozen=True)
class JobState:
    state: str  # QUEUED, RUNNING, DONE or FAILED
    error: str | None = None


class Executor(Protocol):
    name: str

    def settings(self) -> dict[str, Any]:
        """What run.json and executor.json record of it (no secrets)."""

    def check(self, shards: Sequence[Shard]) -> None:
        """Refuse, in one line, a shard the engine can never run (more GPUs than it has)."""

    def submit(self, run_dir: Path, shards: Sequence[Shard], attempt: int) -> list[Job]:
        """Hand the shards to the engine (or queue them, for the local workers)."""

    def poll(self, job: Job) -> JobState:
        """Where one job is; the local executor starts queued shards as workers free up."""

    def cancel(self, jobs: Sequence[Job]) -> None:
        """Stop the jobs (and their shards' runs)."""

    def close(self) -> None:
        """Let go of the engine (a local Ray cluster this process started)."""
