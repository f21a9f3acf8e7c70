"""``bioeval run --download`` on a machine without the data: it fetches the public files it
needs from the loopback mirror (sha256-checked, readable by others), then runs."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.tasks.core.registry import dataset
from test_data_download import Upstream, serve_dataset, upstream  # noqa: F401 - the fixture


def _rewrite_env(upstream: Upstream, names: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [f.url for n in names for s in dataset(n).sources for f in s.files if f.url]
    monkeypatch.setenv("BIOEVAL_URL_REWRITE", ";".join(sorted({upstream.rewrite(u) for u in urls})))


def test_run_download_fetches_what_the_tasks_need_then_runs(
    upstream: Upstream, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    served = serve_dataset(upstream, shared_data, "biosses")
    _rewrite_env(upstream, ("biosses",), monkeypatch)
    data_dir, out = tmp_path / "user-data", tmp_path / "run"
    args = ["run", "--model", "majority", "--tasks", "biosses", "--download", "--limit", "3",
            "--data-dir", str(data_dir), "--output", str(out)]
    assert main(args) == 0
    for relative, body in served.items():
        written = data_dir / relative
        assert written.read_bytes() == body
        assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~_umask()  # not mkstemp's 0600
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    assert "fetched into" in capsys.readouterr().err
    upstream.requests.clear()  # present and good: a second run fetches nothing
    assert main([*args[:-1], str(tmp_path / "run2")]) == 0
    assert upstream.requests == []


def test_run_download_without_network_fails_in_one_line_and_leaves_no_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("BIOEVAL_URL_REWRITE", "https://=http://127.0.0.1:9/")  # nothing listens
    data_dir = tmp_path / "user-data"
    status = main(["run", "--model", "majority", "--tasks", "scitail", "--download",
                   "--data-dir", str(data_dir), "--output", str(tmp_path / "run")])
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert status == 2 and error.startswith("bioeval: error: scitail: download of http://127.0.0.1:9/")
    assert not data_dir.exists() and not (tmp_path / "run").exists()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
