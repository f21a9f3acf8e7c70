"""Run folders for the report tests.

``majority_run`` is a real run of the pipeline (majority baseline, real data, every prompt
family). ``model_run`` adds a second model without running a language model: a copy of that
run whose scores.jsonl also holds rows of a fictitious model "fake-lm" with other values and
paired comparisons (a fixture written at the file boundary the report reads).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bioeval.cli import main
from report_fixtures import (
    FAKE_MODEL,
    edit_run_json,
    fake_model_rows,
    read_rows,
    write_rows,
)


@pytest.fixture(scope="session")
def majority_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report_runs") / "majority_run"
    code = main([
        "run", "--model", "majority", "--tasks", "gad,biosses,bc5cdr_chem", "--prompts", "all",
        "--sample", "30", "--data-dir", str(shared_data), "--output", str(out),
    ])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def model_run(majority_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report_runs") / "model_run"
    shutil.copytree(majority_run, out)
    baseline = read_rows(majority_run)
    write_rows(out, baseline + fake_model_rows(baseline))
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    models = {**record["models"], FAKE_MODEL: {"name": FAKE_MODEL, "backend": "hf"}}
    edit_run_json(out, models=models)
    return out


@pytest.fixture(scope="session")
def paper_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The issue's check: a full majority run over gad, biosses, pubmed_qa and hallmarks_of_cancer."""
    out = tmp_path_factory.mktemp("report_runs") / "paper_run"
    code = main([
        "run", "--model", "majority", "--tasks", "gad,biosses,pubmed_qa,hallmarks_of_cancer",
        "--data-dir", str(shared_data), "--output", str(out),
    ])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def sampled_model_run(majority_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second model with samples of its own: the majority's samples, where on gad the prompt
    "classify_associated" answers every example correctly (its output is the gold target)."""
    out = tmp_path_factory.mktemp("report_runs") / "sampled_model_run"
    shutil.copytree(majority_run, out)
    baseline = read_rows(majority_run)
    def copied(row: dict) -> dict:
        perfect = row["task"] == "gad" and row["prompt"] == "classify_associated" and row["metric"] == "accuracy"
        return {**row, "model": "copy-lm", **({"value": 1.0} if perfect else {})}

    write_rows(out, baseline + [copied(row) for row in baseline])
    shutil.copytree(out / "samples" / "majority", out / "samples" / "copy-lm")
    perfect = out / "samples" / "copy-lm" / "gad" / "classify_associated.jsonl"
    rows = [json.loads(line) for line in perfect.read_text(encoding="utf-8").splitlines()]
    perfect.write_text("".join(json.dumps({**r, "output": r["target"]}) + "\n" for r in rows), encoding="utf-8")
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    edit_run_json(out, models={**record["models"], "copy-lm": {"name": "copy-lm", "backend": "hf"}})
    return out
