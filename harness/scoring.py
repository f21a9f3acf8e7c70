"""From raw outputs to predictions, sample rows and scores for one (model, view, prompt).

The gold of an example is its rendered target read by the same parser as the model's output,
so a prompt is scored exactly as it asks; entity tasks (NER, PICO) are the exception: they are
scored against the record's annotation (its text and gold spans, see ``bioeval.gold``). Every
example is kept: a template that failed, a backend error or an unparseable output becomes a
Prediction with an error, counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bioeval.errors import BioevalError
from bioeval.gold import ENTITY_KINDS, annotated_text, to_json
from bioeval.lmeval_bridge import MULTIPLE_CHOICE, RawOutput
from bioeval.metrics.parsers import PARSERS
from bioeval.metrics.types import Comparison, Prediction, Score
from bioeval.plan import PromptTask, RenderedExample
from bioeval.tasks.core.schemas import KBRecord


@dataclass(frozen=True)
class ScoredTask:
    predictions: tuple[Prediction, ...]
    references: tuple[Any, ...]
    scores: tuple[Score, ...]


def read_gold(task: PromptTask, rendered: RenderedExample) -> Any:
    if task.output_kind in ENTITY_KINDS and isinstance(rendered.example.record, KBRecord):
        return annotated_text(rendered.example.record)
    if rendered.target is None:
        return None
    gold = read_target(rendered.target, task.output_kind, vocabulary(task, rendered))
    if not gold.parsed:
        raise BioevalError(
            f"prompt {task.prompt.name!r} ({task.prompt.source}) renders target "
            f"{rendered.target!r} for {rendered.example.id}, which its own parser cannot read: "
            f"{gold.error}"
        )
    return gold.value


def predict(task: PromptTask, rendered: RenderedExample, raw: RawOutput | None, mode: str) -> Prediction:
    if rendered.error is not None:
        return Prediction(value=None, raw="", error=rendered.error)
    if raw is None:
        return Prediction(value=None, raw="", error="no output from the model for this example")
    if raw.error is not None or raw.text is None:
        return Prediction(value=None, raw=raw.text or "", error=raw.error or "no output")
    return read_output(raw.text, task.output_kind, mode, vocabulary(task, rendered))


def read_output(text: str, kind: str, mode: str, vocabulary: Sequence[str]) -> Prediction:
    """A raw output as a prediction: a ranked answer choice as it is, a generation parsed."""
    if mode == MULTIPLE_CHOICE:
        return Prediction(value=text, raw=text)
    return PARSERS[kind].parse(text, vocabulary)


def read_target(target: str, kind: str, vocabulary: Sequence[str]) -> Prediction:
    """A rendered target read by the parser that reads the outputs (a label as it is)."""
    if kind == "label":
        return Prediction(value=target, raw=target)
    return PARSERS[kind].parse(target, vocabulary)


def vocabulary(task: PromptTask, rendered: RenderedExample) -> tuple[str, ...]:
    """What a parser matches against: the answer choices, else the view's labels (entity types)."""
    return rendered.choices or task.vocabulary


def score_task(task: PromptTask, outputs: Mapping[str, RawOutput], mode: str) -> ScoredTask:
    from bioeval.metrics import scoring

    predictions = tuple(
        predict(task, rendered, outputs.get(rendered.example.id), mode) for rendered in task.examples
    )
    references = tuple(read_gold(task, rendered) for rendered in task.examples)
    scores = tuple(
        scoring.score(metric, predictions, references, options=task.metric_options)
        for metric in task.metrics
    )
    return ScoredTask(predictions=predictions, references=references, scores=scores)


def sample_rows(
    task: PromptTask, scored: ScoredTask, outputs: Mapping[str, RawOutput]
) -> list[dict[str, Any]]:
    rows = []
    for rendered, prediction, gold in zip(task.examples, scored.predictions, scored.references):
        raw = outputs.get(rendered.example.id)
        row: dict[str, Any] = {
            "id": rendered.example.id,
            "input": rendered.input,
            "target": rendered.target,
            "output": prediction.raw,
            "prediction": to_json(prediction.value),
            "gold": to_json(gold),
            "error": prediction.error,
        }
        if rendered.choices is not None:
            row["choices"] = list(rendered.choices)
        if raw is not None and raw.choice_logliks is not None:
            row["choice_logliks"] = list(raw.choice_logliks)
        rows.append(row)
    return rows


def compare_with_baseline(task: PromptTask, model: ScoredTask, baseline: ScoredTask) -> list[Comparison]:
    """Per metric: the model against the majority baseline on the same examples (paired)."""
    from bioeval.metrics import scoring

    return [
        scoring.compare(metric, model.predictions, baseline.predictions, model.references, options=task.metric_options)
        for metric in task.metrics
    ]


IDENTITY_KEYS = ("model", "task", "dataset", "prompt", "prompt_id", "prompt_version", "family", "mode")
"""The fields that say which (model, task, prompt) a score row belongs to, and how it was run."""


def row_identity(model: str, task: PromptTask, mode: str) -> dict[str, Any]:
    return {
        "model": model,
        "task": task.view.name,
        "dataset": task.spec.name,
        "prompt": task.prompt.name,
        "prompt_id": task.prompt.id,
        "prompt_version": task.prompt.version,
        "family": task.prompt.family,
        "mode": mode,
    }


def score_rows(
    identity: Mapping[str, Any],
    scores: Sequence[Score],
    note: str = "",
    comparisons: Sequence[Comparison] | None = None,
) -> list[dict[str, Any]]:
    """One scores.jsonl row per metric: ``identity`` (see IDENTITY_KEYS), then the score."""
    versus = {c.metric: c for c in comparisons or ()}
    return [
        {
            **identity,
            "metric": score.metric,
            "value": score.value,
            "ci_low": score.ci_low,
            "ci_high": score.ci_high,
            "n": score.n,
            "n_unparsed": score.n_unparsed,
            "note": "; ".join(part for part in (score.note, note) if part),
            **_versus_baseline(versus.get(score.metric)),
        }
        for score in scores
    ]


def _versus_baseline(comparison: Comparison | None) -> dict[str, Any]:
    if comparison is None:
        return {}
    return {
        "vs_baseline": {
            "delta": comparison.delta,
            "ci_low": comparison.ci_low,
            "ci_high": comparison.ci_high,
            "p_value": comparison.p_value,
            "method": comparison.method,
            "beats_baseline": comparison.beats_baseline(),
            "summary": comparison.summary(),
        }
    }
