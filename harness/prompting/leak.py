"""Does a template's input depend on the gold answer? (the leak check of ``prompts check``).

Without false alarms: the example is rendered a second time with its gold fields
(``gold_fields``) replaced by a different value of the same kind (``counterfactual``); if the
*input* changes, the input depends on the gold. Answer options listed by design do not depend on
which one is gold, so they never trigger it. ``input_may_read`` proves statically, where it can,
that the input part reads no gold field, so that the second render is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bioeval.prompting.select import render_fields
from bioeval.prompts.render import SEPARATOR, TemplateError
from bioeval.prompts.template import Prompt
from bioeval.task_types import KB_ANNOTATIONS, task_type
from bioeval.tasks.core.spec import View

def gold_fields(view: View) -> tuple[str, ...]:
    return task_type(view.task).answer_fields(view.schema)


def counterfactual(name: str, value: Any, fields: Mapping[str, Any]) -> Any:
    """A different gold value of the same shape as ``value``."""
    labels = list(fields.get("label_set") or ())
    if isinstance(value, str):
        return _other_label(value, labels)
    if name == "answer":
        options = [c for c in fields.get("choices") or () if c not in value]
        return [options[0]] if options else [_other_label(value[0] if value else "", labels)]
    if name == "labels":
        if len(value) == 1 and len(labels) > 1:
            return [_other_label(value[0], labels)]
        return [] if value else labels[:1] or ["other"]
    if name in KB_ANNOTATIONS:
        return [] if value else _dummy_annotation(name, labels)
    return value


def _other_label(label: str, labels: Sequence[str]) -> str:
    if label in labels and len(labels) > 1:
        return labels[(labels.index(label) + 1) % len(labels)]
    try:
        return "0.0" if float(label) >= 2 else "4.0"
    except ValueError:
        return f"{label} (other)"


def _dummy_annotation(name: str, labels: Sequence[str]) -> list[dict[str, Any]]:
    kind = labels[0] if labels else "Entity"
    if name == "entities":
        return [{"id": "cf-1", "type": kind, "text": ["x"], "offsets": [[0, 1]], "normalized": []}]
    if name == "relations":
        return [{"id": "cf-1", "type": kind, "arg1_id": "a", "arg2_id": "b", "normalized": []}]
    return []


def input_may_read(prompt: Prompt, names: Iterable[str]) -> bool:
    """False only when the text before ``|||`` provably reads none of ``names``.

    The input part is parsed on its own (a construct spanning the separator does not parse:
    then the answer is True and the dynamic check runs); answer choices shown in the input
    count with the fields they read.
    """
    import jinja2
    from jinja2 import meta

    head, separator, tail = prompt.jinja.partition(SEPARATOR)
    if not separator or SEPARATOR in tail:
        return True
    env = jinja2.Environment()
    try:
        read = meta.find_undeclared_variables(env.parse(head))
        if "answer_choices" in read and prompt.answer_choices:
            read |= meta.find_undeclared_variables(env.parse(prompt.answer_choices))
    except jinja2.TemplateSyntaxError:
        return True
    return bool(read & set(names))


def input_changes_with_gold(
    prompt: Prompt, view: View, example_id: str, fields: Mapping[str, Any], rendered_input: str
) -> bool:
    """Render again with every gold field changed; True when the input is not the same."""
    changed = dict(fields)
    for name in gold_fields(view):
        if name in changed:
            changed[name] = counterfactual(name, changed[name], fields)
    if changed == fields:
        return False
    try:
        other = render_fields(prompt, changed, example_id)
    except TemplateError:
        return False  # the template cannot read the changed value; the real one rendered fine
    return other.input != rendered_input
