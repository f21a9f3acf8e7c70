"""Prompt templates in PromptSource's ``templates.yaml`` format.

A file holds ``dataset``, optional ``subset`` and ``templates: {id: !Template {...}}``; a
template has ``id``, ``name``, ``jinja`` ("input ||| target"), ``answer_choices`` ("a ||| b", itself
Jinja), ``reference`` and ``metadata: !TemplateMetadata {original_task, choices_in_prompt,
metrics, languages}``. Files written here open in PromptSource, and PromptSource files load here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bioeval.errors import DataFileError
from bioeval.inputs.shapes import Boolean, Fields, Integer, ListOf, OneOf, Optional, Text, check
from bioeval.tasks.readers.text_files import read_text

TEMPLATE_TAG = "!Template"
METADATA_TAG = "!TemplateMetadata"


@dataclass(frozen=True)
class Prompt:
    """One template, with where it came from and a version hash of its text."""

    id: str
    name: str
    jinja: str
    family: str  # "bigbio", "unified", "instruction", or "imported"
    target: str  # the view it is written for, or a task type ("NER", "QA" ...) for shared ones
    answer_choices: str | None = None
    metrics: tuple[str, ...] = ()
    original_task: bool | None = None
    choices_in_prompt: bool | None = None
    languages: tuple[str, ...] = ("en",)
    reference: str = ""
    source: str = ""  # file path (and line) it was loaded from
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sha256(self) -> str:
        """The hash of the template's text and of its answer choices."""
        digest = hashlib.sha256()
        digest.update(self.jinja.encode("utf-8"))
        digest.update(b"\x00")
        digest.update((self.answer_choices or "").encode("utf-8"))
        return digest.hexdigest()

    @property
    def version(self) -> str:
        """Changes whenever the text of the template or of its answer choices changes."""
        return self.sha256[:12]

    @property
    def is_classification(self) -> bool:
        return bool(self.answer_choices)


@dataclass(frozen=True)
class TemplateFile:
    dataset: str
    subset: str | None
    prompts: tuple[Prompt, ...]
    path: Path


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads PromptSource's two tags as plain mappings with a line number."""


def _construct_tagged(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(TEMPLATE_TAG, _construct_tagged)
_Loader.add_constructor(METADATA_TAG, _construct_tagged)


def load_template_file(path: Path, family: str, target: str | None = None) -> TemplateFile:
    """Read a templates.yaml; ``target`` defaults to the file's ``dataset`` (or subset)."""
    try:
        data = yaml.load(read_text(path), Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(path, f"invalid YAML: {getattr(error, 'problem', error)}", line) from None
    if not isinstance(data, dict) or "templates" not in data:
        raise DataFileError(path, "expected a PromptSource file with 'dataset' and 'templates' keys")
    dataset = str(data.get("dataset", ""))
    subset = data.get("subset")
    templates = data["templates"] or {}
    if not isinstance(templates, dict):
        raise DataFileError(path, "'templates' must map template ids to !Template entries")
    prompts = tuple(
        _prompt_from_mapping(key, raw, path, family, target or subset or dataset)
        for key, raw in templates.items()
    )
    return TemplateFile(dataset=dataset, subset=subset, prompts=prompts, path=path)


_NAMES = OneOf((Text(), Integer()))
TEMPLATE = Fields(
    {
        "id": _NAMES,
        "name": _NAMES,
        "jinja": Text(),
        "answer_choices": Optional(Text(non_empty=False)),
        "reference": Optional(Text(non_empty=False)),
        "metadata": Optional(Fields({
            "metrics": Optional(ListOf(Text())),
            "languages": Optional(ListOf(Text())),
            "original_task": Optional(Boolean()),
            "choices_in_prompt": Optional(Boolean()),
        })),
    },
    required=("id", "name", "jinja"),
)
"""The declared shape of one PromptSource template (other keys are kept out, not refused)."""


def _prompt_from_mapping(key: Any, raw: Any, path: Path, family: str, target: str) -> Prompt:
    if not isinstance(raw, dict):
        raise DataFileError(path, f"templates.{key}: expected a !Template mapping")
    line = raw.get("__line__")
    name = str(raw.get("name") or "")
    check(raw, TEMPLATE, path, f"templates.{key}", line)
    if str(raw["id"]) != str(key):
        raise DataFileError(
            path, f"template {name!r}: id {raw['id']!r} differs from its key {key!r}", line
        )
    metadata = raw.get("metadata") or {}
    choices = raw.get("answer_choices")
    return Prompt(
        id=str(raw["id"]),
        name=name,
        jinja=str(raw["jinja"]),
        family=family,
        target=target,
        answer_choices=str(choices) if choices else None,
        metrics=tuple(metadata.get("metrics") or ()),
        original_task=metadata.get("original_task"),
        choices_in_prompt=metadata.get("choices_in_prompt"),
        languages=tuple(metadata.get("languages") or ("en",)),
        reference=str(raw.get("reference") or ""),
        source=f"{path}:{line}" if line else str(path),
    )


class _Tagged(dict):
    """A mapping written with a YAML tag (PromptSource's !Template / !TemplateMetadata)."""

    tag = ""


class _TemplateNode(_Tagged):
    tag = TEMPLATE_TAG


class _MetadataNode(_Tagged):
    tag = METADATA_TAG


class _Dumper(yaml.SafeDumper):
    """Writes the two tags, keys sorted as PromptSource's own yaml.dump does."""


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.MappingNode:
    return dumper.represent_mapping(data.tag, dict(sorted(data.items())))


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    """Multi-line text as a literal block (PyYAML falls back to quotes where it must)."""
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_TemplateNode, _represent_tagged)
_Dumper.add_representer(_MetadataNode, _represent_tagged)


def dump_template_file(dataset: str, subset: str | None, prompts: list[Prompt]) -> str:
    """PromptSource-compatible YAML text for ``prompts`` (tags included)."""
    templates = {
        prompt.id: _TemplateNode(
            answer_choices=prompt.answer_choices,
            id=prompt.id,
            jinja=prompt.jinja,
            metadata=_MetadataNode(
                choices_in_prompt=prompt.choices_in_prompt,
                languages=list(prompt.languages),
                metrics=list(prompt.metrics),
                original_task=prompt.original_task,
            ),
            name=prompt.name,
            reference=prompt.reference,
        )
        for prompt in prompts
    }
    document: dict[str, Any] = {"dataset": dataset}
    if subset:
        document["subset"] = subset
    document["templates"] = templates
    return yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
