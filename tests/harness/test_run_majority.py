"""The majority baseline end to end on the real GAD and PubMedQA test sets, counted on their
training splits, and on the evaluated split where a view has none here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main


@pytest.fixture(scope="module")
def majority_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "majority"
    code = main(["run", "--model", "majority", "--tasks", "gad,pubmed_qa", "--data-dir", str(shared_data), "--output", str(out)])
    assert code == 0
    return out


def scores(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]


def test_majority_accuracy_on_every_prompt(majority_run: Path) -> None:
    rows = scores(majority_run)
    gad = [row for row in rows if row["task"] == "gad" and row["metric"] == "accuracy"]
    pubmed = [row for row in rows if row["task"] == "pubmed_qa" and row["metric"] == "accuracy"]
    assert len(gad) >= 5 and len(pubmed) >= 5
    assert {row["n"] for row in gad} == {534}
    assert {row["n"] for row in pubmed} == {500}
    for row in gad:  # 281 of the 534 GAD test sentences are positive
        assert row["value"] == pytest.approx(281 / 534, abs=1e-12)
        assert row["n_unparsed"] == 0
    for row in pubmed:  # 276 of the 500 PubMedQA test questions are "yes"
        assert row["value"] == pytest.approx(276 / 500, abs=1e-12)
    assert {row["model"] for row in rows} == {"majority"}


def test_baseline_says_where_it_counted(majority_run: Path) -> None:
    rows = scores(majority_run)
    gad_note = next(row["note"] for row in rows if row["task"] == "gad")
    pubmed_note = next(row["note"] for row in rows if row["task"] == "pubmed_qa")
    assert "most frequent target of the train split (4261 examples)" in gad_note  # BLURB's GAD train.tsv
    assert "train split (500 examples)" in pubmed_note  # the 500 labelled PQA-L items not in test
    run = json.loads((majority_run / "run.json").read_text(encoding="utf-8"))
    gad = run["majority_baseline"]["gad/masked_association_yes_no"]
    assert gad == {"answer": "yes", "counted_on": "train split (4261 examples)"}  # 2227 of 4261 positive


def without_gad_train(shared_data: Path, tmp_path: Path) -> Path:
    """A data dir of symlinks to GAD's dev and test files only (nothing copied)."""
    folder = tmp_path / "data" / "gad" / "blurb"
    folder.mkdir(parents=True)
    for name in ("dev.tsv", "test.tsv"):
        (folder / name).symlink_to(shared_data / "gad" / "blurb" / name)
    return tmp_path / "data"


def test_without_a_train_split_the_baseline_counts_on_the_evaluated_one(
    shared_data: Path, tmp_path: Path
) -> None:
    data = without_gad_train(shared_data, tmp_path)
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "gad", "--limit", "5",
                 "--data-dir", str(data), "--output", str(out)]) == 0
    counted = "evaluated split test (534 examples): no train split available"  # the whole split, not --limit's 5
    notes = {row["note"] for row in scores(out)}
    assert notes and all(f"most frequent target of the {counted}" in note for note in notes)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["majority_baseline"]["gad/masked_association_yes_no"] == {"answer": "yes", "counted_on": counted}
    assert not any("train.tsv" in path for path in run["data_files"])


def test_a_view_whose_train_file_is_really_absent_counts_on_its_test_split(
    shared_data: Path, tmp_path: Path
) -> None:
    """JNLPBA's train.tsv is not in ../shared/data (SOURCES.md)."""
    assert not (shared_data / "jnlpba" / "blurb" / "train.tsv").exists()
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "jnlpba", "--limit", "2",
                 "--data-dir", str(shared_data), "--output", str(out)]) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {info["counted_on"] for info in run["majority_baseline"].values()} == {
        "evaluated split test (404 examples): no train split available"
    }


def test_a_bad_training_file_is_one_line_naming_it(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = without_gad_train(shared_data, tmp_path)
    bad = data / "gad" / "blurb" / "train.tsv"
    bad.write_text("index\tsentence\tlabel\n0\t@GENE$ and @DISEASE$\t2\n", encoding="utf-8")
    assert main(["run", "--model", "majority", "--tasks", "gad", "--limit", "2",
                 "--data-dir", str(data), "--output", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"bioeval: error: {bad}:2: label '2'; expected one of ['0', '1']"


def test_run_json_records_config_versions_and_hashes(majority_run: Path, shared_data: Path) -> None:
    run = json.loads((majority_run / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "complete" and run["started"] and run["finished"]
    assert run["command"] and run["config"]["tasks"] == ["gad", "pubmed_qa"]
    assert run["versions"]["lm-eval"] and run["versions"]["python"]
    gad_file = str((shared_data / "gad" / "blurb" / "test.tsv").resolve())
    assert run["data_files"][gad_file] == "68fe2b2bddefac2cd5d35b4bc8a13bceee95ee9a582a623632981e893cdb512e"
    gad_train = str((shared_data / "gad" / "blurb" / "train.tsv").resolve())  # what the baseline counted on
    assert run["data_files"][gad_train] == "8c57f5f28a843cd64bcd939c62842cf685552315e7a78069be7d1ceff47bb663"
    for entry in run["prompts"].values():
        assert len(entry["sha256"]) == 64 and len(entry["version"]) == 12 and entry["id"]


def test_samples_hold_every_example(majority_run: Path) -> None:
    files = sorted((majority_run / "samples" / "majority").glob("*/*.jsonl"))
    assert len(files) == len({(row["task"], row["prompt"]) for row in scores(majority_run)})
    for path in files:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert len(rows) == (534 if path.parent.name == "gad" else 500)
        assert len({row["id"] for row in rows}) == len(rows)
        for row in rows:
            assert set(row) >= {"id", "input", "output", "prediction", "gold"}
            assert row["input"] and row["gold"] in row["choices"]
