"""Running a plan: each model loaded once, every (view, prompt) evaluated, results written.

The majority baseline is added to every run (unless asked for explicitly) and runs first, so
every model's score carries a paired comparison with it. All prompts of a dataset go to the
engine in one call (the model batches across prompts); each (model, task, prompt) unit's
samples and score rows are written when its dataset's call returns. Requests go through the
run folder's request cache (``bioeval.run.cache``), and units already in scores.jsonl are kept
as they are, so a resumed run continues where the last attempt stopped.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bioeval.backends import SCORES_LOGLIKELIHOOD, LoadOptions, load_model, unload_model
from bioeval.backends.usage import throughput_line, usage_line
from bioeval.config.models import BASELINE, ModelSpec, model_aliases
from bioeval.run.cache import CACHE_DIR, CachedLM, RequestCache
from bioeval.run.engine import evaluate_many, quiet_libraries
from bioeval.run.plan import PromptTask, RunPlan
from bioeval.run.progress import RunProgress
from bioeval.run.record import RunOptions, now, run_record
from bioeval.rundir.layout import RunFolder
from bioeval.rundir.reader import read_sample_rows
from bioeval.rundir.records import BaselineInfo, Mode, ModelDone, PromptInfo, RunRecord, ScoreRow, UnitId
from bioeval.scoring.gold import annotated_text
from bioeval.scoring.published import with_published_score
from bioeval.scoring.predict import (
    Outcome,
    RawOutput,
    ScoredUnit,
    compare_with_baseline,
    outcome_of,
    score_outcomes,
)
from bioeval.task_types import task_type
from bioeval.tasks.core.schemas import KBRecord



def choose_mode(task: PromptTask, model: ModelSpec, requested: str) -> Mode:
    can_rank = task.output_kind == "label" and bool(task.prompt.answer_choices)
    if requested == "generate" or not can_rank or not SCORES_LOGLIKELIHOOD.get(model.backend, False):
        return Mode.GENERATE
    return Mode.RANK


def models_to_run(plan: RunPlan, baseline: bool = True) -> list[ModelSpec]:
    """The majority baseline first (it takes seconds), so every model is compared with it;
    without ``baseline`` (a shard, whose run folder of shards runs the baseline once), the
    models asked for only."""
    if not baseline:
        return list(plan.models)
    baselines = [m for m in plan.models if m.backend == BASELINE] or [model_aliases()[BASELINE]]
    return baselines[:1] + [m for m in plan.models if m not in baselines[:1]]


def unit_id(model: ModelSpec, task: PromptTask, mode: Mode) -> UnitId:
    return UnitId(
        model=model.name, task=task.view.name, dataset=task.spec.name, prompt=task.prompt.name,
        prompt_id=task.prompt.id, prompt_version=task.prompt.version, family=task.prompt.family, mode=mode,
    )


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


def whole_split(options: RunOptions) -> bool:
    """Every example of each task's split is scored: no --limit, no --sample, and no part of the
    examples (a shard's range, issue 19's ``examples_range``, where the options have one)."""
    return options.limit is None and options.sample is None and getattr(options, "examples_range", None) is None


def by_dataset(tasks: Sequence[PromptTask]) -> list[list[PromptTask]]:
    """Prompt tasks grouped by view, in plan order: one engine call each."""
    groups: dict[str, list[PromptTask]] = {}
    for task in tasks:
        groups.setdefault(task.view.name, []).append(task)
    return list(groups.values())


class Runner:
    """One run: the record it keeps up to date, the folder it writes, the baseline's results."""

    def __init__(
        self, plan: RunPlan, folder: RunFolder, options: RunOptions, progress: RunProgress,
        previous: RunRecord | None = None, finished: Sequence[ScoreRow] = (),
    ) -> None:
        self.plan, self.folder, self.options, self.progress = plan, folder, options, progress
        self.models = models_to_run(plan, options.baseline)
        # a resumed run keeps its record (the resume checked it against the plan): no second
        # hashing of every data file
        self.record: RunRecord = run_record(plan, options, self.models) if previous is None else replace(
            previous, status="running", finished=None, resumed=(*previous.resumed, now())
        )
        self.done = {row.unit for row in finished}
        self.rows: list[ScoreRow] = list(finished)
        self.baseline: dict[str, ScoredUnit] = {}

    def finish(self, status: str) -> None:
        self.record = replace(self.record, status=status, finished=now())
        self.folder.write_run(self.record)

    def evaluate_model(self, model: ModelSpec) -> None:
        started = time.monotonic()
        pending = [t for t in self.plan.tasks if unit_id(model, t, self._mode(model, t)) not in self.done]
        if not pending:
            self.progress(f"{model.name}: every prompt is done (kept as it was)")
            return
        self.progress(f"loading {model.name} ({model.backend})")
        lm = self._load(model)
        pending_views = {task.view.name for task in pending}
        try:
            for group in by_dataset(self.plan.tasks):
                if group[0].view.name in pending_views:
                    self._evaluate_group(lm, model, group)
        finally:
            unload_model(model, lm)  # a vLLM engine's processes and GiBs go before the next model loads
        done = ModelDone(model.name, round(time.monotonic() - started, 1))
        self.record = replace(self.record, models_done=(*self.record.models_done, done))
        self.record_usage(model, lm)
        self.folder.write_run(self.record)

    def _mode(self, model: ModelSpec, task: PromptTask) -> Mode:
        return choose_mode(task, model, self.options.mode)

    def _load(self, model: ModelSpec) -> Any:
        answers = {task.key: task.baseline.answer for task in self.plan.tasks}
        options = LoadOptions(batch_size=self.options.batch_size, device=self.options.device, majority_answers=answers)
        lm = load_model(model, options)
        if model.backend == BASELINE:
            return lm  # answers by task, in no time: nothing to cache
        cache = RequestCache(self.folder.path / CACHE_DIR, model.name)
        chunk = max(self.options.batch_size, getattr(lm, "chunk_size", 0))  # API and vLLM models: large calls
        return CachedLM(lm, cache, chunk=chunk, progress=self.progress.requests)

    def _evaluate_group(self, lm: Any, model: ModelSpec, group: Sequence[PromptTask]) -> None:
        """All prompts of a dataset in one engine call; the units not yet done are written.

        Finished units go to the engine too (their requests are answered from the cache), so a
        resumed call holds the same requests, batched the same way, as the first attempt's."""
        units = [(task, self._mode(model, task)) for task in group]
        self.progress(f"[{model.name}] {group[0].view.name}: {len(group)} prompts in one engine call")
        started = time.monotonic()
        outputs = evaluate_many(lm, units, chat=model.chat)
        for task, mode in units:
            if unit_id(model, task, mode) not in self.done:
                scored = with_published_score(
                    score_unit(task, outputs.get(task.key, {}), mode), task.spec, task.view, task.info,
                    [r.example.id for r in task.examples], task.examples[0].example.split,
                    self.plan.data_dir, whole_split=whole_split(self.options),
                )
                self._write_unit(model, task, mode, scored)
                self.progress.units_done()
        self.progress(f"[{model.name}] {group[0].view.name}: {time.monotonic() - started:.1f}s")

    def record_usage(self, model: ModelSpec, lm: object) -> None:
        """The backend's requests/s and tokens/s, and an API model's requests, retries, failures
        and tokens (and cost), into run.json."""
        entry = dict(self.record.models.get(model.name, {}))
        if isinstance(lm, CachedLM) and lm.throughput.requests:
            entry["throughput"] = lm.throughput.to_json(lm.lm)
            self.progress(f"[{model.name}] {throughput_line(entry['throughput'])}")
        usage_record = getattr(getattr(lm, "lm", lm), "usage_record", None)  # inside CachedLM
        if usage_record is not None:
            entry["usage"] = usage_record()
            self.progress(f"[{model.name}] {usage_line(entry['usage'])}")
        self.record = replace(self.record, models={**self.record.models, model.name: entry})

    def _write_unit(self, model: ModelSpec, task: PromptTask, mode: Mode, scored: ScoredUnit) -> None:
        self.folder.write_samples(model.name, task.view.name, task.prompt.name, scored.sample_rows())
        is_baseline = model.backend == BASELINE
        if is_baseline:
            self.baseline[task.key] = scored
        rows = unit_rows(
            unit_id(model, task, mode), task.info, scored,
            None if is_baseline else self._baseline_of(task),
            baseline_note(task.baseline) if is_baseline else "",
        )
        self.folder.append_scores(rows)
        self.rows.extend(rows)

    def _baseline_of(self, task: PromptTask) -> ScoredUnit | None:
        """The baseline's results on this prompt: from this attempt, else from its saved samples."""
        if task.key not in self.baseline:
            if not self.options.baseline:
                return None  # a shard: its run folder of shards compares with the baseline
            baseline = self.models[0]
            unit = unit_id(baseline, task, self._mode(baseline, task))
            if unit not in self.done:
                return None
            outcomes = [Outcome.of_sample(row) for row in read_sample_rows(self.folder.path, unit)]
            self.baseline[task.key] = score_outcomes(task.info, unit.mode, outcomes, task.context)
        return self.baseline[task.key]


