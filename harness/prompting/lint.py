"""``bioeval prompts check``: every template rendered on every example of a view's evaluated split.

Problems found, by kind (``PROBLEM_KINDS``):

- per template: a field the schema lacks, an unknown metric name, a duplicate id (anywhere) or
  a duplicate name (within a family's file, or among the templates one view runs: results are
  keyed by view and template name), fewer than ``MIN_BIGBIO`` BigBIO-family templates;
- per example: a render error, an empty input or target, a target outside the answer choices
  (for multi-label prompts: an item outside them), a target its own output parser cannot read,
  a classification target that is not a function of the gold label, and the gold label leaking
  into the input.
- warnings (``WARNING_KINDS``, not failures): an entity target its parser reads back with a
  different number of mentions than the record has (a mention containing the format's
  separator), so the run's gold differs from the annotation on those examples.

The gold-leak check is in ``bioeval.prompting.leak``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.prompting.leak import gold_fields, input_changes_with_gold, input_may_read
from bioeval.prompting.reading import output_of
from bioeval.prompting.select import check_fields, example_fields, render_fields
from bioeval.prompts import library
from bioeval.prompts.render import TemplateError
from bioeval.prompts.template import Prompt
from bioeval.task_types import task_type
from bioeval.tasks.core.schemas import Example, Schema
from bioeval.tasks.core.spec import DatasetSpec, View
from bioeval.tasks.core.validate import record_labels

MIN_BIGBIO = 5
PROBLEM_KINDS = (
    "bad_field",
    "unknown_metric",
    "duplicate_id",
    "duplicate_name",
    "too_few_templates",
    "render_error",
    "empty_input",
    "empty_target",
    "target_not_in_choices",
    "target_unparseable",
    "inconsistent_target",
    "gold_leak",
    "lossy_target",
)
WARNING_KINDS = frozenset({"lossy_target"})
"""Reported and counted, but not failures: the template is right, yet some of the data collide
with its output format (e.g. a mention containing the separator), so the gold the run reads
back from those targets differs from the annotation."""

@dataclass
class Problem:
    """One kind of defect of one template on one view, with how often and a first example."""

    view: str
    prompt: str  # family/name
    kind: str
    message: str
    source: str
    count: int = 1
    first_example: str | None = None

    @property
    def is_error(self) -> bool:
        return self.kind not in WARNING_KINDS

    def line(self, n_examples: int) -> str:
        where = f" ({self.count}/{n_examples} examples, first {self.first_example})" if (
            self.first_example is not None
        ) else ""
        return f"{self.view}  {self.prompt}  {self.kind}{where}: {self.message}  [{self.source}]"


@dataclass
class ViewReport:
    spec: DatasetSpec
    view: View
    prompts: list[Prompt]
    status: str  # "checked" or why the examples were not rendered
    n_examples: int = 0
    problems: list[Problem] = field(default_factory=list)

    def family_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for prompt in self.prompts:
            counts[prompt.family] += 1
        return dict(counts)


class _Collector:
    """Aggregates per-example problems per (prompt, kind): count and first example."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.found: dict[tuple[str, str], Problem] = {}

    def add(self, prompt: Prompt, kind: str, message: str, example_id: str | None = None) -> None:
        key = (prompt.id, kind)
        if key in self.found:
            self.found[key].count += 1
            return
        self.found[key] = Problem(
            self.view.name, f"{prompt.family}/{prompt.name}", kind, message, prompt.source,
            first_example=example_id,
        )


# ---------------------------------------------------------------- static checks


