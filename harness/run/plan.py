"""Everything a run needs, resolved and checked before any model loads.

Names (models, tasks, suites, prompts) are resolved with did-you-mean errors, data files are
checked and parsed, every prompt is rendered on every example (failures are kept per example),
and the majority baseline's answer is computed per prompt.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from pathlib import Path

from bioeval.backends import check_backend
from bioeval.errors import BioevalError, UnknownNameError
from bioeval.config.models import ModelSpec, resolve_model
from bioeval.config.overrides import with_overrides
from bioeval.prompting.select import (
    prompts_for_view,
    targets_by_label,
)
from bioeval.prompting.reading import Reading, reading
from bioeval.prompts.template import Prompt
from bioeval.io import safe_name
from bioeval.metrics.types import MetricOptions
from bioeval.rundir.records import BaselineInfo, PromptInfo
from bioeval.run.fewshot import draw_shots, with_shots
from bioeval.run.rendered import RenderedExample, render_all
from bioeval.scoring.published import missing_published_files, published_files
from bioeval.config.suites import all_suites, suites_asked
from bioeval.tasks.core.loading import (
    has_split,
    load_split,
    missing_files,
    require_files,
    split_files,
)
from bioeval.tasks.core.registry import views_named
from bioeval.tasks.core.schemas import Example
from bioeval.tasks.core.spec import DatasetSpec, View
from bioeval.tasks.core.validate import record_labels


@dataclass(frozen=True)
class PromptTask:
    """One (view, prompt): what lm-eval evaluates as one task."""

    spec: DatasetSpec
    view: View
    prompt: Prompt
    info: PromptInfo  # how its outputs are read and scored (recorded in run.json)
    examples: tuple[RenderedExample, ...]
    baseline: BaselineInfo  # the majority baseline's answer and where it was counted

    @property
    def key(self) -> str:
        """A name unique per (view, prompt): the engine's task name."""
        return f"bioeval.{self.view.name}.{safe_name(self.prompt.name)}"

    @property
    def unit_key(self) -> str:
        """``<task>/<prompt>``: the key of run.json's ``prompts`` and ``majority_baseline``."""
        return f"{self.view.name}/{self.prompt.name}"

    @property
    def output_kind(self) -> str:
        return self.info.output

    @property
    def context(self) -> str:
        """How error messages name this prompt."""
        return f"prompt {self.prompt.name!r} ({self.prompt.source})"


@dataclass(frozen=True)
class RunPlan:
    models: tuple[ModelSpec, ...]
    tasks: tuple[PromptTask, ...]
    data_dir: Path
    data_files: tuple[Path, ...]
    skipped: tuple[str, ...] = ()  # tasks left out because their files are absent
    suites: tuple[str, ...] = ()  # suites the run stands for (named, or all of whose tasks it plans)
    fewshot: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # task -> ids of its shots
    notes: tuple[str, ...] = ()  # what the user should know, e.g. a --sample larger than a split


def expand_task_names(names: Sequence[str]) -> list[str]:
    """Suite names become their task lists; order kept, duplicates dropped."""
    suites = all_suites()
    out: list[str] = []
    for name in names:
        for task in suites[name].tasks if name in suites else (name,):
            if task not in out:
                out.append(task)
    return out


def resolve_views(names: Sequence[str]) -> list[tuple[DatasetSpec, View]]:
    chosen: list[tuple[DatasetSpec, View]] = []
    for name in expand_task_names(names):
        try:
            found = views_named(name)
        except UnknownNameError as error:
            raise UnknownNameError("task", name, _known_task_names()) from error
        chosen.extend(pair for pair in found if pair not in chosen)
    return chosen


def _known_task_names() -> list[str]:
    from bioeval.tasks.core.registry import all_datasets, all_views

    return (
        [view.name for _, view in all_views()]
        + [spec.name for spec in all_datasets()]
        + list(all_suites())
    )


def metric_options(
    prompt: Prompt, view: View, kind: str, train: Sequence[RenderedExample], full: Sequence[Example]
) -> MetricOptions:
    """The view's label options; for a classification prompt, in the labels it renders."""
    if kind != "label" or not view.labels:
        return view.metric_options()
    wording: dict[str, str] = {}
    for rendered in train:
        labels = record_labels(rendered.example.record)
        if len(labels) == 1 and rendered.target is not None:
            wording.setdefault(labels[0], rendered.target)
    if any(label not in wording for label in view.labels):  # a class absent from training
        wording = {**targets_by_label(prompt, view, full), **wording}
    return view.metric_options(wording)