def baseline_note(baseline: BaselineInfo) -> str:
    return f"always answers {baseline.answer!r}, the most frequent target of the {baseline.counted_on}"


def unit_rows(
    unit: UnitId, info: PromptInfo, scored: ScoredUnit, baseline: ScoredUnit | None, note: str = ""
) -> list[ScoreRow]:
    """A scored (model, task, prompt)'s rows of scores.jsonl, each beside the majority baseline on
    the same examples where ``baseline`` is given (a run as it goes, and a merge of shards)."""
    versus = {} if baseline is None else {c.metric: c for c in compare_with_baseline(info, scored, baseline)}
    if scored.n_failed:
        note = "; ".join(p for p in (note, f"{scored.n_failed} examples without output (errors in the samples)") if p)
    return [ScoreRow.of(unit, score, note, versus.get(score.metric), scored.n_failed) for score in scored.scores]


@dataclass(frozen=True)
class RunResult:
    """What a finished run wrote: its run.json record and every row of its scores.jsonl."""

    record: RunRecord
    rows: tuple[ScoreRow, ...]


def execute(
    plan: RunPlan, folder: RunFolder, options: RunOptions, progress: RunProgress | None = None,
    previous: RunRecord | None = None, finished: Sequence[ScoreRow] = (),
) -> RunResult:
    """Evaluate every model on every prompt task not already finished; returns the run record as
    written to run.json and all score rows."""
    quiet_libraries()
    units = len(plan.tasks) * len(models_to_run(plan, options.baseline))
    progress = progress or RunProgress(units)
    runner = Runner(plan, folder, options, progress, previous, finished)
    folder.write_run(runner.record)
    if finished:
        progress.units_done(len({row.unit for row in finished}))
    try:
        for model in runner.models:
            runner.evaluate_model(model)
    except BaseException:
        runner.finish("interrupted")
        raise
    finally:
        progress.close()
    runner.finish("complete")
    return RunResult(runner.record, tuple(runner.rows))
