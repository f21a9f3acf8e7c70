"""Benchmark-level macro averages: the BLUE score and the BLURB score.

- BLUE (Peng et al., 2019): the unweighted mean of the task scores (each task's own metric:
  Pearson for the similarity tasks, F1 or accuracy for the others).
- BLURB (Gu et al., 2021): first the mean of the dataset scores within each task type (NER,
  PICO, relation extraction, sentence similarity, document classification, question
  answering), then the unweighted mean of those type means, so that a type with five datasets
  weighs as much as a type with one.

Task scores are given per view name, as floats or :class:`Score` objects; the task lists and
BLURB's groups come from the suites (``configs/suites.yaml``: ``blurb`` has ``groups``, ``blue``
a task list). A task listed but missing from the scores, or with an undefined score, is an
error rather than being skipped: a partial average is not the benchmark's score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bioeval.errors import BioevalError
from bioeval.metrics.types import Score


def blue_score(task_scores: Mapping[str, float | Score | None], tasks: Sequence[str] | None = None) -> float:
    """Mean of the task scores (of ``tasks`` if given, else of every task in ``task_scores``)."""
    names = list(tasks) if tasks is not None else list(task_scores)
    values = _values(task_scores, names)
    if not values:
        raise BioevalError("BLUE score: no task scores to average")
    return sum(values) / len(values)


def blurb_score(task_scores: Mapping[str, float | Score | None], groups: Mapping[str, Sequence[str]]) -> float:
    """Mean over task types of the mean score of the type's datasets."""
    if not groups:
        raise BioevalError("BLURB score: no task groups")
    group_means = []
    for group, names in groups.items():
        values = _values(task_scores, list(names))
        if not values:
            raise BioevalError(f"BLURB score: task group {group!r} has no datasets")
        group_means.append(sum(values) / len(values))
    return sum(group_means) / len(group_means)


def _values(task_scores: Mapping[str, float | Score | None], names: list[str]) -> list[float]:
    missing = [name for name in names if name not in task_scores]
    if missing:
        raise BioevalError(f"no score for {missing}; have {sorted(task_scores)}")
    values = []
    for name in names:
        item = task_scores[name]
        value = item.value if isinstance(item, Score) else item
        if value is None:
            raise BioevalError(f"the score of {name!r} is undefined; the average would be partial")
        values.append(float(value))
    return values
