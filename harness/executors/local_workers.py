"""Shards as worker processes on this machine, packed onto its GPUs.

Each worker is ``python -m bioeval.executors.payload RUN SHARD`` in a session of its own, with
``CUDA_VISIBLE_DEVICES`` set to the GPU ids it was given (none for a shard that needs none, when
``--gpus`` names the cards). A shard waits until as many of the ``--gpus`` ids are free as it asks
for; smaller shards behind it go first when they fit. ``--workers N`` caps the shards running at
once (default: one per GPU, else one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.executors.base import DONE, FAILED, QUEUED, RUNNING, Job, JobState
from bioeval.executors.shards import Shard
from bioeval.executors.state import log_path, read_job


class LocalExecutor:
    name = "local"

    def __init__(self, workers: int | None, gpus: Sequence[int] | None) -> None:
        self.gpus = tuple(gpus or ())
        self.workers = workers or max(1, len(self.gpus))
        self.free = list(self.gpus)
        self.queue: list[Job] = []
        self.running: dict[int, tuple[subprocess.Popen[bytes], list[int]]] = {}  # id(job) ->
        self.run_dir: Path | None = None

    def settings(self) -> dict[str, Any]:
        return {"workers": self.workers, "gpus": list(self.gpus)}

    def check(self, shards: Sequence[Shard]) -> None:
        for shard in shards:
            if shard.resources.gpus > len(self.gpus):
                have = f"--gpus gives {len(self.gpus)}" if self.gpus else "no --gpus was given"
                raise BioevalError(
                    f"shard {shard.id} asks for {shard.resources.gpus} GPUs and {have}; name the cards "
                    f"(--gpus 0,1,2,3), or run it without GPUs (--device cpu, or --resources {shard.model}:gpus=0)"
                )

    def submit(self, run_dir: Path, shards: Sequence[Shard], attempt: int) -> list[Job]:
        self.run_dir = run_dir
        jobs = [Job(shard, attempt) for shard in shards]
        self.queue.extend(jobs)
        self._start()
        return jobs

    def _start(self) -> None:
        for job in list(self.queue):
            if len(self.running) >= self.workers:
                return
            need = job.shard.resources.gpus
            if need > len(self.free):
                continue
            ids, self.free = self.free[:need], self.free[need:]
            self.queue.remove(job)
            self.running[id(job)] = (self._spawn(job.shard, ids), ids)
            job.job_id = f"pid {self.running[id(job)][0].pid}"

    def _spawn(self, shard: Shard, ids: list[int]) -> subprocess.Popen[bytes]:
        assert self.run_dir is not None
        env = dict(os.environ)
        if self.gpus:
            env["CUDA_VISIBLE_DEVICES"] = ",".join(str(i) for i in ids)
        env["BIOEVAL_JOB_ID"] = "local"
        log = log_path(self.run_dir, shard.id)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "bioeval.executors.payload", str(self.run_dir), shard.id],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
            )

    def poll(self, job: Job) -> JobState:
        self._start()
        if job in self.queue:
            return JobState(QUEUED)
        if id(job) not in self.running:
            return JobState(FAILED, "not started")
        process, ids = self.running[id(job)]
        status = process.poll()
        if status is None:
            return JobState(RUNNING)
        del self.running[id(job)]
        _kill_group(process.pid, signal.SIGKILL)  # nothing of the worker outlives it
        self.free.extend(ids)
        self._start()
        if status == 0:
            return JobState(DONE)
        assert self.run_dir is not None
        error = read_job(self.run_dir, job.shard.id).get("error") if status > 0 else None
        return JobState(FAILED, error or _killed(status))

    def cancel(self, jobs: Sequence[Job]) -> None:
        self.queue = [job for job in self.queue if job not in jobs]
        for job in jobs:
            entry = self.running.pop(id(job), None)
            if entry is None:
                continue
            process, ids = entry
            process.send_signal(signal.SIGTERM)  # the worker stops its shard's run, which says so
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            _kill_group(process.pid, signal.SIGKILL)
            process.wait()
            self.free.extend(ids)

    def close(self) -> None:
        return None


def _kill_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _killed(status: int) -> str:
    if status < 0:
        return f"worker killed by {signal.Signals(-status).name}"
    return f"worker exit status {status}"
