"""Shards merged into the run folder: its ``scores.jsonl``, ``samples/`` and ``run.json``.

A shard is merged when its run is complete (the parts of a task cut by ``--shard-examples``
when all of them are): its samples are read back (the parts' in order), scored under the prompt
entries of the run folder's ``run.json`` and compared with the baseline's samples in the run
folder, by the same code as the in-process run (``bioeval.run.runner.unit_rows``), so the merge
writes the rows and samples the in-process run of the same options writes. Merging is
idempotent and takes the run folder's merge lock: the shards' jobs merge as they finish, and the
submitting process (or ``--resume``) merges whatever they left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bioeval.executors.shards import Shard
from bioeval.executors.state import merge_lock
from bioeval.rundir.layout import RUN_FILE, RunFolder
from bioeval.rundir.reader import read_run_record, read_sample_rows, read_score_rows
from bioeval.rundir.records import ModelDone, RunRecord, UnitId
from bioeval.scoring.predict import Outcome, ScoredUnit, score_outcomes

MERGED = "merged"


def shard_complete(run_dir: Path, shard: Shard) -> bool:
    folder = shard.folder(run_dir)
    if not (folder / RUN_FILE).is_file():
        return False
    return read_run_record(folder).status == "complete"


def merge_ready(run_dir: Path, shards: Sequence[Shard]) -> list[str]:
    """Merge every complete shard (every task all of whose parts are complete) not merged yet;
    returns the ids merged now."""
    with merge_lock(run_dir):
        record = read_run_record(run_dir)
        merged = set(record.executor.get(MERGED, ()))
        done_now: list[str] = []
        for group in _task_groups(shards):
            if group[0].id in merged or not all(shard_complete(run_dir, s) for s in group):
                continue
            _merge_group(run_dir, record, group)
            done_now.extend(s.id for s in group)
        if done_now:
            record = read_run_record(run_dir)  # as _merge_group left it
            record = _with_merged(record, run_dir, shards, merged | set(done_now))
            if len(merged) + len(done_now) == len(shards):  # the last shard: the run is complete
                from bioeval.run.record import now

                record = replace(record, status="complete", finished=now(), executor={**record.executor, "missing": []})
            RunFolder(run_dir).write_run(record)
        return done_now


def _task_groups(shards: Sequence[Shard]) -> list[list[Shard]]:
    """The shards of one (model, task): one, or its parts in order."""
    groups: dict[tuple[str, str], list[Shard]] = {}
    for shard in shards:
        groups.setdefault((shard.model, shard.task), []).append(shard)
    return [sorted(g, key=lambda s: s.part or (0, 0)) for g in groups.values()]


def _merge_group(run_dir: Path, record: RunRecord, group: Sequence[Shard]) -> None:
    from bioeval.run.runner import unit_rows

    folder = RunFolder(run_dir)
    done = {row.unit for row in read_score_rows(run_dir, required=False)}
    units = list(dict.fromkeys(row.unit for row in read_score_rows(group[0].folder(run_dir))))
    for unit in units:
        if unit in done:
            continue
        info = record.prompts[f"{unit.task}/{unit.prompt}"]
        samples = in_run_order([row for shard in group for row in read_sample_rows(shard.folder(run_dir), unit)])
        scored = _with_published_score(record, unit, info, _scored(info, unit, samples), samples)
        rows = unit_rows(unit, info, scored, _baseline(run_dir, record, unit, done))
        folder.write_samples(unit.model, unit.task, unit.prompt, scored.sample_rows())
        folder.append_scores(rows)


def in_run_order(rows: Sequence[Any]) -> list[Any]:
    """The parts' rows in the order the run in one process writes them: questions shown once
    first, then every question under its first order, its second ... (``bioeval.run.permute``);
    the parts' rows are in that order within each part."""
    return sorted(rows, key=lambda row: -1 if row.permutation is None else row.permutation)