NO_LABEL = "none"
"""The majority baseline's answer where the most frequent target is an empty label list."""


def majority_answer(
    prompt: Prompt, view: View, train: Sequence[RenderedExample], source: str, kind: str
) -> BaselineInfo:
    """The most frequent rendered target of ``train``; ties go to the one sorting first. An
    empty label list (no label) is answered "none", which the label-list parser reads as such."""
    targets = Counter(r.target for r in train if r.target is not None)
    if not targets:
        raise BioevalError(f"prompt {prompt.name!r} renders no target on {view.name} {source}")
    best = max(targets.values())
    answer = min(target for target, count in targets.items() if count == best)
    if kind == "label_list" and not answer.strip():
        answer = NO_LABEL
    return BaselineInfo(answer, source)


def baseline_examples(
    spec: DatasetSpec, view: View, eval_examples: Sequence[Example], data_dir: Path
) -> tuple[list[Example], str]:
    """The training split when it is there, else the evaluated split (and a note saying so)."""
    split = view.train_split
    if split and has_split(spec, view, split, data_dir):
        examples = load_split(spec, view, split, data_dir)
        return examples, f"{split} split ({len(examples)} examples)"
    return list(eval_examples), (
        f"evaluated split {view.eval_split} ({len(eval_examples)} examples): "
        f"no {split or 'training'} split available"
    )


def subset(examples: list[Example], limit: int | None, sample: int | None, seed: int) -> list[Example]:
    """The first ``limit`` examples, or ``sample`` of them drawn with ``seed`` (kept in order)."""
    if sample is not None and sample < len(examples):
        chosen = sorted(random.Random(seed).sample(range(len(examples)), sample))
        return [examples[i] for i in chosen]
    return examples[:limit] if limit is not None else examples


def subset_note(view: View, size: int, limit: int | None, sample: int | None) -> list[str]:
    """Say so when --sample or --limit asks for more examples than the split has."""
    flag, asked = ("--sample", sample) if sample is not None else ("--limit", limit)
    if asked is None or asked <= size:
        return []
    return [f"{flag} {asked}: {view.name} {view.eval_split} has only {size} examples; took all {size}"]


def _files_under(path: Path) -> list[Path]:
    """A data file, or every file of a source folder (HoC's text/, DDI's XML folders)."""
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def build_plan(
    model_names: Sequence[str],
    task_names: Sequence[str],
    prompt_selectors: Sequence[str] | None,
    data_dir: Path,
    limit: int | None,
    skip_missing: bool = False,
    sample: int | None = None,
    seed: int = 0,
    fewshot: int = 0,
    split: str | None = None,
    quantize: str | None = None,
    base_url: str | None = None,
    model_args: Mapping[str, Any] | None = None,
    examples_range: tuple[int, int] | None = None,
    preflight: bool = True,
) -> RunPlan:
    """Resolve and check everything before a model loads.

    ``limit`` keeps the first N examples of each task, ``sample`` a random N (seeded, in file
    order); ``skip_missing`` drops tasks whose files are absent instead of failing; ``fewshot``
    shows K training examples before each (see ``bioeval.run.fewshot``); ``quantize``,
    ``base_url`` and ``model_args`` are the command line's model settings (config.overrides);
    ``examples_range`` keeps positions [start, end) of the examples so chosen (a shard's part of a task);
    ``preflight`` False skips asking whether each model can be reached (``--dry-run``).
    """
    models = with_overrides([resolve_model(name) for name in model_names], base_url, model_args, quantize)
    for model in models if preflight else ():
        check_backend(model)
    views, skipped = views_to_run(task_names, split, data_dir, skip_missing)
    chosen_prompts = {view.name: prompts_for_view(view, prompt_selectors) for _, view in views}
    for spec, view in views:  # fail on a missing file before parsing anything
        require_files(spec, view, view.eval_split, data_dir)
        if not chosen_prompts[view.name]:
            raise BioevalError(f"no prompt of the selection applies to task {view.name!r}")
    tasks: list[PromptTask] = []
    files: list[Path] = []
    shots: dict[str, tuple[Example, ...]] = {}
    notes: list[str] = []
    for spec, view in views:
        full = load_split(spec, view, view.eval_split, data_dir)
        examples = subset(full, limit, sample, seed)
        if examples_range is not None:
            examples = examples[examples_range[0]:examples_range[1]]
        notes.extend(subset_note(view, len(full), limit, sample))
        files.extend(split_files(spec, view, view.eval_split, data_dir).values())
        published = published_files(spec, view, view.eval_split, data_dir)
        if missing_published_files(published):
            absent = ", ".join(map(str, missing_published_files(published)))
            notes.append(f"{view.name}: the published scorer's figure is not computed: {absent} is absent")
        else:
            files.extend(published.values())
        has_train = bool(view.train_split and has_split(spec, view, view.train_split, data_dir))
        if has_train:
            files.extend(split_files(spec, view, view.train_split, data_dir).values())
        train, source = baseline_examples(spec, view, full, data_dir)
        shots[view.name] = draw_shots(view, train if has_train else None, fewshot, seed, full)
        for prompt in chosen_prompts[view.name]:
            task = prompt_task(spec, view, prompt, examples, full, train, source)
            tasks.append(replace(task, examples=tuple(with_shots(prompt, view, shots[view.name], task.examples))))
    notes.extend(reading_notes(tasks))
    unique_files = tuple(dict.fromkeys(file for path in files for file in _files_under(path)))
    planned = [view.name for _, view in views]
    return RunPlan(
        models=models, tasks=tuple(tasks), data_dir=data_dir, data_files=unique_files,
        skipped=tuple(skipped), suites=suites_asked(task_names, [*planned, *skipped]), notes=tuple(notes),
        fewshot={name: tuple(e.id for e in chosen) for name, chosen in shots.items() if chosen},
    )


