"""Accuracy, micro-F1 over positive classes, macro-F1 and example-based F1, table-driven."""

from __future__ import annotations

import math

import pytest
from bioeval.metrics.registry import metric
from bioeval.metrics.scoring import score

NEG = {"negative": "false"}


def _value(name: str, predictions: list, references: list, options: dict | None = None) -> float | None:
    return metric(name)(predictions, references, options)


@pytest.mark.parametrize(
    ("predictions", "references", "expected"),
    [
        (["yes", "no", "yes"], ["yes", "no", "no"], 2 / 3),
        (["yes", None, "no"], ["yes", "no", "no"], 2 / 3),  # unparsed is wrong
        ([None, None], ["yes", "no"], 0.0),
        (["a"], ["a"], 1.0),
        ([], [], None),  # no examples: undefined
    ],
)
def test_accuracy(predictions: list, references: list, expected: float | None) -> None:
    value = _value("accuracy", predictions, references)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("predictions", "references", "options", "expected"),
    [
        # tp=1 (CPR:3), predicted positives=2, gold positives=2 -> P=R=F=0.5
        (["CPR:3", "CPR:4", "false", "false"], ["CPR:3", "false", "CPR:9", "false"], NEG, 0.5),
        # negatives predicted for negatives do not count at all
        (["false", "false"], ["false", "false"], NEG, None),
        # nothing predicted positive, gold positives exist -> 0
        (["false", "false"], ["CPR:3", "false"], NEG, 0.0),
        # positives predicted, no gold positive -> 0
        (["CPR:3", "false"], ["false", "false"], NEG, 0.0),
        # an unparsed prediction of a positive gold is a false negative only: P=1, R=1/2
        (["CPR:3", None], ["CPR:3", "CPR:4"], NEG, 2 / 3),
        # an unparsed prediction of a negative gold changes nothing
        (["CPR:3", None], ["CPR:3", "false"], NEG, 1.0),
        # explicit label set: only CPR:3 is positive; a prediction outside it is ignored (sklearn)
        (["CPR:3", "CPR:4"], ["CPR:3", "false"], {"labels": ["CPR:3", "false"], "negative": "false"}, 1.0),
        # no negative class: micro-F1 over all classes equals accuracy for single labels
        (["a", "b", "b"], ["a", "b", "a"], {}, 2 / 3),
        ([], [], NEG, None),
    ],
)
def test_micro_f1(predictions: list, references: list, options: dict, expected: float | None) -> None:
    value = _value("micro_f1", predictions, references, options)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("predictions", "references", "options", "expected"),
    [
        # a: tp1 p1 g2 -> 2/3 ; b: tp1 p2 g1 -> 2/3
        (["a", "b", "b"], ["a", "b", "a"], {}, 2 / 3),
        # a class in labels that is never predicted nor gold scores 0
        (["a"], ["a"], {"labels": ["a", "c"]}, 0.5),
        # the negative class is left out of the average
        (["a", "false"], ["a", "false"], {"negative": "false"}, 1.0),
        # multi-label sets: a: tp1 p1 g2 -> 2/3 ; b: tp0 p1 g0 -> 0 ; c: tp1 p1 g1 -> 1
        ([{"a", "b"}, {"c"}], [{"a"}, {"a", "c"}], {}, (2 / 3 + 0 + 1) / 3),
        ([None], ["a"], {}, 0.0),
        ([], [], {}, None),
    ],
)
def test_macro_f1(predictions: list, references: list, options: dict, expected: float | None) -> None:
    value = _value("macro_f1", predictions, references, options)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


def _blue_f(precisions: list[float], recalls: list[float]) -> float:
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.mark.parametrize(
    ("predictions", "references", "expected"),
    [
        ([{"a"}], [{"a"}], 1.0),
        # P=1/2, R=1 on one example
        ([{"a", "b"}], [{"a"}], _blue_f([0.5], [1.0])),
        # P and R averaged over examples first, then F (BLUE's eval_hoc)
        ([{"a", "b"}, {"c"}], [{"a"}, {"c", "d"}], _blue_f([0.5, 1.0], [1.0, 0.5])),
        # empty gold, empty prediction: a correct "none"
        ([frozenset()], [frozenset()], 1.0),
        # empty gold, something predicted: P = R = 0
        ([{"a"}, {"a"}], [frozenset(), {"a"}], _blue_f([0.0, 1.0], [0.0, 1.0])),
        # nothing predicted for a non-empty gold: P = R = 0 (BLUE sets P = 0)
        ([frozenset(), {"a"}], [{"a"}, {"a"}], _blue_f([0.0, 1.0], [0.0, 1.0])),
        # unparsed: P = R = 0 even where the gold is empty
        ([None, {"a"}], [frozenset(), {"a"}], _blue_f([0.0, 1.0], [0.0, 1.0])),
        ([None], [{"a"}], 0.0),
        ([], [], None),
    ],
)
def test_example_f1(predictions: list, references: list, expected: float | None) -> None:
    value = _value("example_f1", predictions, references)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)
        assert not math.isnan(value)


def test_lengths_must_match() -> None:
    for name in ("accuracy", "micro_f1", "macro_f1", "example_f1"):
        with pytest.raises(ValueError, match="2 predictions for 1 references"):
            _value(name, ["a", "b"], ["a"])


@pytest.mark.parametrize("name", ["micro_f1", "macro_f1"])
def test_gold_labels_outside_the_labels_option_make_the_score_undefined(name: str) -> None:
    # e.g. answer letters scored against the view's label names: undefined, never a silent 0
    result = score(name, ["A", "B"], ["A", "B"], options={"labels": ["CPR:3", "false"], "negative": "false"})
    assert result.value is None
    assert "gold label 'A' is not in the 'labels' option" in result.note
