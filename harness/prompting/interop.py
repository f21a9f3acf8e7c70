"""PromptSource interop: import third-party template folders, export bioeval's templates.

PromptSource keeps templates as ``<dataset>/templates.yaml`` or
``<dataset>/<subset>/templates.yaml`` (BigBIO's fork adds a user folder:
``bigscience-biomedical/<dataset>/<dataset>_bigbio_<schema>/templates.yaml``). Import maps each
file onto bioeval views (``views_for``), keeps the templates that pass the syntax and schema
checks, and reports every skipped one with its reason. Export writes one file per view, in the
same layout, that PromptSource opens; templates reading bioeval's view variables (``label_set``,
``label_text``, ``dataset``, ``letters``) get them as a leading ``{% set %}`` block, so they
render in PromptSource too. Import removes that block again, so export -> import is lossless.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bioeval.errors import BioevalError, DataFileError
from bioeval.prompting.fit import constant_target, misfit, shorten_message
from bioeval.prompting.reading import reading
from bioeval.prompting.select import (
    VIEW_VARIABLES,
    candidate_prompts,
    check_fields,
    render_example,
    view_variables,
)
from bioeval.prompts.render import TemplateError, check_syntax, compiled, environment
from bioeval.prompts.template import Prompt, dump_template_file, load_template_file
from bioeval.io import atomic_write_text
from bioeval.tasks.core.schemas import Example
from bioeval.tasks.core.spec import DatasetSpec, View

IMPORTED_FAMILY = "imported"
TEMPLATE_FILENAME = "templates.yaml"
ALREADY_IMPORTED = "is already in the library"
COPY_OF = "a copy of"
_SCHEMA_SUFFIX = re.compile(r"_(?:bigbio_(?P<schema>[a-z0-9]+)|source)$")
BIGBIO_SCHEMAS = {"kb": "kb", "qa": "qa", "te": "entailment", "pairs": "pairs", "text": "text",
                  "t2t": "t2t"}
"""BigBIO config suffix (``<name>_bigbio_<suffix>``) -> bioeval Schema value."""
ALIASES = {
    "bc5chem": "bc5cdr_chem",
    "bc5disease": "bc5cdr_disease",
    "bioasq_task_b": "bioasq",
    "hoc": "hallmarks_of_cancer",
    "pubmedqa": "pubmed_qa",
    "ddi": "ddi_corpus",
    "ncbi": "ncbi_disease",
}
"""Names third-party template folders use for bioeval datasets or views."""

_BLOCK_START = "{#- bioeval view variables #}"
_BLOCK_END = "{#- end bioeval view variables -#}"
_BLOCK = re.compile(re.escape(_BLOCK_START) + r".*?" + re.escape(_BLOCK_END) + r"\n?", re.S)
_EXPORT_GLOBALS = ("letters",)


@dataclass
class ImportedFile:
    path: Path
    dataset: str
    subset: str | None
    views: list[str] = field(default_factory=list)
    accepted: dict[str, list[Prompt]] = field(default_factory=dict)  # view -> prompts
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (template name, reason)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (PromptSource name, bioeval name)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (template name, what looks wrong)
    copies: dict[str, str] = field(default_factory=dict)  # skipped copy -> the file (subset) it copies


# ---------------------------------------------------------------- import


def template_files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise BioevalError(f"{root}: not a directory of PromptSource templates")
    found = sorted(root.rglob(TEMPLATE_FILENAME))
    if not found:
        raise BioevalError(f"{root}: no {TEMPLATE_FILENAME} found (expected "
                           f"<dataset>/[<subset>/]{TEMPLATE_FILENAME})")
    return found


def views_for(
    dataset: str,
    subset: str | None,
    views: Sequence[tuple[DatasetSpec, View]],
    overrides: Mapping[str, str] | None = None,
) -> list[tuple[DatasetSpec, View]]:
    """The bioeval views a PromptSource (dataset, subset) pair is about.

    Tried in order: an override for the subset or dataset; the subset as a view name; the
    subset without its ``_bigbio_<schema>`` / ``_source`` suffix as a view or dataset name
    (keeping views of that schema); the dataset as a view or dataset name; each through
    ``ALIASES``.
    """
    overrides = overrides or {}
    by_view = {view.name: (spec, view) for spec, view in views}
    by_dataset: dict[str, list[tuple[DatasetSpec, View]]] = {}
    for spec, view in views:
        by_dataset.setdefault(spec.name, []).append((spec, view))
    short_dataset = dataset.rstrip("/").rsplit("/", 1)[-1]
    schema = None  # from a "_bigbio_<schema>" suffix; "_source" subsets keep every view
    candidates: list[str] = []
    for name in (subset, short_dataset):
        if not name:
            continue
        if name in overrides:
            candidates.insert(0, overrides[name])
        candidates.append(name)
        match = _SCHEMA_SUFFIX.search(name)
        if match:
            schema = schema or BIGBIO_SCHEMAS.get(match.group("schema") or "")
            candidates.append(name[: match.start()])
    fits = lambda pair: schema is None or pair[1].schema.value == schema  # noqa: E731
    for name in [n for c in candidates for n in (c, ALIASES.get(c))]:
        if name in overrides.values() and name in by_view:
            return [by_view[name]]
        if name in by_view and fits(by_view[name]):
            return [by_view[name]]
        if name in by_dataset and any(fits(pair) for pair in by_dataset[name]):
            return [pair for pair in by_dataset[name] if fits(pair)]
    return []


UNITS = {
    "kb": "one document per prompt, with all its passages, entities and relations",
    "text": "one text per prompt and its labels",
    "qa": "one question per prompt, with its context and answer",
    "pairs": "one sentence pair per prompt and its similarity score",
    "entailment": "one premise-hypothesis pair per prompt and its entailment label",
    "t2t": "one source text per prompt and its target text",
}
"""What one prompt of a BigBIO schema is about (for saying why a file fits no view)."""
RE_TEXT_UNIT = "one sentence per prompt with its entity pair masked, and the pair's relation label"


def _unit(view: View) -> str:
    if view.schema.value == "text" and view.task.value == "RE":
        return RE_TEXT_UNIT
    return UNITS.get(view.schema.value, view.schema.value)


def why_no_view(dataset: str, subset: str | None, views: Sequence[tuple[DatasetSpec, View]]) -> str:
    """Why a (dataset, subset) maps onto no view: a dataset bioeval has under another unit (the
    fork's ``chemprot_bigbio_kb`` lists every relation of an abstract; bioeval's ChemProt views
    classify one masked pair), or a name bioeval does not know."""
    label = dataset + (f"/{subset}" if subset else "")
    short = dataset.rstrip("/").rsplit("/", 1)[-1]
    names = {short, ALIASES.get(short, short)}
    schema = None
    if subset and (match := _SCHEMA_SUFFIX.search(subset)):
        schema = BIGBIO_SCHEMAS.get(match.group("schema") or "")
        names |= {subset[: match.start()], ALIASES.get(subset[: match.start()], "")}
    same = [view for spec, view in views if spec.name in names or view.name in names]
    if schema and same:
        theirs = "; ".join(f"{view.name} ({view.schema.value}: {_unit(view)})" for view in same)
        return (f"{label} is written for BigBIO's {schema} schema ({UNITS.get(schema, schema)}); "
                f"bioeval's views of it differ in unit: {theirs}. No view asks what these templates "
                "ask, so they cannot be scored as written")
    return f"{label} matches no bioeval view (use --map {subset or dataset}=VIEW)"


def strip_view_block(text: str | None) -> str | None:
    return _BLOCK.sub("", text, count=1) if text else text


def rule_name(name: str) -> str:
    """A PromptSource name ("Gene disease link?") under bioeval's rule ``[a-z0-9_]+``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def import_folder(
    root: Path,
    views: Sequence[tuple[DatasetSpec, View]],
    known: Sequence[Prompt],
    overrides: Mapping[str, str] | None = None,
    examples: Callable[[DatasetSpec, View], Sequence[Example]] | None = None,
) -> list[ImportedFile]:
    """Read every templates.yaml under ``root``; accept what fits a bioeval view. With
    ``examples`` (a view's first few evaluated examples, or none where its files are absent), a
    template that renders on none of them is rejected too."""
    taken_ids = {p.id for p in known}
    imported: dict[str, list[tuple[Prompt, str]]] = {}  # view -> (template, file subset) taken so far
    results = []
    for path in template_files(root):
        template_file = load_template_file(path, family=IMPORTED_FAMILY, target="")
        report = ImportedFile(path, template_file.dataset, template_file.subset)
        targets = views_for(template_file.dataset, template_file.subset, views, overrides)
        report.views = [view.name for _, view in targets]
        if not targets:
            reason = why_no_view(template_file.dataset, template_file.subset, views)
            report.skipped = [(p.name, reason) for p in template_file.prompts]
            results.append(report)
            continue
        for raw in template_file.prompts:
            prompt = dataclasses.replace(
                raw, name=rule_name(raw.name), jinja=strip_view_block(raw.jinja) or "",
                answer_choices=strip_view_block(raw.answer_choices),
            )
            if not prompt.name:
                report.skipped.append((raw.name, f"name {raw.name!r} has no letter or digit; expected [a-z0-9_]+"))
                continue
            if prompt.name != raw.name:
                report.renamed.append((raw.name, prompt.name))
            for spec, view in targets:
                tried = examples(spec, view) if examples else ()
                taken = _taken(prompt, view, imported)
                if taken is not None and _same_template(prompt, taken[0]):
                    report.copies[raw.name] = taken[1]
                reason = (
                    (taken and _taken_reason(prompt, *taken))
                    or _rejection(prompt, view, known, taken_ids)
                    or _never_renders(prompt, view, tried)
                    or misfit(prompt, view, tried)
                )
                if reason:
                    report.skipped.append((raw.name, f"{view.name}: {reason}"))
                    continue
                warning = constant_target(prompt, view, tried)
                if warning:
                    report.warnings.append((raw.name, f"{view.name}: {warning}"))
                accepted = dataclasses.replace(prompt, target=view.name)
                report.accepted.setdefault(view.name, []).append(accepted)
                imported.setdefault(view.name, []).append((accepted, template_file.subset or template_file.dataset))
        for accepted in report.accepted.values():
            taken_ids.update(p.id for p in accepted)
        results.append(report)
    return results


