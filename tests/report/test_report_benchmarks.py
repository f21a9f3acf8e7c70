"""Benchmark scores (BLURB, BLUE) in the leaderboard, against hand-computed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bioeval.cli import main
from report_fixtures import score_row, synthetic_run

# BLURB's six groups with hand-chosen scores (one prompt each, two for GAD):
#   NER 0.5 0.6 0.7 0.8 0.9 -> 0.7;  PICO 0.4;  RE 0.3, 0.6, mean(0.8, 1.0) = 0.9 -> 0.6;
#   similarity 0.8;  classification 0.5;  QA 0.6 0.8 -> 0.7
#   BLURB = (0.7 + 0.4 + 0.6 + 0.8 + 0.5 + 0.7) / 6 = 3.7 / 6
BLURB_ROWS = [
    ("bc5cdr_chem", "entity_f1", 0.5), ("bc5cdr_disease", "entity_f1", 0.6),
    ("ncbi_disease_blurb", "entity_f1", 0.7), ("bc2gm", "entity_f1", 0.8), ("jnlpba", "entity_f1", 0.9),
    ("ebm_pico", "token_f1", 0.4), ("chemprot", "micro_f1", 0.3), ("ddi_corpus_blurb", "micro_f1", 0.6),
    ("gad", "micro_f1", 0.8), ("gad", "micro_f1", 1.0), ("biosses", "pearson", 0.8),
    ("hallmarks_of_cancer_blurb", "example_f1", 0.5), ("pubmed_qa", "accuracy", 0.6),
    ("bioasq_blurb", "accuracy", 0.8),
]
BLURB_EXPECTED = 3.7 / 6
# BLUE: plain mean over its eight tasks
BLUE_VALUES = {"biosses": 0.9, "bc5cdr_disease": 0.8, "bc5cdr_chem": 0.7, "ddi_corpus": 0.6,
               "chemprot": 0.5, "n2c2_2010": 0.4, "hallmarks_of_cancer": 0.3, "mednli": 0.2}
BLUE_EXPECTED = 4.4 / 8
BLUE_METRICS = {"ddi_corpus": "macro_f1", "chemprot": "pair_rows_micro_f1", "hallmarks_of_cancer": "example_f1_blue"}


def blurb_run(folder: Path) -> Path:
    rows = [score_row("lm", task, f"p{i}", metric, value) for i, (task, metric, value) in enumerate(BLURB_ROWS)]
    return synthetic_run(folder, rows, tasks_arg="blurb", models={"lm": "hf"})


def leaderboard(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert main(["report", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["leaderboard"]


def test_blurb_score_is_the_macro_average_of_group_averages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    board = leaderboard(capsys, str(blurb_run(tmp_path / "blurb")))
    assert board["suites"] == ["blurb"]  # the run asked for --tasks blurb
    (score,) = board["rows"][0]["benchmarks"]
    assert score["suite"] == "blurb" and score["value"] == pytest.approx(BLURB_EXPECTED, abs=1e-12)
    gad = [c["task"] for c in board["columns"]].index("gad")
    assert board["rows"][0]["cells"][gad]["value"] == pytest.approx(0.9)  # mean over its two prompts
    capsys.readouterr()
    assert main(["report", str(tmp_path / "blurb")]) == 0
    assert f"| {BLURB_EXPECTED:.4f} |" in capsys.readouterr().out


def test_blue_score_is_the_mean_over_tasks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [score_row("lm", task, "p", BLUE_METRICS.get(task, "accuracy"), value) for task, value in BLUE_VALUES.items()]
    run = synthetic_run(tmp_path / "blue", rows, models={"lm": "hf"})  # every BLUE task planned
    board = leaderboard(capsys, str(run), "--suite", "blue")
    assert board["suites"] == ["blue"]
    assert board["rows"][0]["benchmarks"][0]["value"] == pytest.approx(BLUE_EXPECTED, abs=1e-12)


def test_blue_is_incomplete_without_blues_own_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the tasks' first metrics (e.g. ChemProt's sentence-level micro-F1): no BLUE score under
    BLUE's name, and the report says which task lacks which metric."""
    rows = [score_row("lm", task, "p", "accuracy", value) for task, value in BLUE_VALUES.items()]
    board = leaderboard(capsys, str(synthetic_run(tmp_path / "blue", rows, models={"lm": "hf"})), "--suite", "blue")
    (score,) = board["rows"][0]["benchmarks"]
    assert score["value"] is None
    assert set(score["missing"]) == {"ddi_corpus (macro_f1)", "chemprot (pair_rows_micro_f1)",
                                     "hallmarks_of_cancer (example_f1_blue)"}


