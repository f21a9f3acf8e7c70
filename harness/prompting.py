"""Prompts meet datasets: which templates apply to a view, their fields, and rendering.

A template reads its record's BigBIO fields plus three view-level variables:
``dataset`` (the view name), ``label_set`` (the view's labels: classes, or entity types for NER)
and ``label_text`` (label -> natural words, for dataset-agnostic families).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from bioeval.errors import DataFileError
from bioeval.prompts import library
from bioeval.prompts.render import Rendered, TemplateError, referenced_fields, render
from bioeval.prompts.template import Prompt
from bioeval.tasks.core.schemas import RECORD_TYPES, Example, Schema, template_fields
from bioeval.tasks.core.spec import View

VIEW_VARIABLES = ("dataset", "label_set", "label_text")


def schema_fields(schema: Schema) -> set[str]:
    names = {f.name for f in dataclasses.fields(RECORD_TYPES[schema])}
    if schema is Schema.KB:
        names.add("text")
    return names


def view_variables(view: View) -> dict[str, Any]:
    labels = list(view.labels or ())
    text = {label: (view.label_text or {}).get(label, label) for label in labels}
    return {"dataset": view.name, "label_set": labels, "label_text": text}


def check_fields(prompt: Prompt, view: View) -> None:
    """Reject a template that reads a field the view's schema does not have."""
    unknown = referenced_fields(prompt) - schema_fields(view.schema) - set(VIEW_VARIABLES)
    if unknown:
        expected = sorted(schema_fields(view.schema) | set(VIEW_VARIABLES))
        raise DataFileError(
            prompt.source,
            f"template {prompt.name!r} reads {sorted(unknown)} which {view.name} "
            f"({view.schema.value} schema) does not have; fields are {expected}",
        )


def prompts_for_view(view: View, selectors: Sequence[str] | None = None) -> list[Prompt]:
    """The view's templates (its own and its task type's), filtered by ``--prompts``."""
    every = library.all_prompts()
    if selectors:
        library.check_selectors(selectors, every)
    candidates = library.prompts_for(view.name, view.task.value, every)
    chosen = library.select(candidates, selectors, view.name)
    for prompt in chosen:
        check_fields(prompt, view)
    return chosen


def render_example(prompt: Prompt, view: View, example: Example) -> Rendered:
    fields = template_fields(example.record)
    fields.update(view_variables(view))
    return render(prompt, fields, example.id)


__all__ = ["Rendered", "TemplateError", "check_fields", "prompts_for_view", "render_example"]