def reading_notes(tasks: Sequence[PromptTask]) -> list[str]:
    """One note for every prompt whose outputs its task type, not its metrics, says how to read."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for task in tasks:
        note = prompt_reading(task).note()
        if note:
            grouped.setdefault((task.view.name, note), []).append(task.prompt.name)
    if not grouped:
        return []
    said = [f"{view}: {', '.join(names)} ({note})" for (view, note), names in grouped.items()]
    count = sum(len(names) for names in grouped.values())
    return [f"{count} prompt(s) declare no metric bioeval reads their outputs by, or metrics that cannot "
            f"score them (run.json: prompts.<task>/<prompt>.read_by): " + "; ".join(said)]


def prompt_reading(task: PromptTask) -> Reading:
    info = task.info
    return Reading(info.output, info.metrics, info.read_by, info.ignored_metrics)


def views_to_run(
    task_names: Sequence[str], split: str | None, data_dir: Path, skip_missing: bool
) -> tuple[list[tuple[DatasetSpec, View]], list[str]]:
    """The views asked for, on ``split``; with ``skip_missing``, those whose files are absent
    left out (and named)."""
    views = [(spec, evaluated_on(view, split)) for spec, view in resolve_views(task_names)]
    if not skip_missing:
        return views, []
    skipped = [v.name for s, v in views if missing_files(s, v, v.eval_split, data_dir)]
    views = [(s, v) for s, v in views if v.name not in skipped]
    if not views:
        raise BioevalError(
            f"none of the tasks has its files in {data_dir} (skipped {', '.join(skipped)}); "
            "see `bioeval list datasets`"
        )
    return views, skipped


def evaluated_on(view: View, split: str | None) -> View:
    """The view evaluated on ``split`` (``--split``; default its own evaluation split)."""
    if split is None or split == view.eval_split:
        return view
    if split not in view.splits:
        raise BioevalError(f"--split {split}: task {view.name} has no such split; it has {', '.join(view.splits)}")
    if split == view.train_split:
        raise BioevalError(f"--split {split}: that is {view.name}'s training split, which the baseline and --fewshot draw on")
    return replace(view, eval_split=split)


def prompt_task(
    spec: DatasetSpec,
    view: View,
    prompt: Prompt,
    examples: Sequence[Example],
    full: Sequence[Example],
    train: Sequence[Example],
    source: str,
) -> PromptTask:
    """One prompt on one view: rendered on the evaluated examples, its scoring recorded, the
    baseline's answer counted on the training split (each rendered once)."""
    read = reading(prompt, view)
    rendered_train = render_all(prompt, view, train)
    info = PromptInfo(
        id=prompt.id, family=prompt.family, version=prompt.version, sha256=prompt.sha256,
        source=prompt.source, metrics=read.metrics, output=read.output,
        metric_options=metric_options(prompt, view, read.output, rendered_train, full),
        vocabulary=tuple(view.labels or ()), read_by=read.read_by, ignored_metrics=read.ignored_metrics,
    )
    return PromptTask(
        spec=spec, view=view, prompt=prompt, info=info,
        examples=tuple(render_all(prompt, view, examples)),
        baseline=majority_answer(prompt, view, rendered_train, source, read.output),
    )
