"""Finds dataset modules: every top-level module of ``bioeval.tasks`` with a ``DATASET``.

Adding a dataset is adding a module; nothing here is edited.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from bioeval.errors import UnknownNameError
from bioeval.tasks.core.spec import DatasetSpec, View


@lru_cache(maxsize=1)
def all_datasets() -> tuple[DatasetSpec, ...]:
    import bioeval.tasks as package

    found: list[DatasetSpec] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        spec = getattr(module, "DATASET", None)
        if isinstance(spec, DatasetSpec):
            found.append(spec)
    names = [spec.name for spec in found]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"datasets declared twice: {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda spec: spec.name))


def all_views() -> tuple[tuple[DatasetSpec, View], ...]:
    return tuple((spec, view) for spec in all_datasets() for view in spec.views)


def dataset(name: str) -> DatasetSpec:
    for spec in all_datasets():
        if spec.name == name:
            return spec
    raise UnknownNameError("dataset", name, [spec.name for spec in all_datasets()])


def views_named(name: str) -> list[tuple[DatasetSpec, View]]:
    """The views a task name selects: one view by its name, or every view of a dataset."""
    for spec, view in all_views():
        if view.name == name:
            return [(spec, view)]
    for spec in all_datasets():
        if spec.name == name:
            return [(spec, view) for view in spec.views]
    known = [view.name for _, view in all_views()] + [spec.name for spec in all_datasets()]
    raise UnknownNameError("task", name, known)
