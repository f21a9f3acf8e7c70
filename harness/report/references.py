"""Published figures: context rows in a leaderboard and the rows of the papers' layouts.

``configs/reference_scores.yaml`` (read by default) holds the papers' tables: per table its
source, setup, metrics ({dataset: metric}), what each figure is (``aggregates``: ``[mean,
best]`` = Avg over prompts and the Best prompt chosen on the test set; ``[single]`` = one prompt
per dataset) and its rows (label, alias, params, kind, scores as printed in percent, benchmarks).
A file of one's own (``bioeval report --references FILE``) may use that form or the plain one: a
list of rows, each with ``label``, ``source``, ``scores`` ({task: {metric, value}}, on
bioeval's scale: fractions, Pearson in [-1, 1]) and optionally ``benchmarks`` ({suite: value}).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bioeval.errors import BioevalError, DataFileError
from bioeval.inputs.shapes import Fields, Integer, ListOf, MapOf, Number, OneOf, Optional, Text, check
from bioeval.tasks.readers.text_files import read_text

PACKAGED_FILE = "reference_scores.yaml"
NOT_RUN = "DUA"  # the paper's mark for a dataset its data-use agreement kept from an API


@dataclass(frozen=True)
class ReferenceScore:
    task: str  # a task or dataset name
    metric: str
    value: float | None  # Avg over prompts, or the single figure; None: not reported
    best: float | None = None  # the best prompt on the test set, where the paper gives it
    note: str = ""  # e.g. "DUA"


@dataclass(frozen=True)
class ReferenceRow:
    label: str
    source: str
    scores: tuple[ReferenceScore, ...]
    benchmarks: tuple[tuple[str, float | None], ...] = ()
    alias: str = ""  # the bioeval model alias this row is, if any
    params: str = ""
    kind: str = "model"  # model, majority or sota
    table: str = ""  # the key of its table in the reference file
    single_prompt: bool = True  # one figure per dataset (mean = median = best = worst)
    cite: str = ""  # short citation, e.g. "BigBIO Table 2"

    @property
    def display(self) -> str:
        return f"{self.label} [{self.cite}]" if self.cite else self.label

    def score(self, task: str, dataset: str = "") -> ReferenceScore | None:
        for name in (task, dataset):
            for score in self.scores:
                if name and score.task == name:
                    return score
        return None

    def value(self, task: str, metric: str, statistic: str = "mean", dataset: str = "") -> float | None:
        """The figure comparable with a leaderboard cell of this statistic over prompts."""
        score = self.score(task, dataset)
        if score is None or score.metric != metric:
            return None
        if statistic == "mean" or (self.single_prompt and statistic in ("median", "best", "worst")):
            return score.value
        if statistic == "best":
            return score.best
        return None

    def benchmark(self, suite: str) -> float | None:
        return dict(self.benchmarks).get(suite)


@dataclass(frozen=True)
class ReferenceTable:
    key: str
    paper: str
    table: str
    source: str
    setup: str
    aggregates: tuple[str, ...]
    metrics: tuple[tuple[str, str], ...]  # (dataset, metric) in the paper's column order
    rows: tuple[ReferenceRow, ...]
    task_types: tuple[tuple[str, str], ...] = ()
    instances: tuple[tuple[str, int], ...] = ()


def packaged_tables() -> tuple[ReferenceTable, ...]:
    path = resources.files("bioeval.configs").joinpath(PACKAGED_FILE)
    if not path.is_file():
        return ()
    return parse_tables(path.read_text(encoding="utf-8"), str(path))


def packaged_references() -> tuple[ReferenceRow, ...]:
    """The rows of ``configs/reference_scores.yaml``, or none when the file is absent."""
    return tuple(row for table in packaged_tables() for row in table.rows)


def load_references(path: Path) -> tuple[ReferenceRow, ...]:
    """A reference file of the user's: UTF-8 (with or without a byte-order mark), checked
    against ``TABLES`` or ``PLAIN_ROWS``."""
    if not path.exists():
        raise BioevalError(f"reference file {path} does not exist")
    return parse_references(read_text(path), str(path))


_FIGURE = Optional(OneOf((Number(), Text())))  # percent, null, or "DUA" (checked when read)
_NAME = OneOf((Text(), Number()))
TABLES = Fields({"tables": MapOf(Fields(
    {
        "paper": Optional(_NAME), "table": Optional(_NAME), "source": Text(), "setup": Optional(Text(non_empty=False)),
        "aggregates": Optional(ListOf(Text(), non_empty=True)),
        "metrics": MapOf(Text(), non_empty=True),
        "task_types": Optional(MapOf(Text())),
        "instances": Optional(MapOf(Integer(minimum=0))),
        "rows": ListOf(Fields(
            {
                "label": _NAME, "alias": Optional(Text()), "params": Optional(_NAME), "kind": Optional(Text()),
                "scores": MapOf(OneOf((_FIGURE, ListOf(_FIGURE)))),
                "benchmarks": Optional(MapOf(_FIGURE)),
            },
            required=("label", "scores"),
        )),
    },
    required=("source", "metrics", "rows"),
), non_empty=True)}, required=("tables",))
"""The packaged form: tables of the papers, each with its metrics and rows."""
PLAIN_ROWS = ListOf(Fields(
    {
        "label": _NAME, "source": Text(), "alias": Optional(Text()),
        "scores": MapOf(Fields({"metric": Text(), "value": Number()}, required=("metric", "value")), non_empty=True),
        "benchmarks": Optional(MapOf(Number())),
    },
    required=("label", "source", "scores"),
))
"""The plain form: a list of rows on bioeval's scale."""


