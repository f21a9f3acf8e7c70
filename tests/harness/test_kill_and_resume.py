"""The real SmolLM2 run killed and resumed: SIGKILL at 10 seeded random moments, SIGTERM once.

Each moment is drawn while the model works: after 1 or 2 more chunks of requests were sent
(counted in the run folder's cache/<model>.sent.jsonl), then up to half a second later.

After every kill the run is resumed with `bioeval run --resume`; the final scores.jsonl and
samples/ must equal those of an uninterrupted run of the same command, byte for byte, and the
model requests sent over all attempts (the run folder's cache/<model>.sent.jsonl) may exceed the
uninterrupted run's by at most one chunk (about one batch) per kill.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

KILLS = 10
RUN = ["--model", "smollm2-135m", "--tasks", "gad,biosses", "--limit", "4", "--batch-size", "4"]


def bioeval(*args: str) -> list[str]:
    return [sys.executable, "-m", "bioeval.cli", *args]


def result_files(run: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(run)): p.read_bytes()
        for p in sorted(run.rglob("*"))
        if p.is_file() and p.name not in ("run.json", ".lock") and "cache" not in p.relative_to(run).parts
    }


def sent(run: Path) -> list[int]:
    """The size of every chunk of requests sent to the model, over all attempts."""
    log = run / "cache" / "smollm2-135m.sent.jsonl"
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.is_file() else []
    return [row["sent"] for row in rows if "sent" in row]


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = os.environ.get("BIOEVAL_CACHE_DIR") or str(tmp_path_factory.mktemp("bioeval-cache"))
    return dict(os.environ, BIOEVAL_CACHE_DIR=cache)


@pytest.fixture(scope="module")
def uninterrupted(shared_data: Path, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("kill") / "uninterrupted"
    started = time.monotonic()
    done = subprocess.run(bioeval("run", *RUN, "--data-dir", str(shared_data), "--output", str(out)),
                          env=environment, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return out, time.monotonic() - started


def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_result(
    uninterrupted: tuple[Path, float], shared_data: Path, environment: dict[str, str], tmp_path: Path
) -> None:
    reference, seconds = uninterrupted
    out = tmp_path / "killed"
    rng = random.Random(20261201)
    first = bioeval("run", *RUN, "--data-dir", str(shared_data), "--output", str(out))
    kills = 0
    for attempt in range(KILLS):
        command = first if not (out / "run.json").is_file() else bioeval("run", "--resume", str(out))
        log = tmp_path / f"attempt-{attempt}.log"
        with log.open("w") as err:
            process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=err)
            # a seeded random moment while the model works: after 1 or 2 more chunks were sent,
            # then up to half a second into the next one
            target = len(sent(out)) + rng.randint(1, 2)
            pause = rng.uniform(0.0, 0.5)
            deadline = time.monotonic() + max(600.0, 3 * seconds)
            while process.poll() is None and len(sent(out)) < target and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(pause)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=60)
        assert process.returncode in (0, -signal.SIGKILL), f"attempt {attempt}: {log.read_text()[-2000:]}"
        if process.returncode == 0:
            break
    record = json.loads((out / "run.json").read_text(encoding="utf-8")) if (out / "run.json").is_file() else {}
    if record.get("status") != "complete":
        done = subprocess.run(bioeval("run", "--resume", str(out)) if record else first,
                              env=environment, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-3000:]
    assert kills == KILLS, f"the run finished after {kills} kills; the moments are too late"
    assert result_files(out) == result_files(reference)
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "complete"
    chunk = max(sent(reference))
    total, clean = sum(sent(out)), sum(sent(reference))
    print(f"{kills} kills: {total} requests sent over all attempts, {clean} uninterrupted, chunk {chunk}")
    assert clean <= total <= clean + kills * chunk


def test_sigterm_marks_the_run_interrupted_and_resume_completes_it(
    uninterrupted: tuple[Path, float], shared_data: Path, environment: dict[str, str], tmp_path: Path
) -> None:
    reference, _ = uninterrupted
    out = tmp_path / "terminated"
    log = tmp_path / "terminated.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(bioeval("run", *RUN, "--data-dir", str(shared_data), "--output", str(out)),
                                   env=environment, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not sent(out):
            time.sleep(0.2)
        assert sent(out), "the model never started"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    err = log.read_text()
    assert process.returncode == 143, err[-2000:]
    assert "stopped by SIGTERM" in err
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "interrupted"
    for path in out.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            json.loads(line)
    done = subprocess.run(bioeval("run", "--resume", str(out)), env=environment, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    assert result_files(out) == result_files(reference)
