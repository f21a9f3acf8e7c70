"""Masking the two arguments of a relation candidate, as BLUE and BLURB build their pair TSVs.

Each argument's span is replaced by ``@TYPE$``; when the spans overlap, both are replaced by one
``@<overlap>$`` covering them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Argument:
    start: int  # character offsets into the sentence, end exclusive
    end: int
    mask: str  # e.g. "CHEMICAL" -> "@CHEMICAL$"


def mask_pair(
    text: str, first: Argument, second: Argument, overlap_mask: str, touching_overlaps: bool
) -> str:
    """``text`` with both arguments masked.

    ``touching_overlaps``: BLUE's rule (spans that merely touch count as overlapping); BLURB's
    ChemProt rule counts only a real overlap.
    """
    if first.start > second.start or (first.start == second.start and first.end > second.end):
        first, second = second, first
    overlapping = second.start <= first.end if touching_overlaps else second.start < first.end
    if overlapping:
        end = max(first.end, second.end)
        return f"{text[: first.start]}@{overlap_mask}${text[end:]}"
    return (
        f"{text[: first.start]}@{first.mask}${text[first.end : second.start]}"
        f"@{second.mask}${text[second.end :]}"
    )
