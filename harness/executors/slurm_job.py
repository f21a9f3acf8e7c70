"""The callable a Slurm job runs (pickled by submitit; imported only where submitit is)."""

from __future__ import annotations

import submitit

from bioeval.executors.payload import run_shard


class SlurmShard(submitit.helpers.Checkpointable):
    """Runs one shard; on preemption or time-out submitit requeues it with the same arguments
    (``Checkpointable.checkpoint``), and the shard continues from its request cache."""

    def __call__(self, run_dir: str, shard_id: str) -> str:
        return run_shard(run_dir, shard_id)
