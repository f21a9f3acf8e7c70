"""The report's statistics end to end on real runs: SmolLM2-135M, a tiny seq2seq T5 and the
majority baseline on GAD, PubMedQA and BIOSSES (real data, a few examples), every format; and
the honest-default cases (one model, one prompt, identical models) on run folders written
from a real run's samples."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from bioeval.cli import main
from report_fixtures import edit_run_json, read_rows, write_rows
from tiny_models import build_tiny_t5

TASKS = ("gad", "pubmed_qa", "biosses")


@pytest.fixture(scope="module")
def real_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stats_runs")
    t5 = build_tiny_t5(folder / "tiny-t5")
    out = folder / "run"
    code = main([
        "run", "--model", f"smollm2-135m,hf:{t5}", "--tasks", ",".join(TASKS), "--limit", "3",
        "--data-dir", str(shared_data), "--output", str(out),
    ])
    assert code == 0
    return out


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.model
def test_json_holds_every_statistic_with_n_method_and_seed(real_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stats = json.loads(_report(capsys, str(real_run), "--format", "json", "--seed", "3"))["statistics"]
    assert stats["settings"]["seed"] == 3 and stats["settings"]["n_boot"] == 1000
    models = {i["model"] for i in stats["intervals"]}
    assert "smollm2-135m" in models and "majority" in models and len(models) == 3
    for interval in stats["intervals"]:
        assert interval["n_examples"] == 3 and interval["seed"] == 3
        assert interval["method"].startswith("two-way bootstrap")
        if interval["value"] is None:
            assert interval["note"] and interval["ci_low"] is None  # undefined, said, no number
        else:
            assert interval["ci_low"] <= interval["value"] <= interval["ci_high"]
    # 3 models: 3 pairs per task, each with one paired test per shared prompt, Holm-adjusted
    assert {(p["task"], p["model_a"], p["model_b"]) for p in stats["comparisons"]} >= {
        ("gad", "smollm2-135m", "majority")}
    # one metric per task here: GAD's micro-F1 (the leaderboard also shows its accuracy, the
    # metric the papers' rows use: issue 20), PubMedQA's accuracy
    tests = {("gad", "micro_f1"): "paired bootstrap (1000 resamples)", ("pubmed_qa", "accuracy"): "exact McNemar"}
    for (task, metric), method in tests.items():
        pairs = [p for p in stats["comparisons"] if p["task"] == task and p["metric"] == metric]
        assert len(pairs) == 3
        for pair in pairs:
            assert pair["n_prompts"] == len(pair["prompts"]) == 5
            assert {t["method"] for t in pair["prompts"]} == {method}
            assert all(t["p_holm"] >= t["p_value"] for t in pair["prompts"])
    assert {g["task"] for g in stats["ties"]} == set(TASKS)
    assert {a["task"] for a in stats["agreement"]} >= {"gad", "pubmed_qa"}  # and biosses' yes / no prompts
    calibrated = {(c["model"], c["task"]) for c in stats["calibration"]}
    assert ("smollm2-135m", "gad") in calibrated and not any(m == "majority" for m, _ in calibrated)
    figures = [c["figures"] for c in stats["calibration"]]
    assert all(0.0 <= f["ece_equal_width"] <= 1.0 and 0.0 <= f["brier"] <= 2.0 for f in figures)


@pytest.mark.model
def test_every_format_shows_the_statistics(real_run: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    md = _report(capsys, str(real_run))
    assert "## Model vs model (paired)" in md and "## Where the variance comes from" in md
    assert "## Agreement across prompts" in md and "## Calibration of ranked answer choices" in md
    assert "two-way bootstrap interval over prompts and examples" in md
    smol = next(line for line in md.splitlines() if line.startswith("| smollm2-135m |"))
    assert "[" in smol and "#" in smol  # interval and tie-group rank in the leaderboard cells
    rows = list(csv.DictReader(io.StringIO(_report(capsys, str(real_run), "--format", "csv"))))
    gad = [r for r in rows if r["model"] == "smollm2-135m" and r["task"] == "gad"]
    assert gad and all(r["all_right"] and r["ece_equal_width"] for r in gad)
    # the leaderboard's metric (GAD: micro-F1) carries the interval of the mean and the rank
    assert all(r["mean_ci_low"] and r["tie_rank"] for r in gad if r["metric"] == "micro_f1")
    latex = _report(capsys, str(real_run), "--format", "latex")
    assert latex.count("\\begin{tabular}") >= 4
    compare = _report(capsys, str(real_run), "--compare", "--format", "csv")
    lines = list(csv.DictReader(io.StringIO(compare)))
    assert {r["prompt"] for r in lines if r["task"] == "gad"} >= {"(mean over prompts)", "classify_associated"}
    page = tmp_path / "report.html"
    _report(capsys, str(real_run), "--format", "html", "--output", str(page), "--plots")
    text = page.read_text(encoding="utf-8")
    assert "Model vs model (paired)" in text and "most often wrong" in text
    assert (tmp_path / "report_reliability.png").is_file() and (tmp_path / "report_reliability.svg").is_file()


def _copy_model(run: Path, folder: Path, source: str, copy: str) -> Path:
    """The run with a second model whose samples and scores are ``source``'s, under another name."""
    shutil.copytree(run, folder)
    rows = read_rows(folder)
    write_rows(folder, rows + [{**row, "model": copy} for row in rows if row["model"] == source])
    shutil.copytree(folder / "samples" / source, folder / "samples" / copy)
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    edit_run_json(folder, models={**record["models"], copy: {"name": copy, "backend": "hf"}})
    return folder


