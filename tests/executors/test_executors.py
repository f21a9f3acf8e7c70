"""The same grid in-process, on local workers, on a real Slurm and on a Ray cluster: one merge.

Each executor's run folder must equal the in-process run of the same options (every score row,
every samples file, run.json's prompt versions, data hashes and baseline answers), the baseline
run once in the run folder and never in a shard, each shard a complete run in shards/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grid_helpers import BATCH, LIMIT, PROMPTS, assert_same_run, run_bioeval

pytestmark = pytest.mark.model


def _shards(run: Path) -> list[dict]:
    return json.loads((run / "executor.json").read_text(encoding="utf-8"))["shards"]


def _check_merge(run: Path, inprocess: Path, executor: str) -> None:
    assert_same_run(run, inprocess)
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "complete"
    assert record["executor"]["name"] == executor and record["executor"]["missing"] == []
    shards = _shards(run)
    assert len(shards) == 6  # 2 models x 3 tasks; the baseline is no shard
    assert sorted(record["executor"]["merged"]) == sorted(s["id"] for s in shards)
    for shard in shards:
        own = json.loads((run / "shards" / shard["id"] / "run.json").read_text(encoding="utf-8"))
        assert own["status"] == "complete" and own["config"]["baseline"] is False
        assert list(own["models"]) == [shard["model"]]  # no baseline in a shard
    # the baseline's samples exist once, in the run folder
    assert (run / "samples" / "majority").is_dir()
    assert not any((run / "shards").glob("*/samples/majority"))


def test_local_workers_merge_equals_the_in_process_run(grid, inprocess, environment, tmp_path: Path) -> None:
    out = tmp_path / "local"
    done = run_bioeval(["run", *grid, "--output", str(out), "--executor", "local", "--workers", "2",
                        "--gpus", "0,1"], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    _check_merge(out, inprocess, "local")
    # the tiny T5 was sized by the planner from its config.json: one GPU; SmolLM2's alias: none
    by_model = {s["model"]: s["resources"] for s in _shards(out)}
    assert by_model["smollm2-135m"]["gpus"] == 0
    t5 = next(v for k, v in by_model.items() if k.startswith("hf:"))
    assert t5["gpus"] == 1 and t5["source"] == "planner: config.json"
    jobs = {p.stem: json.loads(p.read_text()) for p in (out / "jobs").glob("*.json")}
    assert {j["gpus"] for k, j in jobs.items() if k.startswith("smollm2")} == {""}
    assert {j["gpus"] for k, j in jobs.items() if k.startswith("hf")} <= {"0", "1"}
    status = run_bioeval(["status", str(out)], environment)
    assert status.returncode == 0 and "complete (local, 6 shards: 6 done)" in status.stdout
    # `bioeval score` and `bioeval report` read the merged folder as any other
    assert _rescored(out, environment) == _rescored(inprocess, environment)
    report = run_bioeval(["report", str(out), "--format", "csv"], environment)
    assert report.returncode == 0 and report.stdout.count("\n") > 12, report.stderr[-2000:]


def _rescored(run: Path, environment: dict[str, str]) -> list[dict]:
    done = run_bioeval(["score", str(run)], environment)
    assert done.returncode == 0, done.stderr[-2000:]
    (latest,) = sorted(run.glob("rescored-*.jsonl"))[-1:]
    rows = [json.loads(line) for line in latest.read_text(encoding="utf-8").splitlines()]
    latest.unlink()
    return sorted(rows, key=lambda r: (r["model"], r["task"], r["prompt"], r["metric"]))


def test_slurm_job_array_merge_equals_the_in_process_run(grid, inprocess, slurm, tmp_path: Path) -> None:
    out = tmp_path / "slurm"
    done = run_bioeval(["run", *grid, "--output", str(out), "--executor", "slurm",
                        "--slurm-partition", "debug", "--slurm-time", "30"], slurm)
    assert done.returncode == 0, done.stderr[-3000:]
    _check_merge(out, inprocess, "slurm")
    submissions = json.loads((out / "executor.json").read_text())["submissions"]
    job_ids = [entry[0]["job"] for entry in submissions.values()]
    assert all("_" in job for job in job_ids)  # array jobs: <array id>_<index>
    jobs = {p.stem: json.loads(p.read_text()) for p in (out / "jobs").glob("*.json")}
    t5 = [j for k, j in jobs.items() if k.startswith("hf")]
    assert t5 and all(j["gpus"] in ("0", "1", "2", "3") for j in t5)  # --gpus-per-node=1 of 4 fake GPUs
    assert any((out / "slurm").rglob("*_log.out"))  # submitit's logs per job


def test_ray_tasks_merge_equals_the_in_process_run(grid, inprocess, ray_cluster, environment, tmp_path: Path) -> None:
    out = tmp_path / "ray"
    done = run_bioeval(["run", *grid, "--output", str(out), "--executor", "ray", "--ray-address", ray_cluster],
                       environment)
    assert done.returncode == 0, done.stderr[-3000:]
    _check_merge(out, inprocess, "ray")
    jobs = {p.stem: json.loads(p.read_text()) for p in (out / "jobs").glob("*.json")}
    assert all(j["gpus"] in ("0", "1", "2", "3") for k, j in jobs.items() if k.startswith("hf"))


def test_shard_examples_cut_a_task_into_parts_and_the_merge_is_the_same(
    environment, tiny_t5: Path, shared_data: Path, tmp_path: Path,
) -> None:
    """Parts of a task are batched otherwise than the whole task; at batch size 1 no request
    shares a batch, and the merge of the parts is the run in one process to the last digit."""
    common = ["run", "--model", f"hf:{tiny_t5}", "--tasks", "gad,biosses", "--prompts", PROMPTS, "--limit", LIMIT,
              "--batch-size", "1", "--data-dir", str(shared_data)]
    alone, out = tmp_path / "alone", tmp_path / "parts"
    for folder, extra in ((alone, []), (out, ["--executor", "local", "--workers", "2", "--gpus", "0",
                                              "--shard-examples", "1"])):
        done = run_bioeval([*common, "--output", str(folder), *extra], environment)
        assert done.returncode == 0, done.stderr[-3000:]
    parts = sorted(s["id"] for s in _shards(out))
    assert len(parts) == 4 and all(p.endswith(("__000000-000001", "__000001-000002")) for p in parts)
    assert_same_run(out, alone)


def test_the_published_scorers_figure_is_merged_as_in_process(tiny_t5: Path, shared_data: Path, environment, tmp_path: Path) -> None:
    """ChemProt's score rows include BLUE's figure on its own rows (issue 20): a merge adds it too."""
    common = ["run", "--model", f"hf:{tiny_t5}", "--tasks", "chemprot", "--prompts", "chemical_gene_relation_options",
              "--limit", LIMIT, "--batch-size", BATCH, "--data-dir", str(shared_data)]
    alone, merged = tmp_path / "alone", tmp_path / "merged"
    for out, extra in ((alone, []), (merged, ["--executor", "local", "--gpus", "0"])):
        done = run_bioeval([*common, "--output", str(out), *extra], environment)
        assert done.returncode == 0, done.stderr[-3000:]
    assert_same_run(merged, alone)
    metrics = {json.loads(line)["metric"] for line in (merged / "scores.jsonl").read_text().splitlines()}
    assert "pair_rows_micro_f1" in metrics


def test_answer_orders_cut_into_parts_merge_in_the_runs_order(tiny_t5: Path, shared_data: Path, environment, tmp_path: Path) -> None:
    """--permute-choices with --shard-examples (issue 22): a part holds whole questions, each
    under every order, and the merge lists the rows as the run in one process does."""
    common = ["run", "--model", f"hf:{tiny_t5}", "--tasks", "medqa", "--prompts", "letters_listed,options_inline_text",
              "--permute-choices", "2", "--limit", "3", "--batch-size", "1", "--data-dir", str(shared_data)]
    alone, merged = tmp_path / "alone", tmp_path / "merged"
    for out, extra in ((alone, []), (merged, ["--executor", "local", "--workers", "2", "--gpus", "0,1",
                                              "--shard-examples", "2"])):
        done = run_bioeval([*common, "--output", str(out), *extra], environment)
        assert done.returncode == 0, done.stderr[-3000:]
    parts = sorted(s["id"] for s in _shards(merged))
    assert [p.rsplit("__", 1)[1] for p in parts] == ["000000-000002", "000002-000003"]
    assert_same_run(merged, alone)
