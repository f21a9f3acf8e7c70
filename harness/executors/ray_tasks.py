"""Shards as Ray tasks (``pip install 'bioeval-harness[ray]'``), on an existing cluster
(``--ray-address``) or a local one this process starts and stops.

Each shard is one task asking for its GPUs (``num_gpus``; Ray sets ``CUDA_VISIBLE_DEVICES`` for
it) and CPUs. Ray does not retry it by itself: a failed task (a worker killed, an error) is
resubmitted by the submitting process, up to ``--max-retries``, and continues from its request
cache. A shard asking for more GPUs than the cluster has is refused before anything is
submitted. Ray sets ``OMP_NUM_THREADS`` in its workers to the task's CPUs; the shard's run gets the
submitting process's setting instead (none: the library's default), so that on CPUs it computes
what the run in one process computes (log-likelihoods summed over another number of threads
differ in the last digits).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.executors.base import DONE, FAILED, QUEUED, RUNNING, Job, JobState
from bioeval.executors.payload import run_shard
from bioeval.executors.shards import Shard
from bioeval.executors.state import read_job


THREADS = "OMP_NUM_THREADS"


class RayExecutor:
    name = "ray"

    def __init__(self, address: str | None) -> None:
        try:
            import ray
        except ImportError:
            raise BioevalError("--executor ray needs Ray: pip install 'bioeval-harness[ray]' (or pip install ray)") from None
        self.ray, self.address = ray, address
        try:
            if address:
                ray.init(address=address, log_to_driver=False, logging_level="ERROR")
            else:
                # a cluster of this machine alone: it listens on the loopback address only
                ray.init(include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                         _node_ip_address="127.0.0.1")
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise BioevalError(f"--ray-address {address}: cannot connect to the Ray cluster ({_one_line(error)})") from None
        self.remote = ray.remote(run_shard)
        self.run_dir: Path | None = None

    def settings(self) -> dict[str, Any]:
        resources = self.ray.cluster_resources()
        return {"address": self.address or "local", "cluster_gpus": resources.get("GPU", 0),
                "cluster_cpus": resources.get("CPU", 0)}

    def check(self, shards: Sequence[Shard]) -> None:
        resources = self.ray.cluster_resources()
        gpus, cpus = resources.get("GPU", 0), resources.get("CPU", 0)
        for shard in shards:
            if shard.resources.gpus > gpus:
                raise BioevalError(f"shard {shard.id} asks for {shard.resources.gpus} GPUs; the Ray cluster has {gpus:g}")
            if shard.resources.cpus > cpus:
                raise BioevalError(f"shard {shard.id} asks for {shard.resources.cpus} CPUs; the Ray cluster has {cpus:g}")

    def submit(self, run_dir: Path, shards: Sequence[Shard], attempt: int) -> list[Job]:
        self.run_dir = run_dir
        jobs = []
        for shard in shards:
            ref = self.remote.options(
                num_gpus=shard.resources.gpus, num_cpus=shard.resources.cpus, max_retries=0, name=shard.id,
            ).remote(str(run_dir), shard.id, {THREADS: os.environ.get(THREADS)})
            jobs.append(Job(shard, attempt, ref.hex()[:16], ref))
        return jobs

    def poll(self, job: Job) -> JobState:
        ready, _ = self.ray.wait([job.handle], timeout=0)
        assert self.run_dir is not None
        said = read_job(self.run_dir, job.shard.id)
        if not ready:
            return JobState(RUNNING if said.get("state") == "running" else QUEUED)
        try:
            self.ray.get(job.handle)
        except Exception as error:  # noqa: BLE001 - a task error, a worker killed, a task cancelled
            return JobState(FAILED, said.get("error") if said.get("state") == "failed" else _one_line(error))
        return JobState(DONE)

    def cancel(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            try:
                self.ray.cancel(job.handle, force=True)
            except Exception:  # noqa: BLE001 - a task that already ended
                pass

    def close(self) -> None:
        self.ray.shutdown()


def _one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]
