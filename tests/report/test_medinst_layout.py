"""``--layout medinst-mmlu``: MedINST Table 4's rows beside a run's, in every report format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SUBJECTS = ["anatomy", "clinical_knowledge", "college_biology", "college_medicine", "medical_genetics",
            "professional_medicine"]


@pytest.fixture(scope="module")
def run_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("medinst") / "run"
    done = subprocess.run(
        [sys.executable, "-m", "bioeval.cli", "run", "--model", "majority", "--tasks", "mmlu-medical",
         "--limit", "10", "--prompts", "letters_listed,question_only_cloze", "--data-dir", str(shared_data),
         "--output", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def report(run_dir: Path, fmt: str, tmp_path: Path) -> str:
    target = tmp_path / f"report.{fmt}"
    done = subprocess.run(
        [sys.executable, "-m", "bioeval.cli", "report", str(run_dir), "--layout", "medinst-mmlu", "--format", fmt,
         "--output", str(target)], capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return target.read_text(encoding="utf-8")


def test_markdown_has_the_papers_rows_and_this_runs_means(run_dir: Path, tmp_path: Path) -> None:
    text = report(run_dir, "md", tmp_path)
    assert "| Model | An | CK | CB | CM | MG | PM | Avg. |" in text
    assert "| LLaMA3-MI | 68.15 | 75.47 | 75.00 | 67.63 | 83.00 | 77.21 | 74.38 |" in text
    scores = [json.loads(line) for line in (run_dir / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    means = []
    for subject in SUBJECTS:
        values = [r["value"] for r in scores if r["task"] == f"mmlu_{subject}" and r["metric"] == "accuracy"]
        assert len(values) == 2
        means.append(100 * sum(values) / 2)
    cells = " | ".join(f"{m:.2f}" for m in means)
    assert f"| majority (this run) | {cells} | {sum(means) / 6:.2f} |" in text


@pytest.mark.parametrize("fmt", ["csv", "latex", "html", "json"])
def test_every_format_renders_the_table(run_dir: Path, tmp_path: Path, fmt: str) -> None:
    text = report(run_dir, fmt, tmp_path)
    assert "LLaMA3-MI" in text and "MedINST" in text and "majority (this run)" in text
