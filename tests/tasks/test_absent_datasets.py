"""Datasets absent from ../shared/data, loaded from files written in their upstream formats."""

from __future__ import annotations

from pathlib import Path

from bioeval.data.catalog import availability
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named
from bioeval.tasks.core.schemas import EntailRecord, QARecord, TextRecord

import upstream_fixtures as fixtures


def load(name: str, data: Path, split: str = "test") -> list:
    ((spec, view),) = views_named(name)
    return [example.record for example in load_split(spec, view, split, data)]


def test_bioasq_golden_json_keeps_the_yes_no_questions(tmp_path: Path) -> None:
    fixtures.write_bioasq(tmp_path)
    records = load("bioasq", tmp_path)
    assert [r.id for r in records] == [
        "5c58a74e86df2b917400000d",
        "5be44bef133db5eb78000014",
        "5c61bacae842deac67000001",
        "5e2f1a7efbd6abf43b00002c",
    ]  # the factoid question of batch 1 is not a yes/no item; batch 4 has none
    first = records[0]
    assert isinstance(first, QARecord)
    assert first.answer == ("yes",) and first.choices == ("yes", "no")
    assert first.context == (
        "Baloxavir marboxil is an oral cap-dependent endonuclease inhibitor. Baloxavir reduced "
        "the time to alleviation of influenza symptoms."
    )


def test_bioasq_blurb_tsv_matches_the_golden_files(tmp_path: Path) -> None:
    fixtures.write_bioasq(tmp_path)
    golden = {r.id: r for r in load("bioasq", tmp_path)}
    for record in load("bioasq_blurb", tmp_path):
        assert (record.question, record.context, record.answer) == (
            golden[record.id].question,
            golden[record.id].context,
            golden[record.id].answer,
        )


def test_ddi_xml_pairs_reproduce_the_blurb_rows(tmp_path: Path) -> None:
    fixtures.write_ddi(tmp_path)
    rebuilt = load("ddi_corpus", tmp_path)
    assert [(r.id, r.text, r.labels[0]) for r in rebuilt] == list(fixtures.DDI_BLURB_ROWS)
    assert all(isinstance(r, TextRecord) and r.document_id.startswith("DDI-") for r in rebuilt)
    blurb = load("ddi_corpus_blurb", tmp_path)
    assert [(r.id, r.text, r.labels) for r in blurb] == [(r.id, r.text, r.labels) for r in rebuilt]


def test_mednli_jsonl(tmp_path: Path) -> None:
    fixtures.write_mednli(tmp_path)
    records = load("mednli", tmp_path)
    assert records == [
        EntailRecord(
            id=row["pairID"],
            premise=row["sentence1"],
            hypothesis=row["sentence2"],
            label=row["gold_label"],
        )
        for row in fixtures.MEDNLI_ROWS
    ]


def test_scitail_tsv(tmp_path: Path) -> None:
    fixtures.write_scitail(tmp_path)
    records = load("scitail", tmp_path)
    assert [(r.premise, r.hypothesis, r.label) for r in records] == list(fixtures.SCITAIL_ROWS)
    assert [r.id for r in records] == ["test-1", "test-2"]


def test_n2c2_2010_archives_give_masked_concept_pairs(tmp_path: Path) -> None:
    fixtures.write_n2c2_2010(tmp_path)
    for split, doc in (("test", "0001"), ("train", "record-13")):
        records = load("n2c2_2010", tmp_path, split)
        assert [(r.id, r.text, r.labels) for r in records] == [
            (f"{doc}.c0.c1", "He was given @TREATMENT$ for @PROBLEM$ .", ("TrAP",)),
            (f"{doc}.c2.c3", "@TEST$ showed @PROBLEM$ .", ("TeRP",)),
        ]  # concepts on different lines are not paired; the unannotated record is skipped


def test_fixture_datasets_show_as_present(tmp_path: Path) -> None:
    for write in (
        fixtures.write_bioasq,
        fixtures.write_ddi,
        fixtures.write_mednli,
        fixtures.write_scitail,
        fixtures.write_n2c2_2010,
    ):
        write(tmp_path)
    for name in ("bioasq", "ddi_corpus", "mednli", "scitail", "n2c2_2010"):
        ((spec, view),) = views_named(name)
        assert availability(spec, view, tmp_path).startswith("present")  # "present (train missing)"
    empty = tmp_path / "empty"
    expected = {
        "bioasq": "registration",
        "mednli": "credentialed",
        "n2c2_2010": "credentialed",
        "ddi_corpus": "downloadable",
        "scitail": "downloadable",
    }
    for name, state in expected.items():
        ((spec, view),) = views_named(name)
        assert availability(spec, view, empty) == state


def test_ddi_release_quirks(tmp_path: Path) -> None:
    """Discontinuous mentions whose text joins the fragments without a space, and the one
    pair of the release that is true without a type (read as DDI-int)."""
    from bioeval.tasks.readers.ddi import read_pairs

    path = tmp_path / "Dopamine_ddi.xml"
    path.write_text(
        '<document id="DDI-DrugBank.d325"><sentence id="DDI-DrugBank.d325.s6" '
        'text="Dopamine with alpha- and beta-adrenergic blocking agents.">'
        '<entity id="DDI-DrugBank.d325.s6.e0" charOffset="0-7" type="drug" text="Dopamine"/>'
        '<entity id="DDI-DrugBank.d325.s6.e1" charOffset="14-19;30-55" type="group" '
        'text="alpha-adrenergic blocking agents"/>'
        '<pair id="DDI-DrugBank.d325.s6.p0" e1="DDI-DrugBank.d325.s6.e0" '
        'e2="DDI-DrugBank.d325.s6.e1" ddi="true"/>'
        "</sentence></document>",
        encoding="utf-8",
    )
    (record,) = read_pairs([path])
    assert record.labels == ("DDI-int",)
    assert record.text == "@DRUG$ with @DRUG$."
