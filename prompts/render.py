"""Rendering templates: sandboxed Jinja2, StrictUndefined, randomness seeded per example.

As in PromptSource, ``answer_choices`` is rendered first (it is Jinja too) and split on
``|||``; then the template is rendered with the record's fields plus ``answer_choices`` and split
on ``|||`` into the model input and the target.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bioeval.prompts.template import Prompt

SEPARATOR = "|||"
GLOBALS = ("answer_choices", "choice", "zip", "enumerate", "range", "len", "sorted", "letters")
FORBIDDEN_NODES = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)


class TemplateError(ValueError):
    """A template that cannot be used: bad syntax, a forbidden construct, a render failure."""


@dataclass(frozen=True)
class Rendered:
    input: str
    target: str
    choices: tuple[str, ...] | None


@lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.globals.update(
        zip=zip,
        enumerate=enumerate,
        len=len,
        sorted=sorted,
        letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    )
    return env


def check_syntax(prompt: Prompt) -> None:
    """Reject bad syntax, forbidden constructs and a template without ``|||``."""
    for label, text in (("jinja", prompt.jinja), ("answer_choices", prompt.answer_choices)):
        if text is None:
            continue
        try:
            tree = environment().parse(text)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"{label}: syntax error at line {error.lineno}: {error.message}") from None
        for node_type in FORBIDDEN_NODES:
            if tree.find(node_type) is not None:
                raise TemplateError(f"{label}: {{% {node_type.__name__.lower()} %}} is not allowed")
    if SEPARATOR not in prompt.jinja:
        raise TemplateError(f"jinja has no '{SEPARATOR}' between input and target")


def referenced_fields(prompt: Prompt) -> set[str]:
    """Top-level names the template reads that are neither globals nor set inside it."""
    from jinja2 import meta

    names: set[str] = set()
    for text in (prompt.jinja, prompt.answer_choices):
        if text:
            names |= meta.find_undeclared_variables(environment().parse(text))
    return names - set(GLOBALS) - set(environment().globals)


def seed_for(prompt: Prompt, example_id: str) -> int:
    digest = hashlib.sha256(f"{prompt.id}\x00{example_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def render(prompt: Prompt, fields: Mapping[str, Any], example_id: str) -> Rendered:
    """Render one example; the same prompt and example always give the same text."""
    rng = random.Random(seed_for(prompt, example_id))

    def choice(options: Sequence[Any]) -> Any:
        return rng.choice(list(options))

    env = environment()
    context = dict(fields)
    context["choice"] = choice
    choices: tuple[str, ...] | None = None
    try:
        if prompt.answer_choices:
            rendered_choices = env.from_string(prompt.answer_choices).render(context)
            choices = tuple(part.strip() for part in rendered_choices.split(SEPARATOR))
            context["answer_choices"] = list(choices)
        text = env.from_string(prompt.jinja).render(context)
    except jinja2.UndefinedError as error:
        raise TemplateError(f"undefined: {error.message}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(str(error)) from None
    except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError) as error:
        raise TemplateError(f"{type(error).__name__}: {error}") from None
    parts = text.split(SEPARATOR)
    if len(parts) != 2:
        raise TemplateError(f"rendered text has {len(parts) - 1} '{SEPARATOR}'; expected 1")
    return Rendered(input=parts[0].strip(), target=parts[1].strip(), choices=choices)
