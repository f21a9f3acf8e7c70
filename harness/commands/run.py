"""``bioeval run``: evaluate models on tasks under every prompt, beside the majority baseline."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError

DEFAULT_MODEL = "smollm2-135m"


DEVICE = re.compile(r"(cpu|mps|cuda(:\d+)?|auto)")


def _names(text: str) -> list[str]:
    """Comma-separated names, kept as given (empty ones included) for ``check_names``."""
    return [part.strip() for part in text.split(",")]


def _positive(text: str) -> int:
    """A whole number of at least 1 (``--permute-choices``, ``--max-gen-toks``)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least 1")
    return value


MODES = {"auto": "auto", "loglikelihood": "auto", "generate": "generate"}


def _modes(text: str) -> tuple[str, ...]:
    """``--mode``: one mode, or two different ones separated by a comma."""
    names = tuple(part.strip() for part in text.split(","))
    unknown = [name for name in names if name not in MODES]
    if unknown or len(names) > 2 or len({MODES[n] for n in names}) != len(names):
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected auto, loglikelihood, generate, or loglikelihood,generate"
        )
    return names


def check_names(flag: str, names: list[str] | None) -> None:
    """Refuse an empty list and empty items (``--tasks ''``, ``--model a,,b``, a stray comma)."""
    if names is None:
        return
    if not any(names):
        raise BioevalError(f"{flag} is empty; expected comma-separated names, e.g. {flag} {_EXAMPLES[flag]}")
    if not all(names):
        raise BioevalError(
            f"{flag} {','.join(names)!r} has an empty name (a stray comma?); expected names "
            f"separated by single commas"
        )


def check_device(device: str | None) -> None:
    if device is not None and not DEVICE.fullmatch(device):
        raise BioevalError(f"--device {device!r}: expected cpu, cuda, cuda:N, mps or auto")


