"""Output parsers, table-driven: what each canonical and tolerated format reads as."""

from __future__ import annotations

import pytest
from bioeval.metrics.parsers import PARSERS, parse_label, parse_label_list, parse_number
from bioeval.metrics.types import Span

YES_NO = ["yes", "no", "maybe"]


@pytest.mark.parametrize(
    ("text", "choices", "expected"),
    [
        ("yes", YES_NO, "yes"),
        ("Yes.", YES_NO, "yes"),
        ('"No"', YES_NO, "no"),
        ("  MAYBE  \n", YES_NO, "maybe"),
        ("Answer: no", YES_NO, "no"),
        ("The answer is maybe.", YES_NO, "maybe"),
        ("(B) no", YES_NO, "no"),
        ("(B)", YES_NO, "no"),
        ("B.", YES_NO, "no"),
        ("C) maybe", YES_NO, "maybe"),
        ("A: yes", YES_NO, "yes"),
        ("B", YES_NO, "no"),
        ("yes, because the abstract reports a significant effect", YES_NO, "yes"),
        ("no\nThe study found nothing", YES_NO, "no"),
        ("**yes**", YES_NO, "yes"),
        ("CPR:4", ["CPR:3", "CPR:4", "false"], "CPR:4"),
        ("entailment", ["entailment", "neutral", "contradiction"], "entailment"),
        ("DDI-effect", ["DDI-false", "DDI-effect", "DDI-mechanism"], "DDI-effect"),
        ("not entailment", ["entailment", "not entailment"], "not entailment"),
    ],
)
def test_label_reads(text: str, choices: list[str], expected: str) -> None:
    prediction = parse_label(text, choices)
    assert prediction.parsed, prediction.error
    assert prediction.value == expected
    assert prediction.raw == text


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("", YES_NO),
        ("I cannot tell from this abstract", YES_NO),
        ("B) yes", YES_NO),  # the letter and the text disagree
        ("(E)", YES_NO),  # no fifth choice
        ("nope", YES_NO),
        ("yesterday", YES_NO),  # a choice as a word prefix is not the choice
        ("yes", []),
    ],
)
def test_label_unparsed(text: str, choices: list[str]) -> None:
    prediction = parse_label(text, choices)
    assert not prediction.parsed
    assert prediction.value is None
    assert prediction.error


HALLMARKS = ["evading growth suppressors", "inducing angiogenesis", "resisting cell death"]


@pytest.mark.parametrize(
    ("text", "expected", "parsed"),
    [
        ("none", frozenset(), True),
        ("None.", frozenset(), True),
        ("inducing angiogenesis", frozenset({"inducing angiogenesis"}), True),
        (
            "inducing angiogenesis, resisting cell death",
            frozenset({"inducing angiogenesis", "resisting cell death"}),
            True,
        ),
        ("Resisting cell death; Inducing angiogenesis", frozenset(HALLMARKS[1:]), True),
        ("- inducing angiogenesis\n- resisting cell death", frozenset(HALLMARKS[1:]), True),
        ("A, C", frozenset({"evading growth suppressors", "resisting cell death"}), True),
        # partly unreadable: the readable labels are kept, the example is counted as unparsed
        ("inducing angiogenesis, time travel", frozenset({"inducing angiogenesis"}), False),
        ("time travel", None, False),
        ("", None, False),
    ],
)
def test_label_list(text: str, expected: frozenset[str] | None, parsed: bool) -> None:
    prediction = parse_label_list(text, HALLMARKS)
    assert prediction.value == expected
    assert prediction.parsed is parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Resisting cell death and Inducing angiogenesis", {"resisting cell death", "inducing angiogenesis"}),
        ("activating invasion and metastasis", {"activating invasion and metastasis"}),
        ("activating invasion and metastasis and resisting cell death",
         {"activating invasion and metastasis", "resisting cell death"}),
        ("resisting cell death and inducing angiogenesis, evading growth suppressors",
         {"resisting cell death", "inducing angiogenesis", "evading growth suppressors"}),
    ],
)
def test_label_list_joined_with_and(text: str, expected: set[str]) -> None:
    """PromptSource's ``labels | join(' and ')``; a label holding "and" stays whole."""
    labels = [*HALLMARKS, "activating invasion and metastasis"]
    prediction = parse_label_list(text, labels)
    assert prediction.value == frozenset(expected) and prediction.parsed