def _taken(
    prompt: Prompt, view: View, imported: Mapping[str, Sequence[tuple[Prompt, str]]]
) -> tuple[Prompt, str] | None:
    """The template of ``prompt``'s name already imported for ``view`` from another file, and
    that file's subset (results are keyed by name: a second one is never imported)."""
    return next(((other, where) for other, where in imported.get(view.name, ()) if other.name == prompt.name), None)


def _same_template(prompt: Prompt, other: Prompt) -> bool:
    return (prompt.jinja, prompt.answer_choices) == (other.jinja, other.answer_choices)


def _taken_reason(prompt: Prompt, other: Prompt, where: str) -> str:
    """A copy (BigBIO's fork repeats its GAD and PubMedQA templates in every cross-validation
    fold, ``gad_fold0_bigbio_text`` ... ``fold9``), or another template under a taken name."""
    if _same_template(prompt, other):
        return f"{COPY_OF} {other.name!r} already imported from {where} (id {other.id})"
    return f"name {prompt.name!r} is already taken by a different template imported from {where}"


def _never_renders(prompt: Prompt, view: View, examples: Sequence[Example]) -> str | None:
    """Why the template renders on none of ``examples`` (None if it renders on one, or there
    are none to try)."""
    error = None
    for example in examples:
        try:
            render_example(prompt, view, example)
            return None
        except TemplateError as failure:
            error = failure
    if error is None:
        return None
    return f"renders on none of the first {len(examples)} examples of {view.name}: {shorten_message(str(error))}"


