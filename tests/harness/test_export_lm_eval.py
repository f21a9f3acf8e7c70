"""`bioeval export lm-eval`: plain lm-eval tasks that the real `lm_eval` CLI runs without
bioeval, with the same accuracy per prompt as `bioeval run` on the same examples.

What is checked about "without bioeval": the `lm_eval` process runs from a scratch folder with
``sys.modules['bioeval'] = None`` set before lm-eval starts, so any import of bioeval (by the
task files or anything they pull in) fails. bioeval stays installed in that venv.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bioeval.cli import main

pytestmark = pytest.mark.model

PROMPTS = "masked_association_yes_no,true_false_linked"
LM_EVAL_WITHOUT_BIOEVAL = (
    "import sys; sys.modules['bioeval'] = None; "
    "from lm_eval.__main__ import cli_evaluate; sys.argv = ['lm_eval', *sys.argv[1:]]; cli_evaluate()"
)


@pytest.fixture(scope="module")
def exported(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    code = main(["export", "lm-eval", str(out), "--tasks", "gad", "--prompts", PROMPTS, "--limit", "5",
                 "--data-dir", str(shared_data)])
    assert code == 0
    return out


def test_files_are_plain_lm_eval_tasks(exported: Path) -> None:
    group = yaml.safe_load((exported / "gad" / "_group.yaml").read_text(encoding="utf-8"))
    assert group["group"] == "bioeval.gad" and len(group["task"]) == 2
    assert group["aggregate_metric_list"] == [{"metric": "acc", "aggregation": "mean", "weight_by_size": False}]
    for name in PROMPTS.split(","):
        config = yaml.safe_load((exported / "gad" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert config["output_type"] == "multiple_choice" and config["dataset_path"] == "json"
        docs = (exported / "gad" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(docs) == 5 and {"input", "choices", "gold_index"} <= set(json.loads(docs[0]))
        assert "bioeval" not in json.dumps({k: v for k, v in config.items() if k not in ("task", "metadata")}).replace(
            str(exported), "")


def test_lm_eval_alone_gives_the_accuracy_of_bioeval_run(exported: Path, shared_data: Path, tmp_path: Path) -> None:
    from bioeval.backends.gguf import converted_folder
    from bioeval.config.models import resolve_model

    folder = converted_folder(resolve_model("smollm2-135m"))
    command = [sys.executable, "-c", LM_EVAL_WITHOUT_BIOEVAL, "--model", "hf", "--model_args",
               f"pretrained={folder},dtype=float32", "--include_path", str(exported), "--tasks", "bioeval.gad",
               "--apply_chat_template", "--batch_size", "8", "--device", "cpu", "--output_path", str(tmp_path / "lm")]
    subprocess.run(command, check=True, cwd=tmp_path, capture_output=True)
    results = json.loads(next((tmp_path / "lm").rglob("results_*.json")).read_text(encoding="utf-8"))["results"]
    run_dir = tmp_path / "run"
    assert main(["run", "--model", "smollm2-135m", "--tasks", "gad", "--prompts", PROMPTS, "--limit", "5",
                 "--data-dir", str(shared_data), "--output", str(run_dir)]) == 0
    rows = [json.loads(line) for line in (run_dir / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    ours = {r["prompt"]: r["value"] for r in rows if r["model"] == "smollm2-135m" and r["metric"] == "accuracy"}
    assert set(ours) == set(PROMPTS.split(","))
    for prompt, accuracy in ours.items():
        assert results[f"bioeval.gad.{prompt}"]["acc,none"] == pytest.approx(accuracy), prompt
    assert results["bioeval.gad"]["acc,none"] == pytest.approx(sum(ours.values()) / len(ours))
