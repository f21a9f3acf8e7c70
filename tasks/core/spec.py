"""What a dataset module declares: metadata, upstream sources, and its evaluation views.

A dataset module in ``bioeval.tasks`` defines one module-level ``DATASET = DatasetSpec(...)``;
the registry finds it. Files live in the data directory as ``<dataset>/<source>/<path>``,
exactly as the publisher ships them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bioeval.metrics.types import MetricOptions
from bioeval.tasks.core.schemas import Record, Schema, TaskType


class Access(str, enum.Enum):
    """Whether anyone may download a dataset, or only after registration or a data-use agreement."""

    PUBLIC = "public"
    REGISTRATION = "registration"  # free, but behind a sign-up (e.g. BioASQ)
    CREDENTIALED = "credentialed"  # data-use agreement (e.g. MIMIC-derived MedNLI, n2c2)


@dataclass(frozen=True)
class SourceFile:
    """One file of an upstream release, as stored under ``<dataset>/<source>/``.

    A ``path`` ending in ``/`` is a folder of files (e.g. HoC's ``text/``); it is present when
    it holds at least one file, and downloadable only from an archive (``archive_member`` is
    then the folder's path inside the archive, ending in ``/``).
    """

    path: str  # relative to the source folder, '/'-separated
    url: str | None = None  # where the publisher serves it (None: not downloadable)
    sha256: str | None = None  # of the file as served; checked on download
    archive_member: str | None = None  # when ``url`` is an archive: the member to extract

    @property
    def is_folder(self) -> bool:
        return self.path.endswith("/")


@dataclass(frozen=True)
class Source:
    """One upstream release of a dataset (e.g. BLURB's TSVs, or the original corpus)."""

    name: str  # folder under the dataset folder: "blurb", "original", "pubtator" ...
    files: tuple[SourceFile, ...]
    description: str = ""


Loader = Callable[[str, Mapping[str, Path]], Iterable[Record]]
"""Reads one split: (split name, {"<source>/<path>": absolute path}) -> records."""


@dataclass(frozen=True)
class PublishedRows:
    """A published scorer's own items for a view, where they are not the view's examples (BLUE
    scores ChemProt on every chemical-gene pair of an abstract, a pair with two gold labels
    written twice): ``load(split, paths)`` gives, per item, its document id, the id of the
    view's example that predicts it (an id no example has: predicted as the negative class) and
    its gold labels, one per row. ``metric`` scores them; ``splits`` names each split's files."""

    metric: str
    splits: Mapping[str, tuple[str, ...]]
    load: Callable[[str, Mapping[str, Path]], Iterable[tuple[str, str, tuple[str, ...]]]]
    source: str = ""  # which published scorer, for notes


@dataclass(frozen=True)
class View:
    """One way of evaluating a dataset: a schema, a task, splits and metrics.

    ``name`` is what users type after ``--tasks``. A dataset with one view names it after
    itself; BC5CDR has ``bc5cdr_chem`` and ``bc5cdr_disease``.
    """

    name: str
    schema: Schema
    task: TaskType
    splits: Mapping[str, tuple[str, ...]]  # split -> files it reads, as "<source>/<path>"
    load: Loader
    metrics: tuple[str, ...]
    labels: tuple[str, ...] | None = None  # closed label set (classes, or entity types for NER)
    label_text: Mapping[str, str] | None = None  # label -> words, for dataset-agnostic prompts
    negative_label: str | None = None  # the "no relation" class micro-F1 leaves out (RE)
    eval_split: str = "test"
    train_split: str | None = "train"  # majority baseline's source split, if any
    description: str = ""
    published_rows: PublishedRows | None = None  # a published scorer's items, when not the examples

    def metric_options(self, wording: Mapping[str, str] | None = None) -> MetricOptions:
        """The label set and negative class label metrics read (micro-F1 leaves the negative
        out). With ``wording`` (label -> the target a prompt renders for it), in the prompt's
        words: a GAD yes/no prompt renders the negative class "0" as "no"."""
        if wording is None:
            return MetricOptions(self.negative_label, tuple(self.labels or ()))
        return MetricOptions(
            negative=wording.get(self.negative_label) if self.negative_label else None,
            labels=tuple(wording[label] for label in self.labels or () if label in wording),
        )


NER_METRICS = ("entity_f1", "entity_f1_relaxed", "rouge1", "entity_f1_exact_lower")
"""What NER views are scored by: strict and relaxed entity F1 (BLURB), ROUGE-1 (BigBIO),
lowercased exact mention strings (BioMistral-NLU's scorer; typed outputs only)."""


def relation_pair_view(
    name: str,
    splits: Mapping[str, tuple[str, ...]],
    load: Loader,
    description: str,
    *,
    labels: tuple[str, ...],
    label_text: Mapping[str, str],
    negative: str,
    eval_split: str = "test",
    train_split: str | None = "train",
    metrics: tuple[str, ...] = ("micro_f1", "accuracy"),
    published_rows: PublishedRows | None = None,
) -> View:
    """A relation-extraction pair view (ChemProt, DDI, GAD, n2c2): TEXT records holding the
    sentence with both arguments masked and one relation label, scored by micro-F1 over the
    positive relation types (``negative`` left out, as BLURB / BLUE do) and accuracy."""
    return View(
        name=name,
        schema=Schema.TEXT,
        task=TaskType.RE,
        splits=splits,
        load=load,
        metrics=metrics,
        labels=labels,
        label_text=label_text,
        negative_label=negative,
        description=description,
        eval_split=eval_split,
        train_split=train_split,
        published_rows=published_rows,
    )


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    homepage: str
    license: str
    citation: str
    sources: tuple[Source, ...]
    views: tuple[View, ...]
    languages: tuple[str, ...] = ("en",)
    access: Access = Access.PUBLIC
    how_to_get: str = ""  # for non-public data: what a user must do to obtain the files
    description: str = ""
    benchmarks: tuple[str, ...] = field(default=())  # e.g. ("BLURB", "BLUE")

    def source_file(self, ref: str) -> SourceFile:
        """The declared file for a "<source>/<path>" reference."""
        source_name, _, path = ref.partition("/")
        for source in self.sources:
            if source.name == source_name:
                for source_file in source.files:
                    if source_file.path == path:
                        return source_file
        raise KeyError(f"{self.name}: no declared file {ref!r}")

    def view(self, name: str) -> View:
        for view in self.views:
            if view.name == name:
                return view
        raise KeyError(name)
