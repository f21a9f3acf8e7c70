"""A run's grid cut into shards: by default one per (model, dataset), each a complete run.

A shard evaluates one model on one task (view) under all the task's prompts, in one engine call
as the in-process run does, so the model loads once per shard. ``--shard-examples N`` cuts a
large task further into parts of at most N examples (positions of the examples the run
evaluates, after ``--limit`` / ``--sample``). The baseline is no shard: the process that submits
the shards runs it once, in the run folder itself.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioeval.config.models import BASELINE, ModelSpec
from bioeval.executors.resources import Resources
from bioeval.io import safe_name
from bioeval.run.plan import PromptTask, RunPlan
from bioeval.run.runner import by_dataset, choose_mode
from bioeval.rundir.records import Mode

SHARDS_DIR = "shards"


@dataclass(frozen=True)
class Shard:
    id: str
    model: str
    task: str  # a view name
    part: tuple[int, int] | None  # [start, end) of the task's evaluated examples; None: all
    examples: int
    requests: int  # model requests: one per example and answer choice ranked, one per generation
    prompts: int
    resources: Resources
    argv: tuple[str, ...]  # `bioeval run` options of the shard's own run (its folder included)

    def folder(self, run_dir: Path) -> Path:
        return run_dir / SHARDS_DIR / self.id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "model": self.model, "task": self.task,
            "part": list(self.part) if self.part else None, "examples": self.examples,
            "requests": self.requests, "prompts": self.prompts,
            "resources": self.resources.to_json(), "argv": list(self.argv),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Shard:
        part = raw.get("part")
        return cls(
            id=str(raw["id"]), model=str(raw["model"]), task=str(raw["task"]),
            part=(int(part[0]), int(part[1])) if part else None, examples=int(raw["examples"]),
            requests=int(raw["requests"]), prompts=int(raw["prompts"]),
            resources=Resources.from_json(raw["resources"]), argv=tuple(str(a) for a in raw["argv"]),
        )


def cut(
    plan: RunPlan, run_dir: Path, args: argparse.Namespace, resources: Mapping[str, Resources],
    shard_examples: int | None,
) -> list[Shard]:
    """The shards of a run: (model, task[, part]) in plan order, the baseline left out."""
    shards: list[Shard] = []
    for model in plan.models:
        if model.backend == BASELINE:
            continue
        for group in by_dataset(plan.tasks):
            size = len(group[0].examples)
            for part in parts(size, shard_examples):
                shards.append(_shard(model, group, part, size, run_dir, args, resources[model.name]))
    return shards


def parts(size: int, per_shard: int | None) -> list[tuple[int, int] | None]:
    if per_shard is None or size <= per_shard:
        return [None]
    count = math.ceil(size / per_shard)
    return [(i * per_shard, min(size, (i + 1) * per_shard)) for i in range(count)]


def _shard(
    model: ModelSpec, group: Sequence[PromptTask], part: tuple[int, int] | None, size: int,
    run_dir: Path, args: argparse.Namespace, resources: Resources,
) -> Shard:
    task = group[0].view.name
    ident = f"{safe_name(model.name)}__{safe_name(task)}" + (f"__{part[0]:06d}-{part[1]:06d}" if part else "")
    examples = (part[1] - part[0]) if part else size
    requests = sum(_requests(t, model, args.mode, part) for t in group)
    folder = run_dir / SHARDS_DIR / ident
    return Shard(
        id=ident, model=model.name, task=task, part=part, examples=examples, requests=requests,
        prompts=len(group), resources=resources, argv=tuple(shard_argv(args, model.name, task, part, folder)),
    )


def _requests(task: PromptTask, model: ModelSpec, mode: str, part: tuple[int, int] | None) -> int:
    """One request per answer choice ranked, one per generation (none where the template failed)."""
    examples = task.examples[part[0]:part[1]] if part else task.examples
    if choose_mode(task, model, mode) is Mode.RANK:
        return sum(len(r.choices or ()) for r in examples if r.input is not None)
    return sum(1 for r in examples if r.input is not None)


RUN_OPTIONS = (
    "prompts", "limit", "sample", "seed", "fewshot", "split", "batch_size", "device", "quantize",
    "mode", "base_url", "model_args",
)
"""The options of the whole run that every shard's run repeats (the rest name the shard)."""


def shard_argv(
    args: argparse.Namespace, model: str, task: str, part: tuple[int, int] | None, folder: Path
) -> list[str]:
    """The `bioeval run` options of one shard's own run."""
    argv = ["--model", model, "--tasks", task, "--output", str(folder.resolve()),
            "--data-dir", str(Path(args.data_dir).resolve()), "--no-baseline"]
    for name in RUN_OPTIONS:
        value = getattr(args, name, None)
        default = {"seed": 0, "fewshot": 0, "batch_size": 8, "mode": "auto"}.get(name)
        if value is None or value == default:
            continue
        argv += [f"--{name.replace('_', '-')}", ",".join(value) if isinstance(value, list) else str(value)]
    if part is not None:
        argv += ["--examples", f"{part[0]}:{part[1]}"]
    return argv


def shard_table(shards: Sequence[Shard]) -> list[str]:
    """The shard table `--dry-run` prints: one row per shard, then the totals."""
    header = ("shard", "model", "task", "examples", "requests", "GPUs", "memory", "CPUs", "sized by")
    rows = [
        (s.id, s.model, s.task + (f" [{s.part[0]}:{s.part[1]}]" if s.part else ""), str(s.examples),
         str(s.requests), str(s.resources.gpus), f"{s.resources.mem_gb} GB", str(s.resources.cpus),
         s.resources.source)
        for s in shards
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    total_gpu_jobs = sum(1 for s in shards if s.resources.gpus)
    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows), "", *model_summary(shards),
            f"{len(shards)} shards ({total_gpu_jobs} on GPUs), {sum(s.requests for s in shards):,} model requests"]


def model_summary(shards: Sequence[Shard]) -> list[str]:
    """Per model: its shards, what each asks for, its requests (the table's totals by model)."""
    out = []
    for model in dict.fromkeys(s.model for s in shards):
        own = [s for s in shards if s.model == model]
        r = own[0].resources
        out.append(f"{model}: {len(own)} shards of {r.gpus} GPU{'s' if r.gpus != 1 else ''}, {r.mem_gb} GB, "
                   f"{r.cpus} CPU{'s' if r.cpus != 1 else ''} "
                   f"({r.source}); {sum(s.requests for s in own):,} requests")
    return out
