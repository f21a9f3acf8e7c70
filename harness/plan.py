"""Everything a run needs, resolved and checked before any model loads.

Names (models, tasks, suites, prompts) are resolved with did-you-mean errors, data files are
checked and parsed, every prompt is rendered on every example (failures are kept per example),
and the majority baseline's answer is computed per prompt.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioeval.backends import check_backend
from bioeval.errors import BioevalError, UnknownNameError
from bioeval.metrics.registry import METRICS, from_promptsource
from bioeval.models import ModelSpec, resolve_model
from bioeval.prompting import (
    TemplateError,
    prompts_for_view,
    render_example,
    target_format,
    targets_by_label,
)
from bioeval.prompts.template import Prompt
from bioeval.results import safe_name
from bioeval.suites import all_suites
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


@dataclass(frozen=True)
class RenderedExample:
    example: Example
    input: str | None  # None when the template failed on this example
    target: str | None
    choices: tuple[str, ...] | None
    error: str | None = None


@dataclass(frozen=True)
class PromptTask:
    """One (view, prompt): what lm-eval evaluates as one task."""

    spec: DatasetSpec
    view: View
    prompt: Prompt
    metrics: tuple[str, ...]
    output_kind: str  # parser name: "label", "number", "entity_list" ...
    metric_options: dict[str, Any]  # the view's label options, in the prompt's wording
    vocabulary: tuple[str, ...]  # what a parser matches outputs against when there are no choices
    examples: tuple[RenderedExample, ...]
    majority_answer: str
    majority_source: str  # the split the baseline's answer was counted on, and how

    @property
    def key(self) -> str:
        """The lm-eval task name: unique per (view, prompt)."""
        return f"bioeval.{self.view.name}.{safe_name(self.prompt.name)}"


@dataclass(frozen=True)
class RunPlan:
    models: tuple[ModelSpec, ...]
    tasks: tuple[PromptTask, ...]
    data_dir: Path
    data_files: tuple[Path, ...]
    skipped: tuple[str, ...] = ()  # tasks left out because their files are absent


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


def output_kind(prompt: Prompt, view: View) -> str:
    kind = target_format(prompt, view)
    if kind is None:
        raise BioevalError(
            f"prompt {prompt.name!r} ({prompt.source}): cannot tell how to read its output from "
            f"its metrics {list(prompt.metrics)}; declare a metric such as Accuracy, "
            f"Pearson Correlation or entity_f1"
        )
    return kind


def metrics_for(prompt: Prompt, view: View, kind: str) -> tuple[str, ...]:
    """The view's metrics, then the prompt's own, kept where they can read this output kind."""
    declared = [from_promptsource(name) for name in prompt.metrics if name != "Other"]
    names = list(dict.fromkeys([*view.metrics, *declared]))
    usable = tuple(name for name in names if kind in METRICS[name].output_kinds)
    if not usable:
        raise BioevalError(
            f"prompt {prompt.name!r} ({prompt.source}) produces {kind!r} outputs, which none of "
            f"the metrics {names} of {view.name} can score"
        )
    return usable


def label_options(prompt: Prompt, view: View, examples: Sequence[Example], kind: str) -> dict[str, Any]:
    """The view's label set and negative class, translated into the labels the prompt renders.

    A GAD yes/no prompt renders the negative class "0" as "no": micro-F1 must leave out "no".
    """
    if kind != "label" or not view.labels:
        return {"negative": view.negative_label, "labels": list(view.labels or ())}
    rendered = targets_by_label(prompt, view, examples)
    return {
        "negative": rendered.get(view.negative_label) if view.negative_label else None,
        "labels": [rendered[label] for label in view.labels if label in rendered],
    }


def render_all(prompt: Prompt, view: View, examples: Sequence[Example]) -> list[RenderedExample]:
    out = []
    for example in examples:
        try:
            rendered = render_example(prompt, view, example)
        except TemplateError as error:
            out.append(RenderedExample(example, None, None, None, error=f"template: {error}"))
            continue
        out.append(RenderedExample(example, rendered.input, rendered.target, rendered.choices))
    return out


def majority_answer(
    prompt: Prompt, view: View, examples: Sequence[Example], source: str
) -> tuple[str, str]:
    """The most frequent rendered target of ``examples``; ties go to the one sorting first."""
    targets = Counter(
        r.target for r in render_all(prompt, view, examples) if r.target is not None
    )
    if not targets:
        raise BioevalError(f"prompt {prompt.name!r} renders no target on {view.name} {source}")
    best = max(targets.values())
    return min(target for target, count in targets.items() if count == best), source


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
) -> RunPlan:
    """Resolve and check everything before a model loads.

    ``limit`` keeps the first N examples of each task, ``sample`` a random N (seeded, in file
    order); ``skip_missing`` drops tasks whose files are absent instead of failing.
    """
    models = tuple(resolve_model(name) for name in model_names)
    for model in models:
        check_backend(model)
    views = resolve_views(task_names)
    skipped: list[str] = []
    if skip_missing:
        skipped = [v.name for s, v in views if missing_files(s, v, v.eval_split, data_dir)]
        views = [(s, v) for s, v in views if v.name not in skipped]
        if not views:
            raise BioevalError(
                f"none of the tasks has its files in {data_dir} (skipped {', '.join(skipped)}); "
                "see `bioeval list datasets`"
            )
    chosen_prompts = {view.name: prompts_for_view(view, prompt_selectors) for _, view in views}
    for spec, view in views:  # fail on a missing file before parsing anything
        require_files(spec, view, view.eval_split, data_dir)
        if not chosen_prompts[view.name]:
            raise BioevalError(f"no prompt of the selection applies to task {view.name!r}")
    tasks: list[PromptTask] = []
    files: list[Path] = []
    for spec, view in views:
        full = load_split(spec, view, view.eval_split, data_dir)
        examples = subset(full, limit, sample, seed)
        files.extend(split_files(spec, view, view.eval_split, data_dir).values())
        if view.train_split and has_split(spec, view, view.train_split, data_dir):
            files.extend(split_files(spec, view, view.train_split, data_dir).values())
        train, source = baseline_examples(spec, view, full, data_dir)
        for prompt in chosen_prompts[view.name]:
            kind = output_kind(prompt, view)
            answer, source = majority_answer(prompt, view, train, source)
            tasks.append(
                PromptTask(
                    spec=spec,
                    view=view,
                    prompt=prompt,
                    metrics=metrics_for(prompt, view, kind),
                    output_kind=kind,
                    metric_options=label_options(prompt, view, [*train, *full], kind),
                    vocabulary=tuple(view.labels or ()),
                    examples=tuple(render_all(prompt, view, examples)),
                    majority_answer=answer,
                    majority_source=source,
                )
            )
    unique_files = tuple(dict.fromkeys(file for path in files for file in _files_under(path)))
    return RunPlan(
        models=models, tasks=tuple(tasks), data_dir=data_dir, data_files=unique_files,
        skipped=tuple(skipped),
    )
