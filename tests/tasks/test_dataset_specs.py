"""Every dataset module declares what the rest of bioeval relies on; the suites name real views."""

from __future__ import annotations

import re

import pytest

from bioeval.metrics.registry import METRICS
from bioeval.config.suites import all_suites
from bioeval.tasks.core.registry import all_datasets, all_views, views_named
from bioeval.tasks.core.schemas import Schema, TaskType
from bioeval.tasks.core.spec import Access

EXPECTED = {
    "bioasq",
    "scitail",
    "mednli",
    "gad",
    "biosses",
    "bc5cdr",
    "ncbi_disease",
    "bc2gm",
    "jnlpba",
    "pubmed_qa",
    "hallmarks_of_cancer",
    "chemprot",
    "ddi_corpus",
    "ebm_pico",
    "n2c2_2010",
}
PINNED_URL = re.compile(r"^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/")


def test_every_dataset_of_the_issue_is_registered() -> None:
    assert {spec.name for spec in all_datasets()} == EXPECTED


@pytest.mark.parametrize("spec", all_datasets(), ids=lambda spec: spec.name)
def test_dataset_metadata_and_sources(spec) -> None:  # noqa: ANN001
    assert spec.title and spec.homepage.startswith("http") and spec.license and spec.citation
    assert spec.languages == ("en",)
    if spec.access is not Access.PUBLIC:
        assert spec.how_to_get and all(f.url is None for s in spec.sources for f in s.files)
    for source in spec.sources:
        for source_file in source.files:
            if source_file.url and PINNED_URL.match(source_file.url):
                assert source_file.sha256 or source_file.path == "train.tsv", source_file.url
            if source_file.is_folder:
                assert source_file.url is None or source_file.archive_member.endswith("/")
    for view in spec.views:
        for refs in view.splits.values():
            for ref in refs:
                spec.source_file(ref)  # every file a split reads is declared
        assert view.eval_split in view.splits
        assert view.train_split is None or view.train_split in view.splits


@pytest.mark.parametrize("pair", all_views(), ids=lambda pair: pair[1].name)
def test_view_labels_metrics_and_label_text(pair) -> None:  # noqa: ANN001
    spec, view = pair
    assert view.name == spec.name or view.name.startswith(spec.name.split("_")[0])
    assert set(view.metrics) <= set(METRICS)
    if view.schema is Schema.PAIRS:
        assert view.metrics == ("pearson",)
        return
    assert view.labels, "closed label set (classes or entity types)"
    if view.task is TaskType.NER:
        assert view.metrics == ("entity_f1", "entity_f1_relaxed", "rouge1", "entity_f1_exact_lower")
    if view.task is TaskType.RE:
        assert view.negative_label in view.labels
        assert view.metrics[:2] == ("micro_f1", "accuracy")  # DDI adds BLUE's macro-F1
    if view.task in (TaskType.RE, TaskType.QA, TaskType.NLI, TaskType.DC):
        assert view.label_text and set(view.label_text) == set(view.labels)


def test_suites_name_registered_views() -> None:
    suites = all_suites()
    assert set(suites) == {"bigbio-zeroshot", "blurb", "blue"}
    for suite in suites.values():
        for task in suite.tasks:
            assert len(views_named(task)) == 1, task
    assert len(suites["bigbio-zeroshot"].tasks) == 10
    blurb = suites["blurb"]
    assert len(blurb.tasks) == 13 and len(blurb.groups) == 6
    assert sorted(t for _, tasks in blurb.groups for t in tasks) == sorted(blurb.tasks)
