"""Answer-order statistics on hand-made cases whose answers are known, the option parser on
real-looking generations, and the seeded orders of ``--permute-choices``."""

from __future__ import annotations

import pytest

from bioeval.metrics.choice_parser import parse_option
from bioeval.metrics.permutation import OrderedAnswer, permutation_scores
from bioeval.run.permute import orders, permuted
from bioeval.tasks.core.schemas import Example, QARecord

IDENTITY, SHIFTED = (0, 1, 2, 3), (1, 2, 3, 0)  # SHIFTED shows original option 1 at A, 2 at B ...


def _scores(answers: list[OrderedAnswer]) -> dict[str, float | None]:
    return {score.metric: score.value for score in permutation_scores(answers)}


def test_a_model_that_always_answers_a_flips_and_is_biased() -> None:
    # two questions, right answer originally C (index 2); order 1 shows it at B
    answers = [
        OrderedAnswer(q, k, order, 0, order.index(2))
        for q in ("q1", "q2") for k, order in ((0, IDENTITY), (1, SHIFTED))
    ]
    scores = _scores(answers)
    assert scores["accuracy_p0"] == scores["accuracy_p1"] == 0.0
    assert scores["flip_rate"] == 1.0  # "A" is option 0 under one order and option 1 under the other
    assert scores["accuracy_voted"] == 0.0
    # chosen: A 4/4; right: C 2/4 (identity), B 2/4 (shifted) -> distance 0.5 * (1 + 0.5 + 0.5) = 1.0
    assert scores["position_bias"] == pytest.approx(1.0)


def test_a_model_that_follows_the_option_text_never_flips() -> None:
    # it picks original option 2 wherever it is shown: right on q1 (gold 2), wrong on q2 (gold 3)
    answers = [
        OrderedAnswer(q, k, order, order.index(2), order.index(gold))
        for q, gold in (("q1", 2), ("q2", 3)) for k, order in ((0, IDENTITY), (1, SHIFTED))
    ]
    scores = _scores(answers)
    assert scores["flip_rate"] == 0.0
    assert scores["accuracy_p0"] == scores["accuracy_p1"] == scores["accuracy_voted"] == 0.5
    # chosen positions: C, B, C, B; right positions: C, B, D, C -> chosen B .5 C .5, right B .25 C .5 D .25
    assert scores["position_bias"] == pytest.approx(0.25)


def test_voting_over_orders_and_unreadable_answers() -> None:
    third = (2, 3, 0, 1)
    answers = [  # q1's right answer is original 0; it is chosen under 2 of 3 orders, once unreadable
        OrderedAnswer("q1", 0, IDENTITY, 0, 0),
        OrderedAnswer("q1", 1, SHIFTED, SHIFTED.index(0), SHIFTED.index(0)),
        OrderedAnswer("q1", 2, third, None, third.index(0)),
    ]
    by_name = {score.metric: score for score in permutation_scores(answers)}
    assert by_name["accuracy_voted"].value == 1.0
    assert by_name["flip_rate"].value == 1.0  # an unreadable answer is a different choice
    assert by_name["accuracy_p2"].value == 0.0 and by_name["accuracy_p2"].n_unparsed == 1
    assert by_name["position_bias"].details["positions"]["A"] == {"chosen": 0.5, "right": 1 / 3}


OPTIONS = ("Bladder", "Kidney", "Ureter", "Urethra")
LETTER_CHOICES = ("A", "B", "C", "D")


@pytest.mark.parametrize(
    ("generation", "expected"),
    [
        ("B", "B"),
        (" (B)", "B"),
        ("B.", "B"),
        ("Answer: B", "B"),
        ("The answer is (C).", "C"),
        ("Kidney", "B"),
        ("the kidney.", "B"),
        ("C. Ureter", "C"),
        ("Let's think step by step. Urine is made in the kidney and stored in the bladder, "
         "which collects it before it leaves through the urethra.\nAnswer: A", "A"),
        ("The bladder stores urine; the ureter only carries it. So the final answer is D", "D"),
        ("Reasoning: options B and C carry urine.\n\nTherefore, the answer is: (A) Bladder", "A"),
        ("Urine is collected by the organ below.\nUrethra", "D"),
    ],
)
def test_option_parser_reads_real_looking_generations(generation: str, expected: str) -> None:
    prediction = parse_option(generation, LETTER_CHOICES, OPTIONS)
    assert prediction.error is None and prediction.value == expected


@pytest.mark.parametrize(
    "generation",
    ["", "I am not sure.", "E", "Answer: E", "B. Ureter", "Let's think step by step. Urine is made ..."],
)
def test_option_parser_counts_what_it_cannot_read(generation: str) -> None:
    prediction = parse_option(generation, LETTER_CHOICES, OPTIONS)
    assert prediction.value is None and prediction.error


def test_option_parser_answers_in_the_prompts_own_choices() -> None:
    # a cloze prompt's choices are the option texts: a letter is read as the text it stands for
    assert parse_option("(C)", OPTIONS, OPTIONS).value == "Ureter"
    assert parse_option("Answer: kidney", OPTIONS, OPTIONS).value == "Kidney"


def _question(qid: str, n: int) -> Example:
    options = tuple(f"option {i}" for i in range(n))
    record = QARecord(qid, qid, qid, "Q?", "multiple_choice", options, "", (options[1],))
    return Example("medqa", "test", record)


def test_orders_start_with_the_identity_are_seeded_and_distinct() -> None:
    drawn = orders("q1", 4, 6, seed=0)
    assert drawn[0] == (0, 1, 2, 3) and len(set(drawn)) == 6
    assert drawn == orders("q1", 4, 6, seed=0)
    assert drawn != orders("q1", 4, 6, seed=1) and drawn != orders("q2", 4, 6, seed=0)
    assert orders("yn", 2, 3, seed=0) == [(0, 1), (1, 0), (1, 0)]  # two options have two orders


def test_permuted_questions_keep_their_answer_and_record_the_order() -> None:
    shown = permuted([_question("q1", 4), _question("q2", 4)], 3, seed=0)
    assert [s.example.id for s in shown] == ["q1", "q2", "q1@p1", "q2@p1", "q1@p2", "q2@p2"]
    for item in shown:
        record = item.example.record
        assert isinstance(record, QARecord) and item.order is not None
        assert record.answer == ("option 1",)
        assert record.choices == tuple(f"option {i}" for i in item.order)
    assert permuted([_question("q1", 4)], 1, seed=0)[0].permutation is None
