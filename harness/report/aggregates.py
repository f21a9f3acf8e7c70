"""Aggregation over prompts: one model's scores on one (task, metric) across the task's prompts.

Every figure is reported per prompt and aggregated across prompts: the mean, median, best, worst
and (sample) standard deviation of the prompts' scores, leaving out prompts whose score is
undefined (and counting them). The leaderboard, the papers' layouts and the terminal summary take
their aggregates from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ``bioeval --help`` lists AGGREGATES: nothing here is imported before it is used
    from bioeval.report.data import ReportRow

AGGREGATES = ("mean", "median", "best", "worst", "std")
"""How one model's scores over the prompts of a task are summarised."""


@dataclass(frozen=True)
class Aggregates:
    """One model's scores over the prompts of a task: prompts whose score is undefined are left out."""

    mean: float | None
    median: float | None
    best: float | None
    worst: float | None
    std: float | None
    n_prompts: int
    n_undefined: int

    def get(self, name: str) -> float | None:
        return getattr(self, name)


def over_prompts(rows: Sequence[ReportRow]) -> Aggregates:
    """The aggregates of ``rows``: one model's rows of one task and metric, one per prompt."""
    import statistics

    from bioeval.metrics.registry import METRICS

    spec = METRICS.get(rows[0].metric) if rows else None
    pick_best, pick_worst = (min, max) if spec is not None and not spec.higher_is_better else (max, min)
    values = [row.value for row in rows if row.value is not None]
    undefined = len(rows) - len(values)
    if not values:
        return Aggregates(None, None, None, None, None, n_prompts=len(rows), n_undefined=undefined)
    return Aggregates(
        mean=statistics.fmean(values),
        median=statistics.median(values),
        best=pick_best(values),  # higher_is_better respected
        worst=pick_worst(values),
        std=statistics.stdev(values) if len(values) > 1 else 0.0,
        n_prompts=len(rows),
        n_undefined=undefined,
    )


def by_unit(rows: Sequence[ReportRow]) -> dict[tuple[str, str, str], Aggregates]:
    """{(model, task, metric): the aggregates over that model's prompts of the task}."""
    groups: dict[tuple[str, str, str], list[ReportRow]] = {}
    for row in rows:
        groups.setdefault((row.model, row.task, row.metric), []).append(row)
    return {key: over_prompts(group) for key, group in groups.items()}
