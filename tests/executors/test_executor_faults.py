"""Shards killed, failing, too large; the submitting process stopped.

- A shard killed mid-run (Slurm's scancel, SIGTERM or kill -9 of its worker, kill -9 of a Ray
  worker) is resubmitted and continues from its request cache: the merge equals the in-process
  run, and the requests sent over all attempts exceed one attempt's by at most about one batch.
- A shard that always fails is retried up to --max-retries, then reported failed while the
  others merge; the run says which (model, task) pairs are missing and is not `complete`.
- A shard asking for more GPUs than the engine has is refused at submission, in one line, and
  nothing is written.
- SIGTERM to the submitting process cancels its jobs: no worker and no Slurm job is left.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from grid_helpers import BATCH, LIMIT, PROMPTS, assert_same_run, bioeval, run_bioeval, sent_chunks, wait_for

pytestmark = pytest.mark.model

KILLED_SHARD = "smollm2-135m__gad"


def _one_shard_run(shared_data: Path, out: Path, *executor: str) -> list[str]:
    """SmolLM2 on GAD as in the grid: one shard, killed between two of its batches."""
    return ["run", "--model", "smollm2-135m", "--tasks", "gad", "--prompts", PROMPTS, "--limit", LIMIT,
            "--batch-size", BATCH, "--data-dir", str(shared_data), "--output", str(out), *executor]


def _job(out: Path, shard: str = KILLED_SHARD) -> dict:
    path = out / "jobs" / f"{shard}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _kill_mid_shard(out: Path, args: list[str], env: dict[str, str], kill) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    """Start the run, kill the shard once its first batch of requests went to the model, and let
    the run finish (it resubmits the shard)."""
    process = subprocess.Popen(bioeval(*args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        shard_dir = out / "shards" / KILLED_SHARD
        wait_for(lambda: len(sent_chunks(shard_dir)) >= 1, 600, "the shard's first batch")
        kill(out)
        stdout, stderr = process.communicate(timeout=900)
    finally:
        if process.poll() is None:
            process.kill()
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def _check_resumed(out: Path, inprocess: Path, stderr: str, one_attempt: list[int]) -> None:
    assert "resubmitting" in stderr, stderr[-2000:]
    assert_same_run(out, inprocess, {("smollm2-135m", "gad"), ("majority", "gad")})
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "complete"
    submissions = json.loads((out / "executor.json").read_text(encoding="utf-8"))["submissions"][KILLED_SHARD]
    assert len(submissions) == 2  # the killed attempt and the one that finished
    sent = sent_chunks(out / "shards" / KILLED_SHARD)
    assert sum(sent) <= sum(one_attempt) + max(one_attempt), (sent, one_attempt)


@pytest.fixture(scope="module")
def one_attempt(shared_data: Path, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> list[int]:
    """The chunks one uninterrupted attempt sends (local executor, same options)."""
    out = tmp_path_factory.mktemp("faults") / "whole"
    done = run_bioeval(_one_shard_run(shared_data, out, "--executor", "local"), environment)
    assert done.returncode == 0, done.stderr[-3000:]
    return sent_chunks(out / "shards" / KILLED_SHARD)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_local_worker_killed_is_resubmitted(signum, shared_data, inprocess, environment, one_attempt, tmp_path) -> None:
    out = tmp_path / "killed"
    done = _kill_mid_shard(out, _one_shard_run(shared_data, out, "--executor", "local"), environment,
                           lambda run: os.kill(int(_job(run)["pid"]), signum))
    assert done.returncode == 0, done.stderr[-3000:]
    _check_resumed(out, inprocess, done.stderr, one_attempt)
    if signum == signal.SIGTERM:  # the worker stopped its shard's run cleanly, which then resumed
        log = (out / "logs" / f"{KILLED_SHARD}.log").read_text(encoding="utf-8")
        assert "stopped by SIGTERM" in log and "resuming" in log


def test_slurm_job_cancelled_with_scancel_is_resubmitted(shared_data, inprocess, slurm, one_attempt, tmp_path) -> None:
    out = tmp_path / "scancel"

    def scancel(run: Path) -> None:
        job = json.loads((run / "executor.json").read_text())["submissions"][KILLED_SHARD][-1]["job"]
        subprocess.run(["scancel", job], check=True)

    done = _kill_mid_shard(out, _one_shard_run(shared_data, out, "--executor", "slurm", "--slurm-time", "30"), slurm, scancel)
    assert done.returncode == 0, done.stderr[-3000:]
    _check_resumed(out, inprocess, done.stderr, one_attempt)


def test_slurm_job_preempted_is_requeued_and_continues(shared_data, inprocess, slurm, one_attempt, tmp_path) -> None:
    """Slurm's warning before preemption or the time limit (USR2, as submitit asks for it):
    submitit checkpoints the job and requeues it under the same id; the shard continues."""
    out = tmp_path / "preempted"

    def preempt(run: Path) -> None:
        job = json.loads((run / "executor.json").read_text())["submissions"][KILLED_SHARD][-1]["job"]
        subprocess.run(["scancel", "--signal=USR2", job], check=True)

    args = _one_shard_run(shared_data, out, "--executor", "slurm", "--slurm-time", "30")
    done = _kill_mid_shard(out, args, slurm, preempt)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resubmitting" not in done.stderr  # requeued by Slurm, not resubmitted by bioeval
    assert_same_run(out, inprocess, {("smollm2-135m", "gad"), ("majority", "gad")})
    submissions = json.loads((out / "executor.json").read_text(encoding="utf-8"))["submissions"][KILLED_SHARD]
    assert len(submissions) == 1
    log = (out / "logs" / f"{KILLED_SHARD}.log").read_text(encoding="utf-8")
    starts = [line for line in log.splitlines() if line.startswith("--- 20")]  # "--- <time> bioeval run ..."
    assert len(starts) == 2 and "--resume" in starts[1]  # two starts of the shard's run, the second a resume
    sent = sent_chunks(out / "shards" / KILLED_SHARD)
    assert sum(sent) <= sum(one_attempt) + max(one_attempt), (sent, one_attempt)


def test_ray_worker_killed_with_sigkill_is_resubmitted(shared_data, inprocess, ray_cluster, environment, one_attempt, tmp_path) -> None:
    out = tmp_path / "ray-kill9"
    args = _one_shard_run(shared_data, out, "--executor", "ray", "--ray-address", ray_cluster)
    done = _kill_mid_shard(out, args, environment, lambda run: os.kill(int(_job(run)["pid"]), signal.SIGKILL))
    assert done.returncode == 0, done.stderr[-3000:]
    _check_resumed(out, inprocess, done.stderr, one_attempt)


@pytest.fixture(scope="module")
def broken_model(tiny_t5: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny T5 with its weights file overwritten: its config passes the checks at submission,
    its shards fail to load it, every time."""
    folder = tmp_path_factory.mktemp("broken") / "broken-t5"
    shutil.copytree(tiny_t5, folder)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    return folder


