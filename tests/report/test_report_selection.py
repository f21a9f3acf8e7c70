"""The honest best prompt: chosen on a validation run, else by seeded cross-validation over test folds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bioeval.cli import main
from bioeval.report.data import load_runs
from bioeval.report.selection import CROSS_VALIDATION, VALIDATION, choose_prompts, fold_of
from report_fixtures import score_row, synthetic_run


def _run(folder: Path, values: dict[str, float], split: str) -> Path:
    rows = [score_row("lm", "gad", prompt, "accuracy", value) for prompt, value in values.items()]
    run = synthetic_run(folder, rows, models={"lm": "hf"})
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    record["config"]["split"] = split
    (run / "run.json").write_text(json.dumps(record), encoding="utf-8")
    return run


def test_the_prompt_best_on_validation_is_scored_on_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    test = _run(tmp_path / "test", {"p1": 0.5, "p2": 0.7, "p3": 0.6}, "test")
    dev = _run(tmp_path / "dev", {"p1": 0.4, "p2": 0.5, "p3": 0.9}, "validation")
    data = load_runs([test, dev])
    assert {r.run for r in data.rows} == {"test"} and len(data.dev_rows) == 3  # validation rows are not reported
    (choice,) = choose_prompts(data)
    assert (choice.test_best_prompt, choice.test_best) == ("p2", 0.7)  # the papers' Best, chosen on test
    assert (choice.method, choice.chosen_prompt, choice.score) == (VALIDATION, "p3", 0.6)
    capsys.readouterr()
    assert main(["report", str(test), str(dev), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["best_prompt"]
    assert row["chosen_prompt"] == "p3" and row["score"] == 0.6


def test_folds_are_seeded_and_balanced() -> None:
    ids = [f"test-{i}" for i in range(23)]
    folds = fold_of(ids, 5, 1234)
    assert folds == fold_of(list(reversed(ids)), 5, 1234)  # by id, not by order
    assert sorted(list(folds.values()).count(k) for k in range(5)) == [4, 4, 5, 5, 5]
    assert folds != fold_of(ids, 5, 99)


def test_cross_validation_from_samples_finds_the_prompt_that_is_right_everywhere(
    sampled_model_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    choices = {(c.model, c.task, c.metric): c for c in choose_prompts(load_runs([sampled_model_run]))}
    assert all(model == "copy-lm" for model, _, _ in choices)  # the baseline is not chosen for
    gad = choices[("copy-lm", "gad", "accuracy")]
    assert gad.method == CROSS_VALIDATION and gad.chosen_prompt == "classify_associated"
    assert gad.score == pytest.approx(1.0) and gad.test_best_prompt == "classify_associated"
    assert "5-fold" in gad.detail and "seed 1234" in gad.detail
    assert choose_prompts(load_runs([sampled_model_run])) == tuple(choices.values())  # deterministic
    capsys.readouterr()
    assert main(["report", str(sampled_model_run)]) == 0
    assert "## Best prompt: test-selected (optimistic) and honest" in capsys.readouterr().out
