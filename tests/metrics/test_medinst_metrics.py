"""MedINST32's scoring rules on hand-made cases, one table per rule, every quirk a row."""

from __future__ import annotations

import math

import pytest
from bioeval.metrics import medinst
from bioeval.metrics.registry import METRICS
from bioeval.metrics.scoring import score


def value(name: str, predictions: list, references: list) -> float | None:
    return METRICS[name](predictions, references)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Answer.", "answer"),
        ("an  apple, a pear & the fig!", "apple pear fig"),
        ("Theory of a thing", "theory of thing"),  # "the" only as a whole word
        ("", ""),
    ],
)
def test_squad_normalisation(text: str, expected: str) -> None:
    assert medinst.normalize(text) == expected


@pytest.mark.parametrize(
    ("prediction", "reference", "f1", "em"),
    [
        ("yes", "Yes.", 1.0, 1.0),
        ("the cat sat", "a cat sat down", 2 * (1.0 * 2 / 3) / (1.0 + 2 / 3), 0.0),
        ("dog", "cat", 0.0, 0.0),
        ("", "", 0.0, 1.0),  # SQuAD v1.1: no common word is F1 0, even when both are empty
        ("The", "a", 0.0, 1.0),  # both normalise to ""
        (None, "cat", 0.0, 0.0),  # no output: the empty string
        ("cat cat", "cat", 2 * 0.5 * 1.0 / 1.5, 0.0),  # words are a multiset
    ],
)
def test_squad_f1_and_em(prediction: str | None, reference: str, f1: float, em: float) -> None:
    assert value("squad_f1", [prediction], [reference]) == pytest.approx(f1)
    assert value("squad_em", [prediction], [reference]) == pytest.approx(em)


def test_rouge_l_is_stemmed_f_measure_averaged_over_examples() -> None:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    predictions = ["the patients were treated", "aspirin reduces pain", ""]
    references = ["patient treated", "aspirin reduced the pain quickly", "nothing"]
    expected = sum(
        scorer.score(r, p)["rougeL"].fmeasure for p, r in zip(predictions, references)
    ) / 3
    assert value("rougeL", predictions, references) == pytest.approx(expected)
    # stemming: "treated" / "treating" match
    assert value("rougeL", ["treating"], ["treated"]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("predictions", "references", "expected"),
    [
        # classes = gold outputs {yes, no}; per class F1: yes 2/3 (tp1 p1 g2), no 2/3 (tp1 p2 g1)
        (["yes", "no", "no"], ["yes", "yes", "no"], (2 / 3 + 2 / 3) / 2),
        # an output outside the gold labels is a miss, never a false positive of a class
        (["maybe", "no"], ["yes", "no"], (0.0 + 1.0) / 2),
        # normalised whole outputs: case, punctuation, articles
        (["Yes.", "The no"], ["yes", "no"], 1.0),
        # a label that is only predicted is no class
        (["maybe", "maybe"], ["yes", "yes"], 0.0),
        ([None], ["yes"], 0.0),
    ],
)
def test_label_macro_f1(predictions: list, references: list, expected: float) -> None:
    assert value("label_macro_f1", predictions, references) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("[aspirin <Chemical>], [fever <Disease>]", ["aspirin <Chemical>", "fever <Disease>"]),
        ("[a [nested] one] and [b]", ["a [nested] one", "b"]),  # outermost only
        ("no brackets", []),
        ("[unclosed and [closed]", []),  # the unclosed "[" swallows the rest
        ("stray] [x]", ["x"]),
        ("[]", [""]),
    ],
)
def test_bracket_items(text: str, items: list[str]) -> None:
    assert medinst.bracket_items(text) == items


@pytest.mark.parametrize(
    ("prediction", "reference", "expected"),
    [
        ("[aspirin <Chemical>]", "[Aspirin <chemical>]", 1.0),  # normalised, <type> kept
        ("[aspirin <Disease>]", "[aspirin <Chemical>]", 0.0),  # the type counts
        ("[a], [b]", "[a], [c]", 0.5),
        ("[x], [x]", "[x]", 2 * 0.5 * 1.0 / 1.5),  # multiset: a repeat is a false positive
        ("none", "none", 0.0),  # no gold and no prediction scores 0 (the authors' quirk)
        ("[x]", "no entities", 0.0),
        ("", "[x]", 0.0),
        (None, "[x]", 0.0),
    ],
)
def test_bracket_entity_f1(prediction: str | None, reference: str, expected: float) -> None:
    assert value("bracket_entity_f1", [prediction], [reference]) == pytest.approx(expected)


