"""The typed records of a run folder: score rows, sample rows, and the run record (run.json).

Each is a frozen dataclass with ``to_json`` (what is written, keys in a fixed order) and
``from_json`` (what is read back, checked; a bad value fails with the file and line). The
runner writes them, and rescoring, reports and the terminal summary read them back through
``bioeval.rundir.reader``. Folders written by earlier releases read too: fields they lack take
defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from bioeval.config.models import BASELINE
from bioeval.errors import DataFileError, shorten
from bioeval.metrics.types import Comparison, MetricOptions, Score


class Mode(str, Enum):
    """How a prompt is run: its answer choices ranked by log-likelihood, or an answer generated.

    The values are the names run folders have always stored (``mode`` in scores.jsonl).
    """

    RANK = "multiple_choice"
    GENERATE = "generate_until"


class Where:
    """A place in a file, for error messages: ``path`` and the 1-based line (or None)."""

    def __init__(self, path: Path | str, line: int | None = None) -> None:
        self.path, self.line = (path if isinstance(path, Path) else Path(path)), line  # no re-parse per line

    def fail(self, message: str) -> DataFileError:
        return DataFileError(self.path, message, self.line)

    def number(self, raw: Mapping[str, Any], key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(f"expected {key!r} to be a number or null, got {value!r}")
        return float(value)

    def count(self, raw: Mapping[str, Any], key: str) -> int:
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"expected {key!r} to be a count (integer >= 0), got {value!r}")
        return value

    def name(self, raw: Mapping[str, Any], key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(f"expected {key!r} to be a non-empty string")
        return value

    def mapping(self, raw: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(f"expected a JSON object ({what})")
        return raw


@dataclass(frozen=True)
class VsBaseline:
    """A model's paired comparison with the majority baseline on the same examples."""

    delta: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    method: str
    beats_baseline: bool
    summary: str = ""

    @classmethod
    def of(cls, comparison: Comparison) -> VsBaseline:
        return cls(
            delta=comparison.delta, ci_low=comparison.ci_low, ci_high=comparison.ci_high,
            p_value=comparison.p_value, method=comparison.method,
            beats_baseline=comparison.beats_baseline(), summary=comparison.summary(),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "delta": self.delta, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "p_value": self.p_value, "method": self.method,
            "beats_baseline": self.beats_baseline, "summary": self.summary,
        }

    @classmethod
    def from_json(cls, raw: Any, where: Where) -> VsBaseline:
        raw = where.mapping(raw, "'vs_baseline'")
        return cls(
            delta=where.number(raw, "delta"), ci_low=where.number(raw, "ci_low"),
            ci_high=where.number(raw, "ci_high"), p_value=where.number(raw, "p_value"),
            method=str(raw.get("method") or ""), beats_baseline=bool(raw.get("beats_baseline")),
            summary=str(raw.get("summary") or ""),
        )


@dataclass(frozen=True)
class UnitId:
    """Which (model, task, prompt) a row belongs to, and how it was run."""

    model: str
    task: str
    dataset: str
    prompt: str
    prompt_id: str
    prompt_version: str
    family: str
    mode: Mode

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model, "task": self.task, "dataset": self.dataset, "prompt": self.prompt,
            "prompt_id": self.prompt_id, "prompt_version": self.prompt_version,
            "family": self.family, "mode": self.mode.value,
        }


