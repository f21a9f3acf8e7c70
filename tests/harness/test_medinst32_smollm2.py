"""SmolLM2-135M on MedINST32 fixture files, one task per scoring rule, the demonstrations sent as
prior chat turns; killed (SIGKILL) once the model has answered some requests, then resumed.

The fixture's first row of every few-shot file carries its two-turn history, so ``--limit 1``
asks each task once, with history. The majority baseline runs on every task too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
import medinst32_fixtures as fixtures  # noqa: E402

pytestmark = pytest.mark.model

TASKS = tuple(f"medinst32-{task}" for task in fixtures.ROWS)


def bioeval(*args: str) -> list[str]:
    return [sys.executable, "-m", "bioeval.cli", *args]


def sent(run: Path) -> list[int]:
    log = run / "cache" / "smollm2-135m.sent.jsonl"
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.is_file() else []
    return [row["sent"] for row in rows if "sent" in row]


def test_smollm2_with_chat_history_killed_and_resumed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    root = data / "medinst32" / "hf"
    for task, rows in fixtures.ROWS.items():  # history on the first row, an empty one on the last
        fixtures.write_jsonl(root / "unseen_tests" / f"{task}_test.json",
                             fixtures.few_shot(rows, empty_history_at=len(rows) - 1))
    out = tmp_path / "run"
    env = dict(os.environ)
    first = bioeval("run", "--model", "smollm2-135m", "--tasks", ",".join(TASKS), "--limit", "1",
                    "--batch-size", "1", "--data-dir", str(data), "--output", str(out))
    with (tmp_path / "first.log").open("w") as err:
        process = subprocess.Popen(first, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 900
        while process.poll() is None and len(sent(out)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, (tmp_path / "first.log").read_text()[-2000:]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "running"
    done = subprocess.run(bioeval("run", "--resume", str(out)), env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "prior turns and prompt sent as the model's chat template" in done.stderr

    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "complete"
    assert record["models"]["smollm2-135m"]["prior_turns"] == "the model's chat template"
    # every request answered once, but for at most one chunk (one request) repeated by the kill
    assert len(TASKS) <= sum(sent(out)) <= len(TASKS) + 1
    rows = [json.loads(line) for line in (out / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    for model in ("majority", "smollm2-135m"):
        for task in TASKS:
            mine = {r["metric"]: r for r in rows if r["model"] == model and r["task"] == task}
            assert {"rougeL", "squad_f1"} <= set(mine), (model, task)
            assert all(r["n"] == 1 and r["value"] is not None for r in mine.values()), (model, task)
    metrics = {r["metric"] for r in rows}
    assert {"label_macro_f1", "squad_em", "bio_tag_f1", "bracket_entity_f1", "hoc_label_f1", "biosses_mse"} <= metrics
    # the model answered in free text (how the turns are laid out: test_medinst32_turns.py)
    for task in TASKS:
        (sample,) = [json.loads(line) for line in
                     (out / "samples" / "smollm2-135m" / task / "medinst_as_published.jsonl").read_text().splitlines()]
        assert sample["output"] and sample["error"] is None
