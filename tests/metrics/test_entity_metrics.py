"""Entity-level F1 (strict, relaxed), ROUGE-1 on entity lists, normalization and alignment."""

from __future__ import annotations

import pytest
from bioeval.metrics.entities import (
    align_entities,
    as_mentions,
    iob2_tags,
    normalize_mention,
    spans_from_iob,
    token_labels,
)
from bioeval.metrics.registry import metric
from bioeval.metrics.scoring import score
from bioeval.metrics.types import AnnotatedText, Span

D, C = "Disease", "Chemical"


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# (predictions, references, strict F1, relaxed F1); None = undefined
OFFSET_CASES = [
    pytest.param([[Span(0, 7, C)]], [[Span(0, 7, C)]], 1.0, 1.0, id="exact"),
    pytest.param([[]], [[Span(0, 7, C)]], 0.0, 0.0, id="empty predictions"),
    pytest.param([[Span(0, 7, C)]], [[]], 0.0, 0.0, id="empty gold"),
    pytest.param([[]], [[]], None, None, id="both empty"),
    pytest.param([None], [[Span(0, 7, C)]], 0.0, 0.0, id="unparsed"),
    pytest.param([[Span(0, 6, C)]], [[Span(0, 7, C)]], 0.0, 1.0, id="boundary off by one"),
    pytest.param([[Span(0, 7, D)]], [[Span(0, 7, C)]], 0.0, 0.0, id="type swap"),
    pytest.param([[Span(0, 7, C)]], [[Span(7, 12, C)]], 0.0, 0.0, id="adjacent is not overlap"),
    pytest.param(
        [[Span(0, 13, D)]], [[Span(0, 13, D), Span(7, 13, D)]], _f1(1, 0.5), 1.0, id="nested gold"
    ),
    pytest.param(
        [[Span(0, 13, D), Span(7, 13, D)]], [[Span(0, 13, D)]], _f1(0.5, 1), 1.0, id="nested predictions"
    ),
    pytest.param(
        [[Span(0, 5, D), Span(3, 8, D)]], [[Span(0, 8, D)]], 0.0, 1.0, id="overlapping predictions"
    ),
    pytest.param(
        [[Span(0, 7, C), Span(0, 7, C)]], [[Span(0, 7, C)]], _f1(0.5, 1), 1.0, id="duplicate prediction"
    ),
    pytest.param(
        [[Span(0, 7, C)], [Span(2, 4, D)]],
        [[Span(0, 7, C), Span(9, 12, D)], [Span(2, 5, D)]],
        _f1(1 / 2, 1 / 3),
        _f1(1.0, 2 / 3),
        id="micro over examples",
    ),
    pytest.param([[(0, 7, C)]], [[{"start": 0, "end": 7, "type": C}]], 1.0, 1.0, id="JSON shapes"),
]


@pytest.mark.parametrize(("predictions", "references", "strict", "relaxed"), OFFSET_CASES)
def test_span_f1(predictions: list, references: list, strict: float | None, relaxed: float | None) -> None:
    for name, expected in (("entity_f1", strict), ("entity_f1_relaxed", relaxed)):
        value = metric(name)(predictions, references)
        if expected is None:
            assert value is None, name
        else:
            assert value == pytest.approx(expected), name