def parse_references(text: str, origin: str) -> tuple[ReferenceRow, ...]:
    raw = _yaml(text, origin)
    if isinstance(raw, dict) and "tables" in raw:
        return tuple(row for table in parse_tables(text, origin) for row in table.rows)
    if not isinstance(raw, list):
        raise DataFileError(origin, "expected a list of reference rows or a mapping with 'tables'")
    check(raw, PLAIN_ROWS, origin)
    return tuple(_plain_row(entry, index, origin) for index, entry in enumerate(raw, start=1))


def parse_tables(text: str, origin: str) -> tuple[ReferenceTable, ...]:
    raw = _yaml(text, origin)
    tables = raw.get("tables") if isinstance(raw, dict) else None
    if not isinstance(tables, dict):
        raise DataFileError(origin, "expected a mapping with 'tables' {name: table}")
    check(raw, TABLES, origin)
    return tuple(_table(str(key), entry, origin) for key, entry in tables.items())


def _yaml(text: str, origin: str) -> Any:
    try:
        return yaml.safe_load(text) or []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(origin, f"invalid YAML: {error}", None if mark is None else mark.line + 1) from None


def _table(key: str, entry: Any, origin: str) -> ReferenceTable:
    where = f"table {key!r}"
    if not isinstance(entry, dict) or not isinstance(entry.get("metrics"), dict):
        raise DataFileError(origin, f"{where}: expected a mapping with 'metrics' and 'rows'")
    rows = entry.get("rows")
    if not isinstance(rows, list) or not entry.get("source"):
        raise DataFileError(origin, f"{where}: expected 'source' and a list of 'rows'")
    aggregates = tuple(str(a) for a in entry.get("aggregates") or ("single",))
    metrics = {str(k): str(v) for k, v in entry["metrics"].items()}
    source = " ".join(str(entry["source"]).split())
    cite = f"{entry.get('paper', '')} {entry.get('table', '')}".strip()
    parsed = tuple(_table_row(row, (key, cite), source, metrics, aggregates, origin) for row in rows)
    return ReferenceTable(
        key=key, paper=str(entry.get("paper", "")), table=str(entry.get("table", "")), source=source,
        setup=" ".join(str(entry.get("setup", "")).split()), aggregates=aggregates,
        metrics=tuple(metrics.items()), rows=parsed,
        task_types=tuple((str(k), str(v)) for k, v in (entry.get("task_types") or {}).items()),
        instances=tuple((str(k), int(v)) for k, v in (entry.get("instances") or {}).items()),
    )


def _table_row(entry: Any, names: tuple[str, str], source: str, metrics: dict[str, str], aggregates: tuple[str, ...],
               origin: str) -> ReferenceRow:
    key, cite = names
    if not isinstance(entry, dict) or not entry.get("label") or not isinstance(entry.get("scores"), dict):
        raise DataFileError(origin, f"table {key!r}: each row needs 'label' and 'scores'")
    scores = []
    for dataset, figure in entry["scores"].items():
        if dataset not in metrics:
            raise DataFileError(origin, f"table {key!r}, row {entry['label']}: {dataset!r} is not in 'metrics'")
        pair = figure if isinstance(figure, list) else [figure, figure if entry.get("kind") != "model" else None]
        if len(pair) != 2:
            raise DataFileError(origin, f"table {key!r}, row {entry['label']}, {dataset}: expected [avg, best]")
        note = NOT_RUN if NOT_RUN in pair else ""
        scores.append(ReferenceScore(str(dataset), metrics[dataset], _percent(pair[0], origin),
                                     _percent(pair[1], origin), note))
    benchmarks = tuple((str(k), _percent(v, origin)) for k, v in (entry.get("benchmarks") or {}).items())
    return ReferenceRow(
        label=str(entry["label"]), source=source, scores=tuple(scores), benchmarks=benchmarks,
        alias=str(entry.get("alias") or ""), params=str(entry.get("params") or ""),
        kind=str(entry.get("kind") or "model"), table=key, single_prompt=aggregates == ("single",), cite=cite,
    )


def _percent(value: Any, origin: str) -> float | None:
    if value is None or value == NOT_RUN:
        return None
    if not _is_number(value):
        raise DataFileError(origin, f"expected a number, null or {NOT_RUN!r}, got {value!r}")
    return float(value) / 100.0


def _plain_row(entry: Any, index: int, origin: str) -> ReferenceRow:
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
        alias=str(entry.get("alias") or ""),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
