"""Faults between the backend and the server (a fault proxy on 127.0.0.1): transient ones are
retried away, so the scores equal the clean run's; permanent ones are recorded on their
examples and counted, and the run completes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import start_proxy
from fault_proxy import FAULTS, FaultSchedule

from bioeval.cli import main
from bioeval.io import safe_name

PROMPTS = "masked_association_yes_no,sentence_question_relation"
FAST = "num_concurrent=4,timeout=1,retry_backoff=0.05,max_retries=4"


def run(model: str, url: str, out: Path, data: Path, model_args: str = FAST) -> int:
    return main([
        "run", "--model", model, "--tasks", "gad", "--prompts", PROMPTS, "--limit", "6",
        "--base-url", url, "--model-args", model_args, "--data-dir", str(data), "--output", str(out),
    ])


def model_rows(out: Path, model: str) -> tuple[list[dict], dict[str, list[dict]]]:
    scores = [json.loads(line) for line in (out / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    folder = out / "samples" / safe_name(model) / "gad"
    samples = {p.stem: [json.loads(line) for line in p.read_text().splitlines()] for p in sorted(folder.glob("*.jsonl"))}
    return [r for r in scores if r["model"] == model], samples


def comparable(scores: list[dict]) -> list[tuple]:
    return sorted((r["prompt"], r["metric"], r["value"], r["n_unparsed"], r["n_failed"]) for r in scores)


@pytest.mark.parametrize("backend", ["openai-completions", "openai-chat"])
def test_transient_faults_leave_the_scores_of_the_clean_run(
    backend: str, fake, smollm_folder: Path, shared_data: Path, tmp_path: Path, capfd,
) -> None:
    _, served = fake
    model = f"{backend}:{smollm_folder}"
    assert run(model, served.url, tmp_path / "clean", shared_data) == 0
    schedule = FaultSchedule(seed=3, mode="transient", slow_seconds=1.6)
    proxy = start_proxy(served.url, schedule)
    try:
        started = time.monotonic()
        assert run(model, proxy.url, tmp_path / "faulty", shared_data) == 0
        seconds = time.monotonic() - started
    finally:
        proxy.close()
    clean_scores, clean_samples = model_rows(tmp_path / "clean", model)
    faulty_scores, faulty_samples = model_rows(tmp_path / "faulty", model)
    assert comparable(faulty_scores) == comparable(clean_scores)
    assert faulty_samples == clean_samples
    if backend == "openai-completions":  # 24 requests: every kind of fault happened
        assert set(schedule.injected) == set(FAULTS), schedule.injected
    usage = json.loads((tmp_path / "faulty" / "run.json").read_text())["models"][model]["usage"]
    assert usage["failed"] == 0 and usage["retries"] == sum(schedule.injected.values())
    capfd.readouterr()
    with capfd.disabled():  # the figures, for -s runs
        print(f"\n{backend}: faults {dict(schedule.injected)} -> {usage['retries']} retries, "
              f"{usage['retry_wait_seconds']} s waited; faulty run {seconds:.1f} s")


def test_permanent_faults_are_recorded_on_their_examples(
    fake, smollm_folder: Path, shared_data: Path, tmp_path: Path, capfd,
) -> None:
    _, served = fake
    model = f"openai-completions:{smollm_folder}"
    schedule = FaultSchedule(seed=1, mode="permanent", permanent_share=0.3)
    proxy = start_proxy(served.url, schedule)
    try:
        code = run(model, proxy.url, tmp_path / "run", shared_data, FAST.replace("max_retries=4", "max_retries=2"))
    finally:
        proxy.close()
    assert code == 0
    out = capfd.readouterr().out
    scores, samples = model_rows(tmp_path / "run", model)
    record = json.loads((tmp_path / "run" / "run.json").read_text())
    assert record["status"] == "complete"
    usage = record["models"][model]["usage"]
    failed_examples = 0
    for prompt, rows in samples.items():
        errors = [r for r in rows if r["error"] is not None]
        assert all(r["error"].startswith("request failed after 3 attempts: HTTP 500") for r in errors)
        assert all(r["prediction"] is None and r["output"] == "" for r in errors)
        for row in (r for r in scores if r["prompt"] == prompt):
            assert row["n_failed"] == len(errors) and row["n_unparsed"] >= len(errors)
            if errors:
                assert f"{len(errors)} examples without output" in row["note"]
        failed_examples += len(errors)
    assert failed_examples > 0 and usage["failed"] >= failed_examples
    assert usage["retries"] == 2 * usage["failed"]
    assert f"{usage['failed']} failed after retries" in out
    cached = (tmp_path / "run" / "cache" / f"{safe_name(model)}.jsonl").read_text().splitlines()
    assert len(cached) == usage["requests"] - usage["failed"]  # failures are asked again on resume
