"""`bioeval report` in every format, on a real majority run plus a synthetic second model."""

from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

import pytest
from bioeval.cli import main
from report_fixtures import FAKE_MODEL, read_rows


def report(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


def values(run: Path, model: str, task: str, metric: str) -> list[float]:
    return [r["value"] for r in read_rows(run) if r["model"] == model and r["task"] == task and r["metric"] == metric]


def test_markdown_leaderboard_and_per_prompt_tables(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(capsys, str(model_run))
    # each task's first metric, then the published rows' metric for it where that differs (BigBIO:
    # GAD accuracy, NER ROUGE-1; BioMistral-NLU: lowercased exact mention strings), each named
    assert ("| model | gad (micro_f1) | gad (accuracy) | biosses (pearson) | bc5cdr_chem (entity_f1) "
            "| bc5cdr_chem (rouge1) | bc5cdr_chem (entity_f1_exact_lower) |") in text
    gad_mean = statistics.fmean(values(model_run, FAKE_MODEL, "gad", "micro_f1"))
    ner_mean = statistics.fmean(values(model_run, FAKE_MODEL, "bc5cdr_chem", "entity_f1"))
    row = next(line for line in text.splitlines() if line.startswith(f"| {FAKE_MODEL} |"))
    assert row.split(" | ")[1] == f"{gad_mean:.4f}" and row.split(" | ")[4] == f"{ner_mean:.4f}"
    baseline = next(line for line in text.splitlines() if line.startswith("| majority (baseline) |"))
    # NER F1 0 (with its two-way interval); Pearson of a constant undefined
    assert "| 0.0000 [0.000, 0.000] |" in baseline and "n/a" in baseline
    assert f"| prompt | family | version | {FAKE_MODEL} | majority |" in text
    assert "### gad - accuracy (n=30, 7 prompts)" in text
    # a per-prompt cell: value, interval, star where it beats the baseline, unparsed count
    first = read_rows(model_run)[len(read_rows(model_run)) // 2]  # first fake row: gad micro_f1
    assert first["model"] == FAKE_MODEL and first["vs_baseline"]["beats_baseline"]
    assert f"| {first['value']:.4f} [{first['ci_low']:.4f}, {first['ci_high']:.4f}] * |" in text


def test_csv_is_one_tidy_table(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(report(capsys, str(model_run), "--format", "csv"))))
    source = read_rows(model_run)
    assert len(rows) == len(source)
    assert {"model", "task", "prompt", "metric", "value", "ci_low", "ci_high", "n", "n_unparsed",
            "baseline_value", "delta", "p_value"} <= set(rows[0])
    baseline = {(r["task"], r["prompt"], r["metric"]): r["value"] for r in source if r["model"] == "majority"}
    fake = [r for r in rows if r["model"] == FAKE_MODEL]
    assert len(fake) == len(source) // 2
    for row, original in zip(fake, (r for r in source if r["model"] == FAKE_MODEL)):
        expected = baseline[(row["task"], row["prompt"], row["metric"])]
        assert row["baseline_value"] == ("" if expected is None else repr(expected))
        assert float(row["value"]) == original["value"]
        assert float(row["delta"]) == pytest.approx(original["vs_baseline"]["delta"])
        assert float(row["p_value"]) == original["vs_baseline"]["p_value"]
        assert int(row["n_unparsed"]) == original["n_unparsed"]


def test_json_holds_both_structures(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(report(capsys, str(model_run), "--format", "json"))
    board = document["leaderboard"]
    assert [(c["task"], c["metric"]) for c in board["columns"]] == [
        ("gad", "micro_f1"), ("gad", "accuracy"), ("biosses", "pearson"), ("bc5cdr_chem", "entity_f1"),
        ("bc5cdr_chem", "rouge1"), ("bc5cdr_chem", "entity_f1_exact_lower")]
    evaluated = [(r["label"], r["kind"]) for r in board["rows"] if r["kind"] in ("model", "baseline")]
    assert evaluated == [(FAKE_MODEL, "model"), ("majority", "baseline")]
    assert board["rows"][2]["kind"] == "reference"  # the packaged published rows follow, as context
    cell = board["rows"][0]["cells"][0]
    gad = values(model_run, FAKE_MODEL, "gad", "micro_f1")
    assert cell["over_prompts"]["best"] == max(gad) and cell["over_prompts"]["n_prompts"] == len(gad)
    pairs = {(t["task"], t["metric"]) for t in document["prompt_tables"]}
    assert pairs == {(r["task"], r["metric"]) for r in read_rows(model_run)}


def test_latex_booktabs_with_best_in_bold(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(capsys, str(model_run), "--format", "latex")
    assert "\\begin{tabular}{lrrrrrr}" in text and "\\toprule" in text and "\\bottomrule" in text
    assert "bc5cdr\\_chem" in text and "micro\\_f1" in text
    fake = next(line for line in text.splitlines() if line.startswith(FAKE_MODEL))
    baseline = next(line for line in text.splitlines() if line.startswith("majority"))
    assert fake.count("\\textbf{") == 6  # the fake model is above the baseline in every column
    assert "\\textbf{" not in baseline


def test_aggregate_and_family_options(model_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(report(capsys, str(model_run), "--format", "json", "--aggregate", "worst",
                                 "--family", "bigbio", "--metric", "accuracy"))
    board = document["leaderboard"]
    assert board["aggregate"] == "worst"
    assert [c["task"] for c in board["columns"]] == ["gad", "biosses"]  # bc5cdr_chem has no accuracy
    expected = min(r["value"] for r in read_rows(model_run)
                   if r["model"] == FAKE_MODEL and r["task"] == "gad" and r["metric"] == "accuracy"
                   and r["family"] == "bigbio")
    assert board["rows"][0]["cells"][0]["value"] == expected
    assert {row["family"] for t in document["prompt_tables"] for row in t["rows"]} == {"bigbio"}
    assert any("without metric accuracy" in note for note in board["notes"])


def test_html_is_one_self_contained_page(model_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(model_run), "--format", "html", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<table id=\"leaderboard\"") == 1
    assert page.count("<section class=\"ptable\"") == 8  # one table per (task, metric)
    assert f"<th>{FAKE_MODEL}</th>" in page and "<svg" not in page
    assert "<script type=\"application/json\" id=\"bioeval-samples\">" in page
    assert "src=\"http" not in page and "href=\"http" not in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # written atomically, no leftovers


def test_reports_are_byte_identical_on_two_calls(model_run: Path, tmp_path: Path) -> None:
    for fmt in ("md", "csv", "latex", "json", "html"):
        outputs = []
        for attempt in ("a", "b"):
            out = tmp_path / attempt / f"report.{fmt}"
            assert main(["report", str(model_run), "--format", fmt, "--output", str(out)]) == 0
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], fmt
