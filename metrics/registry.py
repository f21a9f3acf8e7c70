"""Metric names: bioeval's, and the PromptSource names prompt files use for them.

``METRICS[name]`` is a :class:`MetricSpec`: callable as ``metric(name)(predictions, references,
options)`` on prediction values, and carrying what the rest of bioeval needs: the output kinds
(parser names) its predictions come from, whether higher is better, its range, the options it
reads, and what an unparsed prediction counts as.
"""

from __future__ import annotations

from bioeval.errors import UnknownNameError
from bioeval.metrics import classification as cls
from bioeval.metrics import correlation, ner, pico
from bioeval.metrics.base import MetricSpec

_ENTITY_KINDS = ("entity_list", "typed_entities", "tagged_entities", "spans")

_SPECS = (
    MetricSpec(
        name="accuracy",
        per_example=True,
        tally=cls.accuracy_tally,
        value=cls.accuracy_value,
        output_kinds=("label",),
        description="fraction of exact matches",
    ),
    MetricSpec(
        name="pearson",
        tally=correlation.pearson_tally,
        value=correlation.pearson_value,
        output_kinds=("number",),
        description="Pearson's r of the numbers read from the outputs with the gold scores",
        value_range=(-1.0, 1.0),
        unparsed="left out of the correlation",
        undefined_as=0.0,
    ),
    MetricSpec(
        name="micro_f1",
        tally=cls.micro_f1_tally,
        value=cls.micro_f1_value,
        output_kinds=("label", "label_list"),
        description="micro-F1 over the positive classes, the negative class left out (RE)",
        options=frozenset({"negative", "labels"}),
        summary=cls.micro_f1_summary,
    ),
    MetricSpec(
        name="macro_f1",
        tally=cls.macro_f1_tally,
        value=cls.macro_f1_value,
        output_kinds=("label", "label_list"),
        description="unweighted mean of per-class F1",
        options=frozenset({"negative", "labels"}),
        summary=cls.per_class_summary,
    ),
    MetricSpec(
        name="example_f1",
        tally=cls.example_f1_tally,
        value=cls.example_f1_value,
        output_kinds=("label_list",),
        description="example-based F1 of multi-label sets (HoC, BLUE's eval_hoc)",
        summary=cls.example_f1_summary,
    ),
    MetricSpec(
        name="entity_f1",
        tally=ner.strict_tally,
        value=ner.entity_value,
        output_kinds=_ENTITY_KINDS,
        description="entity-level micro F1, exact span and type (or normalized string and type)",
        options=frozenset({"align"}),
        unparsed="scored as predicting no entity",
        summary=ner.entity_summary,
    ),
    MetricSpec(
        name="entity_f1_relaxed",
        tally=ner.relaxed_tally,
        value=ner.entity_value,
        output_kinds=_ENTITY_KINDS,
        description="entity-level micro F1, any overlap with the same type",
        unparsed="scored as predicting no entity",
        summary=ner.entity_summary,
    ),
    MetricSpec(
        name="rouge1",
        per_example=True,
        tally=ner.rouge1_tally,
        value=ner.rouge1_value,
        output_kinds=("entity_list", "typed_entities", "tagged_entities"),
        description="mean ROUGE-1 F of predicted versus gold entity lists (BigBIO zero-shot NER)",
        options=frozenset({"use_stemmer"}),
        unparsed="scored as an empty list",
    ),
    MetricSpec(
        name="token_f1",
        tally=pico.token_f1_tally,
        value=pico.token_f1_value,
        output_kinds=("typed_entities", "tagged_entities", "spans", "token_labels"),
        description="word-level macro F1 over the PICO classes, O excluded (BLURB EBM-PICO)",
        options=frozenset({"labels", "outside"}),
        unparsed="scored as all tokens outside",
        summary=pico.token_f1_summary,
    ),
)

METRICS: dict[str, MetricSpec] = {spec.name: spec for spec in _SPECS}

PROMPTSOURCE_NAMES: dict[str, str] = {
    "Accuracy": "accuracy",
    "Pearson Correlation": "pearson",
    "ROUGE": "rouge1",
}

OUTPUT_KIND: dict[str, str] = {name: spec.output_kind for name, spec in METRICS.items()}
"""Which parser reads a generated output for a metric by default (classification: "label")."""


def metric(name: str) -> MetricSpec:
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownNameError("metric", name, METRICS) from None


def from_promptsource(name: str) -> str:
    """bioeval's metric name for a PromptSource metadata metric name (or a bioeval name)."""
    if name in METRICS:
        return name
    try:
        return PROMPTSOURCE_NAMES[name]
    except KeyError:
        raise UnknownNameError("metric", name, list(PROMPTSOURCE_NAMES) + list(METRICS)) from None
