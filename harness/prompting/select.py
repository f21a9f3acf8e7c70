"""Prompts meet datasets: which templates apply to a view, their fields, and rendering.

A template reads its record's BigBIO fields (``template_fields``) plus three view-level
variables: ``dataset`` (the view name), ``label_set`` (the view's labels: classes, or entity
types for NER, in the view's order) and ``label_text`` (label -> natural words, for
dataset-agnostic families; a label without words maps to itself).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from bioeval.errors import DataFileError
from bioeval.prompts import library
from bioeval.prompts.render import Rendered, TemplateError, referenced_fields, render
from bioeval.prompts.template import Prompt
from bioeval.tasks.core.schemas import (
    RECORD_TYPES,
    Example,
    Schema,
    template_fields,
)
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


def candidate_prompts(view: View, every: Sequence[Prompt] | None = None) -> list[Prompt]:
    """Every template written for the view or for its task type, in library order."""
    prompts = library.all_prompts() if every is None else every
    return library.prompts_for(view.name, view.task.value, prompts)


def prompts_for_view(view: View, selectors: Sequence[str] | None = None) -> list[Prompt]:
    """The view's templates (its own and its task type's), filtered by ``--prompts``.

    Each chosen template is checked against the view's schema, so a template reading a missing
    field fails here, before any data or model is loaded.
    """
    every = library.all_prompts()
    if selectors:
        library.check_selectors(selectors, every)
    chosen = library.select(candidate_prompts(view, every), selectors, view.name)
    for prompt in chosen:
        check_fields(prompt, view)
    return chosen


def example_fields(view: View, example: Example) -> dict[str, Any]:
    """What a template sees for one example (computed once, shared by all prompts)."""
    fields = template_fields(example.record)
    fields.update(view_variables(view))
    return fields


def targets_by_label(
    prompt: Prompt, view: View, examples: Sequence[Example]
) -> dict[str, str]:
    """label -> the target ``prompt`` renders for it, read off single-label ``examples``.

    Lets label-based metric options follow a classification prompt's wording: e.g. micro-F1's
    negative class for GAD is "0", which a yes/no prompt renders as "no". ``bioeval prompts
    check`` guarantees the mapping is a function and one-to-one on views with a label set.
    Examples the template fails on are skipped.
    """
    from bioeval.tasks.core.validate import record_labels

    mapping: dict[str, str] = {}
    for example in examples:
        labels = record_labels(example.record)
        if len(labels) != 1 or labels[0] in mapping:
            continue
        try:
            mapping[labels[0]] = render_example(prompt, view, example).target
        except TemplateError:
            continue
    return mapping


def render_fields(prompt: Prompt, fields: Mapping[str, Any], example_id: str) -> Rendered:
    return render(prompt, fields, example_id)


def render_example(prompt: Prompt, view: View, example: Example) -> Rendered:
    return render(prompt, example_fields(view, example), example.id)


__all__ = [
    "Rendered",
    "TemplateError",
    "candidate_prompts",
    "check_fields",
    "example_fields",
    "prompts_for_view",
    "render_example",
    "render_fields",
    "targets_by_label",
]