STRING_CASES = [
    pytest.param([["aspirin"]], [["Aspirin"]], 1.0, 1.0, id="case"),
    pytest.param([["5-fluorouracil"]], [["5 - fluorouracil"]], 1.0, 1.0, id="tokenized punctuation"),
    pytest.param([["“aspirin”."]], [["aspirin"]], 1.0, 1.0, id="quotes and full stop"),
    pytest.param([["ﬁbrosis"]], [["fibrosis"]], 1.0, 1.0, id="NFKC ligature"),
    pytest.param([["aspirin", "aspirin"]], [["aspirin"]], _f1(0.5, 1), 1.0, id="multiset: extra repeat"),
    pytest.param([["aspirin"]], [["aspirin", "aspirin"]], _f1(1, 0.5), 1.0, id="multiset: missing repeat"),
    pytest.param([["cancer"]], [["breast cancer"]], 0.0, 1.0, id="contained at word boundary"),
    pytest.param([["breast cancer"]], [["lung cancer"]], 0.0, 0.0, id="partial word overlap is not containment"),
    pytest.param([["ACE"]], [["surface"]], 0.0, 0.0, id="inside a word"),
    pytest.param([[(C, "aspirin")]], [[(C, "aspirin")]], 1.0, 1.0, id="typed"),
    pytest.param([[(D, "aspirin")]], [[(C, "aspirin")]], 0.0, 0.0, id="typed, wrong type"),
    pytest.param([["aspirin"]], [[(C, "aspirin")]], 1.0, 1.0, id="untyped prediction ignores types"),
    pytest.param([[(C, "aspirin")]], [["aspirin"]], 1.0, 1.0, id="untyped reference ignores types"),
    pytest.param([[]], [[]], None, None, id="both empty"),
    pytest.param([[["Chemical", "aspirin"]]], [[("Chemical", "aspirin")]], 1.0, 1.0, id="JSON pair"),
]


@pytest.mark.parametrize(("predictions", "references", "strict", "relaxed"), STRING_CASES)
def test_string_f1(predictions: list, references: list, strict: float | None, relaxed: float | None) -> None:
    for name, expected in (("entity_f1", strict), ("entity_f1_relaxed", relaxed)):
        value = metric(name)(predictions, references)
        if expected is None:
            assert value is None, name
        else:
            assert value == pytest.approx(expected), name


TEXT = "Aspirin induced asthma; aspirin and 5 - fluorouracil caused breast cancer ."
GOLD = AnnotatedText(
    TEXT,
    (Span(0, 7, C), Span(16, 22, D), Span(24, 31, C), Span(36, 52, C), Span(60, 73, D)),
)


def test_annotated_reference_strings_and_alignment() -> None:
    predicted = [[(C, "aspirin"), (C, "aspirin"), (C, "5-fluorouracil"), (D, "cancer"), (D, "headache")]]
    # strict, by strings: aspirin x2 and 5-fluorouracil match; cancer and headache do not
    assert metric("entity_f1")(predicted, [GOLD]) == pytest.approx(_f1(3 / 5, 3 / 5))
    # strict, aligned: the same three spans land on their gold offsets
    assert metric("entity_f1")(predicted, [GOLD], {"align": True}) == pytest.approx(_f1(3 / 5, 3 / 5))
    # relaxed: "cancer" overlaps "breast cancer"; "headache" is not in the text
    assert metric("entity_f1_relaxed")(predicted, [GOLD]) == pytest.approx(_f1(4 / 5, 4 / 5))
    # spans predicted against an annotated reference
    assert metric("entity_f1")([list(GOLD.spans)], [GOLD]) == 1.0


def test_per_type_details_and_note() -> None:
    predicted = [[(C, "aspirin"), (D, "asthma"), (D, "headache")]]
    result = score("entity_f1", predicted, [GOLD], n_boot=0)
    per_type = result.details["per_type"]
    assert per_type[C] == {"precision": 1.0, "recall": 1 / 3, "f1": 0.5, "n_predicted": 1, "n_gold": 3}
    assert per_type[D]["precision"] == 0.5 and per_type[D]["recall"] == 0.5
    assert result.details["precision"] == pytest.approx(2 / 3)
    assert result.details["recall"] == pytest.approx(2 / 5)
    assert result.note == "mentions matched by strings"


def test_spans_without_text_cannot_be_compared_with_strings() -> None:
    with pytest.raises(ValueError, match="reference text"):
        metric("entity_f1")([[Span(0, 3, C)]], [[(C, "abc")]])


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  Aspirin  ", "aspirin"),
        ("5 - fluorouracil", "5-fluorouracil"),
        ("( MDR1 )", "(mdr1)"),
        ("interleukin  2", "interleukin 2"),
        ('"IL-2".', "il-2"),
        ("Na + / K + ATPase", "na+/k+atpase"),
        ("ＡＴＰ", "atp"),
    ],
)
def test_normalize_mention(raw: str, normalized: str) -> None:
    assert normalize_mention(raw) == normalized


