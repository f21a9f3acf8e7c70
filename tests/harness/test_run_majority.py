"""The majority baseline end to end on the real GAD and PubMedQA test sets."""

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
    assert "evaluated split test" in gad_note  # BLURB's GAD train.tsv is not in ../shared/data
    assert "train split (500 examples)" in pubmed_note  # the 500 labelled PQA-L items not in test
    run = json.loads((majority_run / "run.json").read_text(encoding="utf-8"))
    assert run["majority_baseline"]["gad/masked_association_yes_no"]["answer"] == "yes"


def test_run_json_records_config_versions_and_hashes(majority_run: Path, shared_data: Path) -> None:
    run = json.loads((majority_run / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "complete" and run["started"] and run["finished"]
    assert run["command"] and run["config"]["tasks"] == ["gad", "pubmed_qa"]
    assert run["versions"]["lm-eval"] and run["versions"]["python"]
    gad_file = str((shared_data / "gad" / "blurb" / "test.tsv").resolve())
    assert run["data_files"][gad_file] == "68fe2b2bddefac2cd5d35b4bc8a13bceee95ee9a582a623632981e893cdb512e"
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
