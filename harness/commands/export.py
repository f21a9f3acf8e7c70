"""``bioeval export lm-eval OUT_DIR``: prompt tasks as plain lm-eval tasks (YAML + JSONL)."""

from __future__ import annotations

import argparse

from bioeval.commands import listed_names

FORMATS = ("lm-eval",)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write tasks for plain `lm_eval --include_path OUT_DIR`",
        description="Render every prompt of each task on its examples and write one lm-eval task "
        "per (task, prompt) (YAML + the documents as JSON Lines) and one group per task whose "
        "figure is the mean over its prompts. Run them with `lm_eval --include_path OUT_DIR "
        "--tasks bioeval.<task>`; add --apply_chat_template for a chat model such as smollm2-135m.",
    )
    parser.add_argument("format", choices=FORMATS)
    parser.add_argument("out_dir")
    parser.add_argument("--tasks", required=True, type=listed_names,
                        help="comma-separated task, dataset or suite names (see `bioeval list`)")
    parser.add_argument("--prompts", type=listed_names, default=None,
                        help="prompt names, ids or families, or 'all' (default: the bigbio family)")
    parser.add_argument("--limit", type=int, default=None, help="the first N examples of each task")
    parser.add_argument("--sample", type=int, default=None, help="N examples drawn at random (see --seed)")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    parser.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR, then the cache)")
    parser.add_argument("--skip-missing", action="store_true", help="leave out tasks whose files are absent")
    parser.add_argument("--mode", choices=("auto", "generate"), default="auto",
                        help="auto: rank answer choices where a prompt has them; generate: always generate")
    parser.add_argument("--force", action="store_true",
                        help="write into OUT_DIR although it is not empty (its files of the same names "
                        "are replaced; never a run folder)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bioeval.config.paths import resolve_data_dir
    from bioeval.errors import BioevalError
    from bioeval.inputs.folders import check_output_folder, output_path
    from bioeval.inputs.numbers import check_int
    from bioeval.run.export import export_tasks
    from bioeval.run.plan import build_plan

    for flag, names in (("--tasks", args.tasks), ("--prompts", args.prompts)):
        if names is not None and not names:
            raise BioevalError(f"{flag} is empty; expected comma-separated names (see `bioeval list`)")
    check_int("--limit", args.limit, 1, unit="examples")
    check_int("--sample", args.sample, 1, unit="examples")
    if args.limit is not None and args.sample is not None:
        raise BioevalError("give --limit or --sample, not both")
    out_dir = output_path(args.out_dir, "OUT_DIR")
    check_output_folder(out_dir, "OUT_DIR", force=args.force)
    plan = build_plan(
        ["majority"], args.tasks, args.prompts, resolve_data_dir(args.data_dir), args.limit,
        args.skip_missing, sample=args.sample, seed=args.seed,
    )
    groups = export_tasks(plan.tasks, out_dir, args.mode)
    for group in groups:
        print(f"{group.name}: {len(group.tasks)} prompt tasks in {group.folder}")
    names = ",".join(group.name for group in groups)
    print(f"\nlm_eval --include_path {out_dir} --tasks {names} --model hf --model_args pretrained=...")
    return 0
