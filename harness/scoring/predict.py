"""From what a model produced to predictions, gold values, scores and sample rows.

One implementation, used by a run as it goes and by ``bioeval score RUN_DIR`` on saved samples:
an :class:`Outcome` is what one example came to (built from the engine's output in a run, or
from a sample row when re-scoring), and :func:`score_outcomes` reads every outcome's prediction
and gold and scores them under a prompt's :class:`PromptInfo`.

The gold of an example is its rendered target read by the same parser as the model's output,
so a prompt is scored exactly as it asks; entity tasks (NER, PICO) are the exception: they are
scored against the record's annotation (its text and gold spans). Every example is kept: a
template that failed, a backend error or an unparseable output becomes a Prediction with an
error, counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bioeval.errors import BioevalError
from bioeval.metrics.choice_parser import parse_option
from bioeval.metrics.parsers import PARSERS
from bioeval.metrics.permutation import OrderedAnswer, permutation_scores
from bioeval.metrics.types import AnnotatedText, Comparison, Prediction, Score
from bioeval.rundir.records import Mode, PromptInfo, SampleRow
from bioeval.scoring.gold import annotated_from_json, to_json

NO_OUTPUT = "no output from the model for this example"


@dataclass(frozen=True)
class RawOutput:
    """What the model produced for one example."""

    text: str | None  # generated text, or the top-ranked answer choice
    choice_logliks: tuple[float, ...] | None = None
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    """One example as it was run, before scoring."""

    id: str
    input: str | None  # None where the template failed on the example
    target: str | None
    output: str  # the raw output ("" when there is none)
    error: str | None  # why there is no output: the template's, the backend's, or a missing one
    choices: tuple[str, ...] | None = None
    choice_logliks: tuple[float, ...] | None = None
    annotation: AnnotatedText | None = None  # entity tasks: the record's gold mentions
    options: tuple[str, ...] | None = None  # a multiple-choice question's option texts, as shown
    permutation: int | None = None  # --permute-choices: which order (0: the publisher's)
    order: tuple[int, ...] | None = None  # --permute-choices: the original index of each option shown

    @classmethod
    def of_sample(cls, row: SampleRow) -> Outcome:
        """A saved sample read back; a parse error is not kept (the output is parsed again)."""
        error = None
        if row.input is None:
            error = row.error or "template failed"
        elif row.error is not None and not row.output:
            error = row.error
        return cls(
            id=row.id, input=row.input, target=row.target, output=row.output, error=error,
            choices=row.choices, choice_logliks=row.choice_logliks,
            annotation=annotated_from_json(row.gold), options=row.options,
            permutation=row.permutation, order=row.order,
        )


def outcome_of(
    example_id: str,
    rendered: tuple[str | None, str | None, tuple[str, ...] | None, str | None],
    raw: RawOutput | None,
    annotation: AnnotatedText | None,
) -> Outcome:
    """A run's outcome: the rendered (input, target, choices, template error) and the raw output."""
    text, target, choices, render_error = rendered
    if render_error is not None:
        error: str | None = render_error
    elif raw is None:
        error = NO_OUTPUT
    elif raw.error is not None or raw.text is None:
        error = raw.error or "no output"
    else:
        error = None
    return Outcome(
        id=example_id, input=text, target=target,
        output="" if raw is None or render_error is not None else raw.text or "",
        error=error, choices=choices,
        choice_logliks=None if raw is None else raw.choice_logliks, annotation=annotation,
    )


def read_output(
    text: str, kind: str, mode: Mode, vocabulary: Sequence[str], options: Sequence[str] | None = None
) -> Prediction:
    """A raw output as a prediction: a ranked answer choice as it is, a generation parsed (the
    answer to a multiple-choice question by its letter, its text or a final answer line)."""
    if mode is Mode.RANK:
        return Prediction(value=text, raw=text)
    if options is not None and kind == "label":
        return parse_option(text, vocabulary, options)
    return PARSERS[kind].parse(text, vocabulary)


