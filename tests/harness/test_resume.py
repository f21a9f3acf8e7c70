"""`bioeval run --resume`: finished units kept byte for byte, different runs refused, locks,
crashed runs recognised, and signals (SIGTERM / SIGHUP like Ctrl-C; a second signal exits at once)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.run.signals import Interrupted, stop_on_signals

TASKS = ["--tasks", "biosses,gad", "--limit", "4"]


def files_of(run: Path) -> dict[str, bytes]:
    """Every result file of a run folder (run.json and the cache aside)."""
    return {
        str(p.relative_to(run)): p.read_bytes()
        for p in sorted(run.rglob("*"))
        if p.is_file() and p.name not in ("run.json", ".lock") and "cache" not in p.relative_to(run).parts
    }


@pytest.fixture(scope="module")
def majority_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("resume") / "complete"
    assert main(["run", "--model", "majority", *TASKS, "--data-dir", str(shared_data), "--output", str(out)]) == 0
    return out


def interrupted_copy(run: Path, tmp_path: Path, keep_rows: int) -> Path:
    """The run as if it had been stopped after its first ``keep_rows`` score rows."""
    copy = tmp_path / "interrupted"
    shutil.copytree(run, copy)
    lines = (copy / "scores.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (copy / "scores.jsonl").write_text("".join(lines[:keep_rows]), encoding="utf-8")
    record = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    record["status"] = "interrupted"
    (copy / "run.json").write_text(json.dumps(record), encoding="utf-8")
    return copy


def test_resume_keeps_finished_units_and_completes_the_rest(majority_run: Path, tmp_path: Path) -> None:
    copy = interrupted_copy(majority_run, tmp_path, keep_rows=3)
    kept = (copy / "scores.jsonl").read_bytes()
    assert main(["run", "--resume", str(copy)]) == 0
    assert (copy / "scores.jsonl").read_bytes().startswith(kept)
    assert files_of(copy) == files_of(majority_run)
    record = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "complete" and len(record["resumed"]) == 1


def test_a_crashed_run_is_recognised(majority_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = interrupted_copy(majority_run, tmp_path, keep_rows=5)
    record = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    record["status"] = "running"  # as a SIGKILLed run leaves it
    (copy / "run.json").write_text(json.dumps(record), encoding="utf-8")
    assert main(["run", "--resume", str(copy)]) == 0
    assert "stopped without finishing" in capsys.readouterr().err
    assert files_of(copy) == files_of(majority_run)


def test_a_folder_in_use_is_refused(majority_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = interrupted_copy(majority_run, tmp_path, keep_rows=2)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(copy / '.lock')!r}, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0); os.write(fd, b"4242\\n")
        print("locked", flush=True); time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = files_of(copy)
        assert main(["run", "--resume", str(copy)]) == 2
        assert "is in use by a running bioeval (pid 4242)" in capsys.readouterr().err
        assert files_of(copy) == before
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r["data_files"].update({next(iter(r["data_files"])): "0" * 64}), "changed (" + "0" * 64),
        (lambda r: r["prompts"][next(iter(r["prompts"]))].update(version="000000000000"), "changed (000000000000 then"),
        (lambda r: r.update(bioeval_version="0.0.1"), "bioeval 0.0.1 wrote it"),
        (lambda r: r["config"].update(seed=7), "seed was 7, now 0"),
    ],
    ids=["data file", "prompt version", "bioeval version", "config"],
)
def test_a_different_run_is_refused(majority_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit, message: str) -> None:  # noqa: ANN001
    copy = interrupted_copy(majority_run, tmp_path, keep_rows=2)
    record = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    edit(record)
    (copy / "run.json").write_text(json.dumps(record), encoding="utf-8")
    before = files_of(copy)
    assert main(["run", "--resume", str(copy)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"bioeval: error: run folder {copy} holds a different run: ")
    assert message in err[0]
    assert files_of(copy) == before


def test_other_options_are_refused(majority_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = interrupted_copy(majority_run, tmp_path, keep_rows=2)
    assert main(["run", "--resume", str(copy), "--model", "majority", "--tasks", "gad", "--limit", "4"]) == 2
    assert "--tasks gad (the run has biosses,gad)" in capsys.readouterr().err


def test_same_options_are_accepted(majority_run: Path, tmp_path: Path) -> None:
    copy = interrupted_copy(majority_run, tmp_path, keep_rows=2)
    assert main(["run", "--resume", str(copy), "--model", "majority", *TASKS]) == 0
    assert files_of(copy) == files_of(majority_run)


def test_complete_runs_and_old_folders_are_not_resumed(majority_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--resume", str(majority_run)]) == 2
    assert "holds a complete run; there is nothing to resume" in capsys.readouterr().err
    old = tmp_path / "old"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "run-0.1.0-majority", old)
    record = json.loads((old / "run.json").read_text(encoding="utf-8"))
    record["status"] = "interrupted"
    (old / "run.json").write_text(json.dumps(record), encoding="utf-8")
    assert main(["run", "--resume", str(old)]) == 2
    assert "did not record its options; it cannot be resumed" in capsys.readouterr().err


def test_an_existing_output_points_to_resume(majority_run: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--model", "majority", *TASKS, "--data-dir", str(shared_data), "--output", str(majority_run)]) == 2
    assert f"continue it with `bioeval run --resume {majority_run}`" in capsys.readouterr().err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signals_raise_interrupted_with_the_shell_exit_status(signum: int) -> None:
    with pytest.raises(Interrupted) as stop, stop_on_signals():
        os.kill(os.getpid(), signum)
    assert stop.value.exit_status == 128 + signum
    assert signal.getsignal(signum) is not None  # the old handler is back


def test_a_second_signal_exits_at_once() -> None:
    script = textwrap.dedent("""
        import os, signal, sys, time
        from bioeval.run.signals import stop_on_signals, Interrupted
        with stop_on_signals():
            try:
                print("ready", flush=True); time.sleep(30)
            except Interrupted:
                print("cleaning up", flush=True); time.sleep(30)  # a slow clean-up, then a 2nd signal
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGTERM)
    assert process.stdout.readline().strip() == "cleaning up"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 143


def test_the_request_cache_survives_a_line_cut_short(tmp_path: Path) -> None:
    from bioeval.run.cache import RequestCache, request_key

    cache = RequestCache(tmp_path, "m")
    cache.store("loglikelihood", [request_key("loglikelihood", ("a", "b"))], [(-1.5, True)])
    with cache.path.open("ab") as handle:
        handle.write(b'{"key": "cut sh')  # a kill in the middle of a write
    again = RequestCache(tmp_path, "m")
    again.store("loglikelihood", [request_key("loglikelihood", ("c", "d"))], [(-2.5, False)])
    third = RequestCache(tmp_path, "m")
    assert third.answers == {
        request_key("loglikelihood", ("a", "b")): (-1.5, True),
        request_key("loglikelihood", ("c", "d")): (-2.5, False),
    }
    assert third.attempt == 3
