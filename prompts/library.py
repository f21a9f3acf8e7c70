"""The prompt library: ``<root>/<family>/<target>.yaml``.

``<target>`` is a task view name (``gad``) for dataset-specific families, or a task type
(``NER``, ``QA`` ...) for families shared by every dataset of that type. The packaged root holds
the ``bigbio``, ``unified`` and ``instruction`` families; extra roots (templates a user imported
with ``bioeval prompts import``) come from ``$BIOEVAL_PROMPTS_DIR`` (``os.pathsep``-separated),
else ``$XDG_CONFIG_HOME/bioeval/prompts`` (``~/.config/bioeval/prompts``) when it exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from bioeval.errors import DataFileError, UnknownNameError
from bioeval.prompts.render import TemplateError, check_syntax
from bioeval.prompts.template import Prompt, load_template_file

DEFAULT_FAMILY = "bigbio"
REASONING_FAMILIES = frozenset({"cot"})
"""Families whose prompts ask for reasoning before a final answer: always generated (never
ranked), with room for the reasoning (``REASONING_MAX_TOKENS`` unless ``--max-gen-toks``)."""
REASONING_MAX_TOKENS = 512
ROOT = Path(__file__).resolve().parent
ENV_PROMPTS_DIR = "BIOEVAL_PROMPTS_DIR"


def user_prompt_dir() -> Path:
    """Where imported templates go by default (and are read from)."""
    explicit = os.environ.get(ENV_PROMPTS_DIR)
    if explicit:
        return Path(explicit.split(os.pathsep)[0]).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "bioeval" / "prompts"


def prompt_roots() -> tuple[Path, ...]:
    """The packaged library first, then the user's directories that exist."""
    explicit = os.environ.get(ENV_PROMPTS_DIR)
    extra = [Path(p).expanduser() for p in explicit.split(os.pathsep) if p] if explicit else [
        user_prompt_dir()
    ]
    return (ROOT, *(root.resolve() for root in extra if root.is_dir()))


def families() -> tuple[str, ...]:
    return tuple(sorted({p.family for p in all_prompts()}))


@lru_cache(maxsize=None)
def read_directory(root: Path) -> tuple[Prompt, ...]:
    """Every template under ``root/<family>/<target>.yaml``, syntax-checked (not de-duplicated)."""
    found: list[Prompt] = []
    for path in sorted(root.glob("*/*.yaml")):
        template_file = load_template_file(path, family=path.parent.name, target=path.stem)
        for prompt in template_file.prompts:
            try:
                check_syntax(prompt)
            except TemplateError as error:
                raise DataFileError(prompt.source, f"template {prompt.name!r}: {error}") from None
        found.extend(template_file.prompts)
    return tuple(found)


def load_directory(root: Path) -> tuple[Prompt, ...]:
    """``read_directory``, failing on a duplicate id or name."""
    prompts = read_directory(root)
    problems = duplicates(prompts)
    if problems:
        source, message = problems[0]
        raise DataFileError(source, message)
    return prompts


def all_prompts() -> tuple[Prompt, ...]:
    """Every template of every root; ids unique across roots, names unique per family/target."""
    prompts = tuple(p for root in prompt_roots() for p in read_directory(root))
    problems = duplicates(prompts)
    if problems:
        source, message = problems[0]
        raise DataFileError(source, message)
    return prompts


def duplicates(prompts: Sequence[Prompt]) -> list[tuple[str, str]]:
    """(source, message) for every id used twice and every name used twice in one target file."""
    problems: list[tuple[str, str]] = []
    seen_ids: dict[str, Prompt] = {}
    seen_names: dict[tuple[str, str, str], Prompt] = {}
    for prompt in prompts:
        first = seen_ids.setdefault(prompt.id, prompt)
        if first is not prompt:
            problems.append(
                (prompt.source, f"template {prompt.name!r}: id {prompt.id} already used at {first.source}")
            )
        key = (prompt.family, prompt.target, prompt.name)
        first = seen_names.setdefault(key, prompt)
        if first is not prompt:
            problems.append(
                (prompt.source, f"template name {prompt.name!r} already used at {first.source}")
            )
    return problems


def prompts_for(view_name: str, task_type: str, prompts: Iterable[Prompt]) -> list[Prompt]:
    """Templates that apply to a view: its own, and the shared ones of its task type."""
    return [p for p in prompts if p.target in (view_name, task_type)]


def matches(prompt: Prompt, selector: str) -> bool:
    """``all``, a family, a name, an id, or ``family/name``."""
    return selector == "all" or selector in (
        prompt.name,
        prompt.id,
        prompt.family,
        f"{prompt.family}/{prompt.name}",
    )


def select(candidates: Sequence[Prompt], selectors: Sequence[str] | None, view: str = "") -> list[Prompt]:
    """Pick by name, id, family or ``all``; the default is the BigBIO family, or every candidate
    of a view that has none in it (MedINST32's views have only their ``medinst`` template)."""
    if not selectors:
        default = [p for p in candidates if p.family == DEFAULT_FAMILY]
        return default or list(candidates)
    chosen: list[Prompt] = []
    for selector in selectors:
        chosen.extend(p for p in candidates if matches(p, selector) and p not in chosen)
    return chosen


def check_selectors(selectors: Sequence[str], every: Sequence[Prompt]) -> None:
    """Fail at start for a selector that names no prompt at all (with a did-you-mean hint)."""
    for selector in selectors:
        if not any(matches(p, selector) for p in every):
            known = {"all"} | {p.name for p in every} | {p.family for p in every}
            raise UnknownNameError("prompt", selector, known)