def read_target(target: str, kind: str, vocabulary: Sequence[str]) -> Prediction:
    """A rendered target read by the parser that reads the outputs (a label as it is; an empty
    label list, e.g. PromptSource's ``labels | join(', ')`` on a HoC abstract without hallmarks,
    as no label: a model's empty output stays unparsed)."""
    if kind == "label":
        return Prediction(value=target, raw=target)
    if kind == "label_list" and not target.strip():
        return Prediction(value=frozenset(), raw=target)
    return PARSERS[kind].parse(target, vocabulary)


def predict(info: PromptInfo, mode: Mode, outcome: Outcome) -> Prediction:
    if outcome.error is not None:
        return Prediction(value=None, raw=outcome.output, error=outcome.error)
    return read_output(outcome.output, info.output, mode, outcome.choices or info.vocabulary, outcome.options)


def gold(info: PromptInfo, outcome: Outcome, context: str) -> Any:
    """The annotation for entity tasks, else the rendered target read by the output's parser."""
    if outcome.annotation is not None:
        return outcome.annotation
    if outcome.target is None:
        return None
    read = read_target(outcome.target, info.output, outcome.choices or info.vocabulary)
    if not read.parsed:
        raise BioevalError(
            f"{context} renders target {outcome.target!r} for {outcome.id}, which its own "
            f"parser cannot read: {read.error}"
        )
    return read.value


@dataclass(frozen=True)
class ScoredUnit:
    """One (model, task, prompt) scored: every example's prediction and gold, every metric."""

    outcomes: tuple[Outcome, ...]
    predictions: tuple[Prediction, ...]
    references: tuple[Any, ...]
    scores: tuple[Score, ...]

    @property
    def n_failed(self) -> int:
        """Examples whose prompt rendered but the model gave no output (an API error ...)."""
        return sum(o.error is not None and o.input is not None and not o.output for o in self.outcomes)

    def sample_rows(self) -> list[SampleRow]:
        return [
            SampleRow(
                id=o.id, input=o.input, target=o.target, output=p.raw,
                prediction=to_json(p.value), gold=to_json(g), error=p.error,
                choices=o.choices, choice_logliks=o.choice_logliks, options=o.options,
                permutation=o.permutation, order=o.order,
            )
            for o, p, g in zip(self.outcomes, self.predictions, self.references)
        ]


def score_outcomes(info: PromptInfo, mode: Mode, outcomes: Sequence[Outcome], context: str) -> ScoredUnit:
    """Predictions, gold values and one Score per metric of the prompt."""
    from bioeval.metrics import scoring

    predictions = tuple(predict(info, mode, outcome) for outcome in outcomes)
    references = tuple(gold(info, outcome, context) for outcome in outcomes)
    options = info.metric_options.to_json()
    scores = tuple(scoring.score(m, predictions, references, options=options) for m in info.metrics)
    permuted = permutation_scores(ordered_answers(outcomes, predictions, references))
    return ScoredUnit(tuple(outcomes), predictions, references, (*scores, *permuted))


def ordered_answers(
    outcomes: Sequence[Outcome], predictions: Sequence[Prediction], references: Sequence[Any]
) -> list[OrderedAnswer]:
    """The answers of questions asked under ``--permute-choices`` orders, by position shown
    (questions whose template failed are left out)."""
    answers = []
    for outcome, prediction, reference in zip(outcomes, predictions, references):
        choices = outcome.choices or ()
        if outcome.permutation is None or outcome.order is None or reference not in choices:
            continue
        chosen = choices.index(prediction.value) if prediction.error is None and prediction.value in choices else None
        question = outcome.id.removesuffix(f"@p{outcome.permutation}")
        answers.append(OrderedAnswer(question, outcome.permutation, outcome.order, chosen, choices.index(reference)))
    return answers


def compare_with_baseline(info: PromptInfo, model: ScoredUnit, baseline: ScoredUnit) -> list[Comparison]:
    """Per metric: the model against the majority baseline on the same examples (paired)."""
    from bioeval.metrics import scoring

    options = info.metric_options.to_json()
    return [
        scoring.compare(m, model.predictions, baseline.predictions, model.references, options=options)
        for m in info.metrics
    ]
