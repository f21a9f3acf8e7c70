"""``openai-completions`` ranks answer choices by log-likelihood, which needs the model's tokenizer.
Against a server whose model name is no local folder (``vllm serve FOLDER --served-model-name
NAME``), bioeval uses the server's own tokenizer where it serves one (vLLM's ``/tokenize``),
else stops at start in one line asking for ``--model-args tokenizer=...``: never a Hub look-up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, Served, handler_for, token_logprob

from bioeval.cli import main

SERVED_NAME = "local-smollm"  # what --served-model-name gives: no Hub id, no folder
PROMPT = "masked_association_yes_no"


@pytest.fixture()
def server(request: pytest.FixtureRequest, smollm_folder: Path) -> Iterator[tuple[FakeOpenAI, Served]]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(smollm_folder)) if request.param else None
    fake = FakeOpenAI(model=SERVED_NAME, tokenizer=tokenizer)
    served = Served(handler_for(fake))
    yield fake, served
    served.close()


def run(served: Served, out: Path, data: Path, *extra: str) -> int:
    return main(["run", "--model", f"openai-completions:{SERVED_NAME}", "--tasks", "gad", "--prompts", PROMPT,
                 "--limit", "2", "--base-url", served.url, "--data-dir", str(data), "--output", str(out), *extra])


@pytest.mark.parametrize("server", [True], indirect=True)
def test_the_servers_tokenizer_is_used_where_it_serves_one(server, smollm_folder: Path, shared_data: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from transformers import AutoTokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    fake, served = server
    assert run(served, tmp_path / "run", shared_data) == 0
    paths = [path for path, _ in fake.requests]
    assert "/tokenize" in paths
    tokenizer = AutoTokenizer.from_pretrained(str(smollm_folder))
    model = f"openai-completions:{SERVED_NAME}"
    from bioeval.io import safe_name

    sample_file = tmp_path / "run" / "samples" / safe_name(model) / "gad" / f"{PROMPT}.jsonl"
    rows = [json.loads(line) for line in sample_file.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2
    for row in rows:  # the server's tokens split context from continuation as the model's own tokenizer does
        context = tokenizer(row["input"], add_special_tokens=False).input_ids
        expected = [sum(token_logprob(t) for t in tokenizer(row["input"] + " " + choice, add_special_tokens=False)
                        .input_ids[len(context):]) for choice in row["choices"]]
        assert row["choice_logliks"] == pytest.approx(expected)


@pytest.mark.parametrize("server", [False], indirect=True)
def test_no_tokenizer_anywhere_stops_at_start_in_one_line(server, shared_data: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    fake, served = server
    started = time.monotonic()
    assert run(served, tmp_path / "run", shared_data) == 2
    assert time.monotonic() - started < 30  # no minute of Hub retries
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("bioeval: error: ") and len([l for l in lines if "error" in l]) == 1
    assert f"'{SERVED_NAME}' is not a local folder" in lines[-1] and "--model-args tokenizer=PATH_OR_ID" in lines[-1]
    assert not (tmp_path / "run").exists()
    assert not any(path.endswith("/completions") for path, _ in fake.requests)  # nothing was evaluated


@pytest.mark.parametrize("server", [False], indirect=True)
def test_a_tokenizer_given_in_model_args_is_used(server, smollm_folder: Path, shared_data: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    fake, served = server
    assert run(served, tmp_path / "run", shared_data, "--model-args", f"tokenizer={smollm_folder}") == 0
    assert any(path.endswith("/completions") for path, _ in fake.requests)
