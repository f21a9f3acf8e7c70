"""What the executor tests share: running bioeval in a child process, and what two run folders
must have in common to be the same run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

TASKS = "gad,pubmed_qa,biosses"
# two prompts a task, one ranked and one generated where the task has both: the grid stays small
PROMPTS = ("masked_association_yes_no,classify_associated,abstract_question_yes_no_maybe,based_on_abstract,"
           "similarity_scale_0_4,same_finding_yes_no")
LIMIT = "2"
BATCH = "2"  # small batches: a shard can be killed between two of them


def bioeval(*args: str) -> list[str]:
    return [sys.executable, "-m", "bioeval", *args]


def run_bioeval(args: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(bioeval(*args), env=env, capture_output=True, text=True, timeout=timeout, check=False)


def comparable(run: Path, pairs: set[tuple[str, str]] | None = None) -> dict[str, object]:
    """What a merge must share with the in-process run: every score row (sorted), every samples
    file, and run.json's prompt versions, data hashes, baseline answers and configuration (less
    the options as typed). ``pairs`` keeps only those (model, task) units (and the baseline's)."""
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]

    def kept(model: str, task: str) -> bool:
        return pairs is None or (model, task) in pairs

    rows = sorted((r for r in rows if kept(r["model"], r["task"])), key=lambda r: (r["model"], r["task"], r["prompt"], r["metric"]))
    samples = {
        str(p.relative_to(run)): p.read_bytes() for p in sorted((run / "samples").rglob("*.jsonl"))
        if kept(*_model_task(run, p))
    }
    config = {k: v for k, v in record["config"].items() if k != "arguments"}
    return {
        "rows": rows, "samples": samples, "config": config, "data_files": record["data_files"],
        "prompts": record["prompts"], "majority_baseline": record["majority_baseline"],
        "fewshot_examples": record["fewshot_examples"],
    }


def _model_task(run: Path, path: Path) -> tuple[str, str]:
    model_dir, task_dir = path.relative_to(run / "samples").parts[:2]
    return _unsafe(run, model_dir), task_dir


def _unsafe(run: Path, safe_model: str) -> str:
    """The model name whose safe folder name this is (as run.json lists the models)."""
    from bioeval.io import safe_name

    models = json.loads((run / "run.json").read_text(encoding="utf-8"))["models"]
    return next((name for name in models if safe_name(name) == safe_model), safe_model)


def assert_same_run(merged: Path, inprocess: Path, pairs: set[tuple[str, str]] | None = None) -> None:
    """``merged`` is the in-process run; with ``pairs``, a run of some of its (model, task) units:
    those units' rows and samples are the same, and what run.json records of its tasks and
    prompts (data hashes, prompt versions, baseline answers) is what the in-process run records."""
    got, want = comparable(merged, pairs), comparable(inprocess, pairs)
    assert got["rows"] and got["samples"]
    for key in want:
        if pairs is None:
            assert got[key] == want[key], f"{key} differs between {merged} and {inprocess}"
        elif key in ("rows", "samples"):
            assert got[key] == want[key], f"{key} of {sorted(pairs)} differ between {merged} and {inprocess}"
        elif key != "config":
            extra = {k: v for k, v in got[key].items() if want[key].get(k) != v}
            assert not extra, f"{key} of {merged} not as in {inprocess}: {sorted(extra)[:5]}"


def wait_for(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def sent_chunks(shard_dir: Path, model: str = "smollm2-135m") -> list[int]:
    log = shard_dir / "cache" / f"{model}.sent.jsonl"
    if not log.is_file():
        return []
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["sent"] for row in rows if "sent" in row]

