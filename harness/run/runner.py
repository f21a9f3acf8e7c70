"""Running a plan: each model loaded once, every (view, prompt) evaluated, results written.

The majority baseline is added to every run (unless asked for explicitly) and runs first, so
every model's score carries a paired comparison with it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from bioeval.backends import SCORES_LOGLIKELIHOOD, LoadOptions, load_model
from bioeval.config.models import BASELINE, ModelSpec, model_aliases
from bioeval.rundir.layout import RunFolder
from bioeval.rundir.records import Mode, ModelDone, RunRecord, ScoreRow, UnitId
from bioeval.run.engine import evaluate, quiet_libraries
from bioeval.run.plan import PromptTask, RunPlan
from bioeval.run.record import RunOptions, now, run_record
from bioeval.scoring.gold import annotated_text
from bioeval.scoring.predict import RawOutput, ScoredUnit, compare_with_baseline, outcome_of, score_outcomes
from bioeval.task_types import task_type
from bioeval.tasks.core.schemas import KBRecord

Progress = Callable[[str], None]


def choose_mode(task: PromptTask, model: ModelSpec, requested: str) -> Mode:
    can_rank = task.output_kind == "label" and bool(task.prompt.answer_choices)
    if requested == "generate" or not can_rank or not SCORES_LOGLIKELIHOOD.get(model.backend, False):
        return Mode.GENERATE
    return Mode.RANK


def models_to_run(plan: RunPlan) -> list[ModelSpec]:
    """The majority baseline first (it takes seconds), so every model is compared with it."""
    baselines = [m for m in plan.models if m.backend == BASELINE] or [model_aliases()[BASELINE]]
    return baselines[:1] + [m for m in plan.models if m not in baselines[:1]]


def score_unit(task: PromptTask, outputs: Mapping[str, RawOutput], mode: Mode) -> ScoredUnit:
    """Every example of a prompt task with the engine's output for it, scored."""
    on_annotation = task_type(task.view.task).scored_on_annotation
    outcomes = [
        outcome_of(
            r.example.id, (r.input, r.target, r.choices, r.error), outputs.get(r.example.id),
            annotated_text(r.example.record) if on_annotation and isinstance(r.example.record, KBRecord) else None,
        )
        for r in task.examples
    ]
    return score_outcomes(task.info, mode, outcomes, task.context)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Runner:
    """One run: the record it keeps up to date, the folder it writes, the baseline's results."""

    def __init__(self, plan: RunPlan, folder: RunFolder, options: RunOptions, progress: Progress) -> None:
        self.plan, self.folder, self.options, self.progress = plan, folder, options, progress
        self.models = models_to_run(plan)
        self.record: RunRecord = run_record(plan, options, self.models)
        self.baseline: dict[str, ScoredUnit] = {}
        self.rows: list[ScoreRow] = []

    def finish(self, status: str) -> None:
        self.record = replace(self.record, status=status, finished=now())
        self.folder.write_run(self.record)

    def evaluate_model(self, model: ModelSpec) -> None:
        started = time.monotonic()
        self.progress(f"loading {model.name} ({model.backend})")
        answers = {task.key: task.baseline.answer for task in self.plan.tasks}
        options = LoadOptions(batch_size=self.options.batch_size, device=self.options.device, majority_answers=answers)
        lm = load_model(model, options)
        total = len(self.plan.tasks)
        for index, task in enumerate(self.plan.tasks, start=1):
            mode = choose_mode(task, model, self.options.mode)
            self.progress(f"[{model.name}] {index}/{total} {task.view.name} / {task.prompt.name} ({mode.value})")
            unit_started = time.monotonic()
            self.evaluate_unit(lm, model, task, mode)
            self.progress(f"[{model.name}] {task.view.name} / {task.prompt.name}: {time.monotonic() - unit_started:.1f}s")
        done = ModelDone(model.name, round(time.monotonic() - started, 1))
        self.record = replace(self.record, models_done=(*self.record.models_done, done))
        self.folder.write_run(self.record)

    def evaluate_unit(self, lm: object, model: ModelSpec, task: PromptTask, mode: Mode) -> None:
        scored = score_unit(task, evaluate(lm, task, mode, chat=model.chat), mode)
        self.folder.write_samples(model.name, task.view.name, task.prompt.name, scored.sample_rows())
        note, comparisons = "", None
        if model.backend == BASELINE:
            note = f"always answers {task.baseline.answer!r}, the most frequent target of the {task.baseline.counted_on}"
            self.baseline[task.key] = scored
        elif task.key in self.baseline:
            comparisons = compare_with_baseline(task.info, scored, self.baseline[task.key])
        unit = UnitId(
            model=model.name, task=task.view.name, dataset=task.spec.name, prompt=task.prompt.name,
            prompt_id=task.prompt.id, prompt_version=task.prompt.version, family=task.prompt.family, mode=mode,
        )
        versus = {c.metric: c for c in comparisons or ()}
        rows = [ScoreRow.of(unit, score, note, versus.get(score.metric)) for score in scored.scores]
        self.folder.append_scores(rows)
        self.rows.extend(rows)


def execute(plan: RunPlan, folder: RunFolder, options: RunOptions, progress: Progress = _stderr) -> list[ScoreRow]:
    """Evaluate every model on every prompt task; returns all score rows written."""
    quiet_libraries()
    runner = Runner(plan, folder, options, progress)
    folder.write_run(runner.record)
    try:
        for model in runner.models:
            runner.evaluate_model(model)
    except KeyboardInterrupt:
        runner.finish("interrupted")
        raise
    runner.finish("complete")
    return runner.rows