def _scored(info: Any, unit: UnitId, samples: Sequence[Any]) -> ScoredUnit:
    outcomes = [Outcome.of_sample(row) for row in samples]
    return score_outcomes(info, unit.mode, outcomes, f"prompt {unit.prompt!r} of {unit.task}")


def _with_published_score(record: RunRecord, unit: UnitId, info: Any, scored: ScoredUnit,
                          samples: Sequence[Any]) -> ScoredUnit:
    """The published scorer's figure (BLUE's ChemProt rows), as the in-process run adds it: the
    merged parts are the task's evaluated examples, so the whole split is scored when the run
    was asked for all of them."""
    from bioeval.scoring.published import with_published_score
    from bioeval.tasks.core.registry import views_named

    spec, view = next((s, v) for s, v in views_named(unit.task) if v.name == unit.task)
    if view.published_rows is None:
        return scored
    config = record.config
    whole = config.get("limit") is None and config.get("sample") is None
    return with_published_score(
        scored, spec, view, info, [row.id for row in samples], config.get("split") or view.eval_split,
        Path(str(config["data_dir"])), whole_split=whole,
    )


def _baseline(run_dir: Path, record: RunRecord, unit: UnitId, done: set[UnitId]) -> ScoredUnit | None:
    """The baseline's results on the unit's prompt, from the run folder's samples."""
    baselines = record.baseline_models()
    for other in done:
        if other.model in baselines and (other.task, other.prompt) == (unit.task, unit.prompt):
            info = record.prompts[f"{unit.task}/{unit.prompt}"]
            return _scored(info, other, read_sample_rows(run_dir, other))
    return None


def _with_merged(record: RunRecord, run_dir: Path, shards: Sequence[Shard], merged: set[str]) -> RunRecord:
    """run.json with the merged shards, each model's summed throughput and, once all its shards
    are merged, the model's time."""
    models = {name: dict(info) for name, info in record.models.items()}
    done = list(record.models_done)
    for model in dict.fromkeys(s.model for s in shards):
        own = [s for s in shards if s.model == model]
        merged_own = [s for s in own if s.id in merged]
        records = [read_run_record(s.folder(run_dir)) for s in merged_own]
        throughput = summed_throughput([r.models.get(model, {}).get("throughput") for r in records])
        if throughput:
            models[model]["throughput"] = throughput
        if len(merged_own) == len(own) and not any(d.model == model for d in done):
            seconds = sum(d.seconds for r in records for d in r.models_done if d.model == model)
            done.append(ModelDone(model, round(seconds, 1)))
    executor = {**record.executor, MERGED: sorted(merged)}
    return replace(record, models=models, models_done=tuple(done), executor=executor)


def summed_throughput(entries: Sequence[Any]) -> dict[str, Any]:
    """Shards' ``throughput`` entries added up (requests, seconds, tokens) with the rates again."""
    present = [e for e in entries if isinstance(e, dict)]
    if not present:
        return {}
    requests = sum(int(e.get("requests", 0)) for e in present)
    seconds = round(sum(float(e.get("seconds", 0)) for e in present), 3)
    out: dict[str, Any] = {
        "requests": requests, "seconds": seconds,
        "requests_per_second": round(requests / seconds, 3) if seconds else None,
    }
    if all("tokens" in e for e in present):
        tokens = sum(int(e["tokens"]) for e in present)
        out.update(tokens=tokens, tokens_counted=present[0].get("tokens_counted"),
                   tokens_per_second=round(tokens / seconds, 1) if seconds else None)
    out["shards"] = len(present)
    return out


def missing_pairs(run_dir: Path, shards: Sequence[Shard]) -> list[list[str]]:
    """The (model, task) pairs whose shards are not all merged."""
    merged = set(read_run_record(run_dir).executor.get(MERGED, ()))
    pairs = [[s.model, s.task] for s in shards if s.id not in merged]
    return [list(p) for p in dict.fromkeys(tuple(p) for p in pairs)]
