"""One registry entry per task type carries what runs, external predictions, prompts and the
leak check need to know of it."""

from __future__ import annotations

import pytest

from bioeval.metrics.parsers import PARSERS
from bioeval.metrics.registry import METRICS
from bioeval.task_types import TASK_TYPES, task_type
from bioeval.tasks.core.registry import all_views
from bioeval.tasks.core.schemas import Schema, TaskType


def test_every_task_type_has_an_entry() -> None:
    assert set(TASK_TYPES) == set(TaskType)


@pytest.mark.parametrize("task", list(TaskType))
def test_entries_name_real_parsers(task: TaskType) -> None:
    entry = task_type(task)
    assert entry.prediction_shapes and all(kind in PARSERS for kind in entry.prediction_shapes)
    assert all(kind in PARSERS for kind in entry.family_formats.values())


@pytest.mark.parametrize(("spec", "view"), all_views(), ids=lambda item: getattr(item, "name", ""))
def test_every_view_can_score_an_external_prediction_shape(spec: object, view: object) -> None:
    shapes = task_type(view.task).prediction_shapes
    assert any(kind in METRICS[m].output_kinds for m in view.metrics for kind in shapes)


def test_answer_fields_follow_schema_unless_the_task_says_otherwise() -> None:
    assert task_type(TaskType.RE).answer_fields(Schema.KB) == ("relations", "events")
    assert task_type(TaskType.RE).answer_fields(Schema.TEXT) == ("labels",)
    assert "entities" in task_type(TaskType.NER).answer_fields(Schema.KB)


def test_entity_tasks_are_scored_on_the_annotation() -> None:
    on_annotation = {t for t, entry in TASK_TYPES.items() if entry.scored_on_annotation}
    assert on_annotation == {TaskType.NER, TaskType.PICO}


def test_view_metric_options_follow_the_prompt_wording() -> None:
    gad = next(view for _, view in all_views() if view.name == "gad")
    assert gad.metric_options().to_json() == {"negative": "0", "labels": ["0", "1"]}
    worded = gad.metric_options({"0": "no", "1": "yes"})
    assert (worded.negative, worded.labels) == ("no", ("no", "yes"))
