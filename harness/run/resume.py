"""Resuming a run that was interrupted, killed or crashed (``bioeval run --resume RUN_DIR``).

The run is planned again from the options run.json recorded (``bioeval.commands.run`` reads
them; given options must be the same), and the new plan must match the recorded one: the same
bioeval version, configuration, models, data files (by sha256) and prompt versions; otherwise the
resume is refused with an account of what differs. Units already in scores.jsonl are kept byte
for byte; the rest continue through the run folder's request cache, so no request answered
before is sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.run.plan import RunPlan
from bioeval.run.record import RunOptions, run_record
from bioeval.run.runner import models_to_run
from bioeval.rundir.reader import read_run_record
from bioeval.rundir.records import RunRecord

IGNORED_MODEL_FIELDS = ("gguf_path", "usage", "throughput")  # where the weights package is installed may move;
# an API model's usage is what the interrupted attempt spent; a model's throughput, what it answered then


def resumable_record(run_dir: Path) -> tuple[RunRecord, list[str]]:
    """The run folder's record and the options it was run with; refused when the run is complete
    or was written before runs recorded their options."""
    record = read_run_record(run_dir)
    if record.status == "complete":
        raise BioevalError(f"run folder {run_dir} holds a complete run; there is nothing to resume")
    recorded = record.config.get("arguments")
    if not isinstance(recorded, list):
        raise BioevalError(f"run folder {run_dir} was written by bioeval {record.bioeval_version or '< 0.2'}, which did not record its options; it cannot be resumed")
    return record, recorded


def check_same_run(record: RunRecord, plan: RunPlan, options: RunOptions, run_dir: Path) -> RunRecord:
    """The record the plan would start with (data files hashed again), refused when it describes
    another run than ``record``."""
    fresh = run_record(plan, options, models_to_run(plan, options.baseline))
    differences = record_differences(record, fresh)
    if differences:
        shown = "; ".join(differences[:4]) + (f"; and {len(differences) - 4} more" if len(differences) > 4 else "")
        raise BioevalError(f"run folder {run_dir} holds a different run: {shown}")
    return fresh


def record_differences(old: RunRecord, new: RunRecord) -> list[str]:
    """What makes two run records describe different runs, one line each."""
    out: list[str] = []
    if old.bioeval_version != new.bioeval_version:
        out.append(f"bioeval {old.bioeval_version} wrote it, this is {new.bioeval_version}")
    for key in sorted(set(old.config) | set(new.config)):
        if key != "arguments" and old.config.get(key) != new.config.get(key):
            out.append(f"{key} was {old.config.get(key)!r}, now {new.config.get(key)!r}")
    out.extend(_mapping_differences("model", _models(old.models), _models(new.models)))
    out.extend(_mapping_differences("data file", old.data_files, new.data_files))
    old_prompts = {key: info.version for key, info in old.prompts.items()}
    new_prompts = {key: info.version for key, info in new.prompts.items()}
    out.extend(_mapping_differences("prompt", old_prompts, new_prompts))
    return out


def _models(models: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {
        name: repr(sorted((k, v) for k, v in info.items() if k not in IGNORED_MODEL_FIELDS))
        for name, info in models.items()
    }


def _mapping_differences(what: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    out = [f"{what} {key} is gone" for key in old if key not in new]
    out += [f"{what} {key} is new" for key in new if key not in old]
    out += [f"{what} {key} changed ({old[key]} then, {new[key]} now)"[:300] for key in old if key in new and old[key] != new[key]]
    return out
