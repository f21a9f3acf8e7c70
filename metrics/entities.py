"""Entity mentions: reading their shapes, normalizing strings, aligning strings to offsets.

Normalization (:func:`normalize_mention`), used wherever mention strings are compared:

1. Unicode NFKC, then case folding;
2. whitespace runs collapsed to one space, and whitespace next to a punctuation character
   removed, so the tokenized "5 - fluorouracil" of the BLURB files equals "5-fluorouracil";
3. surrounding whitespace, quotes and sentence punctuation (``. , ; : ! ?``) stripped.
   Brackets are kept: "(+)-catechin" stays itself.

Alignment (:func:`align_mentions`), which gives generated strings offsets in a source text:
each string is searched case-insensitively, with any whitespace allowed around punctuation and
at least one whitespace character between two words, and only at word boundaries (no letter or
digit just before or after). Strings are aligned in output order, each to the leftmost
occurrence not already taken by an earlier string of the same type, so a string listed twice
takes two occurrences. A string that cannot be found (or has no occurrence left) stays without
offsets and can only be a false positive.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bioeval.metrics.types import AnnotatedText, Span

_EDGE = " \t\n\r.,;:!?\"'`\u201c\u201d\u2018\u2019"
_SPACE_AROUND_PUNCT = re.compile(r"\s*([^\w\s])\s*")
_PIECE = re.compile(r"\w+|[^\w\s]")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Mention:
    """One predicted or gold mention: a type (None when untyped), its text, its offsets."""

    type: str | None
    text: str | None
    start: int | None = None
    end: int | None = None

    @property
    def has_offsets(self) -> bool:
        return self.start is not None and self.end is not None


def normalize_mention(text: str) -> str:
    """The comparison form of a mention string (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(text.split())
    text = _SPACE_AROUND_PUNCT.sub(r"\1", text)
    return text.strip(_EDGE)


def type_key(name: str) -> str:
    """Comparison form of an entity type: case, "_" / "-" versus space and a plural "s" ignored."""
    key = " ".join(name.casefold().replace("_", " ").replace("-", " ").split()).strip(" .:*")
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def canonical_types(known: Iterable[str | None]) -> dict[str, str]:
    """type_key -> the first spelling of that type among ``known`` (gold types, labels)."""
    out: dict[str, str] = {}
    for name in known:
        if name is not None:
            out.setdefault(type_key(name), name)
    return out


def with_canonical_type(mention: Mention, canonical: Mapping[str, str]) -> Mention:
    """The mention with its type spelled as the gold spells it (when the gold has that type)."""
    if mention.type is None:
        return mention
    spelled = canonical.get(type_key(mention.type), mention.type)
    return mention if spelled == mention.type else replace(mention, type=spelled)


def contains_at_word_boundary(outer: str, inner: str) -> bool:
    """Whether ``inner`` occurs in ``outer`` not flanked by letters or digits."""
    if not inner:
        return False
    start = outer.find(inner)
    while start >= 0:
        end = start + len(inner)
        before_ok = start == 0 or not outer[start - 1].isalnum() or not inner[0].isalnum()
        after_ok = end == len(outer) or not outer[end].isalnum() or not inner[-1].isalnum()
        if before_ok and after_ok:
            return True
        start = outer.find(inner, start + 1)
    return False


def as_mentions(value: Any, text: str | None = None) -> list[Mention]:
    """Read a prediction or reference value as mentions (shapes in ``bioeval.metrics.types``).

    ``text``, when given, fills in the string of mentions that only carry offsets.
    """
    if value is None:
        return []
    if isinstance(value, AnnotatedText):
        return [Mention(s.type, value.mention_text(s), s.start, s.end) for s in value.spans]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValueError(f"expected a list of entity mentions, got {value!r}")
    return [_as_mention(item, text) for item in value]


def _as_mention(item: Any, text: str | None) -> Mention:
    if isinstance(item, str):
        return Mention(None, item)
    if isinstance(item, Span):
        return _span_mention(item.start, item.end, item.type, text)
    if isinstance(item, Mapping) and {"start", "end", "type"} <= set(item):
        return _span_mention(item["start"], item["end"], item["type"], text)
    if isinstance(item, Sequence) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return Mention(item[0], item[1])
    if (
        isinstance(item, Sequence)
        and len(item) == 3
        and all(isinstance(x, int) and not isinstance(x, bool) for x in item[:2])
        and isinstance(item[2], str)
    ):
        return _span_mention(item[0], item[1], item[2], text)
    raise ValueError(
        "expected an entity mention: a string, a [type, text] pair, a [start, end, type] triple "
        f"or a {{start, end, type}} object, got {item!r}"
    )


def _span_mention(start: Any, end: Any, type_: Any, text: str | None) -> Mention:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        raise ValueError(f"expected 0 <= start <= end as integers, got start={start!r}, end={end!r}")
    if not isinstance(type_, str):
        raise ValueError(f"expected a string entity type, got {type_!r}")
    return Mention(type_, text[start:end] if text is not None else None, start, end)


@functools.lru_cache(maxsize=4096)
def mention_pattern(mention: str) -> re.Pattern[str] | None:
    """The regular expression that finds a mention string in a text (see module docstring)."""
    pieces = _PIECE.findall(unicodedata.normalize("NFKC", mention))
    if not pieces:
        return None
    parts = [re.escape(pieces[0])]
    for before, piece in itertools.pairwise(pieces):
        both_words = _is_word(before) and _is_word(piece)
        parts.append(r"\s+" if both_words else r"\s*")
        parts.append(re.escape(piece))
    head = r"(?<!\w)" if _is_word(pieces[0]) else ""
    tail = r"(?!\w)" if _is_word(pieces[-1]) else ""
    return re.compile(head + "".join(parts) + tail, re.IGNORECASE)


def _is_word(piece: str) -> bool:
    return piece[0].isalnum() or piece[0] == "_"


def align_mentions(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Give string-only mentions offsets in ``text``; mentions that cannot be found keep none."""
    taken: set[tuple[int, int, str | None]] = set()
    aligned: list[Mention] = []
    for mention in mentions:
        if mention.has_offsets or not mention.text:
            aligned.append(mention)
            continue
        pattern = mention_pattern(mention.text)
        found = None
        if pattern is not None:
            for match in pattern.finditer(text):
                key = (match.start(), match.end(), mention.type)
                if key not in taken:
                    found = match
                    taken.add(key)
                    break
        if found is None:
            aligned.append(mention)
        else:
            aligned.append(replace(mention, start=found.start(), end=found.end()))
    return aligned


def align_entities(entities: Any, text: str) -> tuple[list[Span | None], list[Mention]]:
    """Public form of the alignment: (a Span or None per input mention, the mentions)."""
    mentions = align_mentions(as_mentions(entities, text), text)
    spans = [
        Span(m.start, m.end, m.type or "") if m.start is not None and m.end is not None else None
        for m in mentions
    ]
    return spans, mentions


def whitespace_tokens(text: str) -> list[tuple[int, int]]:
    """Character ranges of the whitespace-separated tokens of a text."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def token_labels(text: str, mentions: Sequence[Mention], outside: str = "O") -> list[str]:
    """One label per whitespace token: the type of a mention overlapping it, else ``outside``.

    Mentions without offsets are skipped; where mentions overlap, the later one wins.
    """
    tokens = whitespace_tokens(text)
    labels = [outside] * len(tokens)
    starts = [start for start, _ in tokens]
    for mention in mentions:
        if not mention.has_offsets:
            continue
        assert mention.start is not None and mention.end is not None
        index = max(0, bisect.bisect_right(starts, mention.start) - 1)
        while index < len(tokens) and tokens[index][0] < mention.end:
            token_start, token_end = tokens[index]
            if token_end > mention.start and token_start < mention.end:
                labels[index] = mention.type or outside
            index += 1
    return labels


def mention_tokens(text: str) -> list[str]:
    """Word and punctuation tokens of a normalized mention (bag-of-tokens comparisons)."""
    return _PIECE.findall(normalize_mention(text))


def spans_from_iob(tags: Sequence[str]) -> list[Span]:
    """Token-index spans of an IOB tag sequence, decoded as conlleval (and seqeval's default) do.

    Accepts IOB1, IOB2 and IO tags (and E-/S- of IOBES). A chunk starts at B-/S-, at an I-/E-
    after O, E- or S-, or where the type changes; it ends before O, B-, S-, after E-/S-, or
    where the type changes. So a stray "I-X" after "O" opens an entity, as in conlleval.
    """
    spans: list[Span] = []
    start: int | None = None
    prev_prefix, prev_type = "O", ""
    for index, tag in enumerate([*tags, "O"]):
        prefix, type_ = _split_tag(tag)
        if start is not None and _chunk_ends(prev_prefix, prefix, prev_type, type_):
            spans.append(Span(start, index, prev_type))
            start = None
        if _chunk_starts(prev_prefix, prefix, prev_type, type_):
            start = index
        prev_prefix, prev_type = prefix, type_
    return spans


def _split_tag(tag: str) -> tuple[str, str]:
    if tag == "O" or not tag:
        return "O", ""
    prefix, _, type_ = tag.partition("-")
    if prefix not in {"B", "I", "E", "S"} or not type_:
        raise ValueError(f"expected an IOB tag like 'B-Type', 'I-Type' or 'O', got {tag!r}")
    return prefix, type_


def _chunk_ends(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    if prev in {"E", "S"}:
        return True
    if prev in {"B", "I"} and cur in {"B", "S", "O"}:
        return True
    return prev != "O" and prev_type != cur_type


def _chunk_starts(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    if cur in {"B", "S"}:
        return True
    if prev in {"E", "S", "O"} and cur in {"E", "I"}:
        return True
    return cur != "O" and prev_type != cur_type


def iob2_tags(spans: Iterable[Span], n_tokens: int) -> list[str]:
    """IOB2 tags for non-overlapping token-index spans (later spans overwrite earlier ones)."""
    tags = ["O"] * n_tokens
    for span in spans:
        for index in range(span.start, span.end):
            tags[index] = ("B-" if index == span.start else "I-") + span.type
    return tags
