"""A prompt rendered on examples: each example's input, target and answer choices, or the
template's error on that example (kept per example, so one failure does not stop the run)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bioeval.prompting.select import TemplateError, render_example
from bioeval.prompts.template import Prompt
from bioeval.run.permute import Shown, is_multiple_choice
from bioeval.tasks.core.schemas import Example, QARecord
from bioeval.tasks.core.spec import View


@dataclass(frozen=True)
class RenderedExample:
    example: Example
    input: str | None  # None when the template failed on this example
    target: str | None
    choices: tuple[str, ...] | None
    error: str | None = None
    options: tuple[str, ...] | None = None  # a multiple-choice question's option texts, as shown
    permutation: int | None = None  # --permute-choices: which order (0: the publisher's)
    order: tuple[int, ...] | None = None  # --permute-choices: original index of each option shown
    history: tuple[tuple[str, str], ...] = ()  # prior (user, assistant) turns the record carries


def prior_turns(example: Example) -> tuple[tuple[str, str], ...]:
    """The chat turns a record says come before its prompt (a MedINST row's ``history``)."""
    return getattr(example.record, "history", ())


def render_all(prompt: Prompt, view: View, examples: Sequence[Example | Shown]) -> list[RenderedExample]:
    out = []
    for item in examples:
        shown = item if isinstance(item, Shown) else Shown(item, None, None)
        example = shown.example
        options = _options(shown)
        try:
            rendered = render_example(prompt, view, example)
        except TemplateError as error:
            out.append(RenderedExample(example, None, None, None, f"template: {error}", options,
                                       shown.permutation, shown.order))
            continue
        out.append(RenderedExample(example, rendered.input, rendered.target, rendered.choices, None,
                                   options, shown.permutation, shown.order, history=prior_turns(example)))
    return out


def _options(shown: Shown) -> tuple[str, ...] | None:
    """The option texts of a multiple-choice question (an exam question, or any permuted one)."""
    record = shown.example.record
    if not is_multiple_choice(shown.example) or not isinstance(record, QARecord):
        return None
    return record.choices if record.type == "multiple_choice" or shown.permutation is not None else None