def test_a_shard_that_always_fails_is_reported_and_the_rest_merge(
    shared_data, inprocess, broken_model, environment, tmp_path,
) -> None:
    out = tmp_path / "fails"
    args = ["run", "--model", f"majority,hf:{broken_model}", "--tasks", "gad,biosses", "--prompts", PROMPTS,
            "--limit", LIMIT, "--batch-size", BATCH, "--data-dir", str(shared_data), "--output", str(out), "--executor", "local", "--workers", "2",
            "--gpus", "0", "--max-retries", "1"]
    done = run_bioeval(args, environment)
    assert done.returncode == 1, done.stderr[-3000:]
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "incomplete"
    model = f"hf:{broken_model}"
    assert sorted(map(tuple, record["executor"]["missing"])) == [(model, "biosses"), (model, "gad")]
    assert "giving up after 2 attempts" in done.stderr
    submissions = json.loads((out / "executor.json").read_text())["submissions"]
    assert all(len(attempts) == 2 for attempts in submissions.values())
    # the baseline merged, scored as in the in-process run
    assert_same_run(out, inprocess, {("majority", "gad"), ("majority", "biosses")})
    status = run_bioeval(["status", str(out)], environment)
    assert status.returncode == 0
    assert "incomplete (local, 2 shards: 2 failed)" in status.stdout
    assert f"continue it: bioeval run --resume {out}" in status.stdout
    assert "failed: exit status 2: bioeval: error:" in status.stdout  # the shard's own one-line error
    report = run_bioeval(["report", str(out)], environment)
    assert report.returncode == 0 and "incomplete" in report.stderr


