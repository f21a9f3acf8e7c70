"""Bad run folders fail in one line (exit 2); several runs merge with the later run winning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bioeval.cli import main
from report_fixtures import (
    FAKE_MODEL,
    fake_model_rows,
    read_rows,
    score_row,
    synthetic_run,
    write_rows,
)


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["report", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bioeval: error: ") and err.count("\n") == 1
    return err


def test_a_folder_without_run_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "is not a run folder: it has no run.json" in fails(capsys, str(tmp_path))
    assert "no such directory" in fails(capsys, str(tmp_path / "absent"))
    (tmp_path / "run.json").write_text(json.dumps({"status": "complete"}), encoding="utf-8")
    assert "it has no scores.jsonl" in fails(capsys, str(tmp_path))


def test_malformed_scores_line_names_file_and_line(model_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "broken"
    shutil.copytree(model_run, run)
    lines = (run / "scores.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (run / "scores.jsonl").write_text("".join(lines[:2]) + '{"model": "x", oops\n' + "".join(lines[2:]), encoding="utf-8")
    assert f"{run / 'scores.jsonl'}:3: invalid JSON" in fails(capsys, str(run))
    bad_value = json.loads(lines[4]) | {"value": "high"}
    (run / "scores.jsonl").write_text("".join(lines[:4]) + json.dumps(bad_value) + "\n", encoding="utf-8")
    assert "scores.jsonl:5: expected 'value' to be a number or null" in fails(capsys, str(run))
    no_metric = {k: v for k, v in json.loads(lines[0]).items() if k != "metric"}
    (run / "scores.jsonl").write_text(json.dumps(no_metric) + "\n", encoding="utf-8")
    assert "scores.jsonl:1: score row lacks metric" in fails(capsys, str(run))


def test_unknown_names_get_a_hint(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown metric 'acuracy'; did you mean 'accuracy'?" in fails(capsys, str(model_run), "--metric", "acuracy")
    assert "unknown suite 'blurbb'; did you mean 'blurb'?" in fails(capsys, str(model_run), "--suite", "blurbb")
    assert "unknown prompt family 'bigbi'; did you mean 'bigbio'?" in fails(capsys, str(model_run), "--family", "bigbi")


def test_interrupted_run_is_reported_with_a_warning(majority_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "interrupted"
    shutil.copytree(majority_run, run)
    record = json.loads((run / "run.json").read_text(encoding="utf-8")) | {"status": "interrupted"}
    (run / "run.json").write_text(json.dumps(record), encoding="utf-8")
    rows = [r for r in read_rows(run) if r["task"] == "gad"]
    write_rows(run, rows)
    capsys.readouterr()
    assert main(["report", str(run)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"bioeval: warning: run interrupted has status 'interrupted': reporting the {len(rows)} score rows it finished\n"
    )
    assert "| model | gad (micro_f1) | gad (accuracy) |\n" in captured.out and "has status 'interrupted'" in captured.out


def test_later_run_wins_for_the_same_model_and_task(model_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = [r for r in read_rows(model_run) if r["model"] == "majority" and r["task"] == "gad"]
    later_rows = baseline + fake_model_rows(baseline, shift=0.2)
    later = synthetic_run(tmp_path / "later_run", later_rows, started="2999-01-01T00:00:00+00:00",
                          models={"majority": "majority", FAKE_MODEL: "hf"})
    capsys.readouterr()
    assert main(["report", str(later), str(model_run), "--format", "json"]) == 0  # order given does not matter
    document = json.loads(capsys.readouterr().out)
    board = document["leaderboard"]
    fake = board["rows"][0]
    gad_later = [r["value"] for r in later_rows if r["model"] == FAKE_MODEL and r["metric"] == "micro_f1"]
    assert fake["cells"][0]["value"] == pytest.approx(sum(gad_later) / len(gad_later))
    ner_earlier = [r["value"] for r in read_rows(model_run)
                   if r["model"] == FAKE_MODEL and r["task"] == "bc5cdr_chem" and r["metric"] == "entity_f1"]
    ner = [(c["task"], c["metric"]) for c in board["columns"]].index(("bc5cdr_chem", "entity_f1"))
    assert fake["cells"][ner]["value"] == pytest.approx(sum(ner_earlier) / len(ner_earlier))  # only in the earlier run
    n = later_rows[0]["n"]
    assert f"{FAKE_MODEL} on gad: run later_run (later, n={n}) replaces run model_run (n={n})" in document["notes"]
    assert [r["name"] for r in document["runs"]] == ["model_run", "later_run"]


def test_a_later_run_on_fewer_examples_does_not_replace_a_fuller_one(
    model_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = [r for r in read_rows(model_run) if r["model"] == "majority" and r["task"] == "gad"]
    small = [dict(r, n=r["n"] - 10) for r in baseline + fake_model_rows(baseline, shift=0.2)]
    later = synthetic_run(tmp_path / "sampled_run", small, started="2999-01-01T00:00:00+00:00",
                          models={"majority": "majority", FAKE_MODEL: "hf"})
    capsys.readouterr()
    assert main(["report", str(model_run), str(later), "--format", "json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    full = baseline[0]["n"]
    expected = (f"{FAKE_MODEL} on gad: kept run model_run (n={full}); the later run sampled_run has fewer "
                f"examples (n={full - 10})")
    assert expected in document["notes"] and expected in captured.err
    earlier = [r["value"] for r in read_rows(model_run)
               if r["model"] == FAKE_MODEL and r["task"] == "gad" and r["metric"] == "micro_f1"]
    assert document["leaderboard"]["rows"][0]["cells"][0]["value"] == pytest.approx(sum(earlier) / len(earlier))


def test_a_report_never_overwrites_run_files(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (model_run / "scores.jsonl").read_bytes()
    assert "would overwrite a file of run model_run" in fails(
        capsys, str(model_run), "--output", str(model_run / "scores.jsonl"))
    assert (model_run / "scores.jsonl").read_bytes() == before


def test_baseline_only_in_an_undefined_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [score_row("majority", "biosses", "p", "pearson", None), score_row("lm", "biosses", "p", "pearson", 0.3)]
    run = synthetic_run(tmp_path / "pearson", rows, models={"majority": "majority", "lm": "hf"})
    capsys.readouterr()
    assert main(["report", str(run), "--format", "csv"]) == 0
    lm = [line for line in capsys.readouterr().out.splitlines() if line.startswith("lm,")]
    # no recorded comparison: the delta is taken against Pearson's stand-in for a constant, 0
    # the statistics columns are empty without samples/, but say their seed and resamples
    assert lm == ["lm,biosses,p,bigbio,000000000000,pearson,0.3,,,10,0,,0.3,,,,pearson" + "," * 16 + ",0,1000"]
