"""Turning generated text into predictions; every failure is returned, never guessed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

from bioeval.metrics.types import Prediction

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_LETTER = re.compile(r"^\(?([A-Za-z])[\).:]\s*")


def normalize_label(text: str) -> str:
    """Lower case, inner whitespace collapsed, surrounding punctuation and quotes removed."""
    text = " ".join(text.lower().split())
    return text.strip(" \t\n.,;:!?\"'`()[]{}*")


def parse_label(text: str, choices: Sequence[str]) -> Prediction:
    """The answer choice a generated text names: exact, "(B) yes" style, or as its first words."""
    normalized = {normalize_label(choice): choice for choice in choices}
    candidate = normalize_label(text)
    if candidate in normalized:
        return Prediction(value=normalized[candidate], raw=text)
    letter = _LETTER.match(text.strip())
    if letter:
        rest = normalize_label(text.strip()[letter.end():])
        if rest in normalized:
            return Prediction(value=normalized[rest], raw=text)
        index = ord(letter.group(1).upper()) - ord("A")
        if 0 <= index < len(choices) and (not rest or not any(k and k in rest for k in normalized)):
            return Prediction(value=choices[index], raw=text)
    first_line = normalize_label(text.strip().split("\n", 1)[0])
    starts = [choice for key, choice in normalized.items() if key and _starts_with_word(first_line, key)]
    longest = max((len(normalize_label(c)) for c in starts), default=0)
    starts = [c for c in starts if len(normalize_label(c)) == longest]
    if len(starts) == 1:
        return Prediction(value=starts[0], raw=text)
    return Prediction(value=None, raw=text, error=f"not one of {list(choices)}")


def _starts_with_word(text: str, word: str) -> bool:
    return text == word or (text.startswith(word) and not text[len(word)].isalnum())


def parse_number(text: str, choices: Sequence[str] | None = None) -> Prediction:
    """The first number in the text ("3", "3.5", "Score: 2")."""
    match = _NUMBER.search(text)
    if match is None:
        return Prediction(value=None, raw=text, error="no number")
    return Prediction(value=float(match.group(0)), raw=text)


@dataclass(frozen=True)
class OutputParser:
    """How a kind of output is generated and read back."""

    name: str
    parse: Callable[[str, Sequence[str]], Prediction]
    max_new_tokens: int
    stop: tuple[str, ...]


PARSERS: dict[str, OutputParser] = {
    "label": OutputParser("label", parse_label, max_new_tokens=16, stop=("\n",)),
    "number": OutputParser("number", parse_number, max_new_tokens=8, stop=("\n",)),
}