def test_label_list_letters_from_the_unified_family() -> None:
    prediction = parse_label_list("A, C", ["A", "B", "C", "D"])
    assert prediction.value == frozenset({"A", "C"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3.0),
        ("3.5", 3.5),
        (" 2.0 out of 4", 2.0),
        ("Score: 4", 4.0),
        ("-1", -1.0),
        (".5", 0.5),
        ("I would say three.", 3.0),
        ("Two, maybe 3", 2.0),
        ("similarity 1 (low)", 1.0),
    ],
)
def test_number(text: str, expected: float) -> None:
    prediction = parse_number(text)
    assert prediction.parsed
    assert prediction.value == expected


@pytest.mark.parametrize("text", ["", "very similar", "none"])
def test_number_unparsed(text: str) -> None:
    prediction = parse_number(text)
    assert not prediction.parsed and prediction.value is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aspirin; ibuprofen", ("aspirin", "ibuprofen")),
        ("aspirin\nibuprofen", ("aspirin", "ibuprofen")),
        ("aspirin, ibuprofen", ("aspirin", "ibuprofen")),
        ("1,2-dichloroethane, aspirin", ("1,2-dichloroethane", "aspirin")),
        ("1,2-dichloroethane; 2,4-D", ("1,2-dichloroethane", "2,4-D")),
        ("1. aspirin\n2. ibuprofen", ("aspirin", "ibuprofen")),
        ("- aspirin\n- ibuprofen\n", ("aspirin", "ibuprofen")),
        ('"aspirin"; "aspirin"', ("aspirin", "aspirin")),  # repeats are kept
        ("none", ()),
        ("None.", ()),
        ("", ()),
        ("aspirin, ibuprofen; naproxen", ("aspirin, ibuprofen", "naproxen")),
        # tokenized punctuation (space before) belongs to the mention
        ("colorectal , breast and other cancers", ("colorectal , breast and other cancers",)),
        ("t ( 14 ; 19 ); Bcl-3", ("t ( 14 ; 19 )", "Bcl-3")),
        ("t ( 14 ; 19 )", ("t ( 14 ; 19 )",)),
    ],
)
def test_entity_list(text: str, expected: tuple[str, ...]) -> None:
    prediction = PARSERS["entity_list"].parse(text, ())
    assert prediction.parsed
    assert prediction.value == expected


TYPES = ["Chemical", "Disease", "cell_type"]


@pytest.mark.parametrize(
    ("text", "expected", "parsed"),
    [
        ("Chemical: aspirin...ibuprofen\nDisease: none", (("Chemical", "aspirin"), ("Chemical", "ibuprofen")), True),
        ("chemical: aspirin\nDISEASE: headache", (("Chemical", "aspirin"), ("Disease", "headache")), True),
        ("Chemicals: aspirin", (("Chemical", "aspirin"),), True),
        ("cell type: T cells ... B cells", (("cell_type", "T cells"), ("cell_type", "B cells")), True),
        ("Chemical: none\nDisease: none", (), True),
        ("Chemical: 5-HT: serotonin", (("Chemical", "5-HT: serotonin"),), True),
        ("Chemical: aspirin\nGene: BRCA1", (("Chemical", "aspirin"),), False),
        ("Chemical: aspirin\nsome chatter", (("Chemical", "aspirin"),), False),
        ("aspirin, ibuprofen", None, False),
        ("", None, False),
    ],
)
def test_typed_entities(text: str, expected: tuple[tuple[str, str], ...] | None, parsed: bool) -> None:
    prediction = PARSERS["typed_entities"].parse(text, TYPES)
    assert prediction.value == expected
    assert prediction.parsed is parsed


@pytest.mark.parametrize(
    ("text", "expected", "parsed"),
    [
        ("[aspirin <Chemical>] [headache <Disease>]", (("Chemical", "aspirin"), ("Disease", "headache")), True),
        ("[aspirin <Chemical>], and [acute renal failure <disease>].", (("Chemical", "aspirin"), ("Disease", "acute renal failure")), True),
        ("[ T cells <cell type> ]", (("cell_type", "T cells"),), True),
        ("none", (), True),
        ("[aspirin <Chemical>] [BRCA1 <Gene>]", (("Chemical", "aspirin"),), False),
        ("[BRCA1 <Gene>]", None, False),
        ("aspirin and headache", None, False),
        ("", None, False),
    ],
)
def test_tagged_entities(text: str, expected: tuple[tuple[str, str], ...] | None, parsed: bool) -> None:
    prediction = PARSERS["tagged_entities"].parse(text, TYPES)
    assert prediction.value == expected
    assert prediction.parsed is parsed


