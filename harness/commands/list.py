"""``bioeval list datasets|prompts|models|suites|metrics``."""

from __future__ import annotations

import argparse

WHAT = ("datasets", "prompts", "models", "suites", "metrics")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("list", help="list datasets, prompts, models, suites or metrics")
    parser.add_argument("what", choices=WHAT)
    parser.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR or cache)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bioeval.data import catalog
    from bioeval.config.paths import resolve_data_dir

    listers = {
        "datasets": lambda: catalog.datasets_table(resolve_data_dir(args.data_dir)),
        "prompts": catalog.prompts_table,
        "models": catalog.models_table,
        "suites": catalog.suites_table,
        "metrics": catalog.metrics_table,
    }
    print(listers[args.what]())
    return 0
