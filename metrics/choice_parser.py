"""Reading a generated answer to a multiple-choice question as one of its options.

``parse_option(text, choices, options)``: ``choices`` are the prompt's answer choices (the
letters "A".."D" for a letter prompt, or the option texts for a cloze prompt) and ``options``
the option texts in the order the prompt showed them (``choices[i]`` stands for
``options[i]``). Read, in this order:

1. a final answer after reasoning: the last "answer is B", "Answer: (B)", "final answer: B",
   "answer is option B" in the text (the letter in capitals);
2. the answer at the start: "B", "(B)", "B.", "Answer: B", "B. <its text>", or an option's text
   (``bioeval.metrics.parsers.read_label``);
   also after a leading article ("The kidney.");
3. the same on the last non-empty line of a longer answer.

Anything else is unparsed, with the reason; a letter beyond the options is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bioeval.metrics.parsers import read_label
from bioeval.metrics.types import Prediction

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FINAL = re.compile(
    r"(?i:answer)\s*(?:(?i:is|would\s+be|should\s+be)\s*)?[:\-]?\s*(?:(?i:option|choice)\s*)?"
    r"[\(\[*]*([A-Z])(?![A-Za-z0-9])"
)

_ARTICLE = re.compile(r"^\s*(?:the|an?)\s+", re.IGNORECASE)


def final_answer_index(text: str, count: int) -> int | None:
    """The option index of the last "answer is X" in ``text`` (None when there is none or
    its letter is beyond ``count`` options)."""
    found = _FINAL.findall(text)
    if not found:
        return None
    index = LETTERS.index(found[-1])
    return index if index < count else None


def parse_option(text: str, choices: Sequence[str], options: Sequence[str] | None = None) -> Prediction:
    """The answer choice ``text`` names (rules in the module docstring)."""
    if not choices:
        return Prediction(value=None, raw=text, error="no answer choices to match")
    shown = list(options) if options is not None and len(options) == len(choices) else list(choices)
    index = final_answer_index(text, len(choices))
    if index is not None:
        return Prediction(value=choices[index], raw=text)
    value, error = read_label(text, shown)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    attempts = [_ARTICLE.sub("", text, count=1), *(lines[-1:] if len(lines) > 1 else [])]
    for attempt in attempts:
        if value is None:
            value, _ = read_label(attempt, shown)
    if value is None:
        return Prediction(value=None, raw=text, error=error)
    return Prediction(value=choices[shown.index(value)], raw=text)
