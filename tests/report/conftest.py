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
