"""--split: a run on another split (validation, to choose prompts on it), recorded in run.json,
and used by the report to choose the best prompt honestly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bioeval.cli import main


@pytest.fixture(scope="module")
def runs(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("split")
    test_run, dev_run = base / "test", base / "dev"
    args = ["run", "--model", "majority", "--tasks", "biosses", "--data-dir", str(shared_data)]
    assert main([*args, "--output", str(test_run)]) == 0
    assert main([*args, "--split", "validation", "--output", str(dev_run)]) == 0
    return test_run, dev_run


def test_the_split_is_run_and_recorded(runs: tuple[Path, Path]) -> None:
    test_run, dev_run = runs
    record = json.loads((dev_run / "run.json").read_text(encoding="utf-8"))
    assert record["config"]["split"] == "validation"
    assert any(path.endswith("blurb/dev.tsv") for path in record["data_files"])
    sample = next((dev_run / "samples" / "majority" / "biosses").glob("*.jsonl"))
    test_sample = test_run / "samples" / "majority" / "biosses" / sample.name
    assert len(sample.read_text().splitlines()) != len(test_sample.read_text().splitlines())  # 16 vs 20


def with_a_model(run: Path, favourite: int) -> None:
    """A second model's rows beside the baseline's, best on prompt number ``favourite``."""
    rows = [json.loads(line) for line in (run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    prompts = list(dict.fromkeys(r["prompt"] for r in rows))
    extra = [dict(r, model="lm", value=0.9 if prompts.index(r["prompt"]) == favourite else 0.1, vs_baseline=None)
             for r in rows if r["metric"] == "pearson"]
    (run / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows + extra), encoding="utf-8")


def test_the_report_chooses_prompts_on_the_validation_run(runs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    test_run, dev_run = (tmp_path / "test", tmp_path / "dev")
    for source, target in zip(runs, (test_run, dev_run)):
        shutil.copytree(source, target)
    with_a_model(test_run, favourite=0)
    with_a_model(dev_run, favourite=2)  # the validation run prefers another prompt than the test set
    assert main(["report", str(test_run), str(dev_run), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    (choice,) = [c for c in document["best_prompt"] if c["model"] == "lm"]
    prompts = list(dict.fromkeys(json.loads(l)["prompt"] for l in (test_run / "scores.jsonl").read_text().splitlines()))
    assert choice["method"] == "validation" and choice["chosen_prompt"] == prompts[2]
    assert choice["score"] == pytest.approx(0.1)  # the honest test score of the validation choice


@pytest.mark.parametrize(
    ("split", "message"),
    [("validation", "task pubmed_qa has no such split; it has train, test"),
     ("train", "that is biosses's training split")],
)
def test_unusable_splits_are_refused(split: str, message: str, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = "pubmed_qa" if split == "validation" else "biosses"
    assert main(["run", "--model", "majority", "--tasks", tasks, "--split", split, "--data-dir", str(shared_data)]) == 2
    assert message in capsys.readouterr().err
