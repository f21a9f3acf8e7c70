"""Helpers for the report tests: reading and writing run folders' files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FAKE_MODEL = "fake-lm"


def read_rows(run: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]


def write_rows(run: Path, rows: list[dict[str, Any]]) -> None:
    (run / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def edit_run_json(run: Path, **changes: Any) -> None:
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    record.update(changes)
    (run / "run.json").write_text(json.dumps(record, indent=2), encoding="utf-8")


def fake_model_rows(baseline_rows: list[dict[str, Any]], model: str = FAKE_MODEL, shift: float = 0.0) -> list[dict[str, Any]]:
    """Rows of another model: each baseline row moved by a prompt-dependent amount."""
    rows = []
    for index, base in enumerate(baseline_rows):
        value = round(min(1.0, (base["value"] or 0.0) + 0.05 * (index % 5) + 0.03 + shift), 6)
        delta = value - (base["value"] or 0.0)
        p_value = 0.01 if index % 2 == 0 else 0.4
        rows.append({
            **base,
            "model": model,
            "value": value,
            "ci_low": round(value - 0.1, 6),
            "ci_high": round(min(1.0, value + 0.1), 6),
            "n_unparsed": index % 3,
            "mode": "generate_until",
            "note": "",
            "vs_baseline": {
                "delta": delta, "ci_low": delta - 0.1, "ci_high": delta + 0.1, "p_value": p_value,
                "method": "paired bootstrap", "beats_baseline": delta > 0 and p_value < 0.05,
                "summary": "",
            },
        })
    return rows


def synthetic_run(folder: Path, rows: list[dict[str, Any]], *, started: str = "2026-01-01T00:00:00+00:00",
                  status: str = "complete", tasks_arg: str | None = None,
                  models: dict[str, str] | None = None) -> Path:
    """A run folder written by hand: run.json with the given facts, scores.jsonl with ``rows``."""
    folder.mkdir(parents=True)
    command = ["bioeval", "run"] + (["--tasks", tasks_arg] if tasks_arg else [])
    record = {
        "status": status, "started": started, "command": command,
        "config": {"tasks": sorted({r["task"] for r in rows})},
        "models": {name: {"name": name, "backend": backend} for name, backend in (models or {}).items()},
    }
    (folder / "run.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    write_rows(folder, rows)
    return folder


def score_row(model: str, task: str, prompt: str, metric: str, value: float | None, **extra: Any) -> dict[str, Any]:
    return {
        "model": model, "task": task, "dataset": task, "prompt": prompt, "prompt_id": f"{task}-{prompt}",
        "prompt_version": "000000000000", "family": "bigbio", "mode": "generate_until", "metric": metric,
        "value": value, "ci_low": None, "ci_high": None, "n": 10, "n_unparsed": 0, "note": "", **extra,
    }
