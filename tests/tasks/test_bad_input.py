"""Bad files fail with one line naming the file and the line or document, and exit status 2.

Each case copies a real file from ../shared/data into a temporary data directory, damages it
the way files get damaged, and runs ``bioeval data check`` on it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import upstream_fixtures as fixtures
from bioeval.cli import main


def place(shared_data: Path, data_dir: Path, ref: str) -> Path:
    """Copy ``<dataset>/<source>/<file>`` from the shared data into ``data_dir``."""
    target = data_dir / ref
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared_data / ref, target)
    return target


def check(
    capsys: pytest.CaptureFixture[str], data_dir: Path, task: str, split: str = "test"
) -> str:
    status = main(["data", "check", task, "--split", split, "--data-dir", str(data_dir)])
    error = capsys.readouterr().err.strip()
    assert status == 2
    assert len(error.splitlines()) == 1, error
    return error


def test_truncated_iob_file(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "bc2gm/blurb/test.tsv")
    data = path.read_bytes()
    cut = data.index(b"\tO\n", len(data) // 2)  # cut a line between its token and its tag
    path.write_bytes(data[:cut])
    line = data[:cut].count(b"\n") + 1
    error = check(capsys, tmp_path, "bc2gm")
    assert f"{path}:{line}: 1 tab-separated columns; expected token<TAB>tag" in error


def test_truncated_json_file(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "pubmed_qa/original/ori_pqal.json")
    place(shared_data, tmp_path, "pubmed_qa/original/test_ground_truth.json")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 3], encoding="utf-8")
    error = check(capsys, tmp_path, "pubmed_qa")
    assert f"{path}:" in error and "invalid JSON" in error


def test_wrong_column_count(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "gad/blurb/test.tsv")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[7] = lines[7].rsplit("\t", 1)[0]  # drop the label column of the 7th data row
    path.write_text("\n".join(lines), encoding="utf-8")
    error = check(capsys, tmp_path, "gad")
    assert f"{path}:8: 2 tab-separated columns; expected 3" in error


def test_offset_that_does_not_match_the_text(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "bc5cdr/pubtator/CDR_TestSet.PubTator.txt")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("8701013\t22\t30\tdelirium", "8701013\t23\t31\tdelirium", 1))
    error = check(capsys, tmp_path, "bc5cdr")
    assert str(path) in error
    assert (
        "document 8701013: entity 8701013-T1 at 23-31 reads 'elirium.' but is annotated as "
        "'delirium'" in error
    )


def test_label_outside_the_declared_set(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "chemprot/blurb/dev.tsv")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].rsplit("\t", 1)[0] + "\tCPR:2"  # a group BLURB does not evaluate
    path.write_text("\n".join(lines), encoding="utf-8")
    error = check(capsys, tmp_path, "chemprot_blurb", "validation")
    assert f"{path}:3: label 'CPR:2'; expected one of" in error


def test_hoc_flags_outside_the_declared_set(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "hallmarks_of_cancer/blurb/test.tsv")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[4] = lines[4].replace("9_0", "9_2", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    error = check(capsys, tmp_path, "hallmarks_of_cancer_blurb")
    assert f"{path}:5: label '9_2'; expected 9_0 or 9_1" in error


def test_entity_type_outside_the_declared_set(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "jnlpba/blurb/test.tsv")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\tB-protein\n", "\tB-peptide\n", 1), encoding="utf-8")
    line = text[: text.index("\tB-protein\n")].count("\n") + 1
    error = check(capsys, tmp_path, "jnlpba")
    assert f"{path}:{line}: tag 'B-peptide'; expected O, B-protein, I-protein" in error


def test_non_utf8_byte(shared_data: Path, tmp_path: Path, capsys) -> None:
    path = place(shared_data, tmp_path, "ncbi_disease/original/NCBItestset_corpus.txt")
    lines = path.read_bytes().split(b"\n")
    lines[9] = lines[9].replace(b"a", b"\xe9", 1)  # a Latin-1 byte
    path.write_bytes(b"\n".join(lines))
    error = check(capsys, tmp_path, "ncbi_disease")
    assert f"{path}:10: byte 0xe9 is not valid UTF-8 (expected UTF-8 text)" in error


def test_missing_files_say_what_to_do(tmp_path: Path, capsys) -> None:
    status = main(["data", "check", "mednli", "--data-dir", str(tmp_path)])
    assert status == 0  # nothing to check: listed as missing
    assert "files missing" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (
            lambda p: p.write_text('<document id="d"><sentence id="s" text="x">', encoding="utf-8"),
            "malformed XML",
        ),
        (
            lambda p: p.write_text(
                '<document id="d"><sentence id="s" text="Aspirin and warfarin">'
                '<entity id="e0" charOffset="0-6" type="drug" text="Aspirin"/>'
                '<entity id="e1" charOffset="12-18" type="drug" text="warfarin"/>'
                "</sentence></document>",
                encoding="utf-8",
            ),
            "document s: entity e1 at 12-19 reads 'warfari' but is annotated as 'warfarin'",
        ),
    ],
)
def test_bad_ddi_xml(tmp_path: Path, capsys, write, expected: str) -> None:  # noqa: ANN001
    folder = tmp_path / "ddi_corpus/original/Test/Test for DDI Extraction task/DrugBank"
    folder.mkdir(parents=True)
    (tmp_path / "ddi_corpus/original/Test/Test for DDI Extraction task/MedLine").mkdir()
    (tmp_path / "ddi_corpus/original/Test/Test for DDI Extraction task/MedLine/a.xml").write_text(
        '<document id="m"/>', encoding="utf-8"
    )
    write(folder / "bad.xml")
    error = check(capsys, tmp_path, "ddi_corpus")
    assert str(folder / "bad.xml") in error and expected in error


def test_bioasq_answer_that_is_not_yes_or_no(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "bioasq/original"
    folder.mkdir(parents=True)
    question = {
        "id": "q1",
        "type": "yesno",
        "body": "Is it?",
        "exact_answer": "perhaps",
        "snippets": [],
    }
    for batch in range(1, 6):
        (folder / f"7B{batch}_golden.json").write_text(json.dumps({"questions": [question]}))
    error = check(capsys, tmp_path, "bioasq")
    assert (
        f"{folder / '7B1_golden.json'}: question q1: exact_answer 'perhaps'; expected yes or no"
        in error
    )


def test_n2c2_relation_to_an_unknown_concept(tmp_path: Path, capsys) -> None:
    bad_relations = fixtures.N2C2_REL.replace("2:5 2:7\n", "2:4 2:7\n", 1)
    folder = tmp_path / "n2c2_2010/original"
    folder.mkdir(parents=True)
    fixtures.write_tar(
        folder / "reference_standard_for_test_data.tar.gz",
        {
            "reference_standard_for_test_data/concepts/0001.con": fixtures.N2C2_CON,
            "reference_standard_for_test_data/rel/0001.rel": bad_relations,
        },
    )
    fixtures.write_tar(folder / "test_data.tar.gz", {"test_data/0001.txt": fixtures.N2C2_TEXT})
    error = check(capsys, tmp_path, "n2c2_2010")
    assert (
        "reference_standard_for_test_data.tar.gz:reference_standard_for_test_data/rel/0001.rel:1"
        in error
    )
    assert "relation argument 'his pulmonary edema' at (2, 4, 2, 7) is not a concept" in error
