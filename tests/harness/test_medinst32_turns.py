"""What lm-eval builds from a MedINST32 row: its history as user / assistant turns before the
row's own user turn (chat), or plain instruction / input / output blocks (no chat template)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bioeval.run.engine import _task_manager, documents, task_config
from bioeval.run.plan import build_plan
from bioeval.rundir.records import Mode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
import medinst32_fixtures as fixtures  # noqa: E402


def contexts(tmp_path: Path, as_chat: bool) -> list[Any]:
    fixtures.write_medinst32(tmp_path, ("BIOSSES",))
    (task,) = build_plan(["majority"], ["medinst32-BIOSSES"], None, tmp_path, limit=None).tasks
    config = task_config(task, Mode.GENERATE, documents(task, as_chat), as_chat)
    (task_obj,) = _task_manager().load([config])["tasks"].values()
    task_obj.set_config(key="num_fewshot", value=1 if as_chat else 0)
    render = json.dumps  # lm-eval's chat_template interface: messages -> the text sent
    return [
        task_obj.fewshot_context(doc, 1 if as_chat else 0, apply_chat_template=as_chat, fewshot_as_multiturn=as_chat,
                                 chat_template=(lambda m, add_generation_prompt=True: render(m)) if as_chat else None)
        for doc in task_obj.eval_docs
    ]


def test_history_becomes_prior_chat_turns(tmp_path: Path) -> None:
    first, second = (json.loads(c) for c in contexts(tmp_path, as_chat=True))
    rows = fixtures.ROWS["BIOSSES"]
    assert first == [{"role": "user", "content": rows[0]["instruction"] + "\n" + rows[0]["input"]}]  # empty history
    (q1, a1), (q2, a2) = fixtures.DEMO
    assert second == [
        {"role": "user", "content": q1}, {"role": "assistant", "content": a1},
        {"role": "user", "content": q2}, {"role": "assistant", "content": a2},
        {"role": "user", "content": rows[1]["instruction"] + "\n" + rows[1]["input"]},
    ]


def test_without_a_chat_template_the_turns_are_plain_blocks(tmp_path: Path) -> None:
    first, second = contexts(tmp_path, as_chat=False)
    rows = fixtures.ROWS["BIOSSES"]
    assert first == f"{rows[0]['instruction']}\n{rows[0]['input']}\nOutput:"
    (q1, a1), (q2, a2) = fixtures.DEMO
    assert second == f"{q1}\nOutput: {a1}\n\n{q2}\nOutput: {a2}\n\n{rows[1]['instruction']}\n{rows[1]['input']}\nOutput:"