def test_blue_takes_blues_own_metric_where_it_names_one_and_shows_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DDI macro-F1, ChemProt on BLUE's rows, HoC as eval_hoc.py: the suite's score takes them,
    and each sits in a column of its own beside the task's first metric, never in its place."""
    own = {"ddi_corpus": ("macro_f1", 0.1), "chemprot": ("pair_rows_micro_f1", 0.2),
           "hallmarks_of_cancer": ("example_f1_blue", 0.25)}
    rows = [score_row("lm", task, "p", "accuracy", value) for task, value in BLUE_VALUES.items()]
    rows += [score_row("lm", task, "p", metric, value) for task, (metric, value) in own.items()]
    run = synthetic_run(tmp_path / "blue", rows, models={"lm": "hf"})
    board = leaderboard(capsys, str(run), "--suite", "blue")
    columns = [(c["task"], c["metric"]) for c in board["columns"]]
    for task, (metric, _) in own.items():  # the default first, then BLUE's, both named
        assert columns.index((task, metric)) == columns.index((task, "accuracy")) + 1
    # (0.9 + 0.8 + 0.7 + 0.1 + 0.2 + 0.4 + 0.25 + 0.2) / 8
    assert board["rows"][0]["benchmarks"][0]["value"] == pytest.approx(3.55 / 8, abs=1e-12)
    assert any(n.startswith("chemprot: pair_rows_micro_f1 beside accuracy") for n in board["notes"])


def test_every_suite_metric_is_a_metric() -> None:
    from bioeval.config.suites import all_suites
    from bioeval.metrics.registry import METRICS

    named = [metric for suite in all_suites().values() for _, metric in suite.metrics]
    assert named and set(named) <= set(METRICS)


def test_incomplete_suite_says_which_tasks_are_missing(majority_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    board = leaderboard(capsys, str(majority_run), "--suite", "blurb")
    tasks = list(dict.fromkeys(c["task"] for c in board["columns"]))
    assert tasks == ["bc5cdr_chem", "gad", "biosses"]  # the suite's order
    # beside a task's first metric, the published rows' metric for it, each named
    assert ("bc5cdr_chem", "entity_f1_exact_lower") in [(c["task"], c["metric"]) for c in board["columns"]]
    (score,) = board["rows"][0]["benchmarks"]
    assert score["value"] is None
    assert set(score["missing"]) == {"bc5cdr_disease", "ncbi_disease_blurb", "bc2gm", "jnlpba", "ebm_pico",
                                     "chemprot", "ddi_corpus_blurb", "hallmarks_of_cancer_blurb",
                                     "pubmed_qa", "bioasq_blurb"}
    note = next(n for n in board["notes"] if n.startswith("blurb score not shown for majority"))
    assert "bc5cdr_disease" in note and "bioasq_blurb" in note
    capsys.readouterr()
    assert main(["report", str(majority_run), "--suite", "blurb"]) == 0
    assert "| incomplete |" in capsys.readouterr().out


def test_undefined_task_score_makes_the_benchmark_undefined(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [score_row("lm", task, f"p{i}", metric, None if task == "biosses" else value)
            for i, (task, metric, value) in enumerate(BLURB_ROWS)]
    run = synthetic_run(tmp_path / "undefined", rows, tasks_arg="blurb", models={"lm": "hf"})
    board = leaderboard(capsys, str(run))
    assert board["rows"][0]["benchmarks"][0]["value"] is None
    assert any("blurb score of lm undefined" in note and "biosses" in note for note in board["notes"])


def test_reference_rows_come_from_a_cited_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = blurb_run(tmp_path / "blurb")
    references = tmp_path / "refs.yaml"
    references.write_text(
        "- label: Example fine-tuned model\n"
        "  source: Example et al., Table 1\n"
        "  scores:\n"
        "    gad: {metric: micro_f1, value: 0.95}\n"
        "    biosses: {metric: accuracy, value: 0.5}\n"  # another metric than the column's: not shown
        "  benchmarks: {blurb: 0.81}\n",
        encoding="utf-8",
    )
    board = leaderboard(capsys, str(run), "--references", str(references))
    reference = board["rows"][-1]
    assert reference["kind"] == "reference" and reference["source"] == "Example et al., Table 1"
    tasks = [c["task"] for c in board["columns"]]
    assert reference["cells"][tasks.index("gad")]["value"] == 0.95
    assert reference["cells"][tasks.index("biosses")] is None
    assert reference["benchmarks"][0]["value"] == 0.81
    capsys.readouterr()
    assert main(["report", str(run), "--references", str(references), "--format", "latex"]) == 0
    latex = capsys.readouterr().out
    assert "Example fine-tuned model (published)" in latex
    assert "\\textbf{0.9500}" not in latex and "\\textbf{0.9000}" in latex  # context rows are not ranked
    references.write_text("- label: x\n  source: y\n  scores: {gad: 0.9}\n", encoding="utf-8")
    assert main(["report", str(run), "--references", str(references)]) == 2
    assert "refs.yaml" in capsys.readouterr().err
