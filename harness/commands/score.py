"""``bioeval score``: re-score a run folder, or score an external predictions file."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score",
        help="re-score a run folder's samples, or score a predictions file",
        description="With RUN_DIR: score the saved samples again with the current parsers and "
        "metrics (no model) and write rescored-<time>.jsonl. With --task and --predictions: "
        "score one {\"id\", \"prediction\"} JSON object per line against the task's gold and "
        "print the metrics as JSON.",
    )
    parser.add_argument("run_dir", nargs="?", help="a run folder written by `bioeval run`")
    parser.add_argument("--task", help="task (view) name, for --predictions")
    parser.add_argument("--predictions", help="JSONL file of {\"id\": ..., \"prediction\": ...}")
    parser.add_argument("--split", default=None, help="split the ids belong to (default: the task's evaluated split)")
    parser.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR, then the cache)")
    parser.add_argument("--allow-missing", action="store_true",
                        help="score ids absent from the predictions file as wrong instead of failing")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bioeval.errors import BioevalError

    if args.run_dir and (args.task or args.predictions):
        raise BioevalError("give either RUN_DIR, or --task with --predictions, not both")
    if args.run_dir:
        return _rescore(args)
    if not (args.task and args.predictions):
        raise BioevalError("give RUN_DIR, or both --task and --predictions")
    return _external(args)


def _rescore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bioeval.report.terminal import format_summary
    from bioeval.rundir.reader import read_run_record
    from bioeval.scoring.rescore import rescore_run

    rows, path = rescore_run(Path(args.run_dir))
    print(format_summary(rows, read_run_record(Path(args.run_dir))))
    print(f"\nwrote {path}")
    return 0


def _external(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bioeval.config.paths import resolve_data_dir
    from bioeval.errors import BioevalError, UnknownNameError
    from bioeval.scoring.external import score_predictions
    from bioeval.scoring.gold import to_json
    from bioeval.scoring.published import published_score
    from bioeval.tasks.core.loading import load_split
    from bioeval.tasks.core.registry import all_views

    views = {view.name: (spec, view) for spec, view in all_views()}
    if args.task not in views:
        raise UnknownNameError("task", args.task, views)
    spec, view = views[args.task]
    path = Path(args.predictions)
    if not path.is_file():
        raise BioevalError(f"predictions file {path} does not exist")
    split = args.split or view.eval_split
    data_dir = resolve_data_dir(args.data_dir)
    examples = load_split(spec, view, split, data_dir)
    records = [e.record for e in examples]

    def published(predictions, options):  # type: ignore[no-untyped-def]
        return published_score(spec, view, split, data_dir, [r.id for r in records], predictions, options)

    kind, scores = score_predictions(view, records, path, args.allow_missing, published)
    result = {
        "task": view.name,
        "split": split,
        "n": len(examples),
        "prediction_shape": kind,
        "metrics": {
            s.metric: {
                "value": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high,
                "n_unparsed": s.n_unparsed, "note": s.note, "details": to_json(s.details),
            }
            for s in scores
        },
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0

