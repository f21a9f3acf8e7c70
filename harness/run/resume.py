"""``bioeval run --resume RUN_DIR``: continue a run that was interrupted, killed or crashed.

The run is planned again from the options run.json recorded (given options must be the same),
and the new plan must match the recorded one: the same bioeval version, configuration, models,
data files (by sha256) and prompt versions; otherwise the resume is refused with an account of
what differs. Units already in scores.jsonl are kept byte for byte; the rest continue through the
run folder's request cache, so no request answered before is sent again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.rundir.records import RunRecord

IGNORED_MODEL_FIELDS = ("gguf_path", "usage")  # where the weights package is installed may move;
# an API model's usage is what the interrupted attempt spent


def resume(args: argparse.Namespace, add_arguments: Callable[[argparse.ArgumentParser], None]) -> int:
    from bioeval.commands.run import check_arguments, finish, model_overrides, run_options
    from bioeval.run.plan import build_plan
    from bioeval.run.record import run_record
    from bioeval.run.runner import models_to_run
    from bioeval.rundir.layout import RunFolder
    from bioeval.rundir.reader import read_run_record, read_score_rows

    run_dir = Path(args.resume)
    record = read_run_record(run_dir)
    if record.status == "complete":
        raise BioevalError(f"run folder {run_dir} holds a complete run; there is nothing to resume")
    recorded = record.config.get("arguments")
    if not isinstance(recorded, list):
        raise BioevalError(f"run folder {run_dir} was written by bioeval {record.bioeval_version or '< 0.2'}, which did not record its options; it cannot be resumed")
    given = [a for a in getattr(args, "argv", ()) if a not in ("--resume", args.resume) and not a.startswith("--resume=")]
    options = _parse(recorded, add_arguments)
    if given:
        _same_options(_parse(given, add_arguments), options, run_dir)
    options.data_dir = record.config.get("data_dir") or options.data_dir
    check_arguments(options)
    plan = build_plan(options.model, options.tasks, options.prompts, Path(options.data_dir),
                      options.limit, options.skip_missing, sample=options.sample, seed=options.seed,
                      fewshot=options.fewshot, split=options.split, **model_overrides(options))
    run = run_options(options, tuple(recorded))
    fresh = run_record(plan, run, models_to_run(plan))
    differences = record_differences(record, fresh)
    if differences:
        shown = "; ".join(differences[:4]) + (f"; and {len(differences) - 4} more" if len(differences) > 4 else "")
        raise BioevalError(f"run folder {run_dir} holds a different run: {shown}")
    folder = RunFolder.reopen(run_dir)
    if record.status == "running":
        print(f"{run_dir}: its run stopped without finishing (status 'running', its process is gone)", file=sys.stderr)
    finished = read_score_rows(run_dir, required=False)
    units = {row.unit for row in finished}
    print(f"resuming {run_dir}: {len(units)} of {len(plan.tasks) * len(fresh.models)} prompt runs are done", file=sys.stderr)
    return finish(plan, folder, run, previous=record, finished=finished)


def _parse(arguments: list[str], add_arguments: Callable[[argparse.ArgumentParser], None]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bioeval run", add_help=False)
    add_arguments(parser)
    try:
        return parser.parse_args(arguments)
    except SystemExit:
        raise BioevalError(f"cannot read the run's options {' '.join(arguments)!r}") from None


def _same_options(given: argparse.Namespace, recorded: argparse.Namespace, run_dir: Path) -> None:
    differ = [
        f"--{name.replace('_', '-')} {_show(getattr(given, name))} (the run has {_show(value)})"
        for name, value in vars(recorded).items()
        if name not in ("output", "data_dir") and getattr(given, name) != value
    ]
    if differ:
        raise BioevalError(f"run folder {run_dir} was run with other options: {'; '.join(differ)}")


def _show(value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


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
