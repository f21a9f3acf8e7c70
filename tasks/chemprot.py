"""ChemProt (BioCreative VI): chemical-protein interactions, as sentence pairs (BLURB / BLUE).

``chemprot`` rebuilds BLURB's pair view from the BioCreative files (see
``bioeval.tasks.readers.chemprot`` for the recipe; on the development set it reproduces 11095
of BLURB's 11268 ``dev.tsv`` pairs exactly). ``chemprot_blurb`` reads BLURB's own dev file.
"""

from __future__ import annotations

import functools

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import TextRecord
from bioeval.tasks.core.spec import (
    DatasetSpec,
    PublishedRows,
    Source,
    SourceFile,
    relation_pair_view,
)
from bioeval.tasks.readers.blurb import read_labelled_sentences
from bioeval.tasks.readers.chemprot import (
    EVALUATED_GROUPS,
    NEGATIVE,
    ChemProtFiles,
    blue_rows,
    blurb_pairs,
    read_documents,
)

_RAW = (
    "https://raw.githubusercontent.com/Aitslab/nlp_2021_alexander_petter/"
    "1784721ed0b1fa1252f2359486f84e9b3514a6b3/utils/chemprot/chemprot"
)
_BLURB_RAW = (
    "https://raw.githubusercontent.com/hieunguyen7337/KeBioLM/"
    "bc7c3667c786236252ba5b26b3b921197465b7a3/data/chemprot"
)
_FOLDERS = {
    "train": ("chemprot_training", "chemprot_training_", ""),
    "validation": ("chemprot_development", "chemprot_development_", ""),
    "test": ("chemprot_test_gs", "chemprot_test_", "_gs"),
}
_KINDS = ("abstracts", "entities", "relations", "gold_standard")
_SHA256 = {
    "training_abstracts.tsv": "2eef8782dc6c1474115ce5b780d6b4bc8f68d98e34fbf1619b9502fafc97685b",
    "training_entities.tsv": "ec01f954803d6854965b36b4c222001246b93b683a8fde4f4944132779161a7e",
    "training_relations.tsv": "f7fad40e618b60a048db7131ddbc49d8b1cf06340528bbdbd9cf30026d72eb85",
    "training_gold_standard.tsv": "dc1333bf582ecf67ca1a1fe05c27bfaa03969a5ef3d70543d0c7a90e2dd9896e",
    "development_abstracts.tsv": "186a45a6b604d602c3fcf2a04fe6cc9b5f5d6dbe5542babfc685d56db1fd617d",
    "development_entities.tsv": "7b75bd8e5397a72a29a387bb12f847487938b7469c84d04b289ccaa8009ec12a",
    "development_relations.tsv": "dff73eb2a6f88137d6d358e713bfd56d6cba047013105f2a742ec660448379a7",
    "development_gold_standard.tsv": "7fc258e29160c18807b12cb34e30fce6a4c26df835247febaafa21dc49e6ec60",
    "test_abstracts_gs.tsv": "9b7de664f0b4231d6e58992f091aa36bc577ca3f12f0565bc2d898af3982645b",
    "test_entities_gs.tsv": "37a9addd54822a1fd8636cddca01dd9ddadc0776b76140271869bf9e02203d99",
    "test_relations_gs.tsv": "ca3ba8a7b205c909efef2ab7113f007e3e05a6c82be60cff904c4b7772e81421",
    "test_gold_standard.tsv": "3dc760bf88a0a9b3ef4b2374b97d67c89bb8f4309905729546bab10beccb236b",
}
LABELS = (*EVALUATED_GROUPS, NEGATIVE)
LABEL_TEXT = {
    "CPR:3": "upregulator / activator",
    "CPR:4": "downregulator / inhibitor",
    "CPR:5": "agonist",
    "CPR:6": "antagonist",
    "CPR:9": "substrate / product of",
    "false": "no relation",
}
_pair_view = functools.partial(
    relation_pair_view, labels=LABELS, label_text=LABEL_TEXT, negative=NEGATIVE
)


