"""Small MedINST32 files in the published format (``aialt/MedINST32``: ``unseen_tests/`` and
``unseen_tests_zs/``, one ``<Task>_test.json`` per task), written under a data directory.

Few-shot rows carry ``history``: two ``[user, assistant]`` demonstrations; zero-shot rows none.
One task per scoring rule; the rows are made up here, in the authors' output formats.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEMO = [
    ["Answer yes or no.\nIs aspirin an analgesic?", "yes"],
    ["Answer yes or no.\nIs insulin a hormone?", "yes"],
]

ROWS: dict[str, list[dict[str, str]]] = {
    "BioASQ-Task-B-yesno": [
        {"instruction": "Answer the question with yes or no.", "input": "Is paracetamol an analgesic?", "output": "yes"},
        {"instruction": "Answer the question with yes or no.", "input": "Is water a virus?", "output": "no"},
        {"instruction": "Answer the question with yes or no.", "input": "Is BRCA1 a gene?", "output": "yes"},
    ],
    "MedQA": [
        {"instruction": "Choose the right option.", "input": "Which organ makes insulin? A. pancreas B. liver", "output": "A. pancreas"},
        {"instruction": "Choose the right option.", "input": "Which organ pumps blood? A. lung B. heart", "output": "B. heart"},
    ],
    "NCBI-disease": [
        {"instruction": "Tag each word with [B], [I] or [O] for disease mentions.", "input": "Breast cancer risk",
         "output": "Breast[B] cancer[I] risk[O]"},
        {"instruction": "Tag each word with [B], [I] or [O] for disease mentions.", "input": "No disease here",
         "output": "No[O] disease[O] here[O]"},
    ],
    "AnEM": [
        {"instruction": "List the anatomical entities as [entity <type>].", "input": "The left ventricle and the liver.",
         "output": "[left ventricle <Organ>], [liver <Organ>]"},
        {"instruction": "List the anatomical entities as [entity <type>].", "input": "Nothing anatomical.", "output": "None"},
    ],
    "Hallmarks-of-Cancer": [
        {"instruction": "Which hallmarks of cancer does the text discuss?", "input": "Tumour cells evade apoptosis.",
         "output": "resisting cell death"},
        {"instruction": "Which hallmarks of cancer does the text discuss?", "input": "Angiogenesis and invasion.",
         "output": "inducing angiogenesis, activating invasion and metastasis"},
    ],
    "BIOSSES": [
        {"instruction": "Rate the similarity of the two sentences from 0 to 4.", "input": "A: Cells grow.\nB: Cells grow.", "output": "4"},
        {"instruction": "Rate the similarity of the two sentences from 0 to 4.", "input": "A: Cells grow.\nB: Rain falls.", "output": "0"},
    ],
    "ParaMed": [
        {"instruction": "Translate into English.", "input": "高血压", "output": "hypertension"},
        {"instruction": "Translate into English.", "input": "糖尿病", "output": "diabetes"},
    ],
}
"""One task per scoring rule: label macro-F1, exact match, B/I/O tags, bracket entities, HoC
labels, the BIOSSES MSE, and ROUGE-L alone (translation)."""


def few_shot(rows: list[dict[str, str]], empty_history_at: int | None = None) -> list[dict[str, Any]]:
    return [
        {**row, "history": [] if index == empty_history_at else DEMO} for index, row in enumerate(rows)
    ]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def write_array(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_medinst32(data_dir: Path, tasks: tuple[str, ...] = tuple(ROWS)) -> Path:
    """Few-shot files as JSON Lines (the first row of each with an empty ``history``), zero-shot
    files as JSON arrays, under ``data_dir/medinst32/hf/``; returns that folder."""
    root = data_dir / "medinst32" / "hf"
    for task in tasks:
        write_jsonl(root / "unseen_tests" / f"{task}_test.json", few_shot(ROWS[task], empty_history_at=0))
        write_array(root / "unseen_tests_zs" / f"{task}_test.json", ROWS[task])
    return root
