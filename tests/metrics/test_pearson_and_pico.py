"""Pearson after casting outputs to numbers, and BLURB's token-level F1 for PICO, table-driven."""

from __future__ import annotations

import pytest
from bioeval.metrics.registry import metric
from bioeval.metrics.scoring import score
from bioeval.metrics.types import AnnotatedText, Prediction, Span


@pytest.mark.parametrize(
    ("predictions", "references", "expected"),
    [
        ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 1.0),
        ([3.0, 2.0, 1.0], [1.0, 2.0, 3.0], -1.0),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0], 0.8),
        ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], None),  # constant predictions: undefined
        ([1.0, 2.0, 3.0], [4.0, 4.0, 4.0], None),  # constant gold: undefined
        ([0.1, 0.1, 0.1], [1.0, 2.0, 3.0], None),  # constant that is not exact in binary
        ([1.0], [2.0], None),  # one example
        ([], [], None),
        ([1.0, None, 3.0, None], [1.0, 5.0, 3.0, 0.0], 1.0),  # unparsed left out
        ([None, None, 2.0], [1.0, 2.0, 3.0], None),  # one scored example left
        ([1e9 + 1, 1e9 + 2, 1e9 + 3], [1.0, 2.0, 3.0], 1.0),  # large offset, no cancellation
    ],
)
def test_pearson(predictions: list, references: list, expected: float | None) -> None:
    value = metric("pearson")(predictions, references)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=1e-12)


def test_pearson_reports_the_unparsed_count() -> None:
    predictions = [Prediction(1.0, "1"), Prediction(None, "high", "no number"), Prediction(3.0, "3")]
    result = score("pearson", predictions, [1.0, 2.0, 3.5], n_boot=50)
    assert result.n == 3 and result.n_unparsed == 1
    assert result.details["n_scored"] == 2
    assert "left out of the correlation" in result.note


PICO = ["I-PAR", "I-INT", "I-OUT"]


def _macro(per_class: list[float]) -> float:
    return sum(per_class) / len(per_class)


@pytest.mark.parametrize(
    ("predictions", "references", "options", "expected"),
    [
        ([["O", "I-PAR", "I-INT"]], [["O", "I-PAR", "I-INT"]], {"labels": PICO}, _macro([1, 1, 0])),
        ([["O", "I-PAR", "I-INT"]], [["O", "I-PAR", "I-INT"]], {}, 1.0),
        # I-PAR: tp1 p2 g1 -> 2/3 ; I-INT: tp0 p0 g1 -> 0
        ([["I-PAR", "I-PAR", "O"]], [["O", "I-PAR", "I-INT"]], {}, _macro([2 / 3, 0])),
        ([None], [["O", "I-PAR"]], {}, 0.0),  # unparsed: all outside
        ([[]], [["O", "I-PAR"]], {}, 0.0),  # nothing predicted: all outside
        # pooled over documents, not averaged per document
        ([["I-PAR"], ["O", "O"]], [["I-PAR"], ["I-PAR", "O"]], {}, 2 * 1 / (1 + 2)),
        # a custom outside label
        ([["none", "P"]], [["none", "P"]], {"outside": "none"}, 1.0),
    ],
)
def test_token_f1_on_labels(predictions: list, references: list, options: dict, expected: float) -> None:
    assert metric("token_f1")(predictions, references, options) == pytest.approx(expected)


TEXT = "Forty adult patients with asthma received budesonide twice daily"
GOLD = AnnotatedText(TEXT, (Span(0, 32, "PAR"), Span(42, 52, "INT")))


def test_token_f1_on_text() -> None:
    # gold tokens: PAR x5 (Forty adult patients with asthma), INT x1 (budesonide)
    assert metric("token_f1")([list(GOLD.spans)], [GOLD]) == 1.0
    # strings aligned to the text: "adult patients" gives 2 of the 5 PAR tokens
    value = metric("token_f1")([[("PAR", "adult patients"), ("INT", "budesonide")]], [GOLD])
    assert value == pytest.approx(_macro([2 * 2 / (2 + 5), 1.0]))
    # token labels predicted directly, one per whitespace token
    labels = ["PAR"] * 5 + ["O", "INT", "O", "O"]
    assert metric("token_f1")([labels], [GOLD]) == 1.0
    with pytest.raises(ValueError, match="expected 9 token labels"):
        metric("token_f1")([["PAR"]], [GOLD])


def test_token_f1_without_text_counts_bags_of_tokens() -> None:
    result = score("token_f1", [[("PAR", "adult patients")]], [[("PAR", "forty adult patients")]], n_boot=0)
    assert result.value == pytest.approx(2 * 2 / (2 + 3))
    assert "bags of mention tokens" in result.note


def test_token_f1_with_gold_classes_outside_the_labels_option_is_undefined() -> None:
    result = score("token_f1", [["I-PAR"]], [["I-PAR"]], options={"labels": ["Participant"]})
    assert result.value is None
    assert "gold class 'I-PAR' is not in the 'labels' option" in result.note


def test_token_f1_classes_spelled_alike() -> None:
    gold = [[("Participant", "forty adult patients")]]
    assert metric("token_f1")([[("participants", "forty adult patients")]], gold) == 1.0
    assert metric("token_f1")([["o", "i-par"]], [["O", "I-PAR"]], {"labels": ["I-PAR"]}) == 1.0
