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

from bioeval.config.models import BASELINE, GENERATE_SUFFIX, ModelSpec
from bioeval.executors.resources import Resources
from bioeval.io import safe_name
from bioeval.run.plan import PromptTask, RunPlan
from bioeval.run.rendered import RenderedExample
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
            size = len(dict.fromkeys(map(question_id, group[0].examples)))  # questions, not their orders
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
    examples = (part[1] - part[0]) if part else size  # questions (each under every order asked)
    requests = sum(_requests(t, model, shard_mode(model.name, args.mode), part) for t in group)
    folder = run_dir / SHARDS_DIR / ident
    return Shard(
        id=ident, model=model.name, task=task, part=part, examples=examples, requests=requests,
        prompts=len(group), resources=resources, argv=tuple(shard_argv(args, model.name, task, part, folder)),
    )


def question_id(rendered: RenderedExample) -> str:
    """The id of the question a rendered example asks (``--permute-choices`` shows it under
    ``<id>@p<k>`` in its k-th order); ``--examples`` counts questions."""
    if rendered.permutation:
        return rendered.example.id.removesuffix(f"@p{rendered.permutation}")
    return rendered.example.id


def _requests(task: PromptTask, model: ModelSpec, mode: str, part: tuple[int, int] | None) -> int:
    """One request per answer choice ranked, one per generation (none where the template failed)."""
    ids = list(dict.fromkeys(map(question_id, task.examples)))
    kept = set(ids[part[0]:part[1]]) if part else set(ids)
    examples = [r for r in task.examples if question_id(r) in kept]
    if choose_mode(task, model, mode) is Mode.RANK:
        return sum(len(r.choices or ()) for r in examples if r.input is not None)
    return sum(1 for r in examples if r.input is not None)


RUN_OPTIONS = (
    "prompts", "limit", "sample", "seed", "fewshot", "split", "batch_size", "device", "quantize",
    "base_url", "model_args", "permute_choices", "max_gen_toks",
)
"""The options of the whole run that every shard's run repeats (the rest name the shard)."""
DEFAULTS = {"seed": 0, "fewshot": 0, "batch_size": 8, "permute_choices": 1}


def shard_argv(
    args: argparse.Namespace, model: str, task: str, part: tuple[int, int] | None, folder: Path
) -> list[str]:
    """The `bioeval run` options of one shard's own run."""
    argv = ["--model", model, "--tasks", task, "--output", str(folder.resolve()),
            "--data-dir", str(Path(args.data_dir).resolve()), "--no-baseline", "--mode", shard_mode(model, args.mode)]
    for name in RUN_OPTIONS:
        value = getattr(args, name, None)
        if value is None or value == DEFAULTS.get(name):
            continue
        argv += [f"--{name.replace('_', '-')}", ",".join(value) if isinstance(value, (list, tuple)) else str(value)]
    if part is not None:
        argv += ["--examples", f"{part[0]}:{part[1]}"]
    return argv


def shard_mode(model: str, modes: Sequence[str]) -> str:
    """A shard's one mode: under ``--mode loglikelihood,generate`` the run's ``<model>@generate``
    generates, and the model itself ranks as the run's other mode says."""
    if model.endswith(GENERATE_SUFFIX):
        return "generate"
    return next((m for m in modes if m != "generate"), modes[0]) if len(modes) > 1 else modes[0]


def shard_table(shards: Sequence[Shard]) -> list[str]:
    """The shard table `--dry-run` prints: one row per shard, then the totals."""
    header = ("shard", "model", "task", "examples", "requests", "GPUs", "memory", "CPUs", "sized by")
    rows = [
        (s.id, s.model, s.task + (f" [{s.part[0]}:{s.part[1]}]" if s.part else ""), str(s.examples),
         str(s.requests), str(s.resources.gpus), f"{s.resources.mem_gb} GB", str(s.resources.cpus),
         s.resources.source)
        for s in shards
    ]
    from bioeval.report.terminal import format_table

    total_gpu_jobs = sum(1 for s in shards if s.resources.gpus)
    return [*format_table(header, rows).splitlines(), "", *model_summary(shards),
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
