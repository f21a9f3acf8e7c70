"""``--layout medinst32`` and lower-is-better metrics (the BIOSSES MSE) in every aggregate,
best / worst prompt, leaderboard bold and suite score, and the baseline comparison."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from bioeval.cli import main
from bioeval.config.suites import all_suites
from bioeval.metrics.scoring import compare
from bioeval.report.aggregates import over_prompts
from bioeval.report.tables import _benchmark

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
import medinst32_fixtures as fixtures  # noqa: E402

FIXTURE_TASKS = ("BIOSSES", "MedQA", "AnEM", "NCBI-disease")
REFERENCES = """\
- label: LLaMA3-MI (made up)
  source: "figures made up for this test, in the plain --references form"
  scores:
    BIOSSES: {metric: biosses_mse, value: 1.5}
    medinst32-MedQA: {metric: squad_em, value: 0.5}
    medinst32-AnEM: {metric: bracket_entity_f1, value: 0.25}
    medinst32-NCBI-disease: {metric: bio_tag_f1, value: 0.75}
"""


@pytest.fixture(scope="module")
def medinst_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The majority baseline on MedINST32 fixture files (few-shot and zero-shot) and, with the
    instruction family, on bioeval's own BIOSSES."""
    folder = tmp_path_factory.mktemp("medinst_report")
    data = folder / "data"
    fixtures.write_medinst32(data, FIXTURE_TASKS)
    (data / "biosses").symlink_to(shared_data / "biosses")
    views = [f"medinst32-{t}{zs}" for t in FIXTURE_TASKS for zs in ("", "-zs")]
    out = folder / "run"
    code = main(["run", "--model", "majority", "--tasks", ",".join([*views, "biosses"]), "--prompts", "medinst,instruction",
                 "--data-dir", str(data), "--output", str(out)])
    assert code == 0
    return out


def test_layout_rows_per_task_and_category_with_references(
    medinst_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    references = tmp_path / "refs.yaml"
    references.write_text(REFERENCES, encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(medinst_run), "--layout", "medinst32", "--references", str(references)]) == 0
    text = capsys.readouterr().out
    few = text[text.index("MedINST32, few-shot"):text.index("MedINST32, zero-shot")]
    zero = text[text.index("MedINST32, zero-shot"):]
    # one row per task with category, n and metric; the reference as a column (few-shot only)
    assert "| Category | Task | n | Metric | LLaMA3-MI (made up) | majority (this run) |" in few
    assert "| STS | BIOSSES | 2 | biosses_mse (lower is better) | 1.50 |" in few
    assert "| QA | MedQA | 2 | squad_em | 50.00 | 50.00 |" in few
    assert "| NER | average |  | (each task's) | 50.00 |" in few  # mean of 25 and 75
    assert "LLaMA3-MI (made up)" not in zero.split("\n\n")[1]  # its figures are the few-shot views'
    # bioeval's own BIOSSES under the instruction family is never MedINST32
    tables = few + zero.split("\n\n")[1]  # the layout's two tables (the statistics sections come later)
    assert "| biosses |" not in tables and "| STS | biosses" not in tables
    assert "not MedINST32, left out: biosses (instruction)" in text


def test_layout_without_medinst32_rows_fails_in_one_line(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "biosses", "--prompts", "instruction",
                 "--data-dir", str(shared_data), "--output", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--layout", "medinst32"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("bioeval: error: --layout medinst32: these runs hold no score of the medinst family")


def row(metric: str, value: float) -> SimpleNamespace:
    return SimpleNamespace(metric=metric, value=value)


@pytest.mark.parametrize(
    ("metric", "best", "worst"), [("biosses_mse", 1.0, 9.0), ("squad_f1", 9.0, 1.0)]
)
def test_best_and_worst_prompt_follow_the_metric_direction(metric: str, best: float, worst: float) -> None:
    summary = over_prompts([row(metric, 4.0), row(metric, 1.0), row(metric, 9.0)])
    assert (summary.best, summary.worst) == (best, worst)


def test_a_lower_mse_beats_the_baseline_and_no_suite_average_takes_it_in() -> None:
    gold = ["1", "2", "3", "4", "0", "1", "2", "3", "4", "0"] * 3
    model = list(gold)  # squared error 0 everywhere
    baseline = ["5"] * len(gold)
    comparison = compare("biosses_mse", model, baseline, gold, n_boot=200)
    assert comparison.delta is not None and comparison.delta < 0
    assert comparison.beats_baseline() and comparison.summary().startswith("beats the baseline")
    suite = all_suites()["medinst32"]
    scores = {task: 0.5 for task in suite.tasks}
    score = _benchmark(suite, scores, "mean", {"medinst32-BIOSSES": "biosses_mse"})
    assert score.value is None and "lower is better for medinst32-BIOSSES (biosses_mse)" in score.note


def test_rescoring_the_saved_samples_gives_the_run_scores(medinst_run: Path) -> None:
    import json

    assert main(["score", str(medinst_run)]) == 0
    (rescored,) = medinst_run.glob("rescored-*.jsonl")

    def values(path: Path) -> dict[tuple[str, str, str], float | None]:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return {(r["model"], r["task"], r["metric"]): r["value"] for r in rows}

    run = values(medinst_run / "scores.jsonl")
    assert values(rescored) == run and ("majority", "medinst32-BIOSSES", "biosses_mse") in run
