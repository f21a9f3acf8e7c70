"""--layout bigbio / biomistral-nlu and the packaged reference rows (configs/reference_scores.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bioeval.cli import main
from bioeval.report.references import packaged_tables


def report(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


def test_packaged_references_are_the_papers_tables_with_sources() -> None:
    tables = {t.key: t for t in packaged_tables()}
    assert set(tables) == {"bigbio-table2", "bigbio-table3", "biomistral-nlu-table5", "medinst-table4"}
    assert all(t.source and t.setup for t in tables.values())
    t0pp = next(r for r in tables["bigbio-table2"].rows if r.alias == "t0pp")
    assert t0pp.label == "T0++" and t0pp.score("bioasq").value == pytest.approx(0.941)
    assert t0pp.score("bioasq").best == pytest.approx(0.943)
    gpt3 = next(r for r in tables["bigbio-table2"].rows if r.label.startswith("GPT-3"))
    assert gpt3.score("mednli").value is None and gpt3.score("mednli").note == "DUA"
    assert dict(tables["biomistral-nlu-table5"].instances)["hallmarks_of_cancer"] == 315
    biomistral = next(r for r in tables["medinst-table4"].rows if r.alias == "biomistral-7b")
    assert biomistral.score("mmlu_anatomy").value == pytest.approx(0.4889)
    assert biomistral.benchmark("mmlu-medical") == pytest.approx(0.6088)


def test_bigbio_layout_puts_the_papers_majority_row_beside_this_runs(
    paper_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys, str(paper_run), "--layout", "bigbio")
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("| Model | Params |"))
    assert header.split(" | ")[2:5] == ["biosses Avg", "biosses Best", "biosses Best (honest)"]
    gad = header.strip("| ").split(" | ").index("gad Avg")
    cells = {line.strip("| ").split(" | ")[0]: line.strip("| ").split(" | ") for line in lines if line.startswith("| ")}
    assert cells["Majority class"][gad] == "52.6"
    assert cells["majority (this run)"][gad] == "52.62"
    assert cells["majority minus Majority class"][gad] == "+0.02"
    assert cells["T0++"][gad: gad + 2] == ["53.5", "55.4"] and cells["Fine-tuned SOTA"][gad] == "84.9"
    assert "GPT-3 (text-davinci-002)" in cells
    assert "Best (honest)" in text and "optimistic" in text
    assert "BigBIO Table 3" not in text  # no NER task in the run


@pytest.mark.parametrize("fmt", ["csv", "latex", "html", "json"])
def test_bigbio_layout_in_every_format(paper_run: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    text = report(capsys, str(paper_run), "--layout", "bigbio", "--format", fmt)
    assert "52.62" in text and "52.6" in text and "T0++" in text
    if fmt == "json":
        layout = json.loads(text)["layout"][0]
        assert layout["header"][:2] == ["Model", "Params"] and "Majority class" in [r[0] for r in layout["rows"]]
    if fmt == "latex":
        assert "\\multicolumn{3}{c}{gad (accuracy)}" in text


def test_biomistral_layout_has_table5_columns_and_the_blue_caveat(
    paper_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys, str(paper_run), "--layout", "biomistral-nlu")
    header = next(line for line in text.splitlines() if line.startswith("| Task |")).strip("| ").split(" | ")
    assert header == ["Task", "Metric", "Dataset", "Instances", "n (this run)", "ChatGPT", "GPT-4",
                      "LLaMA-3.1-8B-Instruct", "BioMistral-7B", "BioMistral-NLU", "majority (this run)"]
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Task |"))
    table = lines[start:next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))]
    hoc = [[c.strip() for c in line.split("|")[1:-1]] for line in table if "| hallmarks_of_cancer |" in line]
    # the paper's metric (BioMistral-NLU's code: micro-F1 over document-hallmark decisions) with
    # the paper's figures, then bioeval's default, named, with this run's figure only
    assert [row[1] for row in hoc] == ["label_micro_f1", "example_f1 (bioeval's default; not the paper's)"]
    assert hoc[0][3:5] == ["315", "371"] and hoc[0][9] == "63.8"
    assert hoc[1][5:10] == [""] * 5 and hoc[1][10] != ""
    assert hoc[0][10] != hoc[1][10]  # the majority's empty answers: 0 by one, 14.29 by the other
    assert "BLURB (macro avg)" in text and "BLUE (avg)" in text
    assert "315 abstracts" in text and "371-document" in text  # BLUE's HoC split is not the one scored


def test_leaderboard_shows_this_run_minus_the_paper_for_the_same_alias(
    paper_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = json.loads(report(capsys, str(paper_run), "--metric", "accuracy", "--format", "json"))["leaderboard"]
    gad = [c["task"] for c in board["columns"]].index("gad")
    rows = {r["label"]: r for r in board["rows"]}
    assert rows["Majority class [BigBIO Table 2]"]["cells"][gad]["value"] == pytest.approx(0.526)
    delta = rows["majority minus Majority class [BigBIO Table 2]"]
    assert delta["kind"] == "delta" and delta["cells"][gad]["value"] == pytest.approx(281 / 534 - 0.526)
    assert rows["T0++ [BigBIO Table 2]"]["source"].startswith("Fries et al.")


def test_blue_deviation_in_the_listing(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["list", "suites"]) == 0
    out = capsys.readouterr().out
    assert "blue: differs from the published benchmark: HoC" in out
    assert "blue: differs from the published benchmark: ChemProt: scored on BLUE's rows" in out
    assert "blue: scores ddi_corpus by macro_f1 (the benchmark's own metric)" in out


def test_unknown_layout_fails_at_start(paper_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(paper_run), "--layout", "bigbi"]) == 2
    assert "invalid choice: 'bigbi'" in capsys.readouterr().err
