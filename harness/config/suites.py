"""Named task lists (``configs/suites.yaml``): ``bigbio-zeroshot``, ``blurb``, ``blue``.

A suite has ``description``, ``reference`` (the paper), ``tasks`` (view names) and optionally
``groups`` ({group name: [tasks]}) for benchmarks whose score is a macro average of group
averages (BLURB), or is a plain macro average over tasks (BLUE) when no groups are given, and
optionally ``deviations``: where the suite's tasks differ from the benchmark as published (shown
by ``bioeval list suites`` and by every report that shows the suite's score), and optionally
``metrics`` ({task: metric}): the benchmark's own metric for a task where it is not the task's
first one (BLUE: DDI macro-F1, ChemProt on BLUE's rows, HoC as eval_hoc.py scores it); reports
add it as a column of its own and take the suite's score from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from collections.abc import Iterable

import yaml
from bioeval.errors import DataFileError


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    reference: str
    tasks: tuple[str, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    deviations: tuple[str, ...] = ()
    metrics: tuple[tuple[str, str], ...] = ()  # (task, metric) where the benchmark scores a task by another


@lru_cache(maxsize=1)
def all_suites() -> dict[str, Suite]:
    path = resources.files("bioeval.configs").joinpath("suites.yaml")
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise DataFileError(str(path), f"invalid YAML: {error}") from None
    return {name: _suite(name, entry, str(path)) for name, entry in raw.items()}


def _suite(name: str, entry: Any, origin: str) -> Suite:
    if not isinstance(entry, dict) or not isinstance(entry.get("tasks"), list):
        raise DataFileError(origin, f"suite {name!r}: expected a mapping with a 'tasks' list")
    groups = entry.get("groups") or {}
    metrics = entry.get("metrics") or {}
    if not isinstance(metrics, dict) or any(task not in entry["tasks"] for task in metrics):
        raise DataFileError(origin, f"suite {name!r}: 'metrics' must map tasks of the suite to metric names")
    return Suite(
        name=name,
        description=str(entry.get("description", "")),
        reference=str(entry.get("reference", "")),
        tasks=tuple(str(t) for t in entry["tasks"]),
        groups=tuple((str(g), tuple(str(t) for t in ts)) for g, ts in groups.items()),
        deviations=tuple(" ".join(str(d).split()) for d in entry.get("deviations") or ()),
        metrics=tuple((str(t), str(m)) for t, m in metrics.items()),
    )


def suites_asked(names: Iterable[str], planned: Iterable[str]) -> tuple[str, ...]:
    """The suites a run stands for: named in its ``--tasks``, or all of whose tasks it planned."""
    asked, tasks = set(names), set(planned)
    return tuple(
        name for name, suite in all_suites().items()
        if name in asked or (tasks and set(suite.tasks) <= tasks)
    )