def split_paths(split: str) -> dict[str, str]:
    """{kind: "original/<folder>/<file>"} of one split's BioCreative files."""
    folder, prefix, suffix = _FOLDERS[split]
    names = {
        kind: f"{prefix}{kind}.tsv" if kind == "gold_standard" else f"{prefix}{kind}{suffix}.tsv"
        for kind in _KINDS
    }
    return {kind: f"original/{folder}/{name}" for kind, name in names.items()}


def _pair_inputs(split: str) -> tuple[str, ...]:
    refs = split_paths(split)
    return tuple(refs[kind] for kind in ("abstracts", "entities", "relations"))


def split_files(split: str, paths: Mapping[str, Path]) -> ChemProtFiles:
    refs = split_paths(split)
    return ChemProtFiles(*(paths[refs[kind]] for kind in ("abstracts", "entities", "relations")))


def _load_pairs(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    return blurb_pairs(read_documents(split_files(split, paths)))


def _blue_inputs(split: str) -> tuple[str, str]:
    refs = split_paths(split)
    return refs["entities"], refs["gold_standard"]


def _load_blue_rows(split: str, paths: Mapping[str, Path]) -> Iterable[tuple[str, str, tuple[str, ...]]]:
    entities, gold_standard = _blue_inputs(split)
    rows = blue_rows(paths[entities], paths[gold_standard])
    return [(row.pair_id.split(".", 1)[0], row.pair_id, row.labels) for row in rows]


BLUE_ROWS = PublishedRows(
    metric="pair_rows_micro_f1",
    splits={split: _blue_inputs(split) for split in _FOLDERS},
    load=_load_blue_rows,
    source="BLUE's eval_rel.py on the rows of create_chemprot_test_gs.py",
)


def _load_blurb(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    return read_labelled_sentences(paths["blurb/dev.tsv"], None, {lab: lab for lab in LABELS})


def _original_files() -> tuple[SourceFile, ...]:
    files = []
    for split in _FOLDERS:
        for ref in split_paths(split).values():
            path = ref.removeprefix("original/")
            files.append(
                SourceFile(
                    path,
                    url=f"{_RAW}/{path}",
                    sha256=_SHA256[path.split("/")[1].removeprefix("chemprot_")],
                )
            )
    return tuple(files)


DATASET = DatasetSpec(
    name="chemprot",
    title="ChemProt (BioCreative VI chemical-protein interaction)",
    homepage="https://biocreative.bioinformatics.udel.edu/news/corpora/chemprot-corpus-biocreative-vi/",
    license="Public domain (per BigBIO)",
    citation=(
        "Krallinger M, Rabal O, Akhondi SA, et al. Overview of the BioCreative VI "
        "chemical-protein interaction track. BioCreative VI Workshop 2017."
    ),
    sources=(
        Source(
            name="original",
            description="BioCreative VI TSVs (abstracts, entities, relations, gold standard)",
            files=_original_files(),
        ),
        Source(
            name="blurb",
            description="BLURB's pair TSV (its dev file): PMID.Tx.Ty<TAB>masked sentence<TAB>label",
            files=(
                SourceFile(
                    "dev.tsv",
                    url=f"{_BLURB_RAW}/dev.tsv",
                    sha256="79d7c9954790292585ee6356a12c31b8bd5868923c7138b88b1705da10f4d04d",
                ),
            ),
        ),
    ),
    views=(
        _pair_view(
            "chemprot",
            {split: _pair_inputs(split) for split in _FOLDERS},
            _load_pairs,
            "every chemical-gene pair of a sentence, masked @CHEMICAL$ / @GENE$, rebuilt by "
            "BLURB's recipe from the BioCreative files",
            published_rows=BLUE_ROWS,
        ),
        _pair_view(
            "chemprot_blurb",
            {"validation": ("blurb/dev.tsv",)},
            _load_blurb,
            "BLURB's own development file",
            eval_split="validation",
            train_split=None,
        ),
    ),
    benchmarks=("BLURB", "BLUE"),
)
