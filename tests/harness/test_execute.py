"""``execute`` returns the run record it wrote and the score rows, so ``bioeval run`` prints its
summary without reading run.json back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bioeval.rundir.reader as reader
from bioeval.cli import main
from bioeval.run.plan import build_plan
from bioeval.run.record import RunOptions
from bioeval.run.runner import execute
from bioeval.rundir.layout import RunFolder
from bioeval.rundir.reader import read_run_record, read_score_rows


def test_execute_returns_what_it_wrote(shared_data: Path, tmp_path: Path) -> None:
    plan = build_plan(["majority"], ["gad", "pubmed_qa"], None, shared_data, 20)
    folder = RunFolder.create(tmp_path / "run")
    result = execute(plan, folder, RunOptions(limit=20))
    assert result.record.status == "complete"
    assert result.record == read_run_record(folder.path)
    assert result.record.to_json() == json.loads((folder.path / "run.json").read_text(encoding="utf-8"))
    assert list(result.rows) == read_score_rows(folder.path)


def test_the_run_command_does_not_read_run_json_back(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(run_dir: Path) -> None:
        raise AssertionError(f"read {run_dir}/run.json back")

    monkeypatch.setattr(reader, "read_run_record", refuse)
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "gad", "--limit", "20",
                 "--data-dir", str(shared_data), "--output", str(out)]) == 0
    assert "[mean over prompts]" in capsys.readouterr().out
