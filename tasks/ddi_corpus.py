"""DDI-2013: drug-drug interactions in DrugBank texts and MedLine abstracts, as sentence pairs.

``ddi_corpus`` builds BLUE / BLURB's pair view from the DDI-2013 XML release (every annotated
drug pair of a sentence, both masked ``@DRUG$``); ``ddi_corpus_blurb`` reads BLURB's TSVs.
"""

from __future__ import annotations

import functools

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import TextRecord
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, relation_pair_view
from bioeval.tasks.readers.blurb import read_labelled_sentences
from bioeval.tasks.readers.ddi import NEGATIVE, RELATION_TYPES, read_pairs, xml_files

_ZIP = (
    "https://raw.githubusercontent.com/isegura/DDICorpus/"
    "819b0fa538ed83ab2a8b4f5417bba3c03249b7f3/DDICorpus-2013.zip"
)
_ZIP_SHA256 = "87fc63e32ebce20d9841c372e0c594ec72d60882ab5621550ca73c3eaf80ab60"
_BLURB_RAW = (
    "https://raw.githubusercontent.com/hieunguyen7337/KeBioLM/"
    "bc7c3667c786236252ba5b26b3b921197465b7a3/data/DDI"
)
_ORIGINAL = {
    "train": ("Train/DrugBank/", "Train/MedLine/"),
    "test": (
        "Test/Test for DDI Extraction task/DrugBank/",
        "Test/Test for DDI Extraction task/MedLine/",
    ),
}
_BLURB = {"validation": "blurb/dev.tsv", "test": "blurb/test.tsv"}
LABELS = (NEGATIVE, *(f"DDI-{kind}" for kind in RELATION_TYPES))
LABEL_TEXT = {
    "DDI-false": "no interaction",
    "DDI-effect": "effect (a pharmacodynamic interaction)",
    "DDI-mechanism": "mechanism (a pharmacokinetic interaction)",
    "DDI-advise": "advice (a recommendation about using them together)",
    "DDI-int": "interaction (stated without detail)",
}
_pair_view = functools.partial(
    relation_pair_view, labels=LABELS, label_text=LABEL_TEXT, negative=NEGATIVE
)


def _load_original(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    folders = [paths[f"original/{folder}"] for folder in _ORIGINAL[split]]
    return read_pairs(xml_files(folders))


def _load_blurb(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    return read_labelled_sentences(paths[_BLURB[split]], None, {lab: lab for lab in LABELS})


DATASET = DatasetSpec(
    name="ddi_corpus",
    title="DDI-2013 corpus (drug-drug interaction extraction)",
    homepage="https://github.com/isegura/DDICorpus",
    license="CC BY-NC 4.0 (non-commercial)",
    citation=(
        "Herrero-Zazo M, Segura-Bedmar I, Martinez P, Declerck T. The DDI corpus: an annotated "
        "corpus with pharmacological substances and drug-drug interactions. J Biomed Inform "
        "2013;46(5):914-920."
    ),
    sources=(
        Source(
            name="original",
            description="DDI-2013 XML, one file per document, from DDICorpus-2013.zip",
            files=tuple(
                SourceFile(
                    folder, url=_ZIP, sha256=_ZIP_SHA256, archive_member=f"DDICorpus/{folder}"
                )
                for folders in _ORIGINAL.values()
                for folder in folders
            ),
        ),
        Source(
            name="blurb",
            description="BLURB's pair TSVs: pair id<TAB>sentence with two @DRUG$<TAB>label",
            files=(
                SourceFile(
                    "dev.tsv",
                    url=f"{_BLURB_RAW}/dev.tsv",
                    sha256="a6a78c7bc37e959ab0ca7650d55ce62b011a796f2d7e4442c0236a0c1bd27f37",
                ),
                SourceFile(
                    "test.tsv",
                    url=f"{_BLURB_RAW}/test.tsv",
                    sha256="e0f34a1172c5bf0a0981343d847a858efc105871b4537fe30488e03cda242330",
                ),
            ),
        ),
    ),
    views=(
        _pair_view(
            "ddi_corpus",
            {
                split: tuple(f"original/{f}" for f in folders)
                for split, folders in _ORIGINAL.items()
            },
            _load_original,
            "every annotated drug pair of a sentence, both masked @DRUG$ (BLUE / BLURB recipe)",
            train_split="train",
            # BLUE's README: macro-F1 over the four DDI types since August 2019
            metrics=("micro_f1", "accuracy", "macro_f1"),
        ),
        _pair_view(
            "ddi_corpus_blurb",
            {split: (ref,) for split, ref in _BLURB.items()},
            _load_blurb,
            "BLURB's TSVs",
            train_split=None,
        ),
    ),
    benchmarks=("BLURB", "BLUE"),
)
