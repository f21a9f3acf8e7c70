"""MedINST32 through an OpenAI-compatible chat endpoint (how its authors ran it): each row's
history arrives as prior user / assistant messages, then the row's own user message."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from bioeval.cli import main
from fake_openai import FakeOpenAI, Served, handler_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
import medinst32_fixtures as fixtures  # noqa: E402


def test_history_is_sent_as_chat_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server = FakeOpenAI(model="gpt-4o", chat_answer=lambda content: "yes")
    served = Served(handler_for(server))
    try:
        fixtures.write_medinst32(tmp_path / "data", ("BioASQ-Task-B-yesno",))
        code = main(["run", "--model", "gpt-4o", "--tasks", "medinst32-BioASQ-Task-B-yesno", "--base-url", served.url,
                     "--data-dir", str(tmp_path / "data"), "--output", str(tmp_path / "run")])
    finally:
        served.close()
    assert code == 0
    rows = fixtures.ROWS["BioASQ-Task-B-yesno"]
    asked = sorted((body["messages"] for path, body in server.requests if path.endswith("/chat/completions")),
                   key=lambda messages: messages[-1]["content"])
    expected = []
    for index, row in enumerate(rows):
        history = [] if index == 0 else [
            {"role": role, "content": text} for pair in fixtures.DEMO for role, text in zip(("user", "assistant"), pair)
        ]
        expected.append([*history, {"role": "user", "content": f"{row['instruction']}\n{row['input']}"}])
    assert asked == sorted(expected, key=lambda messages: messages[-1]["content"])
    assert all(body.get("temperature", 0) == 0 for _, body in server.requests if "messages" in body)
    scores = [json.loads(line) for line in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
    macro = next(r for r in scores if r["model"] == "gpt-4o" and r["metric"] == "label_macro_f1")
    assert macro["value"] == pytest.approx((2 * 2 / 3 / (1 + 2 / 3) + 0.0) / 2)  # "yes" always: yes F1 0.8, no 0
