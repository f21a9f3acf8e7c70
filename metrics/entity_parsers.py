"""Parsers for entity outputs: plain lists, "Type: a...b" lines, "[span <Type>]" tags, spans.

Canonical formats (prompt targets are written in exactly these):

- ``entity_list`` (BigBIO-family NER): mentions separated by "; " (canonical) or newlines; when
  neither a ";" nor a newline occurs, by ", " (comma and space: chemical names contain bare
  commas, "1,2-dichloroethane"). "none" or an empty output is no mention. Bullets and numbering
  ("- ", "* ", "1. ", "2) ") and surrounding quotes are stripped. Never unparsed. Value: a
  tuple of strings in output order, repeats kept.
- ``typed_entities`` (unified family, BioMistral-NLU style): one line per entity type,
  ``Type: span...span`` (mentions joined by "..."), ``Type: none`` for no mention. The type is
  matched against the view's entity types (``choices``) ignoring case, "_" / "-" versus space
  and a plural "s". Lines that are not ``Type: ...`` or name an unknown type make the output
  partly parsed (the other lines are kept, an error is recorded); with no readable line the
  output is unparsed. Value: a tuple of (type, mention) pairs.
- ``tagged_entities`` (instruction family, MedINST style): ``[span <Type>]`` items with
  anything between them, e.g. ``[aspirin <Chemical>] [headache <Disease>]``; "none" is no
  mention. Unknown types: partly parsed, as above; no item and not "none": unparsed.
- ``spans``: a JSON list of ``{"start", "end", "type"}`` objects or ``[start, end, type]``.
- ``token_labels``: a JSON list of labels, or labels separated by whitespace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from bioeval.errors import shorten
from bioeval.metrics.entities import type_key
from bioeval.metrics.types import Prediction, Span

NONE_WORDS = frozenset(
    {"none", "n/a", "null", "nil", "nothing", "no entities", "no entity", "no entities found", "there are none"}
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7]|\d+[.)]|\(\d+\))\s+")
_QUOTES = "\"'`\u201c\u201d\u2018\u2019"
_TYPED_LINE = re.compile(r"^\s*(?:[-*\u2022]\s*)?([^:\n]{1,80}?)\s*:\s*(.*?)\s*$")
_ELLIPSIS = re.compile(r"\.{3,}|\u2026")
_SEMICOLON = re.compile(r"(?<!\s);")
_TAG_CLOSE = re.compile(r"<\s*([^<>\[\]]+?)\s*>\s*\]")


def _normal(text: str) -> str:
    text = " ".join(text.lower().split())
    return text.strip(" \t\n.,;:!?\"'`()[]{}*_")


def split_items(text: str, *, always_split_commas: bool = False) -> list[str]:
    """Items of a generated list (separators in the module docstring), cleaned and non-empty.

    A ";" or ", " right after whitespace is not a separator: it belongs to a mention written
    with tokenized punctuation, as in the BLURB files ("t ( 14 ; 19 )", "colorectal , breast").
    """
    if always_split_commas:
        pieces = re.split(r"\n|(?<!\s);|(?<!\s),\s", text)
    elif _SEMICOLON.search(text) or "\n" in text.strip():
        pieces = re.split(r"\n|(?<!\s);", text)
    else:
        pieces = re.split(r"(?<!\s),\s", text)
    items = []
    for piece in pieces:
        item = _BULLET.sub("", piece).strip().strip(_QUOTES).strip()
        item = item[:-1].rstrip() if item.endswith(".") and not item.endswith("..") else item
        if item:
            items.append(item)
    return items


def parse_entity_list(text: str, choices: Sequence[str] = ()) -> Prediction:
    """Mention strings of a BigBIO-style list; "none" or nothing is the empty list."""
    if _normal(text) in NONE_WORDS or not text.strip():
        return Prediction(value=(), raw=text)
    items = [item for item in split_items(text) if _normal(item) not in NONE_WORDS]
    return Prediction(value=tuple(items), raw=text)


def resolve_type(name: str, choices: Sequence[str]) -> str | None:
    """The entity type among ``choices`` that ``name`` names, or None; any name without choices."""
    if not choices:
        return name.strip() or None
    key = type_key(name)
    for choice in choices:
        if type_key(choice) == key:
            return choice
    return None


def parse_typed_entities(text: str, choices: Sequence[str] = ()) -> Prediction:
    """(type, mention) pairs from ``Type: a...b`` lines."""
    entities: list[tuple[str, str]] = []
    problems: list[str] = []
    read_lines = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _TYPED_LINE.match(line)
        type_ = resolve_type(match.group(1), choices) if match else None
        if match is None or type_ is None:
            problems.append(line.strip())
            continue
        read_lines += 1
        value = match.group(2)
        if _normal(value) in NONE_WORDS or not value.strip():
            continue
        for piece in split_ellipsis(value):
            mention = piece.strip().strip(_QUOTES).strip()
            if mention and _normal(mention) not in NONE_WORDS:
                entities.append((type_, mention))
    if not read_lines:
        why = "empty output" if not text.strip() else f"no 'Type: ...' line with a type in {list(choices)}"
        return Prediction(value=None, raw=text, error=why)
    if problems:
        return Prediction(value=tuple(entities), raw=text, error=f"unreadable lines: {problems}")
    return Prediction(value=tuple(entities), raw=text)


def split_ellipsis(value: str) -> list[str]:
    """Mentions joined by "..."; a longer run of dots keeps its extra dots on the left mention."""
    pieces, position = [], 0
    for match in _ELLIPSIS.finditer(value):
        extra = match.group(0)[:-3] if match.group(0).startswith(".") else ""
        pieces.append(value[position : match.start()] + extra)
        position = match.end()
    pieces.append(value[position:])
    return pieces


def parse_tagged_entities(text: str, choices: Sequence[str] = ()) -> Prediction:
    """(type, mention) pairs from ``[mention <Type>]`` items."""
    items = tag_items(text)
    if not items:
        if _normal(text) in NONE_WORDS:
            return Prediction(value=(), raw=text)
        why = "empty output" if not text.strip() else "no '[mention <Type>]' item and not 'none'"
        return Prediction(value=None, raw=text, error=why)
    entities: list[tuple[str, str]] = []
    unknown: list[str] = []
    for mention, type_name in items:
        type_ = resolve_type(type_name, choices)
        if type_ is None:
            unknown.append(f"[{mention} <{type_name}>]")
        else:
            entities.append((type_, mention.strip().strip(_QUOTES).strip()))
    if unknown and not entities:
        return Prediction(value=None, raw=text, error=f"no item has a type in {list(choices)}: {unknown}")
    if unknown:
        return Prediction(value=tuple(entities), raw=text, error=f"unknown types in {unknown}")
    return Prediction(value=tuple(entities), raw=text)


def tag_items(text: str) -> list[tuple[str, str]]:
    """(mention, type) of each ``[mention <Type>]`` item, in order.

    An item ends at ``<Type>]``; it starts at the "[" that balances the brackets in between,
    so mentions may contain brackets and "<" themselves ("[T [ K1 ] <GENE>]").
    """
    items: list[tuple[str, str]] = []
    floor = 0
    for close in _TAG_CLOSE.finditer(text):
        opener = _opening_bracket(text, floor, close.start())
        if opener is None:
            continue
        mention = text[opener + 1 : close.start()].strip()
        if mention:
            items.append((mention, close.group(1)))
        floor = close.end()
    return items


def _opening_bracket(text: str, floor: int, end: int) -> int | None:
    depth = 0
    for index in range(end - 1, floor - 1, -1):
        if text[index] == "]":
            depth += 1
        elif text[index] == "[":
            if depth == 0:
                return index
            depth -= 1
    return None


def parse_spans(text: str, choices: Sequence[str] = ()) -> Prediction:
    """Spans from a JSON list (for outputs or files that carry offsets)."""
    try:
        return Prediction(value=coerce_spans(json.loads(text), choices), raw=text)
    except (ValueError, TypeError) as error:
        return Prediction(value=None, raw=text, error=str(error))


def parse_token_labels(text: str, choices: Sequence[str] = ()) -> Prediction:
    """Token labels from a JSON list, or separated by whitespace."""
    stripped = text.strip()
    try:
        value: Any = json.loads(stripped) if stripped.startswith("[") else stripped.split()
        return Prediction(value=coerce_token_labels(value, choices), raw=text)
    except (ValueError, TypeError) as error:
        return Prediction(value=None, raw=text, error=str(error))


# ---------------------------------------------------------------- JSON values (predictions files)


def _require_list(value: Any, what: str) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"expected {what}, got {shorten(value)}")
    return list(value)


def coerce_entity_list(value: Any, choices: Sequence[str] = ()) -> tuple[str, ...]:
    items = _require_list(value, "a list of entity strings")
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected a list of entity strings, got the item {shorten(item)}")
    return tuple(items)


def coerce_typed_entities(value: Any, choices: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    out = []
    for item in _require_list(value, "a list of [type, entity string] pairs"):
        if isinstance(item, dict) and {"type", "text"} <= set(item):
            item = [item["type"], item["text"]]
        if not (isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise ValueError(f"expected a [type, entity string] pair, got {shorten(item)}")
        type_ = resolve_type(item[0], choices)
        if type_ is None:
            raise ValueError(f"expected an entity type in {list(choices)}, got {shorten(item[0])}")
        out.append((type_, item[1]))
    return tuple(out)


def coerce_spans(value: Any, choices: Sequence[str] = ()) -> tuple[Span, ...]:
    out = []
    for item in _require_list(value, 'a list of {"start", "end", "type"} objects'):
        if isinstance(item, dict):
            if not {"start", "end", "type"} <= set(item):
                raise ValueError(f'expected a {{"start", "end", "type"}} object, got {shorten(item)}')
            start, end, type_ = item["start"], item["end"], item["type"]
        elif isinstance(item, (list, tuple)) and len(item) == 3:
            start, end, type_ = item
        else:
            raise ValueError(f'expected a {{"start", "end", "type"}} object, got {shorten(item)}')
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)) or not 0 <= start <= end:
            raise ValueError(f"expected integer offsets with 0 <= start <= end, got {shorten(item)}")
        if not isinstance(type_, str):
            raise ValueError(f"expected a string type, got {shorten(item)}")
        resolved = resolve_type(type_, choices)
        if resolved is None:
            raise ValueError(f"expected an entity type in {list(choices)}, got {shorten(type_)}")
        out.append(Span(start, end, resolved))
    return tuple(out)


def coerce_token_labels(value: Any, choices: Sequence[str] = ()) -> tuple[str, ...]:
    items = _require_list(value, "a list of token labels")
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected token label strings, got the item {shorten(item)}")
        if choices and item not in choices and item != "O":
            raise ValueError(f"expected token labels in {['O', *choices]}, got {shorten(item)}")
    return tuple(items)
