"""The run record (run.json) of a plan: command, configuration, versions and hashes."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bioeval import __version__
from bioeval.config.models import ModelSpec
from bioeval.io import sha256_file
from bioeval.rundir.records import RunRecord
from bioeval.run.plan import RunPlan

PACKAGES = ("lm-eval", "transformers", "torch", "accelerate", "datasets", "vllm", "rouge-score", "scipy", "numpy")


@dataclass(frozen=True)
class RunOptions:
    batch_size: int = 8
    device: str | None = None
    mode: str = "auto"  # "auto": rank answer choices where the backend can, else generate
    command: tuple[str, ...] = ()
    arguments: tuple[str, ...] = ()  # the options after `bioeval run`, as given (for --resume)
    prompt_selectors: tuple[str, ...] = ()
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    fewshot: int = 0
    split: str | None = None  # --split: evaluate on this split instead of each task's own
    examples_range: tuple[int, int] | None = None  # --examples START:END (a shard's part of each task)
    baseline: bool = True  # False (--no-baseline): a shard, whose run folder of shards holds the baseline


def run_record(plan: RunPlan, options: RunOptions, models: Sequence[ModelSpec]) -> RunRecord:
    """What run.json says at the start of a run (status ``running``)."""
    return RunRecord(
        bioeval_version=__version__,
        command=tuple(options.command),
        status="running",
        started=now(),
        finished=None,
        config={
            "models": [m.name for m in plan.models],
            "tasks": sorted({t.view.name for t in plan.tasks}),
            "prompts": list(options.prompt_selectors) or ["bigbio (default family)"],
            "limit": options.limit,
            "sample": options.sample,
            "seed": options.seed,
            "fewshot": options.fewshot,
            "split": options.split,
            "examples": list(options.examples_range) if options.examples_range else None,
            "baseline": options.baseline,
            "batch_size": options.batch_size,
            "device": options.device,
            "mode": options.mode,
            "data_dir": str(plan.data_dir),
            "skipped_tasks": list(plan.skipped),
            "arguments": list(options.arguments),
        },
        suites=plan.suites,
        models={m.name: model_info(m) for m in models},
        data_files={str(path): sha256_file(path) for path in plan.data_files},
        prompts={task.unit_key: task.info for task in plan.tasks},
        majority_baseline={task.unit_key: task.baseline for task in plan.tasks},
        fewshot_examples=dict(plan.fewshot),
        versions=package_versions(),
        git_commit=git_commit(),
    )


def model_info(model: ModelSpec) -> dict[str, Any]:
    info = asdict(model)
    if model.gguf is not None:
        from bioeval.backends.gguf import gguf_file

        path = gguf_file(model.gguf)
        info["gguf_path"] = str(path)
        info["gguf_sha256"] = sha256_file(path)
    return info


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> str | None:
    source = Path(__file__).resolve().parent
    try:
        result = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
