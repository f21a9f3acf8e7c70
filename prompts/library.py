"""The packaged prompt library: ``prompts/<family>/<target>.yaml``.

``<target>`` is a task view name (``gad``) for dataset-specific families, or a task type
(``NER``, ``QA`` ...) for families shared by every dataset of that type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from bioeval.errors import DataFileError, UnknownNameError
from bioeval.prompts.render import TemplateError, check_syntax
from bioeval.prompts.template import Prompt, load_template_file

DEFAULT_FAMILY = "bigbio"
ROOT = Path(__file__).resolve().parent


def families() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.yaml"))))


@lru_cache(maxsize=None)
def load_directory(root: Path) -> tuple[Prompt, ...]:
    """Every template under ``root/<family>/<target>.yaml``, syntax-checked."""
    found: list[Prompt] = []
    for path in sorted(root.glob("*/*.yaml")):
        family = path.parent.name
        template_file = load_template_file(path, family=family, target=path.stem)
        for prompt in template_file.prompts:
            try:
                check_syntax(prompt)
            except TemplateError as error:
                raise DataFileError(prompt.source, f"template {prompt.name!r}: {error}") from None
        found.extend(template_file.prompts)
    _check_unique(found)
    return tuple(found)


def all_prompts() -> tuple[Prompt, ...]:
    return load_directory(ROOT)


def _check_unique(prompts: Sequence[Prompt]) -> None:
    seen_ids: dict[str, Prompt] = {}
    seen_names: dict[tuple[str, str, str], Prompt] = {}
    for prompt in prompts:
        if prompt.id in seen_ids:
            raise DataFileError(
                prompt.source, f"template id {prompt.id} already used at {seen_ids[prompt.id].source}"
            )
        seen_ids[prompt.id] = prompt
        key = (prompt.family, prompt.target, prompt.name)
        if key in seen_names:
            raise DataFileError(
                prompt.source,
                f"template name {prompt.name!r} already used at {seen_names[key].source}",
            )
        seen_names[key] = prompt


def prompts_for(view_name: str, task_type: str, prompts: Iterable[Prompt]) -> list[Prompt]:
    """Templates that apply to a view: its own, and the shared ones of its task type."""
    return [p for p in prompts if p.target in (view_name, task_type)]


def select(candidates: Sequence[Prompt], selectors: Sequence[str] | None, view: str) -> list[Prompt]:
    """Pick by name, id, family or ``all``; the default is the BigBIO family."""
    if not selectors:
        return [p for p in candidates if p.family == DEFAULT_FAMILY]
    chosen: list[Prompt] = []
    for selector in selectors:
        if selector == "all":
            matched = list(candidates)
        else:
            matched = [
                p for p in candidates if selector in (p.name, p.id, p.family, f"{p.family}/{p.name}")
            ]
        chosen.extend(p for p in matched if p not in chosen)
    return chosen


def check_selectors(selectors: Sequence[str], every: Sequence[Prompt]) -> None:
    """Fail at start for a selector that names no prompt at all (with a did-you-mean hint)."""
    known = {"all"} | {p.name for p in every} | {p.id for p in every} | {p.family for p in every}
    for selector in selectors:
        if selector not in known and not any(selector == f"{p.family}/{p.name}" for p in every):
            raise UnknownNameError("prompt", selector, known)
