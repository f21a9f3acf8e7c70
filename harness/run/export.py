"""A plan's prompt tasks as plain lm-eval tasks: ``lm_eval --include_path OUT_DIR`` runs them
without bioeval installed.

For every (view, prompt): ``<view>/<prompt>.yaml`` (the same task config the engine builds,
with the dataset read by lm-eval's ``json`` loader) and ``<view>/<prompt>.jsonl`` (the rendered
documents). For every view: ``<view>/_group.yaml``, a group whose figure is the unweighted mean
over its prompts. Data file paths are absolute, so lm-eval can be run from any folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bioeval.config.models import ModelSpec
from bioeval.io import atomic_write_text, jsonl, safe_name
from bioeval.rundir.records import Mode
from bioeval.run.engine import documents, task_config
from bioeval.run.plan import PromptTask
from bioeval.run.runner import by_dataset, choose_mode

EXPORTED_AS = ModelSpec(name="export", backend="hf")
"""Prompts are exported as the hf backend runs them: ranked choices where a prompt has them."""
METRIC = {Mode.RANK: "acc", Mode.GENERATE: "exact_match"}


@dataclass(frozen=True)
class ExportedGroup:
    name: str  # the lm-eval group: ``--tasks NAME``
    tasks: tuple[str, ...]
    folder: Path


def group_name(view_name: str) -> str:
    return f"bioeval.{view_name}"


def exported_config(task: PromptTask, mode: Mode, data_file: Path) -> dict[str, Any]:
    """The engine's task config with its dataset as a local JSON Lines file."""
    config = task_config(task, mode, [])
    del config["custom_dataset"]
    config.update(
        dataset_path="json",
        dataset_kwargs={"data_files": {"test": str(data_file.resolve())}},
    )
    return {"task": config.pop("task"), **config}


def export_tasks(tasks: Sequence[PromptTask], out_dir: Path, requested_mode: str = "auto") -> list[ExportedGroup]:
    """Write every prompt task and one group per view under ``out_dir``."""
    groups = []
    for view_tasks in by_dataset(tasks):
        view_name = view_tasks[0].view.name
        folder = out_dir / safe_name(view_name)
        names, metrics = [], set()
        for task in view_tasks:
            mode = choose_mode(task, EXPORTED_AS, requested_mode)
            stem = safe_name(task.prompt.name)
            data_file = folder / f"{stem}.jsonl"
            atomic_write_text(data_file, jsonl(documents(task)))
            atomic_write_text(folder / f"{stem}.yaml", _yaml(exported_config(task, mode, data_file)))
            names.append(task.key)
            metrics.add(METRIC[mode])
        group = group_name(view_name)
        atomic_write_text(folder / "_group.yaml", _yaml(_group_config(group, names, sorted(metrics))))
        groups.append(ExportedGroup(group, tuple(names), folder))
    return groups


def _group_config(name: str, tasks: list[str], metrics: list[str]) -> dict[str, Any]:
    return {
        "group": name,
        "task": tasks,
        "aggregate_metric_list": [
            {"metric": metric, "aggregation": "mean", "weight_by_size": False} for metric in metrics
        ],
        "metadata": {"version": 1, "exported_by": "bioeval"},
    }


def _yaml(config: dict[str, Any]) -> str:
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