def static_problems(view: View, prompts: Sequence[Prompt], collector: _Collector) -> list[Prompt]:
    """Checks that need no data; returns the templates that can be rendered."""
    from bioeval.metrics.registry import from_promptsource

    renderable = []
    for prompt in prompts:
        try:
            check_fields(prompt, view)
        except BioevalError as error:
            collector.add(prompt, "bad_field", str(error).split(": ", 1)[-1])
            continue
        for metric in prompt.metrics:
            if metric == "Other":
                continue
            try:
                from_promptsource(metric)
            except BioevalError as error:
                collector.add(prompt, "unknown_metric", str(error))
        renderable.append(prompt)
    by_name: dict[str, Prompt] = {}
    for prompt in prompts:
        first = by_name.setdefault(prompt.name, prompt)
        if first is not prompt:
            collector.add(
                prompt, "duplicate_name",
                f"name {prompt.name!r} is also used by {first.family}/{first.name} ({first.source}); "
                f"results of {view.name} are keyed by template name",
            )
    n_bigbio = sum(1 for p in prompts if p.family == library.DEFAULT_FAMILY)
    if n_bigbio < MIN_BIGBIO and view.schema is not Schema.INSTRUCTION:  # published rows run as they are
        message = f"{n_bigbio} BigBIO-family templates; at least {MIN_BIGBIO} expected"
        collector.found[("", "too_few_templates")] = Problem(
            view.name, f"{library.DEFAULT_FAMILY}/*", "too_few_templates", message,
            str(library.ROOT / library.DEFAULT_FAMILY / f"{view.name}.yaml"),
        )
    return renderable


def library_duplicates(prompts: Sequence[Prompt]) -> list[Problem]:
    """Duplicate ids anywhere and duplicate names within a family's target file."""
    problems = []
    for source, message in library.duplicates(prompts):
        kind = "duplicate_id" if " id " in message else "duplicate_name"
        problems.append(Problem("*", "*", kind, message, source))
    return problems


# ---------------------------------------------------------------- per-example checks


@dataclass(frozen=True)
class _Plan:
    """What the checks need to know about one template on one view, computed once."""

    prompt: Prompt
    target_format: str | None
    parse: Callable[[str, Sequence[str]], Any] | None  # the run's parser for generated targets
    input_may_read_gold: bool  # False: proven statically, the counterfactual render is skipped

    @classmethod
    def of(cls, prompt: Prompt, view: View) -> _Plan:
        from bioeval.metrics.parsers import PARSERS

        kind, _ = output_of(prompt, view)
        parser = PARSERS.get(kind) if kind not in (None, "label") else None
        may_read = input_may_read(prompt, gold_fields(view))
        return cls(prompt, kind, parser.parse if parser is not None else None, may_read)


def check_example(
    plan: _Plan,
    view: View,
    example: Example,
    fields: Mapping[str, Any],
    collector: _Collector,
    consistency: dict[str, dict[Any, set[str]]],
) -> None:
    prompt = plan.prompt
    try:
        rendered = render_fields(prompt, fields, example.id)
    except TemplateError as error:
        collector.add(prompt, "render_error", str(error), example.id)
        return
    if not rendered.input:
        collector.add(prompt, "empty_input", "the input renders empty", example.id)
    if not rendered.target:
        collector.add(prompt, "empty_target", "the target renders empty", example.id)
        return
    multi_label = plan.target_format == "label_list"
    if rendered.choices is not None:
        _check_choices(prompt, rendered.target, rendered.choices, multi_label, example, collector)
        if view.schema is not Schema.KB:
            gold = tuple(sorted(record_labels(example.record)))
            consistency[prompt.id].setdefault(gold, set()).add(rendered.target)
    if plan.parse is not None:
        _check_parse(plan, rendered.target, rendered.choices, fields, example, collector)
    if plan.input_may_read_gold and input_changes_with_gold(
        prompt, view, example.id, fields, rendered.input
    ):
        collector.add(
            prompt, "gold_leak",
            f"the input changes when the gold ({', '.join(gold_fields(view))}) changes",
            example.id,
        )


ENTITY_FORMATS = ("entity_list", "typed_entities", "tagged_entities")


