"""Running a plan: each model loaded once, every (view, prompt) evaluated, results written.

The majority baseline is added to every run (unless asked for explicitly), so every table
shows it beside the model.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bioeval import __version__
from bioeval.backends import SCORES_LOGLIKELIHOOD, LoadOptions, load_model
from bioeval.lmeval_bridge import GENERATE, MULTIPLE_CHOICE, evaluate, quiet_libraries
from bioeval.models import ModelSpec, model_aliases
from bioeval.plan import PromptTask, RunPlan
from bioeval.results import RunFolder
from bioeval.scoring import (
    ScoredTask,
    compare_with_baseline,
    row_identity,
    sample_rows,
    score_rows,
    score_task,
)
from bioeval.tasks.core.loading import sha256_file

BASELINE = "majority"


@dataclass(frozen=True)
class RunOptions:
    batch_size: int = 8
    device: str | None = None
    mode: str = "auto"  # "auto": rank answer choices where the backend can, else generate
    command: tuple[str, ...] = ()
    prompt_selectors: tuple[str, ...] = ()
    limit: int | None = None
    sample: int | None = None
    seed: int = 0


def choose_mode(task: PromptTask, model: ModelSpec, requested: str) -> str:
    can_rank = task.output_kind == "label" and bool(task.prompt.answer_choices)
    if requested == "generate" or not can_rank:
        return GENERATE
    if not SCORES_LOGLIKELIHOOD.get(model.backend, False):
        return GENERATE
    return MULTIPLE_CHOICE


def models_to_run(plan: RunPlan) -> list[ModelSpec]:
    """The majority baseline first (it takes seconds), so every model is compared with it."""
    baselines = [m for m in plan.models if m.backend == "majority"] or [model_aliases()[BASELINE]]
    return baselines[:1] + [m for m in plan.models if m not in baselines[:1]]


def execute(
    plan: RunPlan,
    folder: RunFolder,
    options: RunOptions,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> list[dict[str, Any]]:
    """Evaluate every model on every prompt task; returns all score rows written."""
    quiet_libraries()
    record = run_record(plan, options)
    folder.write_run(record)
    all_rows: list[dict[str, Any]] = []
    baseline: dict[str, ScoredTask] = {}
    try:
        for model in models_to_run(plan):
            all_rows.extend(_evaluate_model(plan, model, folder, options, record, progress, baseline))
    except KeyboardInterrupt:
        record["status"] = "interrupted"
        record["finished"] = _now()
        folder.write_run(record)
        raise
    record["status"] = "complete"
    record["finished"] = _now()
    folder.write_run(record)
    return all_rows


def _evaluate_model(
    plan: RunPlan,
    model: ModelSpec,
    folder: RunFolder,
    options: RunOptions,
    record: dict[str, Any],
    progress: Callable[[str], None],
    baseline: dict[str, ScoredTask],
) -> list[dict[str, Any]]:
    """One model on every prompt task; the baseline's results are kept in ``baseline``."""
    started = time.monotonic()
    progress(f"loading {model.name} ({model.backend})")
    answers = {task.key: task.majority_answer for task in plan.tasks}
    lm = load_model(
        model,
        LoadOptions(batch_size=options.batch_size, device=options.device, majority_answers=answers),
    )
    rows: list[dict[str, Any]] = []
    for index, task in enumerate(plan.tasks, start=1):
        mode = choose_mode(task, model, options.mode)
        progress(f"[{model.name}] {index}/{len(plan.tasks)} {task.view.name} / {task.prompt.name} ({mode})")
        task_started = time.monotonic()
        outputs = evaluate(lm, task, mode, chat=model.chat)
        scored = score_task(task, outputs, mode)
        folder.write_samples(model.name, task.view.name, task.prompt.name, sample_rows(task, scored, outputs))
        note = ""
        comparisons = None
        if model.backend == "majority":
            note = f"always answers {task.majority_answer!r}, the most frequent target of the {task.majority_source}"
            baseline[task.key] = scored
        elif task.key in baseline:
            comparisons = compare_with_baseline(task, scored, baseline[task.key])
        task_rows = score_rows(
            row_identity(model.name, task, mode), scored.scores, note=note, comparisons=comparisons
        )
        folder.append_scores(task_rows)
        rows.extend(task_rows)
        progress(f"[{model.name}] {task.view.name} / {task.prompt.name}: {time.monotonic() - task_started:.1f}s")
    record["models_done"].append({"model": model.name, "seconds": round(time.monotonic() - started, 1)})
    folder.write_run(record)
    return rows


def run_record(plan: RunPlan, options: RunOptions) -> dict[str, Any]:
    """What run.json says: the command, config, versions, hashes of data and prompts."""
    prompts = {}
    baselines = {}
    for task in plan.tasks:
        prompts[f"{task.view.name}/{task.prompt.name}"] = {
            "id": task.prompt.id,
            "family": task.prompt.family,
            "version": task.prompt.version,
            "sha256": _sha256_text(task.prompt.jinja + "\x00" + (task.prompt.answer_choices or "")),
            "source": task.prompt.source,
            "metrics": list(task.metrics),
            "output": task.output_kind,
            "metric_options": task.metric_options,
            "vocabulary": list(task.vocabulary),
        }
        baselines[f"{task.view.name}/{task.prompt.name}"] = {
            "answer": task.majority_answer,
            "counted_on": task.majority_source,
        }
    return {
        "bioeval_version": __version__,
        "command": list(options.command),
        "status": "running",
        "started": _now(),
        "finished": None,
        "config": {
            "models": [m.name for m in plan.models],
            "tasks": sorted({t.view.name for t in plan.tasks}),
            "prompts": list(options.prompt_selectors) or ["bigbio (default family)"],
            "limit": options.limit,
            "sample": options.sample,
            "seed": options.seed,
            "batch_size": options.batch_size,
            "device": options.device,
            "mode": options.mode,
            "data_dir": str(plan.data_dir),
            "skipped_tasks": list(plan.skipped),
        },
        "models": {m.name: _model_info(m) for m in models_to_run(plan)},
        "data_files": {str(path): sha256_file(path) for path in plan.data_files},
        "prompts": prompts,
        "majority_baseline": baselines,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "models_done": [],
    }


def _model_info(model: ModelSpec) -> dict[str, Any]:
    info = asdict(model)
    if model.gguf is not None:
        from bioeval.backends.gguf import gguf_file

        path = gguf_file(model.gguf)
        info["gguf_path"] = str(path)
        info["gguf_sha256"] = sha256_file(path)
    return info


def package_versions(names: Sequence[str] = (
    "lm-eval", "transformers", "torch", "accelerate", "datasets", "vllm", "rouge-score", "scipy", "numpy",
)) -> dict[str, str | None]:
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


def _sha256_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
