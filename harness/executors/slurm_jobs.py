"""Shards as a Slurm job array, through submitit (``pip install 'bioeval[slurm]'``).

Shards that ask for the same resources go into one job array (``--slurm-array-parallelism``
caps how many of its jobs run at once); each job asks for its shard's GPUs (``--gpus-per-node``),
memory and CPUs, with the partition, account, qos, time and extra sbatch options given. The job
is submitit's ``Checkpointable``: a job that is preempted or reaches its time limit is requeued
by submitit and continues its shard from the shard's request cache. submitit's own logs are in
``slurm/<job id>_*``; the shard's run writes ``logs/<shard>.log``. A request Slurm refuses (more
GPUs than any node has) fails the submission with sbatch's own message, in one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.executors.base import DONE, FAILED, QUEUED, RUNNING, Job, JobState
from bioeval.executors.shards import Shard
from bioeval.executors.state import read_job

RUNNING_STATES = ("RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT")


def _submitit() -> Any:
    try:
        import submitit
    except ImportError:
        raise BioevalError(
            "--executor slurm needs submitit: pip install 'bioeval-harness[slurm]' (or pip install submitit)"
        ) from None
    return submitit


class SlurmExecutor:
    name = "slurm"

    def __init__(self, args: argparse.Namespace) -> None:
        self.submitit = _submitit()
        self.args = args
        self.extra = _extra_options(args.slurm_option)

    def settings(self) -> dict[str, Any]:
        a = self.args
        return {
            "partition": a.slurm_partition, "account": a.slurm_account, "qos": a.slurm_qos,
            "time_minutes": a.slurm_time, "array_parallelism": a.slurm_array_parallelism,
            "sbatch_options": self.extra,
        }

    def check(self, shards: Sequence[Shard]) -> None:
        """Ask Slurm (``sbatch --test-only``) whether each shape of shard could ever run, before
        anything is written or submitted; refused in one line with sbatch's reason."""
        import subprocess

        for r in dict.fromkeys(shard.resources for shard in shards):
            command = ["sbatch", "--test-only", f"--time={self.args.slurm_time}", f"--mem={r.mem_gb}G",
                       f"--cpus-per-task={r.cpus}", "--wrap", "true"]
            command += [f"--gpus-per-node={r.gpus}"] if r.gpus else []
            command += [f"--{flag}={value}" for flag, value in (
                ("partition", self.args.slurm_partition), ("account", self.args.slurm_account),
                ("qos", self.args.slurm_qos)) if value]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise BioevalError(f"--executor slurm: cannot ask Slurm ({error}); is sbatch on the PATH?") from None
            if done.returncode != 0:
                shard = next(s for s in shards if s.resources == r)
                raise BioevalError(
                    f"Slurm refuses shard {shard.id} ({r.gpus} GPUs, {r.mem_gb} GB, {r.cpus} CPUs): "
                    f"{_sbatch_message(RuntimeError(done.stderr or done.stdout))}"
                )

    def submit(self, run_dir: Path, shards: Sequence[Shard], attempt: int) -> list[Job]:
        from bioeval.executors.slurm_job import SlurmShard

        groups: dict[tuple[int, int, int], list[Shard]] = {}
        for shard in shards:
            r = shard.resources
            groups.setdefault((r.gpus, r.mem_gb, r.cpus), []).append(shard)
        jobs: list[Job] = []
        for (gpus, mem_gb, cpus), group in groups.items():
            executor = self._executor(run_dir, gpus, mem_gb, cpus)
            try:
                handles = executor.map_array(SlurmShard(), [str(run_dir)] * len(group), [s.id for s in group])
            except Exception as error:  # noqa: BLE001 - submitit's FailedJobError carries sbatch's message
                raise BioevalError(f"Slurm refused the shards of {gpus} GPUs, {mem_gb} GB: {_sbatch_message(error)}") from None
            jobs.extend(Job(shard, attempt, str(handle.job_id), handle) for shard, handle in zip(group, handles))
        return jobs

    def still_queued(self, job_ids: Sequence[str]) -> list[str]:
        """Those of the jobs Slurm still has (pending, running, requeued)."""
        import subprocess

        if not job_ids:
            return []
        done = subprocess.run(["squeue", "-h", "-r", "-o", "%i", "-j", ",".join(job_ids)],
                              capture_output=True, text=True, timeout=60, check=False)
        listed = set(done.stdout.split())
        return [job for job in job_ids if job in listed]

    def _executor(self, run_dir: Path, gpus: int, mem_gb: int, cpus: int) -> Any:
        a = self.args
        executor = self.submitit.AutoExecutor(folder=str(run_dir / "slurm" / "%j"), cluster="slurm")
        parameters: dict[str, Any] = {
            "timeout_min": a.slurm_time, "slurm_array_parallelism": a.slurm_array_parallelism,
            "mem_gb": mem_gb, "cpus_per_task": cpus, "name": f"bioeval-{run_dir.name}"[:64],
        }
        if gpus:
            parameters["gpus_per_node"] = gpus
        for key, value in (("slurm_partition", a.slurm_partition), ("slurm_account", a.slurm_account),
                           ("slurm_qos", a.slurm_qos)):
            if value:
                parameters[key] = value
        if self.extra:
            parameters["slurm_additional_parameters"] = dict(self.extra)
        executor.update_parameters(**parameters)
        return executor

    def poll(self, job: Job) -> JobState:
        handle = job.handle
        if not handle.done():
            return JobState(RUNNING if handle.state in RUNNING_STATES else QUEUED)
        try:
            error = handle.exception()
        except Exception as failure:  # noqa: BLE001 - a job whose result cannot be read
            error = failure
        if error is None:
            return JobState(DONE)
        said = read_job(Path(handle.paths.folder).parents[1], job.shard.id).get("error")
        return JobState(FAILED, said or _first_line(str(error)) or f"job {job.job_id} ended {handle.state}")

    def cancel(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            try:
                job.handle.cancel(check=False)
            except Exception:  # noqa: BLE001 - scancel of a job that already ended
                pass

    def close(self) -> None:
        return None


def _extra_options(values: Sequence[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values or ():
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise BioevalError(f"--slurm-option {text!r}: expected KEY=VALUE, e.g. constraint=a100")
        out[key.strip().replace("-", "_")] = value.strip()
    return out


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _sbatch_message(error: BaseException) -> str:
    """The line of sbatch's output that says why (submitit wraps it in a long message)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    said = [line for line in lines if "sbatch: error" in line or "error:" in line.lower()]
    return (said or lines or [type(error).__name__])[-1]
