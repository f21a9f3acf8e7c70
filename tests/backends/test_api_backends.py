"""The OpenAI-compatible backends against a fake server on 127.0.0.1: log-likelihood ranking
from echo logprobs, chat generation parsed, usage and cost in run.json, the API key kept out
of every file, log and message, and the checks that stop a run before anything runs."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from conftest import SECRET
from fake_openai import FakeOpenAI, Served, handler_for, token_logprob

from bioeval.backends.failures import FailedLoglik, FailedText, redact, request_error
from bioeval.backends.http_retry import RetryPolicy, retry_after_seconds
from bioeval.cli import main
from bioeval.config.overrides import parse_model_args

PROMPT = "masked_association_yes_no"  # GAD: answer choices no / yes


def run(args: list[str], out: Path, data: Path) -> int:
    return main(["run", *args, "--data-dir", str(data), "--output", str(out)])


def samples(out: Path, model: str) -> list[dict]:
    from bioeval.io import safe_name

    path = out / "samples" / safe_name(model) / "gad" / f"{PROMPT}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_completions_rank_choices_by_echo_logprobs(fake, smollm_folder: Path, shared_data: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    server, served = fake
    before = len(server.requests)
    model = f"openai-completions:{smollm_folder}"
    code = run(["--model", model, "--tasks", "gad", "--prompts", PROMPT, "--limit", "4", "--base-url", served.url],
               tmp_path / "run", shared_data)
    assert code == 0
    tokenizer = AutoTokenizer.from_pretrained(str(smollm_folder))
    rows = samples(tmp_path / "run", model)
    assert len(rows) == 4
    for row in rows:  # lm-eval's split: continuation tokens = tokens(context + " choice") past the context's
        context = tokenizer(row["input"], add_special_tokens=False).input_ids
        expected = []
        for choice in row["choices"]:
            whole = tokenizer(row["input"] + " " + choice, add_special_tokens=False).input_ids
            expected.append(sum(token_logprob(t) for t in whole[len(context):]))
        assert row["choice_logliks"] == pytest.approx(expected)
        assert row["prediction"] == row["choices"][expected.index(max(expected))]
        assert row["error"] is None
    posted = server.requests[before:]
    assert len(posted) == 8 and all(b["echo"] and b["logprobs"] for _, b in posted)
    record = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    usage = record["models"][model]["usage"]
    assert usage["requests"] == 8 and usage["failed"] == 0 and usage["prompt_tokens"] > 0
    assert "cost_usd" not in usage  # no prices declared
    scores = [json.loads(line) for line in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
    assert {r["mode"] for r in scores if r["model"] == model} == {"multiple_choice"}


@pytest.fixture()
def gpt4o_server() -> Served:
    server = FakeOpenAI(model="gpt-4o", chat_answer=lambda content: "Yes." if "cancer" in content else "no")
    served = Served(handler_for(server))
    served.fake = server  # type: ignore[attr-defined]
    yield served
    served.close()


def test_chat_generates_and_parses_and_never_writes_the_key(
    gpt4o_server: Served, shared_data: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "chat"
    code = run(["--model", "gpt-4o", "--tasks", "gad", "--prompts", PROMPT, "--limit", "4",
                "--base-url", gpt4o_server.url], out, shared_data)
    assert code == 0
    rows = samples(out, "gpt-4o")
    for row in rows:
        assert row["output"] == ("Yes." if "cancer" in row["input"] else "no")
        assert row["prediction"] == ("yes" if "cancer" in row["input"] else "no")  # parsed to a choice
    fake: FakeOpenAI = gpt4o_server.fake  # type: ignore[attr-defined]
    assert fake.authorizations == [f"Bearer {SECRET}"] * 4  # sent, but written nowhere
    assert all(body["messages"][-1]["role"] == "user" for _, body in fake.requests)
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    entry = record["models"]["gpt-4o"]
    assert entry["api_key_env"] == "OPENAI_API_KEY"
    assert entry["usage"]["completion_tokens"] == 4 and entry["usage"]["cost_usd"] > 0
    scores = [json.loads(line) for line in (out / "scores.jsonl").read_text().splitlines()]
    assert {r["mode"] for r in scores if r["model"] == "gpt-4o"} == {"generate_until"}
    captured = capfd.readouterr()
    assert "gpt-4o: 4 requests" in captured.out
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()]
    for text in [*texts, captured.out, captured.err, caplog.text]:
        assert SECRET not in text


def test_missing_key_stops_the_run_in_one_line(shared_data: Path, tmp_path: Path, capfd, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code = run(["--model", "gpt-4o", "--tasks", "gad", "--limit", "2"], tmp_path / "never", shared_data)
    err = capfd.readouterr().err.strip()
    assert code == 2 and not (tmp_path / "never").exists()  # stopped before the baseline ran
    assert err == "bioeval: error: model 'gpt-4o' needs an API key: set the environment variable OPENAI_API_KEY"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_stops_the_run_in_one_line(shared_data: Path, tmp_path: Path, capfd) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    code = run(["--model", "openai-chat:some-model", "--tasks", "gad", "--limit", "2", "--base-url", url],
               tmp_path / "never", shared_data)
    err = capfd.readouterr().err.strip()
    assert code == 2 and not (tmp_path / "never").exists()
    assert err.startswith(f"bioeval: error: model 'openai-chat:some-model': cannot reach the API server at {url}")
    assert "\n" not in err


def test_a_model_the_server_does_not_serve_and_a_missing_url(gpt4o_server: Served, shared_data: Path, tmp_path: Path, capfd) -> None:
    code = run(["--model", "openai-chat:gpt-4", "--tasks", "gad", "--base-url", gpt4o_server.url], tmp_path / "a", shared_data)
    assert code == 2 and "does not serve 'gpt-4'; did you mean 'gpt-4o'?" in capfd.readouterr().err
    code = run(["--model", "openai-chat:gpt-4o", "--tasks", "gad"], tmp_path / "b", shared_data)
    assert code == 2 and "needs a server: give --base-url" in capfd.readouterr().err
    code = run(["--model", "majority", "--tasks", "gad", "--base-url", gpt4o_server.url], tmp_path / "c", shared_data)
    assert code == 2 and "--base-url is for API models" in capfd.readouterr().err


def test_retry_after_backoff_and_redaction() -> None:
    assert retry_after_seconds("3") == 3.0 and retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    policy = RetryPolicy(max_retries=5, backoff=0.5, max_wait=4.0)
    assert [policy.wait(n, None) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert policy.wait(1, 3.0) == 3.0 and policy.wait(1, 100.0) == 4.0  # Retry-After, capped
    assert redact(f"bad key {SECRET}", SECRET) == "bad key ***"
    assert "abcd1234efgh" not in redact("Incorrect API key provided: sk-abcd1234efgh****wxyz", None)
    assert parse_model_args("num_concurrent=8, timeout=2.5,tokenizer=/x,echo=true") == {
        "num_concurrent": 8, "timeout": 2.5, "tokenizer": "/x", "echo": True,
    }
    assert request_error([(FailedLoglik("request failed: x"), False)]) == "request failed: x"
    assert request_error([FailedText("request failed: y")]) == "request failed: y"
    assert request_error([(-1.5, True)]) is None and request_error(["text"]) is None