@dataclass(frozen=True)
class ScoreRow:
    """One line of scores.jsonl: one metric of one (model, task, prompt)."""

    unit: UnitId
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_unparsed: int
    note: str = ""
    vs_baseline: VsBaseline | None = None
    n_failed: int = 0  # examples without an output from the model (e.g. API errors); in n_unparsed

    @classmethod
    def of(
        cls, unit: UnitId, score: Score, note: str = "", versus: Comparison | None = None, n_failed: int = 0
    ) -> ScoreRow:
        return cls(
            unit=unit, metric=score.metric, value=score.value, ci_low=score.ci_low,
            ci_high=score.ci_high, n=score.n, n_unparsed=score.n_unparsed,
            note="; ".join(part for part in (score.note, note) if part),
            vs_baseline=None if versus is None else VsBaseline.of(versus), n_failed=n_failed,
        )

    def to_json(self) -> dict[str, Any]:
        row = {
            **self.unit.to_json(), "metric": self.metric, "value": self.value,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n,
            "n_unparsed": self.n_unparsed, "n_failed": self.n_failed, "note": self.note,
        }
        if self.vs_baseline is not None:
            row["vs_baseline"] = self.vs_baseline.to_json()
        return row

    @classmethod
    def from_json(cls, raw: Any, where: Where) -> ScoreRow:
        raw = where.mapping(raw, "one score row")
        missing = [key for key in ("model", "task", "prompt", "metric", "value", "n") if key not in raw]
        if missing:
            raise where.fail(f"score row lacks {', '.join(missing)}")
        mode = raw.get("mode") or Mode.RANK.value
        if mode not in {m.value for m in Mode}:
            raise where.fail(f"expected 'mode' to be one of {[m.value for m in Mode]}, got {mode!r}")
        unit = UnitId(
            model=where.name(raw, "model"), task=where.name(raw, "task"),
            dataset=str(raw.get("dataset") or ""), prompt=where.name(raw, "prompt"),
            prompt_id=str(raw.get("prompt_id") or ""),
            prompt_version=str(raw.get("prompt_version") or ""),
            family=str(raw.get("family") or ""), mode=Mode(mode),
        )
        versus = raw.get("vs_baseline")
        return cls(
            unit=unit, metric=where.name(raw, "metric"), value=where.number(raw, "value"),
            ci_low=where.number(raw, "ci_low"), ci_high=where.number(raw, "ci_high"),
            n=where.count(raw, "n"), n_unparsed=where.count(raw, "n_unparsed"),
            n_failed=where.count(raw, "n_failed"), note=str(raw.get("note") or ""),
            vs_baseline=None if versus is None else VsBaseline.from_json(versus, where),
        )


