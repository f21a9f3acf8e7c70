"""One entry per task type: everything bioeval needs to know of a kind of task, in one place.

A new task type is one declaration here: how its gold answer is read off a record, which
prediction shapes an external predictions file may use, which output kind a prompt family's
targets have, which record fields hold the answer (for the leak check), and whether outputs are
scored against the record's annotation rather than the prompt's rendered target.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bioeval.errors import BioevalError
from bioeval.scoring.gold import annotated_text, label_set, output_text, score_value, single_label
from bioeval.tasks.core.schemas import Record, Schema, TaskType

KB_ANNOTATIONS = ("entities", "relations", "events", "coreferences")
"""The fields of a KB record that hold annotations."""

ANSWER_FIELDS_BY_SCHEMA: Mapping[Schema, tuple[str, ...]] = {
    Schema.TEXT: ("labels",),
    Schema.PAIRS: ("label",),
    Schema.ENTAIL: ("label",),
    Schema.QA: ("answer",),
    Schema.T2T: ("text_2",),
    Schema.KB: KB_ANNOTATIONS,
    Schema.INSTRUCTION: ("output",),
}
"""Record fields that hold the answer, by schema; a task type may say otherwise for KB records."""


@dataclass(frozen=True)
class TaskTypeEntry:
    task: TaskType
    gold: Callable[[Record], Any]  # the record's answer in the dataset's own terms
    prediction_shapes: tuple[str, ...]  # external predictions: output kinds tried on the first line
    family_formats: Mapping[str, str] = field(default_factory=dict)  # prompt family -> output kind
    kb_answer_fields: tuple[str, ...] = KB_ANNOTATIONS  # what a KB record's answer is (leak check)
    scored_on_annotation: bool = False  # outputs scored against the record's gold mentions
    outputs: tuple[str, ...] = ("label",)  # output kinds its targets may have; the first is the default
    answer_by_position: bool = False  # each example has its own options: a target names a position

    def answer_fields(self, schema: Schema) -> tuple[str, ...]:
        return self.kb_answer_fields if schema is Schema.KB else ANSWER_FIELDS_BY_SCHEMA[schema]


_ENTRIES = (
    TaskTypeEntry(TaskType.QA, single_label, ("label",)),
    TaskTypeEntry(TaskType.MCQA, single_label, ("label",), answer_by_position=True),
    TaskTypeEntry(TaskType.NLI, single_label, ("label",)),
    TaskTypeEntry(TaskType.RE, single_label, ("label",), kb_answer_fields=("relations", "events")),
    TaskTypeEntry(TaskType.STS, score_value, ("number",), outputs=("number", "label")),
    TaskTypeEntry(
        TaskType.DC, label_set, ("label_list",),
        family_formats={"bigbio": "label_list", "unified": "label_list", "instruction": "label_list"},
        outputs=("label_list", "label"),
    ),
    TaskTypeEntry(
        TaskType.NER, annotated_text, ("spans", "typed_entities", "entity_list"),
        family_formats={"bigbio": "entity_list", "imported": "entity_list",
                        "unified": "typed_entities", "instruction": "tagged_entities"},
        scored_on_annotation=True, outputs=("entity_list", "typed_entities", "tagged_entities", "spans"),
    ),
    TaskTypeEntry(
        TaskType.PICO, annotated_text, ("spans", "token_labels", "typed_entities"),
        family_formats={"bigbio": "typed_entities", "imported": "typed_entities",
                        "unified": "typed_entities", "instruction": "tagged_entities"},
        scored_on_annotation=True, outputs=("typed_entities", "tagged_entities", "spans", "token_labels"),
    ),
    TaskTypeEntry(
        TaskType.INSTRUCT, output_text, ("text",), family_formats={"medinst": "text"}, outputs=("text",),
    ),
)
"""Target formats fixed by family (see prompts/README.md): NER mentions joined by "; " (bigbio),
"Type: a...b" lines (unified; also every PICO prompt but the instruction family's), "[a <Type>]"
items (instruction); multi-label DC labels joined by ", ". Every other target's format follows
from the prompt's metrics (``metrics.registry.OUTPUT_KIND``) where they name one of the task's
``outputs``, else from the task type (``bioeval.prompting.reading``)."""

TASK_TYPES: Mapping[TaskType, TaskTypeEntry] = {entry.task: entry for entry in _ENTRIES}


def task_type(task: TaskType) -> TaskTypeEntry:
    try:
        return TASK_TYPES[task]
    except KeyError:
        raise BioevalError(f"task type {task.value!r} has no entry in bioeval.task_types") from None
