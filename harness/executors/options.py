"""The `bioeval run` options of a run cut into shards (argparse only: imported at start-up)."""

from __future__ import annotations

import argparse

EXECUTORS = ("local", "slurm", "ray")


def _gpu_ids(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts) or len(set(parts)) != len(parts):
        raise argparse.ArgumentTypeError(f"{text!r}: expected distinct GPU ids separated by commas, e.g. 0,1,2,3")
    return tuple(int(p) for p in parts)


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "shards (a run cut into one shard per model and task, each a run of its own, merged into the run folder)"
    )
    group.add_argument("--executor", choices=EXECUTORS, default=None,
                       help="run the shards as worker processes on this machine (local), as a Slurm job "
                       "array through submitit (slurm) or as Ray tasks (ray); default: in this process")
    group.add_argument("--shard-examples", type=int, default=None, metavar="N",
                       help="cut each task into shards of at most N examples (long generation tasks)")
    group.add_argument("--dry-run", action="store_true",
                       help="print the shard table (shard, model, task, examples, requests, GPUs, memory) and submit nothing")
    group.add_argument("--resources", action="append", default=None, metavar="[MODEL:]gpus=N,mem_gb=G,cpus=C",
                       help="what each shard (of MODEL) asks for, over the alias's resources: and the planner's; repeatable")
    group.add_argument("--gpu-type", default="A100-80GB",
                       help="the cards the planner sizes GPU shards for (default A100-80GB)")
    group.add_argument("--max-retries", type=int, default=2, metavar="N",
                       help="resubmit a failed shard up to N times (it continues from its request cache; default 2)")
    group.add_argument("--detach", action="store_true",
                       help="slurm: submit and return, leaving the jobs running (watch with `bioeval status RUN`)")
    group.add_argument("--workers", type=int, default=None, metavar="N",
                       help="local: shards run at once (default: 1 per GPU of --gpus, else 1)")
    group.add_argument("--gpus", type=_gpu_ids, default=None, metavar="IDS",
                       help="local: the GPU ids to pack shards onto (CUDA_VISIBLE_DEVICES per worker), e.g. 0,1,2,3")
    group.add_argument("--slurm-partition", default=None)
    group.add_argument("--slurm-account", default=None)
    group.add_argument("--slurm-qos", default=None)
    group.add_argument("--slurm-time", type=int, default=24 * 60, metavar="MINUTES",
                       help="time limit of each job (default 1440); a job that times out is requeued")
    group.add_argument("--slurm-array-parallelism", type=int, default=16, metavar="N",
                       help="jobs of the array running at once (default 16)")
    group.add_argument("--slurm-option", action="append", default=None, metavar="KEY=VALUE",
                       help="an extra sbatch option, e.g. constraint=a100 or exclude=node12; repeatable")
    group.add_argument("--ray-address", default=None,
                       help="the Ray cluster to use (e.g. ray://head:10001 or auto); default: start a local one")


OWN_FLAGS = {
    "local": ("workers", "gpus"),
    "slurm": ("slurm_partition", "slurm_account", "slurm_qos", "slurm_option"),
    "ray": ("ray_address",),
}
ANY_EXECUTOR = ("shard_examples", "dry_run", "resources", "max_retries", "detach")
DEFAULTS = {"max_retries": 2, "dry_run": False, "detach": False}


def check_executor_arguments(args: argparse.Namespace) -> None:
    """The executor options' ranges (the project's one check of integer options) and the
    options the run's ``--executor`` does not take, each refused in one line."""
    from bioeval.errors import BioevalError
    from bioeval.inputs.numbers import check_int

    check_int("--shard-examples", args.shard_examples, 1, unit="examples")
    check_int("--max-retries", args.max_retries, 0)
    for flag, value in (("--workers", args.workers), ("--slurm-time", args.slurm_time),
                        ("--slurm-array-parallelism", args.slurm_array_parallelism)):
        check_int(flag, value, 1)
    misplaced = misplaced_flag(args)
    if misplaced:
        raise BioevalError(misplaced)


def misplaced_flag(args: argparse.Namespace) -> str | None:
    """The first executor option given that the run's ``--executor`` does not take, said as an
    error message; None when all fit."""
    def given(name: str) -> bool:
        return getattr(args, name, None) not in (None, DEFAULTS.get(name))

    if args.executor is None:
        for name in (*ANY_EXECUTOR, *(f for flags in OWN_FLAGS.values() for f in flags)):
            if given(name):
                return f"--{name.replace('_', '-')} applies to a run cut into shards: add --executor local|slurm|ray"
        return None
    for executor, flags in OWN_FLAGS.items():
        for name in flags:
            if executor != args.executor and given(name):
                return f"--{name.replace('_', '-')} applies to --executor {executor}, not {args.executor}"
    if args.detach and args.executor != "slurm":
        # local workers and Ray tasks (owned by the process that submits them) end with it
        return f"--detach needs a scheduler that outlives this process (--executor slurm); {args.executor}'s jobs end with it"
    return None
