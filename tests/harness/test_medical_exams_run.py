"""SmolLM2-135M end to end on every medical exam task (MedQA, MedMCQA on written fixtures,
MMLU's six subjects), with and without ``--permute-choices 3``, and a permuted run killed
(SIGKILL) and resumed with the same orders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

TASKS = "medqa,medmcqa,mmlu-medical"
PROMPTS = "letters_listed"  # the option texts ranked: tests/harness/test_export_medical_exams.py


def bioeval(*args: str) -> list[str]:
    return [sys.executable, "-m", "bioeval.cli", *args]


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def data_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real MedQA and MMLU files beside a MedMCQA dev.json in its released format."""
    root = tmp_path_factory.mktemp("data")
    for name in ("medqa", "mmlu"):
        (root / name).symlink_to(shared_data / name)
    folder = root / "medmcqa" / "original" / "data"
    folder.mkdir(parents=True)
    questions = [
        ("Which nerve supplies the deltoid muscle?", ("Axillary", "Radial", "Median", "Ulnar"), 1, "single"),
        ("Vitamin deficient in scurvy:", ("Vitamin A", "Vitamin C", "Vitamin D", "Vitamin K"), 2, "single"),
        ("All of the following are true about insulin except:", ("Made by beta cells", "Lowers glucose",
         "Raises glucose", "A peptide hormone"), 3, "multi"),
    ]
    lines = [
        json.dumps({"question": q, "exp": None, "cop": cop, "opa": o[0], "opb": o[1], "opc": o[2], "opd": o[3],
                    "subject_name": "Medicine", "topic_name": None, "id": f"mm-{i}", "choice_type": kind})
        for i, (q, o, cop, kind) in enumerate(questions)
    ]
    (folder / "dev.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = os.environ.get("BIOEVAL_CACHE_DIR") or str(tmp_path_factory.mktemp("bioeval-cache"))
    return dict(os.environ, BIOEVAL_CACHE_DIR=cache)


def run(out: Path, data_dir: Path, environment: dict[str, str], *extra: str) -> None:
    done = subprocess.run(
        bioeval("run", "--model", "smollm2-135m", "--tasks", TASKS, "--prompts", PROMPTS, "--limit", "1",
                "--data-dir", str(data_dir), "--output", str(out), *extra),
        env=environment, capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def plain(data_dir: Path, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "run"
    run(out, data_dir, environment)
    return out


@pytest.fixture(scope="module")
def permuted(data_dir: Path, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("permuted") / "run"
    run(out, data_dir, environment, "--permute-choices", "3")
    return out


TASK_NAMES = ["medqa", "medmcqa", "mmlu_anatomy", "mmlu_clinical_knowledge", "mmlu_college_biology",
              "mmlu_college_medicine", "mmlu_medical_genetics", "mmlu_professional_medicine"]


def test_every_exam_task_is_scored(plain: Path) -> None:
    scores = rows(plain / "scores.jsonl")
    found = {(r["model"], r["task"], r["prompt"]) for r in scores if r["metric"] == "accuracy"}
    for model in ("smollm2-135m", "majority"):
        for task in TASK_NAMES:
            for prompt in PROMPTS.split(","):
                assert (model, task, prompt) in found
    assert all(r["n"] == 1 and r["metric"] == "accuracy" for r in scores)
    letters = rows(plain / "samples" / "smollm2-135m" / "medqa" / "letters_listed.jsonl")
    assert letters[0]["choices"] == ["A", "B", "C", "D"] and letters[0]["gold"] == "B"
    assert letters[0]["options"][1] == "Tell the attending that he cannot fail to disclose this mistake"
    assert "permutation" not in letters[0] and letters[0]["prediction"] in "ABCD"


def test_permuted_run_reports_every_order_and_keeps_the_publishers_first(plain: Path, permuted: Path) -> None:
    record = json.loads((permuted / "run.json").read_text(encoding="utf-8"))
    assert record["config"]["permute_choices"] == 3 and "bioeval-permute" in record["config"]["permutations"]
    scores = rows(permuted / "scores.jsonl")
    metrics = {r["metric"] for r in scores if r["model"] == "smollm2-135m" and r["task"] == "medqa"}
    assert metrics == {"accuracy", "accuracy_p0", "accuracy_p1", "accuracy_p2", "accuracy_voted", "flip_rate",
                       "position_bias"}
    plain_rows = rows(plain / "samples" / "smollm2-135m" / "medqa" / "letters_listed.jsonl")
    samples = rows(permuted / "samples" / "smollm2-135m" / "medqa" / "letters_listed.jsonl")
    assert [s["permutation"] for s in samples] == [0, 1, 2]
    assert len({tuple(s["order"]) for s in samples}) == 3 and samples[0]["order"] == [0, 1, 2, 3]
    identity = [s for s in samples if s["permutation"] == 0]
    assert [s["prediction"] for s in identity] == [r["prediction"] for r in plain_rows]
    for sample in samples:
        original = plain_rows[0]
        assert sample["id"].split("@")[0] == original["id"]
        assert sample["options"] == [original["options"][i] for i in sample["order"]]
        shown = [line.split(". ", 1)[1] for line in sample["input"].splitlines() if line[:3] in ("A. ", "B. ", "C. ", "D. ")]
        assert shown == sample["options"]
        assert sample["options"][ord(sample["gold"]) - ord("A")] == original["options"][ord(original["gold"]) - ord("A")]
    p0 = next(r for r in scores if r["model"] == "smollm2-135m" and r["task"] == "medqa"
              and r["prompt"] == "letters_listed" and r["metric"] == "accuracy_p0")
    plain_score = next(r for r in rows(plain / "scores.jsonl") if r["model"] == "smollm2-135m"
                       and r["task"] == "medqa" and r["prompt"] == "letters_listed")
    assert p0["value"] == plain_score["value"]


def test_rescoring_a_permuted_run_reproduces_its_scores(permuted: Path) -> None:
    done = subprocess.run(bioeval("score", str(permuted)), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (rescored,) = permuted.glob("rescored-*.jsonl")
    key = lambda r: (r["model"], r["task"], r["prompt"], r["metric"])  # noqa: E731
    assert {key(r): r["value"] for r in rows(rescored)} == {key(r): r["value"] for r in rows(permuted / "scores.jsonl")}


def test_a_permuted_run_killed_and_resumed_gives_the_same_orders_and_scores(
    permuted: Path, data_dir: Path, environment: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "killed"
    command = bioeval("run", "--model", "smollm2-135m", "--tasks", TASKS, "--prompts", PROMPTS, "--limit", "1",
                      "--data-dir", str(data_dir), "--output", str(out), "--permute-choices", "3")
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sent_log = out / "cache" / "smollm2-135m.sent.jsonl"
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline and not (sent_log.is_file() and sent_log.read_text().count("\n") >= 3):
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    done = subprocess.run(bioeval("run", "--resume", str(out)), env=environment, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    for path in sorted((permuted / "samples").rglob("*.jsonl")):
        assert (out / path.relative_to(permuted)).read_bytes() == path.read_bytes(), path
    assert (out / "scores.jsonl").read_bytes() == (permuted / "scores.jsonl").read_bytes()
