"""What a job runs for one shard, whichever engine started it (a local worker, a Slurm job, a
Ray task): the shard's own `bioeval run` (or `bioeval run --resume` of its folder, when an
earlier attempt started it), in a child process whose output goes to ``logs/<shard>.log``,
then the merge of what is complete into the run folder.

The child dies with the job (``PR_SET_PDEATHSIG`` on Linux), so a killed worker leaves no run
behind holding the shard's folder. ``python -m bioeval.executors.payload RUN_DIR SHARD_ID``
runs one shard (how the local executor starts its workers).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from bioeval.executors.merge import merge_ready, shard_complete
from bioeval.executors.state import log_path, log_tail, read_executor, read_job, write_job
from bioeval.rundir.layout import RUN_FILE


class ShardFailed(Exception):
    """A shard's run ended without completing (its exit status and the last line of its log)."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def job_id() -> str:
    """The scheduler's id of this job, where there is one."""
    array = os.environ.get("SLURM_ARRAY_JOB_ID")
    if array:
        return f"{array}_{os.environ.get('SLURM_ARRAY_TASK_ID', '')}"
    if "ray" in sys.modules:  # inside a Ray task
        try:
            return f"ray task {sys.modules['ray'].get_runtime_context().get_task_id()[:16]}"
        except Exception:  # noqa: BLE001 - not in a task after all
            pass
    return os.environ.get("SLURM_JOB_ID") or os.environ.get("BIOEVAL_JOB_ID", "")


def run_shard(run_dir: str | Path, shard_id: str, environment: Mapping[str, str | None] | None = None) -> str:
    """Run (or continue) one shard and merge what is complete; raises ShardFailed.
    ``environment``: variables to set (None: to remove) for the shard's run, over the job's."""
    run_dir = Path(run_dir)
    document = read_executor(run_dir)
    shards = document["shards"]
    shard = next(s for s in shards if s.id == shard_id)
    folder = shard.folder(run_dir)
    write_job(run_dir, shard_id, state="running", job=job_id(), started=now(), finished=None, error=None,
              gpus=os.environ.get("CUDA_VISIBLE_DEVICES"), clock={"started": time.time()})
    if not shard_complete(run_dir, shard):
        argv = ["run", "--resume", str(folder)] if (folder / RUN_FILE).is_file() else ["run", *shard.argv]
        try:
            status = _child(argv, log_path(run_dir, shard_id), environment or {})
        except BaseException as stop:  # the job itself was stopped (SIGTERM to the worker)
            write_job(run_dir, shard_id, state="failed", finished=now(), error=f"stopped ({type(stop).__name__})")
            raise
        if status != 0 or not shard_complete(run_dir, shard):
            tail = log_tail(run_dir, shard_id, 1)
            error = f"exit status {status}" + (f": {tail[-1]}" if tail else "")
            write_job(run_dir, shard_id, state="failed", finished=now(), error=error)
            raise ShardFailed(f"shard {shard_id}: {error}")
    ran = time.time()
    merge_ready(run_dir, shards)
    clock = {**read_job(run_dir, shard_id).get("clock", {}), "ran": ran, "merged": time.time()}
    write_job(run_dir, shard_id, state="done", finished=now(), clock=clock)
    return shard_id


def _child(argv: list[str], log: Path, environment: Mapping[str, str | None]) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONUNBUFFERED": "1"}
    for name, value in environment.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"--- {now()} bioeval {' '.join(argv)}\n")
        out.flush()
        child = subprocess.Popen(
            [sys.executable, "-m", "bioeval", *argv], stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent,
        )
        try:
            return child.wait()
        except BaseException:  # the job is stopped: stop the shard's run the same way
            child.send_signal(signal.SIGTERM)
            child.wait()
            raise


def _die_with_parent() -> None:
    """In the child: SIGKILL when the job's process dies (Linux); elsewhere nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bioeval.executors.payload RUN_DIR SHARD_ID", file=sys.stderr)
        return 2

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # the child is stopped the same way, then the worker exits

    signal.signal(signal.SIGTERM, stop)
    try:
        run_shard(argv[0], argv[1])
    except ShardFailed as error:
        print(f"bioeval: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
