"""``bioeval run --executor ...``: a run's grid as shards on an engine, merged into one folder.

The submitting process plans the whole run (names, files, prompts rendered: the same checks as
an in-process run, before anything is submitted), creates the run folder, runs the majority
baseline there once, then hands the shards to the executor and watches them: a shard that fails
is resubmitted up to ``--max-retries`` times (continuing from its request cache), then reported
failed while the others finish. Shards merge into the run folder as they finish. Ctrl-C or
SIGTERM cancels every job this process submitted; ``--detach`` leaves them running instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.executors.base import DONE, FAILED, Executor, Job
from bioeval.executors.merge import MERGED, merge_ready, missing_pairs
from bioeval.executors.shards import Shard, cut, shard_table
from bioeval.executors.state import merge_lock, read_executor, write_executor
from bioeval.rundir.layout import RUN_FILE, RunFolder
from bioeval.rundir.reader import read_run_record

POLL_SECONDS = 1.0


def make_executor(args: argparse.Namespace) -> Executor:
    if args.executor == "local":
        from bioeval.executors.local_workers import LocalExecutor

        return LocalExecutor(args.workers, args.gpus)
    if args.executor == "slurm":
        from bioeval.executors.slurm_jobs import SlurmExecutor

        return SlurmExecutor(args)
    from bioeval.executors.ray_tasks import RayExecutor

    return RayExecutor(args.ray_address)


PlanFor = Callable[[argparse.Namespace], Any]
"""How the command plans a run from its options (``bioeval.commands.run.plan_run``)."""


def plan_shards(args: argparse.Namespace, run_dir: Path, plan_for: PlanFor) -> tuple[Any, list[Shard]]:
    """The run's plan and its shards, each sized (``--resources``, the alias, the planner)."""
    from bioeval.executors.resources import gpu_gib, parse_resource_overrides, shard_resources

    overrides = parse_resource_overrides(args.resources)
    unknown = sorted(set(overrides) - {"*"} - set(args.model))
    if unknown:
        raise BioevalError(f"--resources names {', '.join(unknown)}, which is not a --model of this run")
    gib = gpu_gib(args.gpu_type)
    plan = plan_for(args)
    sized = {m.name: shard_resources(m, overrides, gib, args.device) for m in plan.models}
    return plan, cut(plan, run_dir, args, sized, args.shard_examples)


def submit(args: argparse.Namespace, options: Any, output: Path, plan_for: PlanFor) -> int:
    """A new run cut into shards (``--dry-run``: only the shard table); ``args.data_dir`` is
    resolved, ``options`` the run's RunOptions."""
    plan, shards = plan_shards(args, output, plan_for)
    for note in plan.notes:
        print(f"bioeval: note: {note}", file=sys.stderr)
    if plan.skipped:
        print(f"skipped (files absent from {args.data_dir}): {', '.join(plan.skipped)}", file=sys.stderr)
    if args.dry_run:
        print("\n".join(shard_table(shards)))
        return 0
    executor = make_executor(args)
    try:
        executor.check(shards)
        folder = RunFolder.create(output)
        return _drive(args, executor, plan, folder, shards, options, previous=None)
    finally:
        executor.close()


def resume_sharded(args: argparse.Namespace, options: Any, record: Any, run_dir: Path, plan_for: PlanFor) -> int:
    """``bioeval run --resume RUN`` of a run cut into shards: merge what finished, resubmit the rest."""
    from bioeval.run.resume import check_same_run

    document = read_executor(run_dir)
    plan, shards = plan_shards(args, run_dir, plan_for)
    if [s.id for s in shards] != [s.id for s in document["shards"]]:
        raise BioevalError(f"run folder {run_dir} holds other shards than these options cut")
    check_same_run(record, plan, options, run_dir)
    executor = make_executor(args)
    try:
        executor.check(shards)
        _refuse_while_running(executor, run_dir, document)
        folder = RunFolder.reopen(run_dir)
        return _drive(args, executor, plan, folder, document["shards"], options, previous=record)
    finally:
        executor.close()


def _refuse_while_running(executor: Executor, run_dir: Path, document: dict[str, Any]) -> None:
    """A detached Slurm run's jobs may still run: resubmitting their shards would run them twice."""
    still_queued = getattr(executor, "still_queued", None)
    if still_queued is None:
        return
    merged = set(read_run_record(run_dir).executor.get(MERGED, ()))
    last = {shard.id: document["submissions"][shard.id][-1]["job"] for shard in document["shards"]
            if shard.id not in merged and document["submissions"].get(shard.id)}
    alive = still_queued([job for job in last.values() if job])
    if alive:
        raise BioevalError(
            f"{len(alive)} shards of {run_dir} are still Slurm jobs ({', '.join(alive[:5])}); wait for them "
            f"(bioeval status {run_dir}) or scancel them, then resume"
        )


