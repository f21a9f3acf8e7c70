"""GAD, the Genetic Association Database corpus, as BLURB distributes it (gene-disease RE)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import TextRecord
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, relation_pair_view
from bioeval.tasks.readers.blurb import read_labelled_sentences

_RAW = "https://raw.githubusercontent.com/hieunguyen7337/KeBioLM/bc7c3667c786236252ba5b26b3b921197465b7a3/data/GAD"
_FILES = {"train": "blurb/train.tsv", "validation": "blurb/dev.tsv", "test": "blurb/test.tsv"}


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    path = paths[_FILES[split]]
    prefix = f"{split}-"
    labels = {"0": "0", "1": "1"}
    for record in read_labelled_sentences(path, ("index", "sentence", "label"), labels):
        # BLURB numbers rows from 0 in every file: prefix the split to keep ids unique
        yield TextRecord(
            id=prefix + record.id,
            document_id=prefix + record.document_id,
            text=record.text,
            labels=record.labels,
        )


DATASET = DatasetSpec(
    name="gad",
    title="GAD (Genetic Association Database), BLURB split",
    homepage="https://microsoft.github.io/BLURB/",
    license="CC BY 4.0",
    citation=(
        "Bravo A, Pinero J, Queralt-Rosinach N, Rautschka M, Furlong LI. Extraction of relations "
        "between genes and diseases from text and large-scale data analysis: implications for "
        "translational research. BMC Bioinformatics 2015."
    ),
    sources=(
        Source(
            name="blurb",
            description="BLURB's GAD TSVs (entities masked as @GENE$ / @DISEASE$, label 0/1)",
            files=(
                SourceFile(
                    "train.tsv",
                    url=f"{_RAW}/train.tsv",
                    sha256="8c57f5f28a843cd64bcd939c62842cf685552315e7a78069be7d1ceff47bb663",
                ),
                SourceFile(
                    "dev.tsv",
                    url=f"{_RAW}/dev.tsv",
                    sha256="ede2bebdf5fa6094a493801f447bb7827ab0e5511fa0c399234e9e77a96d7159",
                ),
                SourceFile(
                    "test.tsv",
                    url=f"{_RAW}/test.tsv",
                    sha256="68fe2b2bddefac2cd5d35b4bc8a13bceee95ee9a582a623632981e893cdb512e",
                ),
            ),
        ),
    ),
    views=(
        relation_pair_view(
            "gad",
            {split: (ref,) for split, ref in _FILES.items()},
            _load,
            "does the sentence state an association between @GENE$ and @DISEASE$?",
            labels=("0", "1"),
            label_text={"0": "no association", "1": "association"},
            negative="0",
        ),
    ),
    benchmarks=("BLURB",),
)
