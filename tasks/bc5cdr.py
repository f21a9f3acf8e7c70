"""BC5CDR (BioCreative V chemical-disease relation corpus): chemical and disease mentions.

Two releases: the original PubTator files (documents with both mention types, MeSH ids and CID
relations), and BLURB's sentence-level IOB files, one per entity type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import KBRecord, Schema, TaskType
from bioeval.tasks.core.spec import NER_METRICS, DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.iob import read_kb
from bioeval.tasks.readers.pubtator import read_pubtator

_PUBTATOR_RAW = (
    "https://raw.githubusercontent.com/MartinH2k3/SLM-NER/"
    "2a22b37f29cd2b5a0f86d48f59f1c891fce3346e/CDRdatasetPreprocessing"
)
_IOB_RAW = (
    "https://raw.githubusercontent.com/cambridgeltl/MTL-Bioinformatics-2016/"
    "df0df02fae6dbb87d88ffcf323b9096528f06f84/data"
)
_PUBTATOR = {
    "train": "pubtator/CDR_TrainingSet.PubTator.txt",
    "validation": "pubtator/CDR_DevelopmentSet.PubTator.txt",
    "test": "pubtator/CDR_TestSet.PubTator.txt",
}
_IOB_NAMES = {"train": "train.tsv", "validation": "devel.tsv", "test": "test.tsv"}


def _load_pubtator(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
    return read_pubtator(paths[_PUBTATOR[split]])


def _iob_view(name: str, folder: str, entity_type: str) -> View:
    files = {split: f"{folder}/{file}" for split, file in _IOB_NAMES.items()}

    def load(split: str, paths: Mapping[str, Path]) -> Iterable[KBRecord]:
        return read_kb(paths[files[split]], f"{split}-", {entity_type: entity_type})

    return View(
        name=name,
        schema=Schema.KB,
        task=TaskType.NER,
        splits={split: (ref,) for split, ref in files.items()},
        load=load,
        metrics=NER_METRICS,
        labels=(entity_type,),
        description=f"BLURB's BC5CDR-{entity_type[:4].lower()} IOB file: one record per sentence",
    )


def _iob_source(name: str, upstream: str, sha256: dict[str, str]) -> Source:
    return Source(
        name=name,
        description=f"BLURB's IOB files (cambridgeltl/MTL-Bioinformatics-2016 data/{upstream})",
        files=tuple(
            SourceFile(file, url=f"{_IOB_RAW}/{upstream}/{file}", sha256=sha256[file])
            for file in _IOB_NAMES.values()
        ),
    )


DATASET = DatasetSpec(
    name="bc5cdr",
    title="BC5CDR: BioCreative V chemical-disease relation corpus",
    homepage="https://biocreative.bioinformatics.udel.edu/tasks/biocreative-v/track-3-cdr/",
    license="Public domain (per BigBIO); BLURB's IOB files CC BY 4.0",
    citation=(
        "Li J, Sun Y, Johnson RJ, Sciaky D, Wei CH, Leaman R, Davis AP, Mattingly CJ, Wiegers TC, "
        "Lu Z. BioCreative V CDR task corpus: a resource for chemical disease relation "
        "extraction. Database 2016:baw068."
    ),
    sources=(
        Source(
            name="pubtator",
            description="the original CDR corpus in PubTator format (1500 abstracts)",
            files=(
                SourceFile(
                    "CDR_TrainingSet.PubTator.txt",
                    url=f"{_PUBTATOR_RAW}/CDR_TrainingSet.PubTator.txt",
                    sha256="8748e229c22504184fb242ab3819efdac04e7b0ff5ee7480c290b6439b98acb0",
                ),
                SourceFile(
                    "CDR_DevelopmentSet.PubTator.txt",
                    url=f"{_PUBTATOR_RAW}/CDR_DevelopmentSet.PubTator.txt",
                    sha256="265c2cd66808e3e03cddd59796bcf3e37c9577f6933cfbf2906a91edf4e447ab",
                ),
                SourceFile(
                    "CDR_TestSet.PubTator.txt",
                    url=f"{_PUBTATOR_RAW}/CDR_TestSet.PubTator.txt",
                    sha256="6514af77b548f7a699723a1a898c8577bd62f25528f92f8ee872b8d0b216108b",
                ),
            ),
        ),
        _iob_source(
            "blurb_chem",
            "BC5CDR-chem-IOB",
            {
                "train.tsv": "165c4cd2efadd0caf1bb8f3c6bcd3acca199446bb3d55eb06d9137114c9a0b2d",
                "devel.tsv": "3f1df5cfcff95735663ffc37121fd3687e82b1e9a019bec0480491502652721b",
                "test.tsv": "6fce42139a9d819151eff3ab8cb0eda6fbf861fd17d4cfe6be2123f010a3b6c5",
            },
        ),
        _iob_source(
            "blurb_disease",
            "BC5CDR-disease-IOB",
            {
                "train.tsv": "d630dafe7dd67e21350cc3278dbdcfadcccbb2b63d0fda83b2427853988e5ad9",
                "devel.tsv": "8c3af95475029c2100c2b7c0108b2715bc700ac198c7a21d587f11f1d06b17bd",
                "test.tsv": "a530bf9e17a4122b101b09cedd5f3cf8e6307d6a0093146c33b8de2e69ec0fa3",
            },
        ),
    ),
    views=(
        View(
            name="bc5cdr",
            schema=Schema.KB,
            task=TaskType.NER,
            splits={split: (ref,) for split, ref in _PUBTATOR.items()},
            load=_load_pubtator,
            metrics=NER_METRICS,
            labels=("Chemical", "Disease"),
            description="PubTator documents (title + abstract): Chemical and Disease mentions "
            "with MeSH ids, CID relations",
        ),
        _iob_view("bc5cdr_chem", "blurb_chem", "Chemical"),
        _iob_view("bc5cdr_disease", "blurb_disease", "Disease"),
    ),
    benchmarks=("BLURB", "BLUE"),
)