def _drive(args: argparse.Namespace, executor: Executor, plan: Any, folder: RunFolder, shards: list[Shard],
           options: Any, previous: Any) -> int:
    from bioeval.run.engine import quiet_libraries
    from bioeval.run.progress import RunProgress
    from bioeval.run.runner import Runner
    from bioeval.run.signals import stop_on_signals
    from bioeval.rundir.reader import read_score_rows

    quiet_libraries()
    run_dir = folder.path
    finished = read_score_rows(run_dir, required=False) if previous is not None else []
    progress = RunProgress(len(plan.tasks))
    runner = Runner(plan, folder, options, progress, previous, finished)
    executor_info = {"name": executor.name, "shards": len(shards), **dict(previous.executor if previous else {})}
    runner.record = replace(runner.record, executor=executor_info)
    submissions: dict[str, list[dict[str, Any]]] = (
        read_executor(run_dir)["submissions"] if previous is not None else {}
    )
    jobs: list[Job] = []
    with stop_on_signals():
        try:
            folder.write_run(runner.record)
            runner.evaluate_model(runner.models[0])  # the majority baseline, once, in the run folder
            progress.close()
            write_executor(run_dir, executor.name, executor.settings(), shards, submissions)
            merge_ready(run_dir, shards)  # shards an earlier attempt finished
            merged = set(read_run_record(run_dir).executor.get(MERGED, ()))
            todo = [s for s in shards if s.id not in merged]
            print(f"{len(shards)} shards on {executor.name}: {len(shards) - len(todo)} done, submitting {len(todo)}",
                  file=sys.stderr)
            jobs = _submit(executor, run_dir, todo, 0, shards, submissions)
            if args.detach:
                print(f"submitted; watch with `bioeval status {run_dir}`; once they end, "
                      f"`bioeval run --resume {run_dir}` merges them and resubmits what failed", file=sys.stderr)
                return 0
            failed = _watch(args, executor, run_dir, shards, jobs, submissions)
        except BaseException:
            if not args.detach:
                executor.cancel(jobs)
            if (run_dir / RUN_FILE).is_file():  # the run's record says where it stopped
                _finish(run_dir, shards, "interrupted")
            raise
    status = _finish(run_dir, shards, "complete" if not failed else "incomplete")
    _summary(run_dir, failed, status)
    return 0 if not failed else 1


def _submit(executor: Executor, run_dir: Path, todo: Sequence[Shard], attempt: int, shards: Sequence[Shard],
            submissions: dict[str, list[dict[str, Any]]]) -> list[Job]:
    from bioeval.executors.payload import now

    jobs = executor.submit(run_dir, todo, attempt)
    for job in jobs:
        submissions.setdefault(job.shard.id, []).append(
            {"attempt": attempt, "job": job.job_id, "submitted": now(), "clock": time.time()})
    write_executor(run_dir, executor.name, executor.settings(), shards, submissions)
    return jobs


def _watch(args: argparse.Namespace, executor: Executor, run_dir: Path, shards: list[Shard], jobs: list[Job],
           submissions: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Until every job has ended: merge what finished, resubmit what failed (up to the limit);
    returns the shards that failed for good, with their errors."""
    active, failed = list(jobs), {}
    while active:
        time.sleep(POLL_SECONDS)
        for job in list(active):
            state = executor.poll(job)
            if state.state not in (DONE, FAILED):
                continue
            active.remove(job)
            if state.state == DONE:
                merge_ready(run_dir, shards)
                print(f"shard {job.shard.id}: done", file=sys.stderr)
            elif job.attempt < args.max_retries:
                print(f"shard {job.shard.id}: failed ({state.error}); resubmitting "
                      f"(retry {job.attempt + 1} of {args.max_retries})", file=sys.stderr)
                active.extend(_submit(executor, run_dir, [job.shard], job.attempt + 1, shards, submissions))
            else:
                failed[job.shard.id] = state.error or "failed"
                print(f"shard {job.shard.id}: failed ({state.error}); giving up after "
                      f"{job.attempt + 1} attempts", file=sys.stderr)
    return failed


def _finish(run_dir: Path, shards: Sequence[Shard], status: str) -> str:
    """run.json's status and the (model, task) pairs missing from the merge."""
    from bioeval.run.record import now

    merge_ready(run_dir, shards)
    with merge_lock(run_dir):
        record = read_run_record(run_dir)
        missing = missing_pairs(run_dir, shards)
        if status == "complete" and missing:
            status = "incomplete"
        executor = {**record.executor, "missing": missing}
        RunFolder(run_dir).write_run(replace(record, status=status, finished=now(), executor=executor))
    return status


def _summary(run_dir: Path, failed: dict[str, str], status: str) -> None:
    from bioeval.report.terminal import format_summary
    from bioeval.rundir.reader import read_score_rows

    record = read_run_record(run_dir)
    print(format_summary(read_score_rows(run_dir, required=False), record))
    for shard_id, error in failed.items():
        print(f"shard {shard_id} failed: {error}")
    if record.executor.get("missing"):
        pairs = ", ".join(f"{m} / {t}" for m, t in record.executor["missing"])
        print(f"missing from the merge: {pairs}; `bioeval run --resume {run_dir}` resubmits them")
    print(f"\nrun folder: {run_dir} ({status})")
