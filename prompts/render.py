"""Rendering templates: sandboxed Jinja2, StrictUndefined, randomness seeded per example.

As in PromptSource, ``answer_choices`` is rendered first (it is Jinja too) and split on
``|||``; then the template is rendered with the record's fields plus ``answer_choices`` and split
on ``|||`` into the model input and the target.

Randomness: ``choice(options)`` (a function, or the PromptSource filter ``options | choice``)
draws from a generator seeded with sha256(prompt id, example id), so the same prompt on the same
example gives the same text in every process. ``|||`` inside a top-level string field is
protected while rendering and restored afterwards, as PromptSource does.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

from bioeval.prompts.sandbox import MAX_TEXT, BoundedSandbox, RenderLimit, bounded_output, bounded_render
from bioeval.prompts.template import Prompt

SEPARATOR = "|||"
MAX_RENDERED_CHARS = MAX_TEXT
"""A rendered example longer than this is a template error: it would fill the run folder."""
_PIPE_PROTECTOR = "\x00PIPE\x00"
GLOBALS = ("answer_choices", "choice")
FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Extends: "{% extends %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
}


class TemplateError(ValueError):
    """A template that cannot be used: bad syntax, a forbidden construct, a render failure."""


@dataclass(frozen=True)
class Rendered:
    input: str
    target: str
    choices: tuple[str, ...] | None


def _most_frequent(items: Sequence[Any]) -> list[Any]:
    """PromptSource's filter: the items that occur most often."""
    counts = Counter(items).most_common()
    if not counts:
        return []
    top = counts[0][1]
    return [item for item, count in counts if count == top]


@jinja2.pass_context
def _choice_filter(context: jinja2.runtime.Context, options: Sequence[Any]) -> Any:
    """``options | choice``: PromptSource's filter spelling, drawing from the seeded generator."""
    return context["choice"](options)


@lru_cache(maxsize=1)
def environment() -> BoundedSandbox:
    env = BoundedSandbox(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.globals.update(
        zip=zip,
        enumerate=enumerate,
        len=len,
        sorted=sorted,
        letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    )
    env.add_filter("choice", _choice_filter)
    env.add_filter("most_frequent", _most_frequent)
    env.add_filter("highlight", lambda text: text)  # PromptSource's UI-only filter
    return env


@lru_cache(maxsize=4096)
def compiled(text: str) -> jinja2.Template:
    """The compiled template for ``text`` (compiling costs ~1 ms; rendering ~50 us)."""
    return environment().from_string(text)


def check_syntax(prompt: Prompt) -> None:
    """Reject bad syntax, forbidden constructs, private attributes and a missing ``|||``."""
    for label, text in (("jinja", prompt.jinja), ("answer_choices", prompt.answer_choices)):
        if text is None:
            continue
        try:
            tree = environment().parse(text)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"{label}: syntax error at line {error.lineno}: {error.message}"
            ) from None
        for node_type, spelling in FORBIDDEN_NODES.items():
            if tree.find(node_type) is not None:
                raise TemplateError(f"{label}: {spelling} is not allowed")
        private = _private_access(tree)
        if private is not None:
            name, line = private
            raise TemplateError(
                f"{label}: line {line}: access to {name!r} is not allowed (names starting with '_' "
                "are blocked by the sandbox)" + _REWRITE.get(name, "")
            )
        mutation = _mutation(tree)
        if mutation is not None:
            raise TemplateError(f"{label}: {mutation}")
    if SEPARATOR not in prompt.jinja:
        raise TemplateError(f"jinja has no '{SEPARATOR}' between input and target")


