"""The longest sequence a run sends a model: rendered prompt plus continuation, in tokens.

Used by ``bioeval plan`` to size the KV cache. A continuation is the longest answer choice
when choices are ranked, else the parser's ``max_new_tokens``. Without a tokenizer, tokens
are estimated at ``CHARS_PER_TOKEN`` characters each (biomedical text tokenizes densely).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bioeval.config.models import ModelSpec
from bioeval.metrics.parsers import PARSERS
from bioeval.rundir.records import Mode
from bioeval.run.plan import RunPlan

CHARS_PER_TOKEN = 3
CANDIDATES = 16  # tokenize only the longest prompts by characters


@dataclass(frozen=True)
class Longest:
    prompt_tokens: int
    continuation_tokens: int
    where: str  # "<task> / <prompt>, example <id>"
    counted: str  # "tokenizer <path>" or the estimate used


@dataclass(frozen=True)
class Tokens:
    """Counts tokens of a prompt (as the model receives it) and of a continuation."""

    prompt: Callable[[str], int]
    text: Callable[[str], int]
    counted: str


def tokenizer_tokens(tokenizer: Any, chat: bool, source: str) -> Tokens:
    """Counted by the model's tokenizer; chat models get their prompt in a user turn."""

    def text(value: str) -> int:
        return len(tokenizer(value, add_special_tokens=False)["input_ids"])

    def prompt(value: str) -> int:
        if chat and getattr(tokenizer, "chat_template", None):
            ids = tokenizer.apply_chat_template([{"role": "user", "content": value}], tokenize=True, add_generation_prompt=True)
            return len(ids["input_ids"] if hasattr(ids, "keys") else ids)
        return len(tokenizer(value)["input_ids"])

    return Tokens(prompt, text, f"the tokenizer in {source}")


def estimated_tokens() -> Tokens:
    def estimate(value: str) -> int:
        return math.ceil(len(value) / CHARS_PER_TOKEN)

    return Tokens(estimate, estimate, f"estimated at {CHARS_PER_TOKEN} characters a token (no tokenizer found; give --tokenizer)")


def longest_sequence(plan: RunPlan, model: ModelSpec, tokens: Tokens) -> Longest | None:
    """The longest (prompt + continuation) over every rendered example of the plan."""
    from bioeval.run.runner import choose_mode

    candidates: list[tuple[int, str, str, int | None, list[str]]] = []
    for task in plan.tasks:
        mode = choose_mode(task, model, "auto")
        new_tokens = PARSERS[task.output_kind].max_new_tokens if mode is Mode.GENERATE else None
        for rendered in task.examples:
            if rendered.input is not None:
                where = f"{task.view.name} / {task.prompt.name}, example {rendered.example.id}"
                choices = list(rendered.choices or ()) if mode is Mode.RANK else []
                candidates.append((len(rendered.input), rendered.input, where, new_tokens, choices))
    if not candidates:
        return None
    best: Longest | None = None
    for _, text, where, new_tokens, choices in sorted(candidates, key=lambda c: -c[0])[:CANDIDATES]:
        continuation = new_tokens if new_tokens is not None else max((tokens.text(" " + c) for c in choices), default=1)
        found = Longest(tokens.prompt(text), continuation, where, tokens.counted)
        if best is None or found.prompt_tokens + found.continuation_tokens > best.prompt_tokens + best.continuation_tokens:
            best = found
    return best
