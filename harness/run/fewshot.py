"""Few-shot prompting: K examples of the training split shown before each evaluated example.

The examples are drawn once per task (seeded by the run's seed and the task's name), so every
prompt of a dataset shows the same ones, each rendered by that prompt as "input target"; they
are recorded in run.json. bioeval renders them itself (lm-eval's own few-shot machinery is not
used), so multiple choice and generation see the same context.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bioeval.errors import BioevalError
from bioeval.prompts.template import Prompt
from bioeval.run.rendered import RenderedExample, render_all
from bioeval.tasks.core.schemas import Example, template_fields
from bioeval.tasks.core.spec import View

SHOT_SEPARATOR = "\n\n"


def draw_shots(
    view: View, train: Sequence[Example] | None, k: int, seed: int, evaluated: Sequence[Example] = ()
) -> tuple[Example, ...]:
    """``k`` examples of ``train`` (the training split, None where there is none), the same for
    every prompt of the task; a training example whose content equals an ``evaluated`` one (the
    same sentence and labels under another id: GAD's train and test files share some) is never
    drawn, or that example would be shown its own answer."""
    if k <= 0:
        return ()
    if train is None:
        raise BioevalError(f"--fewshot {k}: task {view.name} has no training split to draw examples from")
    seen = {content_key(example) for example in evaluated}
    pool = [example for example in train if content_key(example) not in seen]
    if k > len(pool):
        dropped = len(train) - len(pool)
        left_out = f" ({dropped} left out: equal to evaluated examples)" if dropped else ""
        raise BioevalError(f"--fewshot {k}: task {view.name}'s training split has only {len(pool)} examples{left_out}")
    chosen = random.Random(f"{seed}:{view.name}").sample(range(len(pool)), k)
    return tuple(pool[i] for i in chosen)


def content_key(example: Example) -> str:
    """What an example says, without its ids: two examples with equal keys are the same item."""
    return json.dumps(_without_ids(template_fields(example.record)), sort_keys=True, default=str)


def _without_ids(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _without_ids(item) for key, item in value.items() if not str(key).endswith("id")}
    if isinstance(value, (list, tuple)):
        return [_without_ids(item) for item in value]
    return value


def with_shots(
    prompt: Prompt, view: View, shots: Sequence[Example], examples: Sequence[RenderedExample]
) -> list[RenderedExample]:
    """The rendered examples with the shots, rendered by the same prompt, before each input."""
    if not shots:
        return list(examples)
    rendered = render_all(prompt, view, shots)
    failed = [r for r in rendered if r.input is None or r.target is None]
    if failed:
        raise BioevalError(
            f"--fewshot: prompt {prompt.name!r} cannot render training example {failed[0].example.id} "
            f"of {view.name}: {failed[0].error}"
        )
    context = SHOT_SEPARATOR.join(f"{r.input} {r.target}" for r in rendered) + SHOT_SEPARATOR
    return [r if r.input is None else replace(r, input=context + r.input) for r in examples]
