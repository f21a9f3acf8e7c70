"""NCBI disease corpus: disease mentions in 793 PubMed abstracts, typed and normalized.

The original release (PubTator-like, four mention types, MeSH / OMIM ids) and BLURB's
sentence-level IOB files (one type, ``Disease``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import KBRecord, Schema, TaskType
from bioeval.tasks.core.spec import NER_METRICS, DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.iob import read_kb
from bioeval.tasks.readers.pubtator import read_pubtator

_ORIGINAL_RAW = (
    "https://raw.githubusercontent.com/spyysalo/ncbi-disease/"
    "5a266c6fc76fb2b5184cfa397ff0a5ecdb133aec/original-data"
)
_IOB_RAW = (
    "https://raw.githubusercontent.com/cambridgeltl/MTL-Bioinformatics-2016/"
    "df0df02fae6dbb87d88ffcf323b9096528f06f84/data/NCBI-disease-IOB"
)
_ORIGINAL = {
    "train": "original/NCBItrainset_corpus.txt",
    "validation": "original/NCBIdevelopset_corpus.txt",
    "test": "original/NCBItestset_corpus.txt",
}
_BLURB = {"train": "blurb/train.tsv", "validation": "blurb/devel.tsv", "test": "blurb/test.tsv"}
MENTION_TYPES = ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")


def _load_original(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
    """The release's documents; the train file repeats PMID 8528200 verbatim: kept once (as
    BigBIO does). A repeated PMID with different content is left for validation to reject."""
    records: list[KBRecord] = []
    first: dict[str, KBRecord] = {}
    for record in read_pubtator(paths[_ORIGINAL[split]]):
        if first.setdefault(record.id, record) is not record and first[record.id] == record:
            continue
        records.append(record)
    return records


def _load_blurb(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
    return read_kb(paths[_BLURB[split]], f"{split}-", {"Disease": "Disease"})


def _file(path: str, url: str, sha256: str) -> SourceFile:
    return SourceFile(path, url=url, sha256=sha256)


DATASET = DatasetSpec(
    name="ncbi_disease",
    title="NCBI disease corpus",
    homepage="https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE/",
    license="Public domain (US government work); BLURB's IOB files CC BY 4.0",
    citation=(
        "Dogan RI, Leaman R, Lu Z. NCBI disease corpus: a resource for disease name recognition "
        "and concept normalization. J Biomed Inform 2014;47:1-10."
    ),
    sources=(
        Source(
            name="original",
            description="the corpus release (spyysalo/ncbi-disease original-data)",
            files=(
                _file(
                    "NCBItrainset_corpus.txt",
                    f"{_ORIGINAL_RAW}/train/NCBItrainset_corpus.txt",
                    "f311381b28a6d0f641f57f4a963bb83619c2bdec5cd9caabb1381f894d5db817",
                ),
                _file(
                    "NCBIdevelopset_corpus.txt",
                    f"{_ORIGINAL_RAW}/devel/NCBIdevelopset_corpus.txt",
                    "02db559974624ae9cbe6cd95d64d953e6926bb63afb6b25b63e53bd8b41a4b55",
                ),
                _file(
                    "NCBItestset_corpus.txt",
                    f"{_ORIGINAL_RAW}/test/NCBItestset_corpus.txt",
                    "61c8050bf6979ef7b943ec1158dfc03b651ea3367d4c37356f9de4841e85c9a3",
                ),
            ),
        ),
        Source(
            name="blurb",
            description="BLURB's IOB files (cambridgeltl/MTL-Bioinformatics-2016 "
            "data/NCBI-disease-IOB)",
            files=(
                _file(
                    "train.tsv",
                    f"{_IOB_RAW}/train.tsv",
                    "58379baf4614b8d757d93dd7a21b202849ca99f9b9d71b49185523ff5443300c",
                ),
                _file(
                    "devel.tsv",
                    f"{_IOB_RAW}/devel.tsv",
                    "b4e1e7efcc2a35047bf2f3d281648357470e674f555d4a26a0049ac37d59cc61",
                ),
                _file(
                    "test.tsv",
                    f"{_IOB_RAW}/test.tsv",
                    "8f088ce45dc4746592188f9e69de3d89d87f3bb8f0ed8c4a287d018123fa148d",
                ),
            ),
        ),
    ),
    views=(
        View(
            name="ncbi_disease",
            schema=Schema.KB,
            task=TaskType.NER,
            splits={split: (ref,) for split, ref in _ORIGINAL.items()},
            load=_load_original,
            metrics=NER_METRICS,
            labels=MENTION_TYPES,
            description="original documents (title + abstract), four mention types, MeSH/OMIM",
        ),
        View(
            name="ncbi_disease_blurb",
            schema=Schema.KB,
            task=TaskType.NER,
            splits={split: (ref,) for split, ref in _BLURB.items()},
            load=_load_blurb,
            metrics=NER_METRICS,
            labels=("Disease",),
            description="BLURB's IOB file: one record per sentence, one type (Disease)",
        ),
    ),
    benchmarks=("BLURB",),
)