def _private_access(tree: nodes.Template) -> tuple[str, int] | None:
    """The first attribute or item name starting with '_' (``x.__class__``, ``x['_y']``), and
    its line."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            names = [node.attr]
        elif isinstance(node, nodes.Getitem):
            names = [node.arg.value] if isinstance(node.arg, nodes.Const) else []
        else:  # x | attr("__class__")
            names = [arg.value for arg in node.args if isinstance(arg, nodes.Const)]
            names = names if node.name == "attr" else []
        for name in names:
            if isinstance(name, str) and name.startswith("_"):
                return name, node.lineno
    return None


MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem",
    "add", "discard", "sort", "reverse",
})
"""Methods that change a list, dict or set in place: the immutable sandbox refuses them."""
_NAMESPACE_HINT = (
    "; the sandbox keeps the record's values immutable: keep state in a namespace instead, e.g. "
    "{% set ns = namespace(seen=[]) %} ... {% if key not in ns.seen %}...{% set ns.seen = "
    "ns.seen + [key] %}{% endif %}"
)
_REWRITE = {"__setitem__": " (x.__setitem__(k, v) mutates a dict in place" + _NAMESPACE_HINT + ")"}


def _mutation(tree: nodes.Template) -> str | None:
    """The first in-place mutation (``x.append(y)``), named with its line and a rewrite."""
    for call in tree.find_all(nodes.Call):
        node = call.node
        if isinstance(node, nodes.Getattr) and node.attr in MUTATING_METHODS:
            target = node.node.name if isinstance(node.node, nodes.Name) else "a value"
            return (f"line {call.lineno}: {target}.{node.attr}(...) changes {target} in place, "
                    f"which the sandbox does not allow{_NAMESPACE_HINT}")
    return None


def referenced_fields(prompt: Prompt) -> set[str]:
    """Top-level names the template reads that are neither globals nor set inside it."""
    from jinja2 import meta

    names: set[str] = set()
    for text in (prompt.jinja, prompt.answer_choices):
        if text:
            tree = environment().parse(text)
            # Jinja reports a name set inside {% if %} branches as undeclared; it is the
            # template's own (StrictUndefined still fails a render that reads it unset)
            stored = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "store"}
            names |= meta.find_undeclared_variables(tree) - stored
    return names - set(GLOBALS) - set(environment().globals)


def seed_for(prompt: Prompt, example_id: str) -> int:
    digest = hashlib.sha256(f"{prompt.id}\x00{example_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def seeded_choice(prompt: Prompt, example_id: str) -> Callable[[Sequence[Any]], Any]:
    """``choice`` for one (prompt, example); its generator is made on first use only."""
    state: list[random.Random] = []

    def choice(options: Sequence[Any]) -> Any:
        if not state:
            state.append(random.Random(seed_for(prompt, example_id)))
        return state[0].choice(list(options))

    return choice


def _render_text(template: jinja2.Template, context: dict[str, Any]) -> str:
    """``template.render(context)`` without copying the environment's globals every time.

    ``context`` already holds the globals (``render`` puts them in), so the context is shared
    instead of merged; this halves the cost of rendering short templates.
    """
    return bounded_output(template.root_render_func(template.new_context(context, shared=True)))


def render(prompt: Prompt, fields: Mapping[str, Any], example_id: str) -> Rendered:
    """Render one example; the same prompt and example always give the same text."""
    context = dict(environment().globals)
    context.update(
        (key, value.replace(SEPARATOR, _PIPE_PROTECTOR) if isinstance(value, str) else value)
        for key, value in fields.items()
    )
    context["choice"] = seeded_choice(prompt, example_id)
    try:
        choices, text = bounded_render(lambda: _render_both(prompt, context))
    except jinja2.UndefinedError as error:
        raise TemplateError(f"undefined: {error.message}") from None
    except RenderLimit as error:
        raise TemplateError(f"over a render limit: {error}") from None
    except RecursionError:
        raise TemplateError("recursion too deep (a macro that calls itself without end?)") from None
    except MemoryError:
        raise TemplateError("out of memory while rendering") from None
    except Exception as error:  # noqa: BLE001 - any failure inside a template is the template's
        raise TemplateError(f"{type(error).__name__}: {error}") from None
    parts = text.split(SEPARATOR)
    if len(parts) != 2:
        raise TemplateError(f"rendered text has {len(parts) - 1} '{SEPARATOR}'; expected 1")
    return Rendered(input=_restore(parts[0]), target=_restore(parts[1]), choices=choices)


def _render_both(prompt: Prompt, context: dict[str, Any]) -> tuple[tuple[str, ...] | None, str]:
    """(answer choices, the template's text): the choices are rendered first, then read by it."""
    choices: tuple[str, ...] | None = None
    if prompt.answer_choices:
        rendered_choices = _render_text(compiled(prompt.answer_choices), dict(context))
        choices = tuple(_restore(part) for part in rendered_choices.split(SEPARATOR))
        context["answer_choices"] = list(choices)
    return choices, _render_text(compiled(prompt.jinja), context)


def _restore(text: str) -> str:
    return text.replace(_PIPE_PROTECTOR, SEPARATOR).strip()
