"""Published figures shown as context rows in a leaderboard (fine-tuned SOTA, papers' rows).

A reference file is YAML: a list of rows, each with a ``label``, a ``source`` (the paper and
table the figures come from), ``scores`` ({task: {metric, value}}, values on bioeval's scale:
fractions in [0, 1], Pearson in [-1, 1]) and optionally ``benchmarks`` ({suite: value}, the
published benchmark score). ``configs/reference_scores.yaml`` is read when it exists; a file of
one's own can be given with ``bioeval report --references FILE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from bioeval.errors import BioevalError, DataFileError

PACKAGED_FILE = "reference_scores.yaml"


@dataclass(frozen=True)
class ReferenceScore:
    task: str
    metric: str
    value: float


@dataclass(frozen=True)
class ReferenceRow:
    label: str
    source: str
    scores: tuple[ReferenceScore, ...]
    benchmarks: tuple[tuple[str, float], ...] = ()

    def value(self, task: str, metric: str) -> float | None:
        for score in self.scores:
            if score.task == task and score.metric == metric:
                return score.value
        return None

    def benchmark(self, suite: str) -> float | None:
        return dict(self.benchmarks).get(suite)


def packaged_references() -> tuple[ReferenceRow, ...]:
    """The rows of ``configs/reference_scores.yaml``, or none when the file is absent."""
    path = resources.files("bioeval.configs").joinpath(PACKAGED_FILE)
    if not path.is_file():
        return ()
    return parse_references(path.read_text(encoding="utf-8"), str(path))


def load_references(path: Path) -> tuple[ReferenceRow, ...]:
    if not path.is_file():
        raise BioevalError(f"reference file {path} does not exist")
    return parse_references(path.read_text(encoding="utf-8"), str(path))


def parse_references(text: str, origin: str) -> tuple[ReferenceRow, ...]:
    try:
        raw = yaml.safe_load(text) or []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(origin, f"invalid YAML: {error}", None if mark is None else mark.line + 1) from None
    if not isinstance(raw, list):
        raise DataFileError(origin, "expected a list of reference rows")
    return tuple(_row(entry, index, origin) for index, entry in enumerate(raw, start=1))


def _row(entry: Any, index: int, origin: str) -> ReferenceRow:
    where = f"reference row {index}"
    if not isinstance(entry, dict) or not entry.get("label") or not entry.get("source"):
        raise DataFileError(origin, f"{where}: expected a mapping with 'label', 'source' and 'scores'")
    scores = entry.get("scores")
    if not isinstance(scores, dict) or not scores:
        raise DataFileError(origin, f"{where} ({entry['label']}): expected 'scores' {{task: {{metric, value}}}}")
    parsed = []
    for task, item in scores.items():
        if not isinstance(item, dict) or not isinstance(item.get("metric"), str) or not _is_number(item.get("value")):
            raise DataFileError(origin, f"{where} ({entry['label']}), task {task!r}: expected {{metric: NAME, value: NUMBER}}")
        parsed.append(ReferenceScore(task=str(task), metric=item["metric"], value=float(item["value"])))
    benchmarks = entry.get("benchmarks") or {}
    if not isinstance(benchmarks, dict) or not all(_is_number(v) for v in benchmarks.values()):
        raise DataFileError(origin, f"{where} ({entry['label']}): expected 'benchmarks' {{suite: NUMBER}}")
    return ReferenceRow(
        label=str(entry["label"]),
        source=str(entry["source"]),
        scores=tuple(parsed),
        benchmarks=tuple((str(k), float(v)) for k, v in benchmarks.items()),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
