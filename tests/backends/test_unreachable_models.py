"""A model that cannot load stops the run at start, in one line, before the majority baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bioeval.cli import main


@pytest.fixture
def empty_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import huggingface_hub.constants as constants

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def test_offline_hub_id_fails_before_the_baseline(shared_data: Path, tmp_path: Path, empty_hf_cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = tmp_path / "run"
    code, err = _run(["run", "--model", "hf:nobody/no-such-model", "--tasks", "gad", "--data-dir", str(shared_data),
                      "--output", str(out)], capsys)
    assert code == 2
    assert err == ("bioeval: error: model 'hf:nobody/no-such-model': 'nobody/no-such-model' is not found locally "
                   "and the Hugging Face Hub cannot be reached (HF_HUB_OFFLINE is set)\n")
    assert not out.exists()  # nothing ran, not even the baseline


def test_cached_config_counts_as_reachable(empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bioeval.backends.preflight import resolve_config

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    snapshot = empty_hf_cache / "models--someone--cached-model" / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps({"model_type": "gpt2"}), encoding="utf-8")
    (empty_hf_cache / "models--someone--cached-model" / "refs").mkdir()
    (empty_hf_cache / "models--someone--cached-model" / "refs" / "main").write_text("a" * 40, encoding="utf-8")
    assert resolve_config("hf:someone/cached-model", "someone/cached-model") == snapshot / "config.json"


def test_unreachable_hub_fails_in_one_line(shared_data: Path, tmp_path: Path) -> None:
    """HF_HUB_OFFLINE unset: one metadata request, here to a closed port on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_ENDPOINT="http://127.0.0.1:9", HF_HUB_CACHE=str(tmp_path / "hf-cache"))
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "bioeval.cli", "run", "--model", "hf:nobody/no-such-model", "--tasks", "gad",
         "--data-dir", str(shared_data), "--output", str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("bioeval: error: model 'hf:nobody/no-such-model'")
    assert "not found locally and the Hugging Face Hub cannot be reached" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "hf:/no/such/folder"], "no such folder /no/such/folder"),
        (["--model", "hf:./x", "--model-args", "dtpye=float16"], "unknown hf setting"),
        (["--model", "hf:./x", "--model-args", "dtype=int3"], "dtype 'int3'"),
        (["--model", "majority,hf:./x", "--quantize", "int4"], "invalid choice"),
    ],
)
def test_bad_models_and_settings_fail_at_start(args: list[str], message: str, shared_data: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code, err = _run(["run", *args, "--tasks", "gad", "--data-dir", str(shared_data),
                          "--output", str(tmp_path / "run")], capsys)
    except SystemExit as exit_:  # argparse's own choices
        code, err = int(exit_.code), capsys.readouterr().err
    assert code == 2 and message in err
    assert not (tmp_path / "run").exists()
