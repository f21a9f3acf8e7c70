"""How a prompt's outputs are read (the parser, or output kind) and scored (the metrics) on a view.

One rule for ``bioeval run`` and ``bioeval prompts import`` (what import accepts, run runs):

1. A family with a fixed target format for the task type (``task_types.family_formats``) is
   read that way.
2. Otherwise the prompt's declared metrics decide, where the metrics bioeval knows read exactly
   one of the output kinds the task type allows (``TaskTypeEntry.outputs``): Accuracy -> a label,
   Pearson Correlation -> a number.
3. Otherwise (no metric, only metrics bioeval does not have such as BLEU, or metrics that cannot
   read this task's outputs) the task type decides, as the BigBIO zero-shot study did: a label
   where the template has answer choices and the task allows one, else the task's default kind
   (a number for STS, a label list for multi-label DC, a label for QA / NLI / RE). The run says
   so once and run.json records it (``PromptInfo.read_by``, ``ignored_metrics``).

The metrics are the view's, then the prompt's own, kept where they read the output kind; when
none does, the study's metric for that kind (accuracy for labels, Pearson for numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from bioeval.errors import BioevalError, UnknownNameError
from bioeval.metrics.registry import METRICS, OUTPUT_KIND, from_promptsource
from bioeval.prompts.template import Prompt
from bioeval.task_types import task_type
from bioeval.tasks.core.spec import View

BY_FAMILY, BY_METRICS, BY_TASK_TYPE = "family", "metrics", "task type"
PLACEHOLDER_METRICS = frozenset({"Other"})
"""PromptSource metric names that name no metric."""
STUDY_METRIC = {"label": "accuracy", "number": "pearson"}
"""The BigBIO study's metric for an output kind, when neither the view's nor the prompt's reads it."""


@dataclass(frozen=True)
class Reading:
    output: str  # the output kind (parser name)
    metrics: tuple[str, ...]  # bioeval metric names that score it
    read_by: str  # BY_FAMILY, BY_METRICS or BY_TASK_TYPE
    ignored_metrics: tuple[str, ...] = ()  # declared names left out, each with why

    def note(self) -> str | None:
        """What a user should be told of this reading (None when the template said it all)."""
        if self.read_by != BY_TASK_TYPE and not self.ignored_metrics:
            return None
        how = f"read as {self.output} by its task type" if self.read_by == BY_TASK_TYPE else f"read as {self.output}"
        ignored = f"; ignored {', '.join(self.ignored_metrics)}" if self.ignored_metrics else ""
        return f"{how}, scored by {', '.join(self.metrics)}{ignored}"


def _known(name: str) -> str | None:
    """bioeval's name for a declared metric, None where bioeval has no such metric."""
    try:
        return from_promptsource(name)
    except UnknownNameError:
        return None


def output_of(prompt: Prompt, view: View) -> tuple[str, str]:
    """(output kind, how it was decided) for ``prompt`` on ``view``."""
    entry = task_type(view.task)
    fixed = entry.family_formats.get(prompt.family)
    if fixed is not None:
        return fixed, BY_FAMILY
    declared = {OUTPUT_KIND[m] for m in map(_known, prompt.metrics) if m is not None}
    fitting = declared & set(entry.outputs)
    if len(fitting) == 1:
        return fitting.pop(), BY_METRICS
    default = entry.outputs[0]
    if prompt.answer_choices and "label" in entry.outputs and default != "label_list":
        return "label", BY_TASK_TYPE
    return default, BY_TASK_TYPE


def reading(prompt: Prompt, view: View) -> Reading:
    """How ``prompt``'s outputs are read and scored on ``view``."""
    kind, read_by = output_of(prompt, view)
    ignored: list[str] = []
    declared: list[str] = []
    for name in prompt.metrics:
        if name in PLACEHOLDER_METRICS:
            continue
        known = _known(name)
        if known is None:
            ignored.append(f"{name} (bioeval has no such metric)")
        elif kind not in METRICS[known].output_kinds:
            ignored.append(f"{name} (cannot score {kind} outputs)")
        else:
            declared.append(known)
    names = list(dict.fromkeys([*view.metrics, *declared]))
    usable = tuple(name for name in names if kind in METRICS[name].output_kinds)
    if not usable and kind in STUDY_METRIC:
        usable = (STUDY_METRIC[kind],)
    if not usable:
        raise BioevalError(
            f"prompt {prompt.name!r} ({prompt.source}) produces {kind!r} outputs, which none of "
            f"the metrics {names} of {view.name} can score"
        )
    return Reading(kind, usable, read_by, tuple(ignored))


__all__ = ["BY_FAMILY", "BY_METRICS", "BY_TASK_TYPE", "Reading", "output_of", "reading"]