def test_bracket_entity_f1_averages_per_example() -> None:
    assert value("bracket_entity_f1", ["[a]", "[b]", ""], ["[a]", "[c]", ""]) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("prediction", "reference", "expected"),
    [
        ("sustaining proliferative signaling, avoiding immune destruction",
         "avoiding immune destruction, sustaining proliferative signaling", 1.0),
        ("Sustaining proliferative signaling", "sustaining proliferative signaling, tumor promoting inflammation", 2 * 1 * 0.5 / 1.5),
        ("x,y", "x, y", 0.0),  # split at ", " exactly: "x,y" is one label ("xy")
        ("", "", 1.0),  # Python's split: one empty label on each side
        ("x", "", 0.0),
        ("Sustaining proliferative signaling ", "sustaining proliferative signaling", 1.0),  # lower, strip
        ("avoiding immune destruction.", "avoiding immune destruction", 0.0),  # no SQuAD normalisation
    ],
)
def test_hoc_label_f1(prediction: str, reference: str, expected: float) -> None:
    assert value("hoc_label_f1", [prediction], [reference]) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("predictions", "references", "per_class"),
    [
        # identical tags
        (["[B] [I] [O]"], ["[B] [I] [O]"], (1.0, 1.0, 1.0)),
        # a short prediction is padded with a non-tag, a miss: B 1, I 0, O 0
        (["[B]"], ["[B] [I] [O]"], (1.0, 0.0, 0.0)),
        # a long prediction is cut to the gold length; words between tags ignored; the gold
        # holds O only, so B (only predicted) is no class
        (["word [O] other [O] [B] [B]"], ["[O] [O]"], (1.0,)),
        (["[B] [O]"], ["[O] [O]"], (2 * 1 * 0.5 / 1.5,)),
        # positions pooled over examples: B tp1 p1 g2 -> 2/3; O tp1 p2 g1 -> 2/3
        (["[B]", "[O]"], ["[B]", "[O]"], (1.0, 1.0)),
        (["[B] [O]", "[O]"], ["[B] [B]", "[O]"], (2 / 3, 2 / 3)),
        ([None], ["[B] [I]"], (0.0, 0.0)),
    ],
)
def test_bio_tag_f1(predictions: list, references: list, per_class: tuple[float, ...]) -> None:
    """Macro-F1 over the tags the gold holds (``per_class`` lists their F1s)."""
    assert value("bio_tag_f1", predictions, references) == pytest.approx(sum(per_class) / len(per_class))


@pytest.mark.parametrize(
    ("prediction", "reference", "squared_error"),
    [
        ("3", "1", 4.0),
        ("The score is 4.", "4", 0.0),
        ("5", "0", 25.0),
        ("6", "2", 25.0),  # out of range
        ("-1", "0", 1.0),  # digits only: "-1" holds the integer 1
        ("3.5", "3", 25.0),  # "3.5" holds two integers, 3 and 5
        ("2 or 3", "3", 25.0),  # more than one
        ("3, I said 3", "3", 0.0),  # the same integer twice is one integer
        ("05", "5", 0.0),
        ("none", "3", 25.0),
        ("3", "", 25.0),  # a gold without a score is penalised as well
        (None, "3", 25.0),
    ],
)
def test_biosses_mse(prediction: str | None, reference: str, squared_error: float) -> None:
    assert value("biosses_mse", [prediction], [reference]) == pytest.approx(squared_error)


def test_biosses_mse_is_lower_is_better_and_its_interval_and_comparison_follow() -> None:
    spec = METRICS["biosses_mse"]
    assert not spec.higher_is_better and spec.value_range == (0.0, 25.0)
    scored = score("biosses_mse", ["1", "2", "3", "4"], ["1", "2", "3", "0"], n_boot=200)
    assert scored.value == pytest.approx(16 / 4)
    assert scored.ci_low is not None and scored.ci_low <= scored.value <= scored.ci_high


def test_every_rule_reads_text_outputs_and_is_registered() -> None:
    for name in ("rougeL", "squad_f1", "squad_em", "label_macro_f1", "bracket_entity_f1",
                 "hoc_label_f1", "bio_tag_f1", "biosses_mse"):
        assert METRICS[name].output_kinds == ("text",)
        assert not math.isnan(METRICS[name](["x"], ["x"]) or 0.0)