def _check_parse(
    plan: _Plan,
    target: str,
    choices: Sequence[str] | None,
    fields: Mapping[str, Any],
    example: Example,
    collector: _Collector,
) -> None:
    """The run reads the gold back from the target with this parser: it must read all of it."""
    parsed = plan.parse(target, choices or ()) if plan.parse else None
    if parsed is None:
        return
    if not parsed.parsed:
        collector.add(plan.prompt, "target_unparseable",
                      f"target {target[:80]!r} is not read by its own parser: {parsed.error}",
                      example.id)
        return
    if plan.target_format in ENTITY_FORMATS and "entities" in fields:
        expected, read = len(fields["entities"]), len(parsed.value or ())
        if read != expected:
            collector.add(plan.prompt, "lossy_target",
                          f"its parser reads {read} mentions from a target written from "
                          f"{expected} entities: {target[:80]!r}", example.id)


def _check_choices(
    prompt: Prompt,
    target: str,
    choices: Sequence[str],
    multi_label: bool,
    example: Example,
    collector: _Collector,
) -> None:
    if any(not choice for choice in choices) or len(set(choices)) != len(choices):
        collector.add(prompt, "target_not_in_choices", f"answer choices {list(choices)} have an "
                      "empty or repeated choice", example.id)
        return
    items = [] if multi_label and target == "none" else (
        [item.strip() for item in target.split(", ")] if multi_label else [target]
    )
    outside = [item for item in items if item not in choices]
    if outside:
        collector.add(
            prompt, "target_not_in_choices",
            f"target {outside[0]!r} is not one of the answer choices {list(choices)[:8]}",
            example.id,
        )


def _consistency_problems(
    prompts: Iterable[Prompt], view: View, consistency: dict[str, dict[Any, set[str]]],
    collector: _Collector,
) -> None:
    """A classification target must be a function of the gold label (and 1:1 on closed sets);
    a multiple-choice question's target is its answer's position, so the same answer text may
    render as different letters in different questions."""
    if task_type(view.task).answer_by_position:
        return
    for prompt in prompts:
        mapping = consistency.get(prompt.id) or {}
        for gold, targets in mapping.items():
            if len(targets) > 1:
                collector.add(prompt, "inconsistent_target",
                              f"gold {list(gold)} renders as {sorted(targets)[:4]}")
                break
        if view.labels and output_of(prompt, view)[0] == "label":
            seen: dict[str, Any] = {}
            for gold, targets in mapping.items():
                for target in targets:
                    if seen.setdefault(target, gold) != gold:
                        collector.add(prompt, "inconsistent_target",
                                      f"golds {list(seen[target])} and {list(gold)} both render "
                                      f"as {target!r}")
                        break


# ---------------------------------------------------------------- driver


def check_view(
    spec: DatasetSpec,
    view: View,
    prompts: Sequence[Prompt],
    examples: Sequence[Example] | None,
    status: str = "checked",
) -> ViewReport:
    """Lint ``prompts`` on ``view``; ``examples`` None means only the static checks."""
    collector = _Collector(view)
    renderable = static_problems(view, prompts, collector)
    consistency: dict[str, dict[Any, set[str]]] = defaultdict(dict)
    plans = [_Plan.of(prompt, view) for prompt in renderable] if examples else []
    for example in examples or ():
        fields = example_fields(view, example)
        for plan in plans:
            check_example(plan, view, example, fields, collector, consistency)
    _consistency_problems(renderable, view, consistency, collector)
    return ViewReport(
        spec=spec, view=view, prompts=list(prompts), status=status,
        n_examples=len(examples or ()), problems=list(collector.found.values()),
    )


def check_views(
    views: Sequence[tuple[DatasetSpec, View]],
    data_dir: Path,
    every: Sequence[Prompt],
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[ViewReport]:
    from bioeval.prompting.select import candidate_prompts
    from bioeval.tasks.core.loading import has_split, load_split

    reports = []
    for spec, view in views:
        prompts = candidate_prompts(view, every)
        if has_split(spec, view, view.eval_split, data_dir):
            examples = load_split(spec, view, view.eval_split, data_dir, limit=limit)
            status = "checked"
        else:
            examples, status = None, "files absent: static checks only"
        if progress:
            progress(f"{view.name}: {len(prompts)} templates, {len(examples or ())} examples")
        reports.append(check_view(spec, view, prompts, examples, status))
    return reports
