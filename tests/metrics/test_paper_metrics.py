"""The published scorers' definitions, each against a hand-computed table of their quirks.

BioMistral-NLU's evaluation.py (NER strings, PICO bags of words, HoC label micro-F1) and
BLUE's eval_hoc.py / eval_rel.py (HoC without a hallmark, ChemProt's two-label rows). Every
expected figure is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import pytest

from bioeval.metrics.registry import METRICS, metric
from bioeval.metrics.types import AnnotatedText, Span


def f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold)


# ---------------------------------------------------------------- entity_f1_exact_lower

EXACT_LOWER = [
    # (id, predictions, references, expected)
    # case differs: lowercased, equal -> 1 of 1
    ("case", [[("Chemical", "Aspirin")]], [[("Chemical", "aspirin")]], 1.0),
    # a boundary moved onto a comma: no normalization beyond lowercase -> 0 of 1 each way
    ("comma", [[("Chemical", "aspirin,")]], [[("Chemical", "aspirin")]], 0.0),
    # one-to-one: two predictions of one gold mention -> tp 1, P 1/2, R 1/1
    ("one_to_one", [[("Chemical", "aspirin"), ("Chemical", "aspirin")]], [[("Chemical", "aspirin")]], f1(1, 2, 1)),
    # wrong type: a Disease mention does not match a Chemical gold; Disease is never gold, so
    # its prediction counts nowhere: tp 0, pred 0 (Chemical), gold 1 -> 0
    ("type", [[("Disease", "aspirin")]], [[("Chemical", "aspirin")]], 0.0),
    # a type never gold adds no false positive: Chemical 1/1 right, Disease predicted only
    ("never_gold_type", [[("Chemical", "aspirin"), ("Disease", "flu")]], [[("Chemical", "aspirin")]], 1.0),
    # empty prediction: tp 0 of gold 2 -> 0
    ("empty_prediction", [[]], [[("Chemical", "a"), ("Chemical", "b")]], 0.0),
    # empty gold in one example, gold in another: the first's predictions are false positives
    # of the type (gold elsewhere): tp 1, pred 2, gold 1 -> 2/3
    ("empty_gold", [[("Chemical", "x")], [("Chemical", "a")]], [[], [("Chemical", "a")]], f1(1, 2, 1)),
    # 20 repeats are kept: 20 gold "a", predicted "a" x 20 -> 20 of 20
    ("twenty_kept", [[("Chemical", "a")] * 20], [[("Chemical", "a")] * 20], 1.0),
    # 20 gold repeats, one predicted: tp 1, pred 1, gold 20
    ("twenty_gold", [[("Chemical", "a")]], [[("Chemical", "a")] * 20], f1(1, 1, 20)),
    # 21 gold repeats collapse to 1: tp 1, pred 1, gold 1
    ("above_twenty_gold", [[("Chemical", "a")]], [[("Chemical", "a")] * 21], 1.0),
    # 21 predicted: 20 "a" + "b" -> collapsed to {a, b}; gold 2 x "a": tp 1, pred 2, gold 2
    ("above_twenty_pred", [[("Chemical", "a")] * 20 + [("Chemical", "b")]], [[("Chemical", "a")] * 2], f1(1, 2, 2)),
    # unparsed output predicts nothing
    ("unparsed", [None], [[("Chemical", "a")]], 0.0),
]


@pytest.mark.parametrize("case", EXACT_LOWER, ids=[c[0] for c in EXACT_LOWER])
def test_entity_f1_exact_lower(case):
    _, predictions, references, expected = case
    assert metric("entity_f1_exact_lower")(predictions, references) == pytest.approx(expected)


def test_entity_f1_exact_lower_reads_gold_spans_and_differs_from_entity_f1():
    text = "Aspirin, and ibuprofen."
    gold = AnnotatedText(text, (Span(0, 7, "Chemical"), Span(13, 22, "Chemical")))
    predicted = [[("chemical", "aspirin,"), ("Chemical", "IBUPROFEN")]]
    # bioeval's entity_f1 normalizes edge punctuation: both match; BioMistral-NLU's does not
    assert metric("entity_f1")(predicted, [gold]) == pytest.approx(1.0)
    assert metric("entity_f1_exact_lower")(predicted, [gold]) == pytest.approx(f1(1, 2, 2))


# ---------------------------------------------------------------- pico_bow_micro_f1

PICO = [
    # bag of words, one-to-one: "aspirin 100 mg" vs gold "aspirin 50 mg" -> tp 2, pred 3, gold 3
    ("words", [[("Intervention", "aspirin 100 mg")]], [[("Intervention", "aspirin 50 mg")]], f1(2, 3, 3)),
    # case-sensitive: "Aspirin" vs "aspirin" -> 0
    ("case", [[("Intervention", "Aspirin")]], [[("Intervention", "aspirin")]], 0.0),
    # micro over classes, not macro: Outcome 3/3 right, Participant 0 of 1 gold
    # -> tp 3, pred 3, gold 4 (macro would be (1 + 0) / 2)
    ("micro", [[("Outcome", "pain at rest")]], [[("Outcome", "pain at rest"), ("Participant", "adults")]], f1(3, 3, 4)),
    # a word in the wrong class counts nowhere when that class is never gold
    ("never_gold_class", [[("Outcome", "pain"), ("Intervention", "x")]], [[("Outcome", "pain")]], 1.0),
    # duplicates: 21 mentions "pain" collapse to one before the split into words -> 1 word each side
    ("above_twenty", [[("Outcome", "pain")]], [[("Outcome", "pain")] * 21], 1.0),
    # 20 mentions are kept: gold 20 words, one predicted -> tp 1, pred 1, gold 20
    ("twenty", [[("Outcome", "pain")]], [[("Outcome", "pain")] * 20], f1(1, 1, 20)),
    ("empty_prediction", [[]], [[("Outcome", "pain")]], 0.0),
]


@pytest.mark.parametrize("case", PICO, ids=[c[0] for c in PICO])
def test_pico_bow_micro_f1(case):
    _, predictions, references, expected = case
    assert metric("pico_bow_micro_f1")(predictions, references) == pytest.approx(expected)


def test_pico_bow_micro_f1_differs_from_blurb_token_f1_on_an_all_outcome_prediction():
    text = "adults took aspirin for pain"
    gold = AnnotatedText(text, (Span(0, 6, "Participant"), Span(12, 19, "Intervention"), Span(24, 28, "Outcome")))
    everything = [[("Outcome", text)]]
    options = {"labels": ["Participant", "Intervention", "Outcome"]}
    # bags: Outcome gets 5 predicted words, 1 right; gold 3 words in all -> 2 * 1 / (5 + 3)
    assert metric("pico_bow_micro_f1")(everything, [gold], options) == pytest.approx(f1(1, 5, 3))
    # BLURB: macro over classes of token F1: Outcome 2 * 1 / (5 + 1), the others 0 -> / 3
    assert metric("token_f1")(everything, [gold], options) == pytest.approx(f1(1, 5, 1) / 3)


# ---------------------------------------------------------------- HoC: label_micro_f1, example_f1, example_f1_blue

A, B, C = "a", "b", "c"
HOC = [
    # (id, predictions, references, label_micro_f1, example_f1, example_f1_blue)
    # doc1 gold {a, b} pred {a}; doc2 gold {c} pred {c, a}
    # micro: tp 2, pred 3, gold 3 -> 2/3
    # example: P = (1 + 1/2) / 2 = 3/4, R = (1/2 + 1) / 2 = 3/4 -> 3/4 (BLUE the same)
    ("plain", [{A}, {C, A}], [{A, B}, {C}], 2 / 3, 0.75, 0.75),
    # empty gold, empty prediction in doc2: micro adds nothing -> doc1 only, 1.0;
    # bioeval's example_f1 scores doc2 P = R = 1 -> 1.0; BLUE leaves doc2 out -> 1.0
    ("empty_both", [{A}, set()], [{A}, set()], 1.0, 1.0, 1.0),
    # empty gold, prediction {a} in doc2 (a is gold in doc1): micro tp 1, pred 2, gold 1 -> 2/3;
    # example_f1: doc2 P = R = 0 -> P = R = 1/2 -> 1/2; BLUE leaves doc2 out -> 1.0
    ("empty_gold", [{A}, {A}], [{A}, set()], f1(1, 2, 1), 0.5, 1.0),
    # the same with {b}, never gold anywhere: the micro-F1 leaves label b out -> 1.0
    ("empty_gold_never_gold_label", [{A}, {B}], [{A}, set()], 1.0, 0.5, 1.0),
    # empty prediction for a gold {a}: micro 0 of 1 in doc2, doc1 right -> tp 1, pred 1, gold 2
    # example: doc2 P = R = 0 -> 1/2; BLUE also P = 0 -> 1/2
    ("empty_prediction", [{A}, set()], [{A}, {A}], f1(1, 1, 2), 0.5, 0.5),
    # label c predicted but never gold: the micro-F1 leaves it out entirely -> 1.0,
    # example_f1: doc1 P = 1/2, R = 1 -> 2/3 (both definitions)
    ("never_gold_label", [{A, C}], [{A}], 1.0, 2 / 3, 2 / 3),
]


@pytest.mark.parametrize("case", HOC, ids=[c[0] for c in HOC])
def test_hoc_definitions(case):
    _, predictions, references, micro, example, blue = case
    predictions = [frozenset(p) for p in predictions]
    references = [frozenset(r) for r in references]
    assert metric("label_micro_f1")(predictions, references) == pytest.approx(micro)
    assert metric("example_f1")(predictions, references) == pytest.approx(example)
    assert metric("example_f1_blue")(predictions, references) == pytest.approx(blue)


def test_example_f1_blue_is_undefined_when_no_document_has_a_label():
    assert metric("example_f1_blue")([frozenset({A})], [frozenset()]) is None


# ---------------------------------------------------------------- ChemProt rows (BLUE)

ROWS = [
    # a two-label pair (CPR:4, CPR:9) predicted CPR:4: row 1 right, row 2 a false positive and
    # a false negative -> tp 1, pred 2, gold 2 -> 1/2
    ("two_labels", ["CPR:4"], [("CPR:4", "CPR:9")], f1(1, 2, 2)),
    # the same pair predicted false: tp 0, pred 0, gold 2
    ("two_labels_false", ["false"], [("CPR:4", "CPR:9")], 0.0),
    # a gold pair no sentence holds is predicted false (None: no example) -> tp 1, pred 1, gold 2
    ("unpredicted", ["CPR:3", None], [("CPR:3",), ("CPR:5",)], f1(1, 1, 2)),
    # false rows count nowhere, a wrong positive is a false positive: tp 1, pred 2, gold 1
    ("false_rows", ["CPR:3", "CPR:6"], [("CPR:3",), ("false",)], f1(1, 2, 1)),
]


@pytest.mark.parametrize("case", ROWS, ids=[c[0] for c in ROWS])
def test_pair_rows_micro_f1(case):
    _, predictions, references, expected = case
    assert metric("pair_rows_micro_f1")(predictions, references, {"negative": "false"}) == pytest.approx(expected)


def test_every_metric_states_its_provenance():
    for spec in METRICS.values():
        assert spec.provenance is not None, spec.name
        assert all((spec.provenance.source, spec.provenance.unit, spec.provenance.averaging, spec.provenance.empty))


def test_list_metrics_prints_each_metrics_provenance_and_tasks(capsys):
    from bioeval.cli import main

    assert main(["list", "metrics"]) == 0
    out = capsys.readouterr().out
    blocks = {block.split(":", 1)[0]: block for block in out.strip().split("\n\n")}
    assert set(blocks) == set(METRICS)
    assert "BioMistral-NLU's evaluation.py" in blocks["label_micro_f1"]
    assert "tasks:     hallmarks_of_cancer, hallmarks_of_cancer_blurb" in blocks["example_f1_blue"]
    assert "chemprot (on BLUE's eval_rel.py" in blocks["pair_rows_micro_f1"]
    assert "bioeval's convention" in blocks["example_f1"]


def test_label_micro_f1_counts_the_labels_an_answer_uses_whatever_the_labels_option_says():
    """A lettered prompt's gold and predictions are letters while the view's labels are names:
    BioMistral-NLU keys its counts by what the answers hold, so the option is not read."""
    options = {"labels": ["Sustaining proliferative signaling", "Resisting cell death"]}
    predictions, references = [frozenset({"A"}), frozenset({"A", "B"})], [frozenset({"A"}), frozenset({"B"})]
    # tp 2 (A in doc1, B in doc2), predicted 3, gold 2
    assert metric("label_micro_f1")(predictions, references, options) == pytest.approx(f1(2, 3, 2))


def test_ddi_macro_f1_is_the_mean_over_blues_four_types():
    """BLUE's README (since August 2019): macro-F1 of the four DDI types, DDI-false left out; a
    type neither predicted nor gold has F1 0 (pmetrics divides to 0)."""
    labels = ["DDI-false", "DDI-effect", "DDI-mechanism", "DDI-advise", "DDI-int"]
    predictions = ["DDI-effect", "DDI-effect", "DDI-mechanism", "DDI-false", "DDI-false"]
    references = ["DDI-effect", "DDI-mechanism", "DDI-mechanism", "DDI-advise", "DDI-false"]
    # effect: tp 1, pred 2, gold 1 -> 2/3; mechanism: tp 1, pred 1, gold 2 -> 2/3; advise: 0; int: 0
    options = {"negative": "DDI-false", "labels": labels}
    assert metric("macro_f1")(predictions, references, options) == pytest.approx((2 / 3 + 2 / 3 + 0 + 0) / 4)
    # micro over the same positives: tp 2, pred 3, gold 4
    assert metric("micro_f1")(predictions, references, options) == pytest.approx(f1(2, 3, 4))
