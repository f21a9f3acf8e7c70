"""``bioeval status RUN``: the shards of a run cut into shards, and how to continue it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "status", help="the shards of a run on an executor: done, running, queued, failed",
        description="List the shards of a run started with `bioeval run --executor ...` (done, "
        "running, queued, failed, with job ids, hosts, times and the tail of a failed shard's "
        "log) and the command that continues it. Reads the run folder only.",
    )
    parser.add_argument("run_dir", metavar="RUN", help="the run folder")
    parser.add_argument("--log-lines", type=int, default=5, help="lines of a failed shard's log to show (default 5)")
    parser.set_defaults(handler=status)


def status(args: argparse.Namespace) -> int:
    from bioeval.errors import BioevalError

    if args.log_lines < 0:
        raise BioevalError(f"--log-lines must be 0 or more, not {args.log_lines}")
    print("\n".join(status_lines(Path(args.run_dir), args.log_lines)))
    return 0


def shard_states(run_dir: Path) -> list[dict[str, Any]]:
    """One entry per shard: its state and what its job said."""
    from bioeval.executors.merge import MERGED
    from bioeval.executors.state import read_executor, read_job
    from bioeval.rundir.reader import read_run_record

    document = read_executor(run_dir)
    merged = set(read_run_record(run_dir).executor.get(MERGED, ()))
    out = []
    for shard in document["shards"]:
        submitted = document["submissions"].get(shard.id, [])
        job = read_job(run_dir, shard.id)
        if shard.id in merged:
            state = "done"
        elif job.get("state") in ("running", "failed", "done"):
            state = {"done": "finished (not merged)"}.get(job["state"], job["state"])
        else:
            state = "queued" if submitted else "not submitted"
        out.append({
            "shard": shard.id, "model": shard.model, "task": shard.task, "state": state,
            "attempts": len(submitted), "job": job.get("job") or (submitted[-1]["job"] if submitted else ""),
            "host": job.get("host", ""), "started": job.get("started") or "", "finished": job.get("finished") or "",
            "error": job.get("error"),
        })
    return out


def status_lines(run_dir: Path, log_lines: int = 5) -> list[str]:
    from bioeval.executors.state import log_path, log_tail, read_executor
    from bioeval.report.terminal import format_table
    from bioeval.rundir.reader import read_run_record

    record = read_run_record(run_dir)
    document = read_executor(run_dir)
    states = shard_states(run_dir)
    counts: dict[str, int] = {}
    for entry in states:
        counts[entry["state"]] = counts.get(entry["state"], 0) + 1
    said = ", ".join(f"{n} {state}" for state, n in counts.items())
    shards = f"{len(states)} shard{'s' if len(states) != 1 else ''}"
    lines = [f"run {run_dir}: {record.status} ({document['executor']}, {shards}: {said})"]
    header = ("shard", "state", "attempts", "job", "host", "started", "finished")
    lines += format_table(header, [[e[k] for k in header] for e in states]).splitlines()
    for entry in states:
        if entry["state"] == "failed":
            lines.append(f"{entry['shard']} failed: {entry['error']} (log {log_path(run_dir, entry['shard'])})")
            lines += [f"    {line}" for line in log_tail(run_dir, entry["shard"], log_lines)]
    missing = record.executor.get("missing")
    if missing:
        lines.append("missing from the merge: " + ", ".join(f"{m} / {t}" for m, t in missing))
    if record.status != "complete":
        lines.append(f"continue it: bioeval run --resume {run_dir}")
    return lines