def _no_shard_processes(out: Path) -> bool:
    found = subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True, check=False)
    return found.stdout.strip() == ""


def test_sigterm_to_the_submitting_process_cancels_local_workers_and_resume_finishes(
    shared_data, inprocess, environment, tmp_path,
) -> None:
    out = tmp_path / "cancel"
    process = subprocess.Popen(bioeval(*_one_shard_run(shared_data, out, "--executor", "local")), env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: _job(out).get("state") == "running", 300, "the shard to start")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr[-2000:]
    wait_for(lambda: _no_shard_processes(out), 30, "no process of the run left")
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "interrupted"
    status = run_bioeval(["status", str(out)], environment)
    assert f"continue it: bioeval run --resume {out}" in status.stdout
    # --resume keeps the baseline, resubmits the unfinished shard, and the merge is the run's
    done = run_bioeval(["run", "--resume", str(out)], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "majority: every prompt is done" in done.stderr and "submitting 1" in done.stderr
    assert_same_run(out, inprocess, {("smollm2-135m", "gad"), ("majority", "gad")})


def test_detached_slurm_jobs_merge_themselves(shared_data, inprocess, slurm, tmp_path) -> None:
    out = tmp_path / "detached"
    done = run_bioeval(_one_shard_run(shared_data, out, "--executor", "slurm", "--slurm-time", "30", "--detach"), slurm)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"watch with `bioeval status {out}`" in done.stderr
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "running"  # the jobs run on without the submitting process
    resumed = run_bioeval(["run", "--resume", str(out)], slurm)
    assert resumed.returncode == 2 and "still Slurm jobs" in resumed.stderr  # no second job on a running shard

    def complete() -> bool:
        return json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "complete"

    wait_for(complete, 600, "the detached job to merge its shard and complete the run")
    assert_same_run(out, inprocess, {("smollm2-135m", "gad"), ("majority", "gad")})
    status = run_bioeval(["status", str(out)], slurm)
    assert "complete (slurm, 1 shard: 1 done)" in status.stdout


def test_sigterm_to_the_submitting_process_cancels_slurm_jobs(shared_data, slurm, tmp_path) -> None:
    out = tmp_path / "cancel-slurm"
    process = subprocess.Popen(bioeval(*_one_shard_run(shared_data, out, "--executor", "slurm", "--slurm-time", "30")),
                               env=slurm, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (out / "executor.json").is_file() and bool(
        json.loads((out / "executor.json").read_text())["submissions"]), 300, "the job array's submission")
    job = json.loads((out / "executor.json").read_text())["submissions"][KILLED_SHARD][-1]["job"]
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    assert process.returncode == 143

    def gone() -> bool:
        queue = subprocess.run(["squeue", "-h", "-j", job.split("_")[0]], capture_output=True, text=True, check=False)
        return queue.stdout.strip() == ""

    wait_for(gone, 60, f"Slurm job {job} to be cancelled")


@pytest.mark.parametrize("executor", ["local", "slurm", "ray"])
def test_a_shard_asking_for_more_gpus_than_there_are_is_refused_in_one_line(
    executor, shared_data, environment, request, tmp_path,
) -> None:
    extra = {"local": ["--gpus", "0,1"], "slurm": ["--slurm-time", "30"], "ray": []}[executor]
    if executor == "slurm":
        environment = request.getfixturevalue("slurm")
    if executor == "ray":
        extra = ["--ray-address", request.getfixturevalue("ray_cluster")]
    out = tmp_path / "too-big"
    args = ["run", "--model", "smollm2-135m", "--tasks", "gad", "--limit", "1", "--data-dir", str(shared_data),
            "--output", str(out), "--executor", executor, "--resources", "smollm2-135m:gpus=8", *extra]
    done = run_bioeval(args, environment)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("bioeval: error:")]
    assert len(lines) == 1 and "8 GPUs" in lines[0] and "smollm2-135m__gad" in lines[0], done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert not out.exists()  # refused before the run folder was made
