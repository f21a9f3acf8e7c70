"""``bioeval report``: leaderboards, per-prompt tables and box plots from run folders."""

from __future__ import annotations

import argparse
import sys

from bioeval.report.aggregates import AGGREGATES

FORMAT_NAMES = ("md", "csv", "latex", "html", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="leaderboard, per-prompt tables and plots from run folders (no model)",
        description="Read run folders (run.json, scores.jsonl) and write a leaderboard (models x "
        "tasks, each cell aggregated over the task's prompts, the majority baseline as its own "
        "row, benchmark scores for suites), the per-prompt table (score, 95% interval, unparsed "
        "outputs, comparison with the baseline) and, with --plots, box plots of each prompt's "
        "score minus the baseline's. Where two runs hold the same model and task, the later run "
        "wins and the report says so. From the saved samples it adds, for the mean over prompts, a two-way "
        "(prompts x examples) bootstrap interval and tie groups; model vs model (paired); where the variance "
        "comes from; agreement across prompts; and calibration of ranked answer choices.",
    )
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="run folders written by `bioeval run`")
    parser.add_argument("--format", choices=FORMAT_NAMES, default="md", help="output format (default md)")
    parser.add_argument("--output", help="write the report to this file (default: stdout)")
    parser.add_argument("--metric", help="leaderboard metric for every task that has it "
                        "(default: each task's primary metric, the first of its rows)")
    parser.add_argument("--aggregate", choices=AGGREGATES, default="mean",
                        help="leaderboard cell: this statistic over the prompts (default mean)")
    parser.add_argument("--suite", help="only this suite's tasks, in its order, with its benchmark score "
                        "(default: the suites the runs were asked for)")
    parser.add_argument("--family", help="only prompts of this family (e.g. bigbio)")
    parser.add_argument("--references", help="YAML file of published figures for context rows "
                        "(default: configs/reference_scores.yaml when present)")
    parser.add_argument("--plots", action="store_true",
                        help="also write box plots per metric (PNG and SVG; needs matplotlib)")
    parser.add_argument("--layout", choices=("bigbio", "biomistral-nlu", "medinst-mmlu", "medinst32"),
                        help="render the paper's tables with this run's rows beside the published ones: "
                        "bigbio = BigBIO Tables 2-3 (Avg / Best per dataset, majority and fine-tuned SOTA "
                        "rows), biomistral-nlu = BioMistral-NLU Table 5 (BLURB and BLUE rows), medinst-mmlu = "
                        "MedINST Table 4 (MMLU's six medical subjects and their average), medinst32 = "
                        "MedINST Table 3 (per task and category; published rows from --references)")
    parser.add_argument("--folds", type=int, default=5,
                        help="folds of the cross-validated best prompt when no validation run is given (default 5)")
    parser.add_argument("--max-examples", type=int, default=100,
                        help="HTML drill-down: examples embedded per (model, task, prompt) (default 100)")
    parser.add_argument("--compare", action="store_true",
                        help="print only model vs model: for every pair of models on the same task, prompts and "
                        "examples, the difference of the means over prompts (two-way paired bootstrap interval "
                        "and p) and a paired test per prompt (exact McNemar or paired bootstrap, Holm)")
    parser.add_argument("--resamples", type=int, default=1000,
                        help="bootstrap resamples of the statistics over prompts and examples (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every resample (default 0)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="level of the tests behind tie groups and 'beats on k of n prompts' (default 0.05)")
    parser.add_argument("--plots-dir", help="folder for the plots (default: beside --output, else .)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing --output file and existing plot files")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bioeval.inputs.folders import output_path
    from bioeval.inputs.numbers import check_int
    from bioeval.report.build import ReportOptions, build_report, write_report
    from bioeval.report.stat_types import StatsSettings

    check_int("--folds", args.folds, 2)
    check_int("--max-examples", args.max_examples, 0, unit="examples")
    output_path(args.output, "--output")
    output_path(args.plots_dir, "--plots-dir")
    options = ReportOptions(
        format=args.format,
        metric=args.metric,
        statistic=args.aggregate,
        suite=args.suite,
        family=args.family,
        references=Path(args.references) if args.references else None,
        plots=args.plots,
        plots_dir=Path(args.plots_dir) if args.plots_dir else None,
        output=Path(args.output) if args.output else None,
        layout=args.layout,
        folds=args.folds,
        max_examples=args.max_examples,
        force=args.force,
        compare=args.compare,
        statistics=StatsSettings(n_boot=args.resamples, seed=args.seed, alpha=args.alpha),
    )
    report = build_report([Path(p) for p in args.run_dirs], options)
    for warning in report.data.warnings:
        print(f"bioeval: warning: {warning}", file=sys.stderr)
    text = write_report(report, options)
    if options.output is None:
        sys.stdout.write(text)
    else:
        print(f"wrote {options.output}", file=sys.stderr)
    for plot in report.plots:
        print(f"wrote {plot.png} and {plot.svg}", file=sys.stderr)
    return 0
