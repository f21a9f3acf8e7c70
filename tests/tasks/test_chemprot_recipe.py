"""BLURB's ChemProt pair view rebuilt from the BioCreative files, checked on the development set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named

# Pairs of BLURB's chemprot/blurb/dev.tsv that the rebuild reproduces exactly (id, masked
# sentence and label). The rest differ by sentence boundaries: BLURB split with NLTK's
# pretrained English Punkt model, which is a separate download; we use Punkt's defaults.
REPRODUCED = 11095
BLURB_DEV_PAIRS = 11268


def test_rebuilt_development_pairs_match_blurb_dev_tsv(shared_data: Path) -> None:
    ((spec, rebuilt_view),) = views_named("chemprot")
    ((_, blurb_view),) = views_named("chemprot_blurb")
    rebuilt = load_split(spec, rebuilt_view, "validation", shared_data)
    blurb = load_split(spec, blurb_view, "validation", shared_data)
    assert len(blurb) == BLURB_DEV_PAIRS
    ours = {(ex.id, ex.record.text, ex.record.labels) for ex in rebuilt}  # type: ignore[union-attr]
    matched = [ex for ex in blurb if (ex.id, ex.record.text, ex.record.labels) in ours]  # type: ignore[union-attr]
    assert len(matched) == REPRODUCED
    # the label distribution of the reproduced pairs is BLURB's, up to the unmatched few
    blurb_labels = Counter(ex.record.labels[0] for ex in blurb)  # type: ignore[union-attr]
    assert blurb_labels == {
        "false": 8860,
        "CPR:4": 1091,
        "CPR:3": 546,
        "CPR:9": 457,
        "CPR:6": 199,
        "CPR:5": 115,
    }


def test_masks_follow_blurb(shared_data: Path) -> None:
    ((spec, view),) = views_named("chemprot")
    pairs = {ex.id: ex.record.text for ex in load_split(spec, view, "validation", shared_data)}  # type: ignore[union-attr]
    # arguments in text order; overlapping arguments become one @CHEM-GENE$ mask
    assert pairs["10064839.T50.T56"] == (
        "Binding of @CHEMICAL$ to @GENE$ and its anticonvulsant and locomotor effects in mice, "
        "compared with dextromethorphan and dextrorphan."
    )
    assert "@CHEM-GENE$" in pairs["22370636.T12.T1"]
    assert all(
        text.count("@CHEMICAL$") == text.count("@GENE$") == 1 or "@CHEM-GENE$" in text
        for text in pairs.values()
    )
