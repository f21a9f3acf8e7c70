"""--fewshot K: K training examples, drawn once per task (seeded), shown before every example by
every prompt of the task, recorded in run.json; refused where a task has no training split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.run.fewshot import SHOT_SEPARATOR
from bioeval.run.plan import build_plan


@pytest.fixture(scope="module")
def fewshot_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fewshot") / "run"
    assert main(["run", "--model", "majority", "--tasks", "biosses,pubmed_qa", "--limit", "3",
                 "--fewshot", "2", "--data-dir", str(shared_data), "--output", str(out)]) == 0
    return out


def samples(run: Path, task: str) -> dict[str, list[dict]]:
    return {
        path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted((run / "samples" / "majority" / task).glob("*.jsonl"))
    }


def test_shots_are_recorded_per_task(fewshot_run: Path) -> None:
    record = json.loads((fewshot_run / "run.json").read_text(encoding="utf-8"))
    assert record["config"]["fewshot"] == 2
    assert {task: len(ids) for task, ids in record["fewshot_examples"].items()} == {"biosses": 2, "pubmed_qa": 2}


def test_every_prompt_shows_the_same_shots_before_each_example(fewshot_run: Path, shared_data: Path) -> None:
    plain = build_plan(["majority"], ["biosses"], None, shared_data, 3)
    shot = build_plan(["majority"], ["biosses"], None, shared_data, 3, fewshot=2)
    assert [t.prompt.name for t in plain.tasks] == [t.prompt.name for t in shot.tasks]
    for without, with_shots in zip(plain.tasks, shot.tasks):
        for a, b in zip(without.examples, with_shots.examples):
            prefix = b.input[: -len(a.input)]
            assert b.input.endswith(a.input) and prefix.endswith(SHOT_SEPARATOR)
            assert prefix.count(SHOT_SEPARATOR) == 2  # two shots, each "input target"
    saved = samples(fewshot_run, "biosses")
    assert all(len(rows) == 3 for rows in saved.values())


def test_the_draw_follows_the_seed(shared_data: Path) -> None:
    draws = {seed: build_plan(["majority"], ["pubmed_qa"], None, shared_data, 1, seed=seed, fewshot=2).fewshot
             for seed in (0, 0, 1)}
    assert draws[0] != draws[1]
    assert build_plan(["majority"], ["pubmed_qa"], None, shared_data, 1, fewshot=2).fewshot == draws[0]


@pytest.mark.parametrize("task", ["jnlpba", "ncbi_disease"])  # train files not in ../shared/data
def test_tasks_without_a_training_split_are_refused(
    shared_data: Path, task: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--model", "majority", "--tasks", task, "--fewshot", "2", "--data-dir", str(shared_data)]) == 2
    assert capsys.readouterr().err.strip() == f"bioeval: error: --fewshot 2: task {task} has no training split to draw examples from"


def test_negative_fewshot_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--tasks", "gad", "--fewshot", "-1"]) == 2
    assert "--fewshot must be 0 or more examples" in capsys.readouterr().err


def test_no_evaluated_example_sees_itself_among_the_shots(shared_data: Path) -> None:
    """GAD's train-3727 is the sentence of test-230..233 (same label); --seed 61 drew it."""
    from bioeval.tasks.core.loading import load_split
    from bioeval.tasks.core.registry import views_named

    ((spec, view),) = views_named("gad")
    train = {ex.id: ex for ex in load_split(spec, view, "train", shared_data)}
    plan = build_plan(["majority"], ["gad"], ["masked_association_yes_no"], shared_data, None, seed=61, fewshot=2)
    shown = {train[i].record.text for i in plan.fewshot["gad"]}
    leaked = [r.example.id for r in plan.tasks[0].examples if r.example.record.text in shown]
    assert not leaked, f"evaluated examples {leaked} are among their own shots"
