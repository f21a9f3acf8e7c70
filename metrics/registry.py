"""Metric names: bioeval's, and the PromptSource names prompt files use for them.

``METRICS[name]`` is a :class:`MetricSpec`: callable as ``metric(name)(predictions, references,
options)`` on prediction values, and carrying what the rest of bioeval needs: the output kinds
(parser names) its predictions come from, whether higher is better, its range, the options it
reads, and what an unparsed prediction counts as.
"""

from __future__ import annotations

import functools
from typing import Any

from bioeval.errors import UnknownNameError
from bioeval.metrics import classification as cls
from bioeval.metrics import biomistral_nlu, correlation, medinst, ner, pico
from bioeval.metrics.base import MetricSpec, Provenance, TallyFn

_ENTITY_KINDS = ("entity_list", "typed_entities", "tagged_entities", "spans")
_TYPED_KINDS = ("typed_entities", "tagged_entities", "spans")
_BIOMISTRAL_NLU = "BioMistral-NLU's evaluation.py (uw-bionlp/BioMistral-NLU)"
_BLUE_CODE = "BLUE's published scorer (ncbi-nlp/BLUE_Benchmark)"
_biomistral_strings = functools.partial(
    MetricSpec,  # BioMistral-NLU's "Type: span...span" scorers: per-type counts, micro over gold types
    value=cls.gold_class_micro_f1_value,
    output_kinds=_TYPED_KINDS,
    options=frozenset({"labels"}),
    summary=cls.gold_class_micro_summary,
)


_MEDINST_CODE = "MedINST's evaluation script (MedINST32, arXiv 2410.13458)"


def _rule(name: str, tally: TallyFn, description: str, unit: str, averaging: str, empty: str,
          **extra: Any) -> MetricSpec:
    """One of MedINST32's scoring rules: reads raw text outputs (``bioeval.metrics.medinst``)."""
    settings: dict[str, Any] = {"value": medinst.mean_value, "unparsed": "scored as an empty output", **extra}
    return MetricSpec(name=name, tally=tally, output_kinds=("text",),
                      description=f"{description} (MedINST32 rule)",
                      provenance=Provenance(source=_MEDINST_CODE, unit=unit, averaging=averaging, empty=empty),
                      **settings)