def test_identical_models_share_a_rank_with_p_1(majority_run: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    run = _copy_model(majority_run, tmp_path / "twins", "majority", "twin-lm")
    stats = json.loads(_report(capsys, str(run), "--format", "json"))["statistics"]
    gad = next(p for p in stats["comparisons"] if p["task"] == "gad" and p["metric"] == "micro_f1")
    assert gad["delta"] == 0.0 and gad["p_value"] == 1.0
    assert gad["a_wins"] == gad["b_wins"] == 0
    ranks = dict(next(g for g in stats["ties"] if g["task"] == "gad")["ranks"])
    assert ranks["twin-lm"] == ranks["majority"] == 1
    # the same class under every prompt: Fleiss' kappa is undefined, and said so instead of a number
    (agreement,) = [a for a in stats["agreement"] if a["model"] == "twin-lm" and a["task"] == "gad"]
    assert agreement["fleiss_kappa"] is None and "undefined" in agreement["note"]
    md = _report(capsys, str(run), "--compare")
    assert "not distinguishable" in md and "twin-lm beats majority on 0 of" in md


def test_one_model_and_one_prompt_say_undefined(majority_run: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    md = _report(capsys, str(majority_run), "--compare")
    assert "undefined: fewer than two models" in md
    out = _report(capsys, str(majority_run), "--format", "json", "--family", "unified")
    stats = json.loads(out)["statistics"]
    for interval in stats["intervals"]:
        assert interval["n_prompts"] == 1 and interval["method"] == "example bootstrap (one prompt)"
    assert all(v["prompts"] is None and "undefined" in v["note"] for v in stats["variance"])


@pytest.mark.parametrize("args", [["--resamples", "0"], ["--alpha", "1.5"]])
def test_bad_settings_fail_in_one_line(majority_run: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["report", str(majority_run), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and args[0] in err


def test_lower_is_better_flips_best_worst_and_tie_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from bioeval.metrics.registry import METRICS
    from bioeval.report.aggregates import over_prompts
    from bioeval.report.data import report_rows
    from bioeval.report.stat_compute import tie_groups
    from bioeval.report.stat_types import MeanInterval, PairComparison, StatsSettings
    from bioeval.rundir.records import ScoreRow, Where
    from report_fixtures import score_row

    monkeypatch.setitem(METRICS, "error_rate", replace(METRICS["accuracy"], name="error_rate", higher_is_better=False))
    rows = report_rows([ScoreRow.from_json(score_row("lm", "gad", p, "error_rate", v), Where("x"))
                        for p, v in (("a", 0.2), ("b", 0.5))], None, "run")
    assert (over_prompts(rows).best, over_prompts(rows).worst) == (0.2, 0.5)

    def mean(model: str, value: float) -> MeanInterval:
        return MeanInterval(model, "gad", "error_rate", value, None, None, 5, 100, "", 0, 1000, 0.95)

    def pair(a: str, b: str, p: float) -> PairComparison:
        return PairComparison("gad", "error_rate", a, b, 5, 100, None, None, 0.0, None, None, p, "", 0, 1000, 0, 0,
                              False, ())

    groups = tie_groups("gad", "error_rate", [mean("high", 0.6), mean("low", 0.1), mean("mid", 0.15)],
                        [pair("low", "mid", 0.5), pair("low", "high", 0.001), pair("mid", "high", 0.002)],
                        StatsSettings())
    assert groups is not None and dict(groups.ranks) == {"low": 1, "mid": 1, "high": 2}
