"""A real ``vllm serve`` (CPU, from .venv-vllm made by .ci/vllm-env) on 127.0.0.1 serving the
SmolLM2-135M folder: ``openai-completions`` ranks answer choices as the hf backend does,
``openai-chat`` generates and its answers are parsed, and token usage is recorded.

Skipped when .venv-vllm/bin/vllm is absent (``BIOEVAL_VLLM_VENV`` points at another venv).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.io import safe_name

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("BIOEVAL_VLLM_VENV", ROOT / ".venv-vllm"))
VLLM = VENV / "bin" / "vllm"
PROMPT = "masked_association_yes_no"
STARTUP_SECONDS = 240

pytestmark = [
    pytest.mark.vllm,
    pytest.mark.skipif(not VLLM.exists(), reason=f"no vLLM at {VLLM}: build it with `bash .ci/vllm-env`"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def vllm_url(smollm_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("vllm") / "serve.log"
    command = [
        str(VLLM), "serve", str(smollm_folder), "--host", "127.0.0.1", "--port", str(port),
        "--dtype", "float32", "--max-model-len", "2048", "--max-logprobs", "20",
        "--enforce-eager", "--optimization-level", "0",  # no torch.compile warm-up (minutes on a CPU)
    ]
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1", "OMP_NUM_THREADS": "2"}
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"vllm serve exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        except OSError:
            time.sleep(1.0)
    pytest.fail(f"vllm serve not up after {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def _run(model: str, out: Path, data: Path, *extra: str) -> list[dict]:
    code = main(["run", "--model", model, "--tasks", "gad", "--prompts", PROMPT, "--limit", "6",
                 "--data-dir", str(data), "--output", str(out), *extra])
    assert code == 0
    path = out / "samples" / safe_name(model) / "gad" / f"{PROMPT}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_completions_match_hf_and_chat_parses(vllm_url: str, smollm_folder: Path, shared_data: Path, tmp_path: Path) -> None:
    api_model = f"openai-completions:{smollm_folder}"
    api = _run(api_model, tmp_path / "api", shared_data, "--base-url", vllm_url)
    hf = _run(f"hf:{smollm_folder}", tmp_path / "hf", shared_data)
    assert [r["prediction"] for r in api] == [r["prediction"] for r in hf]
    for mine, theirs in zip(api, hf):
        assert mine["choice_logliks"] == pytest.approx(theirs["choice_logliks"], abs=0.05)
    usage = json.loads((tmp_path / "api" / "run.json").read_text())["models"][api_model]["usage"]
    assert usage["requests"] == 12 and usage["failed"] == 0 and usage["prompt_tokens"] > 0

    chat_model = f"openai-chat:{smollm_folder}"
    chat = _run(chat_model, tmp_path / "chat", shared_data, "--base-url", vllm_url)
    assert all(r["error"] is None or r["output"] for r in chat)  # generated; parsed or counted
    assert any(r["prediction"] in ("yes", "no") for r in chat)
    usage = json.loads((tmp_path / "chat" / "run.json").read_text())["models"][chat_model]["usage"]
    assert usage["requests"] == 6 and usage["completion_tokens"] > 0 and usage["prompt_tokens"] > 0
