"""Whether a third-party template asks what a view asks: checks ``bioeval prompts import`` runs.

A template can pass every syntax and field check and still be about another task than the view
it was filed under: BigBIO's fork has, under ``bc5cdr_bigbio_kb``, a yes/no question about one
relation, and under ``ebm_pico_bigbio_kb``, questions that classify one random mention. On a view
scored against the record's annotation (NER, PICO: every mention of the document), such a
template would be scored as an extraction and read as 100% unparsed; it is refused, saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bioeval.errors import shorten
from bioeval.metrics.parsers import PARSERS, normalize_label
from bioeval.prompting.reading import output_of
from bioeval.prompting.select import render_example
from bioeval.prompts.render import TemplateError, referenced_fields
from bioeval.prompts.template import Prompt
from bioeval.task_types import task_type
from bioeval.tasks.core.schemas import Example, KBRecord
from bioeval.tasks.core.spec import View
from bioeval.tasks.core.validate import record_labels

FOREIGN_ANSWERS = ("relations", "events", "coreferences")
"""KB fields an entity-extraction target has no business reading."""
MESSAGE_LIMIT = 240


def shorten_message(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A one-line message cut to ``limit`` characters (a render error may quote a whole abstract)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def misfit(prompt: Prompt, view: View, examples: Sequence[Example]) -> str | None:
    """Why ``prompt`` does not ask for what ``view`` scores (None when it fits, as far as the
    template and the tried examples tell)."""
    if not task_type(view.task).scored_on_annotation:
        return None
    unit = f"{view.name} ({view.task.value}) is scored on every gold mention of a document"
    foreign = sorted(referenced_fields(prompt) & set(FOREIGN_ANSWERS))
    if foreign:
        return f"reads {foreign}: it asks about relations, while {unit}"
    if prompt.answer_choices:
        return f"has answer choices ({shorten_message(prompt.answer_choices, 60)}): it classifies, while {unit}"
    kind, _ = output_of(prompt, view)
    for example in examples:
        wrong = _not_gold_mentions(prompt, view, example, kind)
        if wrong:
            return f"{wrong}: it asks another question, while {unit}"
    return None


def _not_gold_mentions(prompt: Prompt, view: View, example: Example, kind: str) -> str | None:
    if not isinstance(example.record, KBRecord) or kind not in PARSERS:
        return None
    try:
        target = render_example(prompt, view, example).target
    except TemplateError:
        return None
    if not target:
        return None
    parsed = PARSERS[kind].parse(target, tuple(view.labels or ()))
    if not parsed.parsed:
        return f"its target on {example.id}, {shorten(target, 60)}, is not read as {kind}: {parsed.error}"
    gold = _gold_texts(example.record)
    strange = [text for text in _mention_texts(parsed.value) if normalize_label(text) not in gold]
    if strange:
        return (f"its target on {example.id} names {shorten(strange[:3], 60)}, "
                "which are not that example's gold mentions")
    return None


def _gold_texts(record: KBRecord) -> set[str]:
    texts = set()
    for entity in record.entities:
        texts.add(normalize_label(" ".join(entity.text)))
        texts.update(normalize_label(part) for part in entity.text)
    return texts


def _mention_texts(value: Any) -> list[str]:
    """The mention strings of an entity-list or typed-entity prediction (none for spans)."""
    texts = []
    for item in value or ():
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, tuple) and len(item) == 2 and all(isinstance(part, str) for part in item):
            texts.append(item[1])
    return texts


def constant_target(prompt: Prompt, view: View, examples: Sequence[Example]) -> str | None:
    """A warning when the template renders one target for examples of different gold labels,
    e.g. a condition on a label value the view does not have (SciTail's labels are "entails" /
    "neutral"; a template testing ``label == "entailment"`` always answers "no")."""
    targets: set[str] = set()
    golds: set[str] = set()
    for example in examples:
        labels = record_labels(example.record)
        if len(labels) != 1:
            continue
        try:
            targets.add(render_example(prompt, view, example).target)
        except TemplateError:
            continue
        golds.add(labels[0])
    if len(targets) != 1 or len(golds) < 2:
        return None
    return (f"renders the same target {next(iter(targets))!r} for gold labels {sorted(golds)}: does it "
            f"test a label value {view.name} does not have? (its labels are {list(view.labels or ())})")


__all__ = ["constant_target", "misfit", "shorten_message"]