def check_compiles(prompt: Prompt) -> None:
    """Unknown filters and tests pass the parser but fail every render: compile the template."""
    import jinja2

    for label, text in (("jinja", prompt.jinja), ("answer_choices", prompt.answer_choices)):
        if text is None:
            continue
        try:
            compiled(text)
        except jinja2.TemplateError as error:
            raise TemplateError(f"{label}: {error}") from None


def _rejection(prompt: Prompt, view: View, known: Sequence[Prompt], taken: set[str]) -> str | None:
    try:
        check_syntax(prompt)
        check_compiles(prompt)
        check_fields(prompt, view)
        reading(prompt, view)  # what bioeval run will read its outputs by, and score them with
    except TemplateError as error:
        return str(error)
    except DataFileError as error:
        return str(error).split(f"template {prompt.name!r} ", 1)[-1]
    except BioevalError as error:
        return str(error).split(f"({prompt.source}) ", 1)[-1]
    if prompt.id in taken:
        return f"id {prompt.id} {ALREADY_IMPORTED}"
    names = {p.name for p in candidate_prompts(view, known)}
    if prompt.name in names:
        return f"name {prompt.name!r} is already used by a template of {view.name}"
    return None


def write_imported(results: Sequence[ImportedFile], out_root: Path) -> list[Path]:
    """Add accepted templates to ``out_root/imported/<view>.yaml`` (existing ones kept)."""
    per_view: dict[str, list[Prompt]] = {}
    for result in results:
        for view_name, prompts in result.accepted.items():
            per_view.setdefault(view_name, []).extend(prompts)
    written = []
    for view_name, prompts in sorted(per_view.items()):
        path = out_root / IMPORTED_FAMILY / f"{view_name}.yaml"
        existing = list(load_template_file(path, IMPORTED_FAMILY, view_name).prompts) if (
            path.is_file()
        ) else []
        have = {p.id for p in existing}
        merged = existing + [p for p in prompts if p.id not in have]
        atomic_write_text(path, dump_template_file(view_name, None, merged))
        written.append(path)
    return written


