"""A prompt rendered on examples: each example's input, target and answer choices, or the
template's error on that example (kept per example, so one failure does not stop the run)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bioeval.prompting.select import TemplateError, render_example
from bioeval.prompts.template import Prompt
from bioeval.tasks.core.schemas import Example
from bioeval.tasks.core.spec import View


@dataclass(frozen=True)
class RenderedExample:
    example: Example
    input: str | None  # None when the template failed on this example
    target: str | None
    choices: tuple[str, ...] | None
    error: str | None = None
    history: tuple[tuple[str, str], ...] = ()  # prior (user, assistant) turns the record carries


def prior_turns(example: Example) -> tuple[tuple[str, str], ...]:
    """The chat turns a record says come before its prompt (a MedINST row's ``history``)."""
    return getattr(example.record, "history", ())


def render_all(prompt: Prompt, view: View, examples: Sequence[Example]) -> list[RenderedExample]:
    out = []
    for example in examples:
        try:
            rendered = render_example(prompt, view, example)
        except TemplateError as error:
            out.append(RenderedExample(example, None, None, None, error=f"template: {error}"))
            continue
        out.append(
            RenderedExample(example, rendered.input, rendered.target, rendered.choices, history=prior_turns(example))
        )
    return out