@dataclass(frozen=True)
class SampleRow:
    """One line of samples/<model>/<task>/<prompt>.jsonl: one example as it was run and scored.

    ``input`` is None where the template failed on the example; ``prediction`` and ``gold`` are
    in their JSON form; ``choices`` and ``choice_logliks`` are there for ranked answer choices.
    A multiple-choice question also keeps its ``options`` as shown; under ``--permute-choices``
    ``permutation`` (0 = the publisher's order) and ``order`` (the original index of every
    option shown) say which order that was.
    """

    id: str
    input: str | None
    target: str | None
    output: str
    prediction: Any
    gold: Any
    error: str | None
    choices: tuple[str, ...] | None = None
    choice_logliks: tuple[float, ...] | None = None
    options: tuple[str, ...] | None = None
    permutation: int | None = None
    order: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": self.id, "input": self.input, "target": self.target, "output": self.output,
            "prediction": self.prediction, "gold": self.gold, "error": self.error,
        }
        optional = {"choices": self.choices, "choice_logliks": self.choice_logliks, "options": self.options,
                    "order": self.order}
        row.update({key: list(value) for key, value in optional.items() if value is not None})
        if self.permutation is not None:
            row["permutation"] = self.permutation
        return row

    @classmethod
    def from_json(cls, raw: Any, where: Where) -> SampleRow:
        raw = where.mapping(raw, "one sample row")
        if "id" not in raw:
            raise where.fail("sample row lacks 'id'")
        for key in ("input", "target", "error"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                raise where.fail(f"expected {key!r} to be a string or null")
        if not isinstance(raw.get("output"), str):
            raise where.fail(f"expected 'output' to be a string (the model's raw output), got {shorten(raw.get('output'))}")
        _check_gold(raw.get("gold"), where)
        choices, logliks = raw.get("choices"), raw.get("choice_logliks")
        return cls(
            id=str(raw["id"]), input=raw.get("input"), target=raw.get("target"),
            output=str(raw.get("output") or ""), prediction=raw.get("prediction"),
            gold=raw.get("gold"), error=raw.get("error"),
            choices=None if choices is None else tuple(str(c) for c in choices),
            choice_logliks=None if logliks is None else tuple(float(x) for x in logliks),
            options=_strings(raw.get("options"), where, "options"),
            permutation=_index(raw.get("permutation"), where, "permutation"),
            order=_indices(raw.get("order"), where),
        )


def _check_gold(gold: Any, where: Where) -> None:
    """A sample's gold as runs write it: a label, number, list, null, or annotated text
    ``{"text": str, "spans": [[start, end, type], ...]}`` with spans inside the text."""
    if not isinstance(gold, Mapping):
        return
    text, spans = gold.get("text"), gold.get("spans")
    if not isinstance(text, str) or not isinstance(spans, list):
        raise where.fail('expected \'gold\' to be a label, a number, a list, or {"text": str, "spans": [...]}')
    for span in spans:
        if not (isinstance(span, list) and len(span) == 3 and all(_is_int(x) for x in span[:2])
                and isinstance(span[2], str) and 0 <= span[0] <= span[1] <= len(text)):
            raise where.fail(f"gold span {shorten(span)}: expected [start, end, type] with "
                             f"0 <= start <= end <= {len(text)} (the text's length)")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(value: Any, where: Where, key: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.fail(f"expected {key!r} to be a list of strings")
    return tuple(value)


def _index(value: Any, where: Where, key: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise where.fail(f"expected {key!r} to be a non-negative integer")
    return value


def _indices(value: Any, where: Where) -> tuple[int, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise where.fail("expected 'order' to be a list of option indices")
    return tuple(_index(v, where, "order") or 0 for v in value)


@dataclass(frozen=True)
class PromptInfo:
    """What run.json records of one (task, prompt): its identity and how its outputs are scored."""

    id: str
    family: str
    version: str
    sha256: str
    source: str
    metrics: tuple[str, ...]
    output: str  # the output kind (parser name)
    metric_options: MetricOptions
    vocabulary: tuple[str, ...]
    read_by: str = "metrics"  # what decided the output kind: "family", "metrics" or "task type"
    ignored_metrics: tuple[str, ...] = ()  # declared metric names that do not score it, with why

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "family": self.family, "version": self.version, "sha256": self.sha256,
            "source": self.source, "metrics": list(self.metrics), "output": self.output,
            "read_by": self.read_by, "ignored_metrics": list(self.ignored_metrics),
            "metric_options": self.metric_options.to_json(), "vocabulary": list(self.vocabulary),
        }

    @classmethod
    def from_json(cls, raw: Any, where: Where) -> PromptInfo:
        raw = where.mapping(raw, "a prompt entry")
        if not isinstance(raw.get("metrics"), list) or not isinstance(raw.get("output"), str):
            raise where.fail("a prompt entry needs 'metrics' (a list) and 'output' (a string)")
        return cls(
            id=str(raw.get("id") or ""), family=str(raw.get("family") or ""),
            version=str(raw.get("version") or ""), sha256=str(raw.get("sha256") or ""),
            source=str(raw.get("source") or ""), metrics=tuple(str(m) for m in raw["metrics"]),
            output=raw["output"], metric_options=MetricOptions.from_json(raw.get("metric_options")),
            vocabulary=tuple(str(v) for v in raw.get("vocabulary") or ()),
            read_by=str(raw.get("read_by") or "metrics"),
            ignored_metrics=tuple(str(m) for m in raw.get("ignored_metrics") or ()),
        )


@dataclass(frozen=True)
class BaselineInfo:
    """The majority baseline's answer for one (task, prompt), and where it was counted."""

    answer: str
    counted_on: str

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "counted_on": self.counted_on}

    @classmethod
    def from_json(cls, raw: Any, where: Where) -> BaselineInfo:
        raw = where.mapping(raw, "a majority_baseline entry")
        return cls(answer=str(raw.get("answer", "")), counted_on=str(raw.get("counted_on", "")))


@dataclass(frozen=True)
class ModelDone:
    model: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "seconds": self.seconds}


@dataclass(frozen=True)
class RunRecord:
    """run.json: the command, configuration, versions, hashes, and how far the run got."""

    bioeval_version: str
    command: tuple[str, ...]
    status: str  # "running", "complete", "interrupted", or "incomplete" (shards that failed)
    started: str
    finished: str | None
    config: Mapping[str, Any]  # models, tasks, prompts, limit, sample, seed ... as given
    models: Mapping[str, Mapping[str, Any]]  # model name -> its settings (backend, pretrained ...)
    data_files: Mapping[str, str]  # path -> sha256
    prompts: Mapping[str, PromptInfo]  # "<task>/<prompt>" -> its entry
    majority_baseline: Mapping[str, BaselineInfo]
    versions: Mapping[str, str | None]
    git_commit: str | None
    suites: tuple[str, ...] = ()  # suites the run was asked for, by name or by all their tasks
    models_done: tuple[ModelDone, ...] = field(default=())
    resumed: tuple[str, ...] = ()  # when each later attempt (``bioeval run --resume``) started
    fewshot_examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # task -> shot ids
    # a run cut into shards (``--executor``): the executor, the shards and the (model, task)
    # pairs still missing from the merge; empty for a run in one process
    executor: Mapping[str, Any] = field(default_factory=dict)

    def baseline_models(self) -> set[str]:
        named = {name for name, info in self.models.items() if info.get("backend") == BASELINE}
        return named or {BASELINE}

    def to_json(self) -> dict[str, Any]:
        return {
            "bioeval_version": self.bioeval_version, "command": list(self.command),
            "status": self.status, "started": self.started, "finished": self.finished,
            "config": dict(self.config), "suites": list(self.suites),
            "models": {name: dict(info) for name, info in self.models.items()},
            "data_files": dict(self.data_files),
            "prompts": {key: info.to_json() for key, info in self.prompts.items()},
            "majority_baseline": {key: b.to_json() for key, b in self.majority_baseline.items()},
            "versions": dict(self.versions), "git_commit": self.git_commit,
            "models_done": [done.to_json() for done in self.models_done],
            "resumed": list(self.resumed),
            "fewshot_examples": {task: list(ids) for task, ids in self.fewshot_examples.items()},
            **({"executor": dict(self.executor)} if self.executor else {}),
        }

    @classmethod
    def from_json(cls, raw: Any, where: Where) -> RunRecord:
        raw = where.mapping(raw, "the run record")
        config = where.mapping(raw.get("config") or {}, "'config'")
        prompts = where.mapping(raw.get("prompts") or {}, "'prompts'")
        baselines = where.mapping(raw.get("majority_baseline") or {}, "'majority_baseline'")
        suites = raw.get("suites")
        return cls(
            bioeval_version=str(raw.get("bioeval_version") or ""),
            command=tuple(str(part) for part in raw.get("command") or ()),
            status=_status(raw.get("status"), where), started=str(raw.get("started") or ""),
            finished=raw.get("finished"), config=dict(config),
            models={str(k): dict(v) for k, v in (raw.get("models") or {}).items() if isinstance(v, Mapping)},
            data_files=dict(raw.get("data_files") or {}),
            prompts={key: PromptInfo.from_json(value, where) for key, value in prompts.items()},
            majority_baseline={key: BaselineInfo.from_json(v, where) for key, v in baselines.items()},
            versions=dict(raw.get("versions") or {}), git_commit=raw.get("git_commit"),
            suites=tuple(suites) if isinstance(suites, list) else legacy_suites(raw, config),
            models_done=tuple(
                ModelDone(str(d.get("model")), float(d.get("seconds") or 0))
                for d in raw.get("models_done") or () if isinstance(d, Mapping)
            ),
            resumed=tuple(str(t) for t in raw.get("resumed") or ()),
            fewshot_examples={
                str(task): tuple(str(i) for i in ids)
                for task, ids in (raw.get("fewshot_examples") or {}).items() if isinstance(ids, list)
            },
            executor=dict(where.mapping(raw.get("executor") or {}, "'executor'")),
        )


STATUSES = ("running", "complete", "interrupted", "incomplete")
"""The statuses bioeval writes into run.json ("incomplete": a sharded run some of whose shards
failed, written by the executors)."""


def _status(value: Any, where: Where) -> str:
    if value not in STATUSES:
        raise where.fail(f"'status' is {shorten(value)}; expected one of {', '.join(STATUSES)}")
    return str(value)


def legacy_suites(raw: Mapping[str, Any], config: Mapping[str, Any]) -> tuple[str, ...]:
    """For run.json files written before ``suites`` was recorded: read ``--tasks`` off the saved
    command (the only place those files kept it)."""
    from bioeval.config.suites import suites_asked

    command = [str(part) for part in raw.get("command") or []]
    asked: list[str] = []
    for index, part in enumerate(command):
        if part == "--tasks" and index + 1 < len(command):
            asked.extend(command[index + 1].split(","))
        elif part.startswith("--tasks="):
            asked.extend(part.split("=", 1)[1].split(","))
    planned = [*(config.get("tasks") or []), *(config.get("skipped_tasks") or [])]
    return suites_asked(asked, planned)