def test_spans_and_token_labels_from_text() -> None:
    spans = PARSERS["spans"].parse('[{"start": 0, "end": 7, "type": "Chemical"}, [8, 12, "Disease"]]', TYPES)
    assert spans.value == (Span(0, 7, "Chemical"), Span(8, 12, "Disease"))
    assert not PARSERS["spans"].parse('[{"start": 3, "end": 1, "type": "Chemical"}]', TYPES).parsed
    assert not PARSERS["spans"].parse("not json", TYPES).parsed
    assert PARSERS["token_labels"].parse("O I-PAR I-PAR", ()).value == ("O", "I-PAR", "I-PAR")
    assert PARSERS["token_labels"].parse('["O", "I-INT"]', ()).value == ("O", "I-INT")


@pytest.mark.parametrize(
    ("kind", "value", "choices", "expected"),
    [
        ("label", "yes", YES_NO, "yes"),
        ("label", "Yes", YES_NO, "yes"),
        ("label", 1, ["0", "1"], "1"),
        ("number", 2, (), 2.0),
        ("number", "3.5", (), 3.5),
        ("label_list", ["inducing angiogenesis"], HALLMARKS, frozenset({"inducing angiogenesis"})),
        ("label_list", [], HALLMARKS, frozenset()),
        ("entity_list", ["aspirin", "ibuprofen"], (), ("aspirin", "ibuprofen")),
        ("typed_entities", [["chemical", "aspirin"]], TYPES, (("Chemical", "aspirin"),)),
        ("typed_entities", [{"type": "Disease", "text": "pain"}], TYPES, (("Disease", "pain"),)),
        ("spans", [{"start": 0, "end": 7, "type": "Chemical"}], TYPES, (Span(0, 7, "Chemical"),)),
        ("token_labels", ["O", "I-PAR"], (), ("O", "I-PAR")),
    ],
)
def test_json_values(kind: str, value: object, choices: list[str], expected: object) -> None:
    assert PARSERS[kind].read_json(value, choices).value == expected


@pytest.mark.parametrize(
    ("kind", "value", "choices", "expected_words"),
    [
        ("label", "perhaps", YES_NO, "expected one of"),
        ("label", ["yes"], YES_NO, "expected a label"),
        ("number", "high", (), "expected a number"),
        ("number", True, (), "expected a number"),
        ("number", float("nan"), (), "finite"),
        ("label_list", "inducing angiogenesis", HALLMARKS, "expected a list of labels"),
        ("entity_list", "aspirin", (), "expected a list of entity strings"),
        ("entity_list", ["aspirin", 3], (), "expected a list of entity strings"),
        ("typed_entities", [["Gene", "BRCA1"]], TYPES, "expected an entity type"),
        ("typed_entities", ["aspirin"], TYPES, "pair"),
        ("spans", [{"start": 0, "type": "Chemical"}], TYPES, '"start", "end", "type"'),
        ("spans", [[5, 2, "Chemical"]], TYPES, "0 <= start <= end"),
        ("token_labels", "O O", (), "expected a list of token labels"),
    ],
)
def test_json_values_of_the_wrong_shape(kind: str, value: object, choices: list[str], expected_words: str) -> None:
    with pytest.raises(ValueError, match=expected_words.replace("(", r"\(").replace(")", r"\)")):
        PARSERS[kind].read_json(value, choices)


def test_every_parser_declares_generation_settings() -> None:
    for name, parser in PARSERS.items():
        assert parser.name == name
        assert parser.max_new_tokens > 0
        assert all(parser.stop)  # no empty stop string (it would end every generation at once)
        assert parser.shape
    # short answers run to max_new_tokens: a newline stop would cut a reply that opens with one
    assert PARSERS["label"].stop == () and PARSERS["number"].stop == ()
    assert PARSERS["label"].parse("\n\nyes, it is", ["yes", "no"]).value == "yes"
    assert PARSERS["number"].parse("\n\nThe score is 3.5.\n\nSentence", []).value == 3.5