_EXAMPLES = {"--model": "majority,smollm2-135m", "--tasks": "gad,biosses", "--prompts": "bigbio"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="evaluate models on tasks under every prompt",
        description="Evaluate each model on each task under each of its prompts, beside the "
        "majority-class baseline, and write a run folder (run.json, scores.jsonl, samples/). "
        "`bioeval run --resume RUN_DIR` continues a run that was interrupted or crashed.",
    )
    add_arguments(parser)
    parser.add_argument("--resume", metavar="RUN_DIR",
                        help="continue the run in RUN_DIR: finished prompts are kept as they are and "
                        "no request answered before is sent again (give no other options, or the same)")
    parser.set_defaults(handler=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that define a run (the ones run.json records and ``--resume`` re-reads)."""
    parser.add_argument("--model", default=DEFAULT_MODEL, type=_names,
                        help=f"comma-separated model aliases or BACKEND:ID (default {DEFAULT_MODEL})")
    parser.add_argument("--tasks", type=_names, default=None,
                        help="comma-separated task, dataset or suite names (see `bioeval list`)")
    parser.add_argument("--prompts", type=_names, default=None,
                        help="prompt names, ids or families, or 'all' (default: the bigbio family)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate the first N examples of each task")
    parser.add_argument("--sample", type=int, default=None,
                        help="evaluate N examples of each task drawn at random (see --seed); "
                        "files sorted by label make --limit unrepresentative")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample and --fewshot (default 0)")
    parser.add_argument("--fewshot", type=int, default=0, metavar="K",
                        help="show K examples of the training split before each example (seeded, "
                        "the same for every prompt of a task, recorded in run.json; default 0)")
    parser.add_argument("--split", default=None,
                        help="evaluate on this split (e.g. validation, to choose prompts on it; "
                        "default: each task's test split)")
    parser.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR, then the cache)")
    parser.add_argument("--output", help="run folder to create (default: results/<time>_<models>)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:0 ... (default: auto)")
    parser.add_argument("--quantize", choices=("int8", "nf4", "none"), default=None,
                        help="load hf models through bitsandbytes in 8 or 4 bits (none: full "
                        "precision, overriding an alias's default)")
    parser.add_argument("--skip-missing", action="store_true",
                        help="leave out tasks whose data files are absent (say which) instead of failing")
    parser.add_argument("--mode", type=_modes, default=("auto",),
                        help="auto (or loglikelihood): rank answer choices by log-likelihood where "
                        "possible; generate: always generate and parse; loglikelihood,generate: both, "
                        "each model also run as <model>@generate, side by side in reports")
    parser.add_argument("--permute-choices", type=_positive, default=1, metavar="K",
                        help="evaluate every multiple-choice question under K orders of its options "
                        "(the publisher's first, the others seeded by --seed; default 1: as published)")
    parser.add_argument("--max-gen-toks", type=_positive, default=None, metavar="N",
                        help="tokens a generated answer may have (default: per output kind; give "
                        "room, e.g. 512, to the cot family's reasoning)")
    parser.add_argument("--download", action="store_true",
                        help="first fetch the public files the tasks need and the data directory "
                        "lacks (sha256-checked; mirrors via $BIOEVAL_URL_REWRITE)")
    parser.add_argument("--base-url", default=None,
                        help="OpenAI-compatible server of the API models, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument("--model-args", default=None, metavar="K=V,...",
                        help="settings of the models (not the baseline), over their aliases' args: "
                        "hf dtype, device_map, max_memory (0:70GiB;1:70GiB;cpu:200GiB), parallelize, "
                        "trust_remote_code, revision; API num_concurrent, timeout, max_retries ...")
    parser.add_argument("--examples", type=_examples_range, default=None, metavar="START:END",
                        help="evaluate only positions START..END-1 of the examples chosen by --limit / "
                        "--sample (how a shard of --shard-examples runs its part)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="do not run the majority baseline (a shard: its run folder of shards runs it once)")
    from bioeval.executors.options import add_executor_arguments

    add_executor_arguments(parser)


def _examples_range(text: str) -> tuple[int, int]:
    start, sep, end = text.partition(":")
    if not sep or not start.strip().isdigit() or not end.strip().isdigit() or int(start) >= int(end):
        raise argparse.ArgumentTypeError(f"{text!r}: expected START:END, whole numbers with START < END")
    return int(start), int(end)


def default_output(models: list[str]) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    from bioeval.io import safe_name

    return Path("results") / f"{stamp}_{safe_name('+'.join(models))[:80]}"


def fetch_missing(task_names: list[str], data_dir: Path) -> None:
    """``--download``: fetch what the tasks need before the plan checks the files."""
    from bioeval.data.download import download_missing, parse_rewrites
    from bioeval.run.plan import resolve_views

    def say(outcome) -> None:  # noqa: ANN001 - Outcome
        if outcome.status == "downloaded":
            print(f"downloaded {outcome.path}", file=sys.stderr)

    fetched = download_missing(resolve_views(task_names), data_dir, parse_rewrites([]), say)
    if fetched:
        print(f"fetched into {data_dir}: {', '.join(fetched)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import os

    # lm-eval draws a bar per task and per request batch; bioeval shows its own (run.progress),
    # which pass disable=False. tqdm reads this when it is first imported, which is below.
    os.environ.setdefault("TQDM_DISABLE", "1")

    if args.resume:
        return resume(args)
    if not args.tasks:
        raise BioevalError("--tasks is required (task, dataset or suite names; see `bioeval list`)")
    check_arguments(args)
    return start(args, tuple(getattr(args, "argv", ())))


def check_arguments(args: argparse.Namespace) -> None:
    from bioeval.inputs.numbers import check_int

    check_int("--limit", args.limit, 1, unit="examples")
    check_int("--sample", args.sample, 1, unit="examples")
    if args.limit is not None and args.sample is not None:
        raise BioevalError("give --limit or --sample, not both")
    check_int("--fewshot", args.fewshot, 0, unit="examples")
    check_int("--batch-size", args.batch_size, 1)
    for flag, names in (("--model", args.model), ("--tasks", args.tasks), ("--prompts", args.prompts)):
        check_names(flag, names)
    check_device(args.device)
    if getattr(args, "model_args", None):
        from bioeval.config.overrides import parse_model_args

        parse_model_args(args.model_args)  # a malformed setting fails before any model is looked up
    from bioeval.executors.options import check_executor_arguments

    check_executor_arguments(args)


def start(args: argparse.Namespace, arguments: tuple[str, ...]) -> int:
    from bioeval.config.paths import resolve_data_dir
    from bioeval.inputs.folders import check_output_folder, output_path
    from bioeval.rundir.layout import RunFolder

    output = output_path(args.output, "--output") or default_output(args.model)
    check_output_folder(output, "--output", resume_hint=True)  # before the plan reads any file
    data_dir = resolve_data_dir(args.data_dir)
    if args.download:
        from bioeval.config.models import resolve_model

        for name in args.model:  # unknown names fail before anything is fetched
            resolve_model(name)
        fetch_missing(args.tasks, data_dir)
    if args.executor is not None:
        from bioeval.executors.coordinator import submit

        args.data_dir = str(data_dir)
        return submit(args, run_options(args, arguments), output, _planner)
    plan = plan_run(args, data_dir)
    if plan.skipped:
        print(f"skipped (files absent from {data_dir}): {', '.join(plan.skipped)}", file=sys.stderr)
    for note in plan.notes:
        print(f"bioeval: note: {note}", file=sys.stderr)
    folder = RunFolder.create(output)
    return finish(plan, folder, run_options(args, arguments))


def resume(args: argparse.Namespace) -> int:
    """``--resume RUN_DIR``: plan the run again from the options run.json recorded (options given
    as well must be the same) and continue it, once ``bioeval.run.resume`` found it the same run."""
    from bioeval.run.resume import check_same_run, resumable_record
    from bioeval.rundir.layout import RunFolder
    from bioeval.rundir.reader import read_score_rows

    run_dir = Path(args.resume)
    record, recorded = resumable_record(run_dir)
    given = [a for a in getattr(args, "argv", ()) if a not in ("--resume", args.resume) and not a.startswith("--resume=")]
    options = _parse(recorded)
    if given:
        _same_options(_parse(given), options, run_dir)
    options.data_dir = record.config.get("data_dir") or options.data_dir
    check_arguments(options)
    if options.executor is not None:
        from bioeval.executors.coordinator import resume_sharded

        return resume_sharded(options, run_options(options, tuple(recorded)), record, run_dir, _planner)
    plan = plan_run(options, Path(options.data_dir))
    run = run_options(options, tuple(recorded))
    fresh = check_same_run(record, plan, run, run_dir)
    folder = RunFolder.reopen(run_dir)
    if record.status == "running":
        print(f"{run_dir}: its run stopped without finishing (status 'running', its process is gone)", file=sys.stderr)
    finished = read_score_rows(run_dir, required=False)
    units = {row.unit for row in finished}
    print(f"resuming {run_dir}: {len(units)} of {len(plan.tasks) * len(fresh.models)} prompt runs are done", file=sys.stderr)
    return finish(plan, folder, run, previous=record, finished=finished)


def _parse(arguments: list[str]) -> argparse.Namespace:
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


def plan_run(args: argparse.Namespace, data_dir: Path):  # noqa: ANN201 - RunPlan
    """The plan of the run the options describe (a new run's, or a resumed run's recorded ones)."""
    from bioeval.run.plan import build_plan

    return build_plan(
        args.model, args.tasks, args.prompts, data_dir, args.limit, args.skip_missing,
        permute_choices=args.permute_choices, modes=args.mode,
        sample=args.sample, seed=args.seed, fewshot=args.fewshot, split=args.split, **model_overrides(args),
        examples_range=getattr(args, "examples", None), preflight=not getattr(args, "dry_run", False),
    )


def _planner(args: argparse.Namespace):  # noqa: ANN202 - RunPlan
    return plan_run(args, Path(args.data_dir))


def model_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """``--quantize``, ``--base-url`` and ``--model-args`` as ``build_plan``'s keywords."""
    from bioeval.config.overrides import parse_model_args

    text = getattr(args, "model_args", None)
    return {
        "quantize": getattr(args, "quantize", None),
        "base_url": getattr(args, "base_url", None),
        "model_args": parse_model_args(text) if text else None,
    }


def run_options(args: argparse.Namespace, arguments: tuple[str, ...]):  # noqa: ANN201 - RunOptions
    from bioeval.run.record import RunOptions

    return RunOptions(
        batch_size=args.batch_size,
        device=None if args.device == "auto" else args.device,
        mode=MODES[args.mode[0]] if len(args.mode) == 1 else ",".join(args.mode),
        command=tuple(sys.argv),
        arguments=arguments,
        prompt_selectors=tuple(args.prompts or ()),
        limit=args.limit,
        sample=args.sample,
        seed=args.seed,
        fewshot=args.fewshot,
        permute_choices=args.permute_choices,
        max_gen_toks=args.max_gen_toks,
        split=args.split,
        examples_range=getattr(args, "examples", None),
        baseline=getattr(args, "baseline", True),
    )


def finish(plan, folder, options, previous=None, finished=()) -> int:  # noqa: ANN001
    """Execute the plan under the signal handlers and print the summary."""
    from bioeval.backends.usage import usage_lines
    from bioeval.report.terminal import format_summary
    from bioeval.run.runner import execute
    from bioeval.run.signals import stop_on_signals

    with stop_on_signals():
        result = execute(plan, folder, options, previous=previous, finished=finished)
    print(format_summary(result.rows, result.record))
    for line in usage_lines(result.record.models):  # API models: requests, retries, failures, tokens
        print(line)
    print(f"\nrun folder: {folder.path}")
    return 0
