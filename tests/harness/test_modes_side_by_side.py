"""``--mode loglikelihood,generate``: one run scores the same prompts by ranking and by
generation, side by side in the report; the cot family is generated within ``--max-gen-toks``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from test_medical_exams_run import bioeval, rows

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def run_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("modes") / "run"
    cache = os.environ.get("BIOEVAL_CACHE_DIR") or str(tmp_path_factory.mktemp("bioeval-cache"))
    done = subprocess.run(
        bioeval("run", "--model", "smollm2-135m", "--tasks", "mmlu_anatomy", "--prompts",
                "letters_listed,cot_step_by_step", "--limit", "2", "--mode", "loglikelihood,generate",
                "--max-gen-toks", "24", "--data-dir", str(shared_data), "--output", str(out)),
        env=dict(os.environ, BIOEVAL_CACHE_DIR=cache), capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_each_prompt_is_ranked_and_generated(run_dir: Path) -> None:
    modes = {(r["model"], r["prompt"]): r["mode"] for r in rows(run_dir / "scores.jsonl") if r["metric"] == "accuracy"}
    assert modes == {
        ("majority", "letters_listed"): "multiple_choice", ("majority", "cot_step_by_step"): "generate_until",
        ("smollm2-135m", "letters_listed"): "multiple_choice", ("smollm2-135m", "cot_step_by_step"): "generate_until",
        ("smollm2-135m@generate", "letters_listed"): "generate_until",
        ("smollm2-135m@generate", "cot_step_by_step"): "generate_until",
    }
    record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert record["config"]["mode"] == "loglikelihood,generate" and record["config"]["max_gen_toks"] == 24
    assert record["models"]["smollm2-135m@generate"]["mode"] == "generate"
    assert "mode" not in record["models"]["smollm2-135m"]
    generated = rows(run_dir / "samples" / "smollm2-135m_generate" / "mmlu_anatomy" / "letters_listed.jsonl")  # safe_name
    assert all("choice_logliks" not in r and r["output"] for r in generated)
    ranked = rows(run_dir / "samples" / "smollm2-135m" / "mmlu_anatomy" / "letters_listed.jsonl")
    assert all(len(r["choice_logliks"]) == 4 for r in ranked)


def test_generations_are_cut_at_max_gen_toks(run_dir: Path) -> None:
    cot = rows(run_dir / "samples" / "smollm2-135m" / "mmlu_anatomy" / "cot_step_by_step.jsonl")
    assert all(0 < len(r["output"].split()) <= 24 for r in cot)  # 24 tokens are at most 24 words


def test_generation_budget_per_prompt(shared_data: Path) -> None:
    from bioeval.rundir.records import Mode
    from bioeval.run.engine import documents, task_config
    from bioeval.run.plan import build_plan

    plan = build_plan(["majority"], ["mmlu_anatomy"], ["cot_step_by_step", "letters_listed"], shared_data, limit=1)
    budgets = {
        task.prompt.name: [task_config(task, Mode.GENERATE, documents(task), max_gen_toks=given)["generation_kwargs"]["max_gen_toks"]
                           for given in (None, 24)]
        for task in plan.tasks
    }
    assert budgets == {"cot_step_by_step": [512, 24], "letters_listed": [16, 24]}


def test_the_report_puts_the_modes_side_by_side(run_dir: Path) -> None:
    done = subprocess.run(bioeval("report", str(run_dir)), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| prompt | family | version | smollm2-135m | smollm2-135m@generate | majority |" in done.stdout
