"""Turning generated text into predictions; every failure is returned, never guessed.

``PARSERS[kind].parse(text, choices) -> Prediction`` for each output kind; ``choices`` are the
prompt's answer choices (labels), or the view's entity types for typed entity outputs.
``PARSERS[kind].coerce(value, choices)`` reads the same prediction from a JSON value (an
external predictions file) and raises ``ValueError`` saying what was expected.

Canonical formats (prompt targets are written in exactly these):

- ``label``: one answer choice. Tolerated: case, surrounding quotes and punctuation, a leading
  "Answer:" / "The answer is", an answer letter ("(B)", "B.", "B)", "B:" or a lone "B", alone
  or followed by the choice's text), and a choice followed by an explanation ("yes, because
  ..."). When the letter and the text name different choices, or no choice (or more than one of
  the same length) starts the answer, the output is unparsed.
- ``label_list``: labels separated by ", ", ";", newlines or " and " (where the parts are whole
  labels), each read as a ``label``; "none" alone is the empty set. A partly unreadable list keeps the labels it could read as its value
  and is marked with an error, so it is scored on what it says and counted as unparsed.
- ``number``: the first number in the text ("3", "3.5", "-1", ".5"), or the first number word
  zero .. twenty, whichever comes first.
- ``text``: the output as it is (stripped), for metrics that read raw text (MedINST32).
- ``entity_list``, ``typed_entities``, ``tagged_entities``, ``spans``, ``token_labels``: see
  ``bioeval.metrics.entity_parsers``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bioeval.errors import shorten
from bioeval.metrics import entity_parsers
from bioeval.metrics.entity_parsers import NONE_WORDS, split_items
from bioeval.metrics.types import Prediction

_LETTER = re.compile(r"^\(?([A-Za-z])(?:[\).:]\s*|\s*$)")
_ANSWER_PREFIX = re.compile(
    r"^\s*(?:(?:the\s+)?(?:final\s+|correct\s+)?answer(?:\s+is)?|label|output|prediction)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d+)?|\.\d+)")
_NUMBER_WORDS = {
    word: float(value)
    for value, word in enumerate(
        [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty",
        ]
    )
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def normalize_label(text: str) -> str:
    """Lower case, inner whitespace collapsed, surrounding punctuation, quotes, markup removed."""
    text = " ".join(text.lower().split())
    return text.strip(" \t\n.,;:!?\"'`()[]{}*_")


def strip_answer_prefix(text: str) -> str:
    """``text`` without a leading "Answer:", "The answer is", "Label:" and the like."""
    return _ANSWER_PREFIX.sub("", text.strip(), count=1)


def parse_label(text: str, choices: Sequence[str]) -> Prediction:
    """The answer choice a generated text names (rules in the module docstring)."""
    if not choices:
        return Prediction(value=None, raw=text, error="no answer choices to match")
    value, error = read_label(text, choices)
    return Prediction(value=value, raw=text, error=error)


def read_label(text: str, choices: Sequence[str]) -> tuple[str | None, str | None]:
    """(choice, None) or (None, why not)."""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(normalize_label(choice), choice)
    body = strip_answer_prefix(text)
    candidate = normalize_label(body)
    if candidate in by_key:
        return by_key[candidate], None
    letter = _LETTER.match(body.strip())
    if letter:
        rest = normalize_label(body.strip()[letter.end() :])
        index = ord(letter.group(1).upper()) - ord("A")
        by_letter = choices[index] if 0 <= index < len(choices) else None
        named = by_key.get(rest) or _starting_choice(rest, by_key)
        if named is not None and by_letter is not None and named != by_letter:
            return None, f"answer letter {letter.group(1)!r} and text {rest!r} name different choices"
        if named is not None:
            return named, None
        if by_letter is not None and not rest:
            return by_letter, None
    first_line = normalize_label(body.strip().split("\n", 1)[0])
    named = _starting_choice(first_line, by_key)
    if named is not None:
        return named, None
    return None, f"not one of {list(choices)}"


def _starting_choice(text: str, by_key: dict[str, str]) -> str | None:
    """The one choice the text starts with (the longest, when one choice extends another)."""
    starts = [key for key in by_key if key and _starts_with_word(text, key)]
    if not starts:
        return None
    longest = max(len(key) for key in starts)
    best = [key for key in starts if len(key) == longest]
    return by_key[best[0]] if len(best) == 1 else None


def _starts_with_word(text: str, word: str) -> bool:
    return text == word or (
        text.startswith(word) and not (text[len(word)].isalnum() and word[-1].isalnum())
    )


def parse_label_list(text: str, choices: Sequence[str]) -> Prediction:
    """A set of answer choices (multi-label); "none" alone is the empty set."""
    if not choices:
        return Prediction(value=None, raw=text, error="no answer choices to match")
    body = strip_answer_prefix(text)
    if not body.strip():
        return Prediction(value=None, raw=text, error="empty output")
    if normalize_label(body) in NONE_WORDS:
        return Prediction(value=frozenset(), raw=text)
    whole, _ = read_label(body, choices)
    if whole is not None and normalize_label(body) == normalize_label(whole):
        return Prediction(value=frozenset({whole}), raw=text)
    found: set[str] = set()
    unknown: list[str] = []
    for item in split_items(body, always_split_commas=True):
        if normalize_label(item) in NONE_WORDS:
            continue
        joined = split_on_and(item, choices)
        if joined is not None:
            found.update(joined)
            continue
        label, _ = read_label(item, choices)
        if label is None:
            unknown.append(item)
        else:
            found.add(label)
    if unknown and not found:
        return Prediction(value=None, raw=text, error=f"no item is one of {list(choices)}")
    if unknown:
        return Prediction(value=frozenset(found), raw=text, error=f"unmatched items: {unknown}")
    return Prediction(value=frozenset(found), raw=text)


def split_on_and(item: str, choices: Sequence[str]) -> list[str] | None:
    """The choices an item joins with " and " ("Resisting cell death and Tumor promoting
    inflammation", as PromptSource's ``labels | join(' and ')`` writes them), when the whole item
    is two or more choices so joined; a choice that itself holds " and " ("Activating invasion
    and metastasis") stays whole. None when the item is not such a join."""
    by_key = {normalize_label(choice): choice for choice in choices}
    words = normalize_label(item).split(" and ")
    if len(words) < 2 or " and ".join(words) in by_key:
        return None
    # best[i]: a split of words[:i] into choices, fewest pieces first (None: no split)
    best: list[list[str] | None] = [[]] + [None] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(end):
            head, piece = best[start], " and ".join(words[start:end])
            if head is not None and piece in by_key:
                candidate = [*head, by_key[piece]]
                if best[end] is None or len(candidate) < len(best[end] or ()):
                    best[end] = candidate
    found = best[len(words)]
    return found if found is not None and len(found) > 1 else None


def parse_number(text: str, choices: Sequence[str] | None = None) -> Prediction:
    """The first number in the text ("3", "3.5", "Score: 2", "three")."""
    digits = _NUMBER.search(text)
    word = _NUMBER_WORD.search(text)
    if digits is None and word is None:
        return Prediction(value=None, raw=text, error="no number")
    if digits is not None and (word is None or digits.start() <= word.start()):
        return Prediction(value=float(digits.group(0)), raw=text)
    assert word is not None
    return Prediction(value=_NUMBER_WORDS[word.group(1).lower()], raw=text)


# ---------------------------------------------------------------- JSON values (predictions files)


def coerce_label(value: Any, choices: Sequence[str]) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected a label (one of {list(choices)}), got {shorten(value)}")
    label = str(value)
    if not choices or label in choices:
        return label
    read, _ = read_label(label, choices)
    if read is None:
        raise ValueError(f"expected one of {list(choices)}, got {shorten(value)}")
    return read


def coerce_label_list(value: Any, choices: Sequence[str]) -> frozenset[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"expected a list of labels (each one of {list(choices)}), got {shorten(value)}")
    return frozenset(coerce_label(item, choices) for item in value)


def coerce_number(value: Any, choices: Sequence[str] = ()) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {shorten(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {shorten(value)}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {shorten(value)}")
    return number


def parse_text(text: str, choices: Sequence[str] | None = None) -> Prediction:
    """The output as it is, surrounding whitespace removed (MedINST32's rules read raw text)."""
    return Prediction(value=text.strip(), raw=text)


def coerce_text(value: Any, choices: Sequence[str] = ()) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {shorten(value)}")
    return value.strip()


@dataclass(frozen=True)
class OutputParser:
    """How a kind of output is generated, read back from text, and read from JSON."""

    name: str
    parse: Callable[[str, Sequence[str]], Prediction]
    max_new_tokens: int
    # generation stops at these (and at the end-of-sequence token). Short answers (a label, a
    # number) have none: many models open with a line break or two, which a newline stop would
    # cut to an empty output; they run to max_new_tokens and the parser reads the first answer.
    stop: tuple[str, ...]
    coerce: Callable[[Any, Sequence[str]], Any]
    shape: str  # what a JSON prediction of this kind looks like, for error messages

    def read_json(self, value: Any, choices: Sequence[str] = ()) -> Prediction:
        """A Prediction from a JSON value; ValueError (with what was expected) on a wrong shape."""
        return Prediction(value=self.coerce(value, choices), raw=repr(value))


PARSERS: dict[str, OutputParser] = {
    # MedINST32 as its authors run it: greedy, up to 1024 new tokens, read as it is
    "text": OutputParser("text", parse_text, 1024, (), coerce_text, "a string"),
    "label": OutputParser(
        "label", parse_label, 16, (), coerce_label, "a label string"
    ),
    "label_list": OutputParser(
        "label_list", parse_label_list, 64, ("\n\n",), coerce_label_list, "a list of label strings"
    ),
    "number": OutputParser(
        "number", parse_number, 24, (), coerce_number, "a number"
    ),
    "entity_list": OutputParser(
        "entity_list",
        entity_parsers.parse_entity_list,
        128,
        ("\n\n",),
        entity_parsers.coerce_entity_list,
        "a list of entity strings",
    ),
    "typed_entities": OutputParser(
        "typed_entities",
        entity_parsers.parse_typed_entities,
        256,
        ("\n\n",),
        entity_parsers.coerce_typed_entities,
        "a list of [type, entity string] pairs",
    ),
    "tagged_entities": OutputParser(
        "tagged_entities",
        entity_parsers.parse_tagged_entities,
        256,
        ("\n\n",),
        entity_parsers.coerce_typed_entities,
        "a list of [type, entity string] pairs",
    ),
    "spans": OutputParser(
        "spans",
        entity_parsers.parse_spans,
        256,
        ("\n\n",),
        entity_parsers.coerce_spans,
        'a list of {"start": int, "end": int, "type": str} objects',
    ),
    "token_labels": OutputParser(
        "token_labels",
        entity_parsers.parse_token_labels,
        512,
        ("\n\n",),
        entity_parsers.coerce_token_labels,
        "a list of token label strings, one per whitespace token",
    ),
}
