"""The exam tasks exported to plain lm-eval score as `bioeval run` does: letters and option
texts ranked by lm-eval alone (bioeval unimportable) give the same accuracy per prompt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bioeval.cli import main

from test_export_lm_eval import LM_EVAL_WITHOUT_BIOEVAL

pytestmark = pytest.mark.model

TASKS = ("medqa", "mmlu_anatomy")
PROMPTS = "letters_listed,question_only_cloze"


def test_lm_eval_alone_gives_the_accuracy_of_bioeval_run_on_the_exams(shared_data: Path, tmp_path: Path) -> None:
    from bioeval.backends.gguf import converted_folder
    from bioeval.config.models import resolve_model

    exported = tmp_path / "export"
    assert main(["export", "lm-eval", str(exported), "--tasks", ",".join(TASKS), "--prompts", PROMPTS,
                 "--limit", "6", "--data-dir", str(shared_data)]) == 0
    folder = converted_folder(resolve_model("smollm2-135m"))
    command = [sys.executable, "-c", LM_EVAL_WITHOUT_BIOEVAL, "--model", "hf", "--model_args",
               f"pretrained={folder},dtype=float32", "--include_path", str(exported),
               "--tasks", ",".join(f"bioeval.{t}" for t in TASKS), "--apply_chat_template", "--batch_size", "8",
               "--device", "cpu", "--output_path", str(tmp_path / "lm")]
    subprocess.run(command, check=True, cwd=tmp_path, capture_output=True)
    results = json.loads(next((tmp_path / "lm").rglob("results_*.json")).read_text(encoding="utf-8"))["results"]
    run_dir = tmp_path / "run"
    assert main(["run", "--model", "smollm2-135m", "--tasks", ",".join(TASKS), "--prompts", PROMPTS, "--limit", "6",
                 "--data-dir", str(shared_data), "--output", str(run_dir)]) == 0
    rows = [json.loads(line) for line in (run_dir / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    ours = {(r["task"], r["prompt"]): r["value"] for r in rows if r["model"] == "smollm2-135m" and r["metric"] == "accuracy"}
    assert len(ours) == 4
    for (task, prompt), accuracy in ours.items():
        assert results[f"bioeval.{task}.{prompt}"]["acc,none"] == pytest.approx(accuracy), (task, prompt)