def test_alignment_rules() -> None:
    text = "Aspirin or aspirin, then ACE inhibitors; surface ACE."
    spans, _ = align_entities([(C, "aspirin"), (C, "aspirin"), (C, "aspirin")], text)
    assert spans == [Span(0, 7, C), Span(11, 18, C), None]  # left to right, each occurrence once
    spans, _ = align_entities([(D, "ace")], text)
    assert spans == [Span(25, 28, D)]  # not inside "surface"
    spans, _ = align_entities([(C, "aspirin"), (D, "aspirin")], text)
    assert spans == [Span(0, 7, C), Span(0, 7, D)]  # types take occurrences separately
    spans, _ = align_entities(["5-fluorouracil"], "given 5 - fluorouracil daily")
    assert spans == [Span(6, 22, "")]
    spans, _ = align_entities(["breast cancer"], "breast\ncancer")
    assert spans == [Span(0, 13, "")]
    spans, _ = align_entities(["breastcancer"], "breast cancer")
    assert spans == [None]


# ---------------------------------------------------------------- IOB decoding


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-X", "I-X", "O", "B-Y"], [Span(0, 2, "X"), Span(3, 4, "Y")]),
        (["B-X", "B-X"], [Span(0, 1, "X"), Span(1, 2, "X")]),
        (["O", "I-X", "I-X"], [Span(1, 3, "X")]),  # stray I- opens an entity (conlleval)
        (["B-X", "I-Y"], [Span(0, 1, "X"), Span(1, 2, "Y")]),  # type change splits
        (["I-PAR", "I-PAR", "O", "I-INT"], [Span(0, 2, "PAR"), Span(3, 4, "INT")]),  # IO scheme
        ([], []),
        (["O", "O"], []),
    ],
)
def test_spans_from_iob(tags: list[str], spans: list[Span]) -> None:
    assert spans_from_iob(tags) == spans


def test_iob_round_trip_and_bad_tag() -> None:
    spans = [Span(0, 2, "X"), Span(2, 3, "Y"), Span(5, 6, "X")]
    assert spans_from_iob(iob2_tags(spans, 7)) == spans
    with pytest.raises(ValueError, match="IOB tag"):
        spans_from_iob(["B-X", "Q-X"])


def test_token_labels_from_mentions() -> None:
    text = "Forty adult patients took aspirin"
    mentions = as_mentions([Span(6, 20, "PAR"), Span(26, 33, "INT")], text)
    assert token_labels(text, mentions) == ["O", "PAR", "PAR", "O", "INT"]


# ---------------------------------------------------------------- ROUGE-1


@pytest.mark.parametrize(
    ("predictions", "references", "expected"),
    [
        ([[]], [[]], 1.0),  # nothing to find, nothing found
        ([[]], [["aspirin"]], 0.0),
        ([None], [["aspirin"]], 0.0),
        ([["aspirin"]], [[]], 0.0),
        ([["Aspirin", "headache"]], [["headache", "aspirin"]], 1.0),  # order and case do not matter
        ([["renal failure"]], [["acute renal failure"]], _f1(1.0, 2 / 3)),
        ([[(C, "aspirin")], [(D, "pain")]], [[(C, "aspirin")], [(D, "chest pain")]], (1 + _f1(1, 0.5)) / 2),
    ],
)
def test_rouge1(predictions: list, references: list, expected: float) -> None:
    assert metric("rouge1")(predictions, references) == pytest.approx(expected)


def test_types_are_compared_as_spelled_alike() -> None:
    gold = [[("cell_type", "T cells"), ("Chemical", "aspirin")]]
    predicted = [[("cell type", "T cells"), ("chemicals", "aspirin")]]
    result = score("entity_f1", predicted, gold, n_boot=0)
    assert result.value == 1.0
    assert set(result.details["per_type"]) == {"cell_type", "Chemical"}