# ---------------------------------------------------------------- export


def with_view_block(text: str | None, view: View) -> str | None:
    """``text`` preceded by ``{% set %}`` lines for the view variables it reads."""
    if not text:
        return text
    import jinja2
    from jinja2 import meta

    # a plain environment: the sandbox's own globals would not be reported as undeclared
    names = meta.find_undeclared_variables(jinja2.Environment().parse(text))
    values = {**view_variables(view), "letters": environment().globals["letters"]}
    wanted = [n for n in (*VIEW_VARIABLES, *_EXPORT_GLOBALS) if n in names]
    if not wanted:
        return text
    lines = [f"{{% set {n} = {json.dumps(values[n], ensure_ascii=False)} %}}" for n in wanted]
    return _BLOCK_START + "".join(lines) + _BLOCK_END + "\n" + text


def exportable(prompt: Prompt, view: View) -> Prompt:
    return dataclasses.replace(
        prompt,
        jinja=with_view_block(prompt.jinja, view) or "",
        answer_choices=with_view_block(prompt.answer_choices, view),
    )


def export_views(
    views: Sequence[tuple[DatasetSpec, View]],
    prompts_by_view: Mapping[str, Sequence[Prompt]],
    out_root: Path,
) -> list[Path]:
    """``out_root/<dataset>/[<view>/]templates.yaml`` per view with templates."""
    written = []
    for spec, view in views:
        prompts = prompts_by_view.get(view.name) or ()
        if not prompts:
            continue
        subset = None if view.name == spec.name else view.name
        folder = out_root / spec.name / (subset or "")
        text = dump_template_file(spec.name, subset, [exportable(p, view) for p in prompts])
        path = folder / TEMPLATE_FILENAME
        atomic_write_text(path, text)
        written.append(path)
    return written


__all__ = [
    "ImportedFile",
    "export_views",
    "import_folder",
    "views_for",
    "write_imported",
]
