"""``bioeval prompts check|show|import|export``: lint, inspect and exchange prompt templates."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bioeval.prompting.interop import ImportedFile

EXIT_LINT_FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("prompts", help="check, show, import or export prompt templates")
    actions = parser.add_subparsers(dest="prompts_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check", help="render every template on every example of the evaluated split and lint it"
    )
    check.add_argument("tasks", nargs="*", metavar="TASK", help="views or datasets (default: all)")
    check.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR or cache)")
    check.add_argument("--limit", type=int, help="only the first N examples of each view")
    check.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    check.set_defaults(handler=run_check)

    show = actions.add_parser("show", help="print one template rendered on one example")
    show.add_argument("which", metavar="TASK/PROMPT", help="e.g. gad/masked_association_yes_no")
    show.add_argument("--example", default="0", help="index in the split (default 0) or example id")
    show.add_argument("--split", help="split (default: the view's evaluated split)")
    show.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR or cache)")
    show.set_defaults(handler=run_show)

    importer = actions.add_parser(
        "import", help="import PromptSource template folders (<dataset>/<subset>/templates.yaml)"
    )
    importer.add_argument("folder", metavar="DIR")
    importer.add_argument("--out", help="prompt directory to add them to (default: "
                          "$BIOEVAL_PROMPTS_DIR or ~/.config/bioeval/prompts)")
    importer.add_argument("--map", action="append", default=[], metavar="NAME=TASK",
                          help="map a PromptSource dataset or subset name onto a bioeval view")
    importer.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    importer.add_argument("--data-dir", help="data directory: templates are also rendered on the first "
                          "examples of each task whose files are there (default: $BIOEVAL_DATA_DIR or cache)")
    importer.set_defaults(handler=run_import)

    exporter = actions.add_parser("export", help="write templates as PromptSource folders")
    exporter.add_argument("out", metavar="OUT_DIR")
    exporter.add_argument("--tasks", nargs="*", default=[], metavar="TASK")
    exporter.add_argument("--prompts", nargs="*", default=["all"], metavar="SELECTOR",
                          help="names, ids, families or 'all' (default: all)")
    exporter.add_argument("--force", action="store_true",
                          help="write into OUT_DIR although it is not empty (its templates.yaml files "
                          "of the same tasks are replaced)")
    exporter.set_defaults(handler=run_export)


def _views(names: list[str]):  # noqa: ANN202 - list of (DatasetSpec, View)
    from bioeval.tasks.core.registry import all_views, views_named

    if not names:
        return list(all_views())
    chosen = []
    for name in names:
        chosen.extend(pair for pair in views_named(name) if pair not in chosen)
    return chosen


def run_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bioeval.config.paths import resolve_data_dir
    from bioeval.inputs.numbers import check_int
    from bioeval.prompting.lint import check_views, library_duplicates
    from bioeval.prompts import library
    from bioeval.report.terminal import format_table

    check_int("--limit", args.limit, 1, unit="examples")
    data_dir: Path = resolve_data_dir(args.data_dir)
    every = [p for root in library.prompt_roots() for p in library.read_directory(root)]
    progress = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    reports = check_views(_views(args.tasks), data_dir, every, args.limit, progress)
    families = sorted({p.family for p in every})
    rows = []
    for report in reports:
        counts = report.family_counts()
        rows.append((
            report.view.name, report.spec.name, report.view.task.value, report.n_examples,
            *(counts.get(family, 0) for family in families), len(report.prompts),
            _lint_status(report.problems),
            report.status,
        ))
    print(f"data directory: {data_dir}")
    print(format_table(("task", "dataset", "type", "examples", *families, "total", "lint", "data"),
                       rows))
    found = library_duplicates(every) + [p for r in reports for p in r.problems]
    sizes = {r.view.name: r.n_examples for r in reports}
    warnings = [p for p in found if not p.is_error]
    errors = [p for p in found if p.is_error]
    if warnings:
        print(f"\n{len(warnings)} warnings (the gold read back differs from the annotation):")
        for problem in warnings:
            print("  " + problem.line(sizes.get(problem.view, 0)))
    if not any(r.n_examples for r in reports):
        from bioeval.errors import BioevalError

        raise BioevalError(
            f"no data for any of the {len(reports)} tasks checked in {data_dir}: templates were "
            "only checked statically; expected the files in --data-dir (see `bioeval list datasets`)"
        )
    if not errors:
        print(f"\nall templates pass on {sum(1 for r in reports if r.n_examples)} views with data")
        return 0
    print(f"\n{len(errors)} problems:")
    for problem in errors:
        print("  " + problem.line(sizes.get(problem.view, 0)))
    return EXIT_LINT_FAILED


def _lint_status(problems) -> str:  # noqa: ANN001 - list of Problem
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    parts = [f"{errors} problems"] if errors else []
    parts += [f"{warnings} warnings"] if warnings else []
    return ", ".join(parts) or "ok"


def run_show(args: argparse.Namespace) -> int:
    from bioeval.config.paths import resolve_data_dir
    from bioeval.errors import BioevalError, UnknownNameError
    from bioeval.prompting.select import TemplateError, candidate_prompts, check_fields, render_example
    from bioeval.prompts.library import matches
    from bioeval.tasks.core.loading import load_split

    task, _, selector = args.which.partition("/")
    if not selector:
        raise BioevalError(f"expected TASK/PROMPT (e.g. gad/masked_association_yes_no), got {args.which!r}")
    views = _views([task])
    if len(views) != 1:
        names = ", ".join(v.name for _, v in views)
        raise BioevalError(f"{task!r} has several tasks ({names}); name one of them")
    spec, view = views[0]
    candidates = candidate_prompts(view)
    chosen = [p for p in candidates if matches(p, selector)]
    if len(chosen) != 1:
        if not chosen:
            raise UnknownNameError(f"prompt of {view.name}", selector, [p.name for p in candidates])
        names = ", ".join(f"{p.family}/{p.name}" for p in chosen)
        raise BioevalError(f"{selector!r} selects {len(chosen)} templates of {view.name}: {names}")
    prompt = chosen[0]
    check_fields(prompt, view)
    split = args.split or view.eval_split
    examples = load_split(spec, view, split, resolve_data_dir(args.data_dir))
    example = _pick(examples, args.example, view.name, split)
    try:
        rendered = render_example(prompt, view, example)
    except TemplateError as error:
        raise BioevalError(f"{prompt.source}: template {prompt.name!r} fails on {view.name} {split} "
                           f"example {example.id!r}: {error}") from None
    print(f"task: {view.name}  split: {split}  example: {examples.index(example)} of "
          f"{len(examples)}  id: {example.id}")
    print(f"prompt: {prompt.family}/{prompt.name}  id: {prompt.id}  version: {prompt.version}")
    print(f"source: {prompt.source}")
    if rendered.choices is not None:
        print("answer choices: " + " | ".join(rendered.choices))
    print("--- input ---")
    print(rendered.input)
    print("--- target ---")
    print(rendered.target)
    return 0


def _pick(examples, which: str, view: str, split: str):  # noqa: ANN001, ANN202
    from bioeval.errors import BioevalError

    if which.lstrip("-").isdigit():
        index = int(which)
        if not -len(examples) <= index < len(examples):
            raise BioevalError(f"{view} {split} has {len(examples)} examples; no example {index}")
        return examples[index]
    for example in examples:
        if example.id == which:
            return example
    raise BioevalError(f"{view} {split} has no example with id {which!r}")


def first_examples(data_dir: str | None, count: int = 5):  # noqa: ANN201 - a callable
    """(spec, view) -> the first ``count`` examples of the view's evaluated split, or none
    where its files are absent."""
    from bioeval.config.paths import resolve_data_dir
    from bioeval.tasks.core.loading import has_split, load_split

    folder = resolve_data_dir(data_dir)

    def examples(spec, view):  # noqa: ANN001, ANN202
        if not has_split(spec, view, view.eval_split, folder):
            return ()
        return load_split(spec, view, view.eval_split, folder)[:count]

    return examples


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bioeval.errors import BioevalError
    from bioeval.inputs.folders import check_output_folder, output_path
    from bioeval.prompting.interop import ALREADY_IMPORTED, import_folder, write_imported
    from bioeval.prompts import library
    from bioeval.tasks.core.registry import all_views

    out = output_path(args.out, "--out") or library.user_prompt_dir()
    check_output_folder(out, "--out", adds_to=True)  # a prompt library: imports are added to it
    overrides = {}
    for item in args.map:
        name, sep, view = item.partition("=")
        if not sep or not name or not view:
            raise BioevalError(f"--map expects NAME=TASK, got {item!r}")
        _views([view])  # unknown task names fail here, with a hint
        overrides[name] = view
    known = [p for root in library.prompt_roots() for p in library.read_directory(root)]
    results = import_folder(Path(args.folder), all_views(), known, overrides, first_examples(args.data_dir))
    accepted = 0
    for result in results:
        count = sum(len(p) for p in result.accepted.values())
        accepted += count
        target = ", ".join(result.views) or "no view"
        print(f"{result.path}: {result.dataset}{'/' + result.subset if result.subset else ''} -> "
              f"{target}: {count} imported, {len(result.skipped)} skipped")
        for old, new in result.renamed:
            print(f"  renamed {old!r} to {new!r} (names are [a-z0-9_]+)")
        for line in skipped_lines(result):
            print(f"  {line}")
        for name, warning in result.warnings:
            print(f"  warning {name!r}: {warning}")
    present = any(ALREADY_IMPORTED in reason for r in results for _, reason in r.skipped)
    if not accepted and not present:  # re-importing a folder already imported is not an error
        skipped = sum(len(r.skipped) for r in results)
        raise BioevalError(f"{args.folder}: none of its {skipped} templates could be imported "
                           "(reasons above); nothing written")
    if args.dry_run or not accepted:
        print("nothing written" + (" (dry run)" if args.dry_run else ""))
        return 0
    for path in write_imported(results, out):
        print(f"wrote {path}")
    library.read_directory.cache_clear()
    return 0


def skipped_lines(result: ImportedFile) -> list[str]:
    """One line per skipped template; one for all when they share a reason, one for the copies
    of templates already taken from another file (BigBIO's folds repeat their templates)."""
    rest = [(name, reason) for name, reason in result.skipped if name not in result.copies]
    lines = []
    if len(rest) > 1 and len({reason for _, reason in rest}) == 1:
        lines.append(f"skipped all {len(rest)} ({', '.join(repr(n) for n, _ in rest)}): {rest[0][1]}")
    else:
        lines.extend(f"skipped {name!r}: {reason}" for name, reason in rest)
    if result.copies:
        sources = ", ".join(sorted(set(result.copies.values())))
        lines.append(f"skipped {len(result.copies)} copies of templates already imported from {sources}")
    return lines


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bioeval.inputs.folders import check_output_folder, output_path
    from bioeval.prompting.interop import export_views
    from bioeval.prompting.select import prompts_for_view

    out = output_path(args.out, "OUT_DIR")
    check_output_folder(out, "OUT_DIR", force=args.force)
    views = _views(args.tasks)
    chosen = {view.name: prompts_for_view(view, args.prompts) for _, view in views}
    written = export_views(views, chosen, out)
    for path in written:
        print(f"wrote {path}")
    print(f"{sum(len(p) for p in chosen.values())} templates in {len(written)} files")
    return 0