_SPECS = (
    MetricSpec(
        name="accuracy",
        per_example=True,
        tally=cls.accuracy_tally,
        value=cls.accuracy_value,
        output_kinds=("label",),
        description="fraction of exact matches",
        provenance=Provenance(
            source="the BigBIO zero-shot study; BLURB / BLUE (PubMedQA, BioASQ, MedNLI); BioMistral-NLU (QA, NLI)",
            unit="an example's single label",
            averaging="mean over examples",
            empty="an unparsed output is wrong",
        ),
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
        provenance=Provenance(
            source="BIOSSES as BigBIO, BLURB, BLUE and BioMistral-NLU score it (scipy.stats.pearsonr)",
            unit="an example's number",
            averaging="Pearson's r over examples",
            empty="undefined for a constant column; an unparsed output is left out",
        ),
    ),
    MetricSpec(
        name="micro_f1",
        tally=cls.micro_f1_tally,
        value=cls.micro_f1_value,
        output_kinds=("label", "label_list"),
        description="micro-F1 over the positive classes, the negative class left out (RE)",
        options=frozenset({"negative", "labels"}),
        summary=cls.micro_f1_summary,
        provenance=Provenance(
            source="BLURB's and BLUE's relation extraction (BLUE eval_rel.py on one row per pair); "
            "BioMistral-NLU's RE (found equal on GAD); sklearn f1_score(average='micro', labels=positive classes)",
            unit="an example's label (or each label of a label set)",
            averaging="micro over the positive classes, the negative class left out",
            empty="no positive gold and no positive prediction: undefined",
        ),
    ),
    MetricSpec(
        name="macro_f1",
        tally=cls.macro_f1_tally,
        value=cls.macro_f1_value,
        output_kinds=("label", "label_list"),
        description="unweighted mean of per-class F1",
        options=frozenset({"negative", "labels"}),
        summary=cls.per_class_summary,
        provenance=Provenance(
            source="BLUE's README since August 2019 for DDI (mean F1 of the four DDI types, pmetrics); "
            "sklearn f1_score(average='macro')",
            unit="an example's label (or each label of a label set)",
            averaging="unweighted mean of per-class F1 over the classes, the negative class left out",
            empty="a class neither predicted nor gold has F1 0",
        ),
    ),
    MetricSpec(
        name="example_f1",
        tally=cls.example_f1_tally,
        value=cls.example_f1_value,
        output_kinds=("label_list",),
        description="example-based F1 of multi-label sets (HoC, as the BLUE paper defines it)",
        summary=cls.example_f1_summary,
        provenance=Provenance(
            source="the BLUE paper's definition for HoC (Peng et al. 2019, after Du et al. 2019): "
            "example-based F1 on the abstract level",
            unit="a document's label set",
            averaging="precision and recall averaged over documents, then their harmonic mean",
            empty="empty gold and empty prediction: P = R = 1 (bioeval's convention); one side empty: 0",
        ),
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
        provenance=Provenance(
            source="BLURB's entity-level F1 (seqeval / conlleval) on spans; on strings bioeval's "
            "normalization (Unicode, case, punctuation at the edges)",
            unit="a mention (span and type, or normalized string and type)",
            averaging="micro over mentions of all types",
            empty="no gold and no predicted mention in the whole set: undefined",
        ),
    ),
    MetricSpec(
        name="entity_f1_relaxed",
        tally=ner.relaxed_tally,
        value=ner.entity_value,
        output_kinds=_ENTITY_KINDS,
        description="entity-level micro F1, any overlap with the same type",
        unparsed="scored as predicting no entity",
        summary=ner.entity_summary,
        provenance=Provenance(
            source="bioeval: any overlap with a gold span of the same type (strings: containment "
            "at word boundaries)",
            unit="a mention",
            averaging="micro over mentions of all types",
            empty="no gold and no predicted mention in the whole set: undefined",
        ),
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
        provenance=Provenance(
            source="the BigBIO zero-shot study's NER score (rouge-score, no stemming)",
            unit="an example's mention list, joined by spaces",
            averaging="mean ROUGE-1 F over examples",
            empty="no gold and no predicted mention: 1",
        ),
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
        provenance=Provenance(
            source="BLURB's EBM-PICO evaluation: word-level F1, sklearn average='macro' over "
            "the PICO classes",
            unit="a whitespace token's class",
            averaging="macro over the PICO classes, O excluded",
            empty="a class neither predicted nor gold has F1 0",
        ),
    ),
    MetricSpec(
        name="example_f1_blue",
        tally=cls.example_f1_blue_tally,
        value=cls.example_f1_value,
        output_kinds=("label_list",),
        description="example-based F1 of multi-label sets as BLUE's eval_hoc.py computes it (HoC)",
        summary=cls.example_f1_summary,
        provenance=Provenance(
            source=f"{_BLUE_CODE}: blue/eval_hoc.py",
            unit="a document's label set",
            averaging="precision and recall averaged over documents, then their harmonic mean",
            empty="empty prediction: P = 0; a document without a gold label is left out "
            "(eval_hoc.py divides by the gold count and stops), the note says how many",
        ),
    ),
    MetricSpec(
        name="label_micro_f1",
        tally=cls.label_decisions_tally,
        value=cls.gold_class_micro_f1_value,
        output_kinds=("label_list", "label"),
        description="micro-F1 over (document, label) decisions, as BioMistral-NLU scores HoC",
        options=frozenset({"negative"}),
        summary=cls.gold_class_micro_summary,
        provenance=Provenance(
            source=f"{_BIOMISTRAL_NLU}: evaluate_MultiClassification, write_scores",
            unit="a (document, label) decision",
            averaging="true / predicted / gold summed over the labels that are gold at least once",
            empty="an empty prediction or gold set adds only misses; a label never gold adds nothing",
        ),
    ),
    _biomistral_strings(
        name="entity_f1_exact_lower",
        tally=biomistral_nlu.exact_lower_tally,
        description="mention F1, lowercased exact strings per type, as BioMistral-NLU scores NER",
        unparsed="scored as predicting no entity",
        provenance=Provenance(
            source=f"{_BIOMISTRAL_NLU}: read_events, calculate_event_scores, write_scores",
            unit="a mention string of one type, lowercased, one-to-one per example and type; "
            "more than 20 on a line: repeats collapsed",
            averaging="micro over the types that are gold at least once",
            empty="an empty line adds only misses; a type never gold adds nothing",
        ),
    ),
    _biomistral_strings(
        name="pico_bow_micro_f1",
        tally=biomistral_nlu.bow_tally,
        description="bag-of-words micro-F1 per document and PICO class, as BioMistral-NLU scores EBM-PICO",
        unparsed="scored as predicting nothing",
        provenance=Provenance(
            source=f"{_BIOMISTRAL_NLU}: calculate_PICO_scores, write_scores",
            unit="a whitespace word of a class's mentions (case-sensitive), one-to-one per "
            "document and class; more than 20 mentions: repeats collapsed first",
            averaging="micro over the classes that are gold at least once",
            empty="an empty class adds only misses; a class never gold adds nothing",
        ),
    ),
    MetricSpec(
        name="pair_rows_micro_f1",
        tally=cls.row_micro_f1_tally,
        value=cls.micro_f1_value,
        output_kinds=("label",),
        description="micro-F1 over BLUE's ChemProt rows: every chemical-gene pair of an abstract, "
        "a pair with two gold labels written twice",
        options=frozenset({"negative"}),
        summary=cls.micro_f1_summary,
        provenance=Provenance(
            source=f"{_BLUE_CODE}: blue/eval_rel.py on the rows of blue/gs/create_chemprot_test_gs.py",
            unit="a row (abstract, chemical, gene, gold label); the pair's one prediction on each "
            "of its rows; a pair no sentence holds is predicted 'false'",
            averaging="micro over the positive labels, 'false' left out",
            empty="no positive row and no positive prediction: undefined",
        ),
    ),
    _rule("rougeL", medinst.rouge_l_tally, "mean ROUGE-L F of the outputs, Porter-stemmed",
          "an output against its gold text (rouge-score, stemmed)", "mean over examples",
          "an empty output or gold scores 0"),
    _rule("squad_f1", medinst.squad_f1_tally, "mean SQuAD word F1 after SQuAD normalisation",
          "an output's words (lower-cased, no punctuation, no a/an/the)", "mean over examples",
          "both empty: 1; one empty: 0 (SQuAD's rule)"),
    _rule("squad_em", medinst.squad_em_tally, "fraction of exact matches after SQuAD normalisation",
          "a whole normalised output", "mean over examples", "an empty output matches an empty gold"),
    _rule("label_macro_f1", medinst.label_macro_f1_tally,
          "macro-F1 of whole normalised outputs over the gold outputs' labels",
          "a whole normalised output as a label", "macro over the labels the gold outputs hold",
          "an output outside the gold labels counts as wrong for the gold label",
          value=cls.macro_f1_value, summary=cls.per_class_summary),
    _rule("bracket_entity_f1", medinst.bracket_entity_f1_tally,
          "mean per-example multiset F1 of the [bracketed] items",
          "the text inside each outermost [...], normalised, as a multiset", "mean over examples",
          "no gold and no predicted item: 0, as the authors' script scores it", summary=medinst.items_summary),
    _rule("hoc_label_f1", medinst.hoc_label_f1_tally,
          "mean per-example multiset F1 of the labels split at ', '",
          "a label (the output split at ', ', lower-cased, stripped)", "mean over examples",
          "no gold and no predicted label: 0", summary=medinst.items_summary),
    _rule("bio_tag_f1", medinst.bio_tag_f1_tally,
          "macro-F1 over B, I, O of the [B]/[I]/[O] tags, position by position",
          "a tag position (prediction padded or cut to the gold's length)",
          "macro over the tags the gold holds, pooled over all examples",
          "a missing predicted tag is a miss", value=medinst.bio_tag_f1_value, summary=cls.per_class_summary),
    _rule("biosses_mse", medinst.biosses_mse_tally,
          "mean squared error of the 0-5 scores, 25 where either holds no single one",
          "an output's single integer 0-5 against the gold's", "mean over examples (lower is better)",
          "an output or gold without exactly one integer 0-5: squared error 25",
          higher_is_better=False, value_range=(0.0, medinst.BIOSSES_PENALTY),
          unparsed="scored as an empty output (squared error 25)"),
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
