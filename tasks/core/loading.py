"""Reading a view's split from the data directory, with presence checks and validation."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bioeval.errors import BioevalError
from bioeval.tasks.core.schemas import Example
from bioeval.tasks.core.spec import Access, DatasetSpec, View
from bioeval.tasks.core.validate import validate_records


def split_files(spec: DatasetSpec, view: View, split: str, data_dir: Path) -> dict[str, Path]:
    """{"<source>/<path>": absolute path} for the files a split reads (a file under a name an
    earlier release gave it, ``SourceFile.old_paths``, where only that one is present)."""
    if split not in view.splits:
        raise BioevalError(
            f"task {view.name!r} has no split {split!r}; it has {sorted(view.splits)}"
        )
    return {ref: present_path(spec, ref, data_dir) for ref in view.splits[split]}


def present_path(spec: DatasetSpec, ref: str, data_dir: Path) -> Path:
    """Where a declared file is: its path, or an older name of it that is present instead."""
    path = data_dir / spec.name / ref
    source_name, _, _ = ref.partition("/")
    try:
        old = spec.source_file(ref).old_paths
    except KeyError:
        return path
    if not is_present(ref, path):
        for old_path in old:
            candidate = data_dir / spec.name / source_name / old_path
            if candidate.is_file():
                return candidate
    return path


def missing_files(spec: DatasetSpec, view: View, split: str, data_dir: Path) -> list[Path]:
    paths = split_files(spec, view, split, data_dir)
    return [path for ref, path in paths.items() if not is_present(ref, path)]


def is_present(ref: str, path: Path) -> bool:
    """A file exists; a folder reference (ending in '/') holds at least one file."""
    if ref.endswith("/"):
        return path.is_dir() and any(child.is_file() for child in path.iterdir())
    return path.is_file()


def has_split(spec: DatasetSpec, view: View, split: str, data_dir: Path) -> bool:
    return split in view.splits and not missing_files(spec, view, split, data_dir)


def require_files(spec: DatasetSpec, view: View, split: str, data_dir: Path) -> None:
    """Fail, naming the dataset, the paths looked for and how to get them, if any is missing."""
    missing = missing_files(spec, view, split, data_dir)
    if not missing:
        return
    looked = ", ".join(str(path) for path in missing)
    refs = view.splits[split]
    downloadable = all(spec.source_file(ref).url for ref in refs)
    if spec.access is not Access.PUBLIC:
        how = spec.how_to_get or f"see {spec.homepage}"
        advice = f"{spec.name} is {spec.access.value}: {how}; then place the files there"
    elif downloadable:
        advice = f"run `bioeval data download {spec.name}` or get them from {spec.homepage}"
    else:
        advice = f"get them from {spec.homepage} and place them there"
    raise BioevalError(
        f"dataset {spec.name!r} (task {view.name}, split {split}): missing {looked} "
        f"(data directory {data_dir}); {advice}"
    )


def load_split(
    spec: DatasetSpec, view: View, split: str, data_dir: Path, limit: int | None = None
) -> list[Example]:
    """Parse, validate and wrap a split's records; ``limit`` keeps the first N."""
    require_files(spec, view, split, data_dir)
    paths = split_files(spec, view, split, data_dir)
    records = list(view.load(split, paths))
    origin = ", ".join(str(path) for path in paths.values())
    validate_records(records, origin, view.labels)
    if limit is not None:
        records = records[:limit]
    return [Example(dataset=view.name, split=split, record=record) for record in records]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
