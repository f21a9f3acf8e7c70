"""``bioeval data download|verify|check NAME...`` and ``bioeval data path``."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="the data directory: download, verify, check, path")
    actions = parser.add_subparsers(dest="data_action", metavar="ACTION", required=True)

    download = actions.add_parser(
        "download", help="fetch public datasets from their upstream URLs (sha256-checked)"
    )
    download.add_argument("names", nargs="+", metavar="NAME", help="dataset or task names")
    _data_dir_option(download)
    download.add_argument(
        "--url-rewrite",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="replace a URL prefix (a mirror; also $BIOEVAL_URL_REWRITE, ';'-separated)",
    )
    download.add_argument(
        "--source",
        action="append",
        metavar="SOURCE",
        help="only this source of the dataset (e.g. blurb, original); repeatable",
    )
    download.set_defaults(handler=run_download)

    verify = actions.add_parser("verify", help="check present files against their sha256")
    verify.add_argument("names", nargs="+", metavar="NAME", help="dataset or task names")
    _data_dir_option(verify)
    verify.set_defaults(handler=run_verify)

    check = actions.add_parser(
        "check", help="parse and validate the present splits of tasks; print their sizes"
    )
    check.add_argument("names", nargs="+", metavar="NAME", help="dataset or task names")
    check.add_argument("--split", help="only this split (train, validation, test)")
    _data_dir_option(check)
    check.set_defaults(handler=run_check)

    path = actions.add_parser("path", help="print the data directory")
    _data_dir_option(path)
    path.set_defaults(handler=run_path)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR or cache)")


def _datasets(names: list[str]):  # noqa: ANN202 - list of DatasetSpec
    from bioeval.tasks.core.registry import views_named

    chosen = []
    for name in names:
        for spec, _view in views_named(name):
            if spec not in chosen:
                chosen.append(spec)
    return chosen


def run_download(args: argparse.Namespace) -> int:
    from bioeval.config.paths import resolve_data_dir
    from bioeval.data.download import download_dataset, parse_rewrites, require_public

    data_dir = resolve_data_dir(args.data_dir)
    rewrites = parse_rewrites(args.url_rewrite)
    specs = _datasets(args.names)
    for spec in specs:  # refuse before fetching anything
        require_public(spec)
    for spec in specs:
        outcomes = download_dataset(
            spec,
            data_dir,
            rewrites,
            args.source,
            report=lambda o: print(f"{o.status:16s} {o.path}"),
        )
        fetched = sum(o.status == "downloaded" for o in outcomes)
        rest = len(outcomes) - fetched
        print(f"{spec.name}: {fetched} fetched, {rest} already present or not served upstream")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from bioeval.config.paths import resolve_data_dir
    from bioeval.errors import BioevalError
    from bioeval.tasks.core.loading import sha256_file

    data_dir = resolve_data_dir(args.data_dir)
    bad = 0
    for spec in _datasets(args.names):
        for source in spec.sources:
            for source_file in source.files:
                path = data_dir / spec.name / source.name / source_file.path
                if source_file.is_folder or source_file.archive_member or not source_file.sha256:
                    status = "present" if path.exists() else "missing"
                elif not path.is_file():
                    status = "missing"
                elif sha256_file(path) == source_file.sha256:
                    status = "ok"
                else:
                    status, bad = "CHECKSUM MISMATCH", bad + 1
                print(f"{status:18s} {path}")
    if bad:
        raise BioevalError(f"{bad} file(s) differ from their declared sha256")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from bioeval.config.paths import resolve_data_dir
    from bioeval.errors import BioevalError
    from bioeval.tasks.core.loading import has_split, load_split
    from bioeval.tasks.core.registry import views_named

    data_dir = resolve_data_dir(args.data_dir)
    for name in args.names:
        for spec, view in views_named(name):
            if args.split and args.split not in view.splits:
                raise BioevalError(f"task {view.name!r} has no split {args.split!r}; it has {sorted(view.splits)}")
            for split in [args.split] if args.split else list(view.splits):
                if not has_split(spec, view, split, data_dir):
                    print(f"{view.name:28s} {split:10s} files missing")
                    continue
                examples = load_split(spec, view, split, data_dir)
                print(f"{view.name:28s} {split:10s} {len(examples):7d} records, valid")
    return 0


def run_path(args: argparse.Namespace) -> int:
    from bioeval.config.paths import resolve_data_dir

    print(resolve_data_dir(args.data_dir))
    return 0
