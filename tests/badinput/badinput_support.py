"""What the bad-input suites share: a protected earlier run (data, run folder, report), the
context a case builds its input in, and the check that a refused command changed nothing."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bioeval.cli import main

SHARED_SETS = ("biosses", "gad")


@dataclass
class Ctx:
    shared: Path  # ../shared/data (read only)
    data: Path  # the protected data folder of the earlier run
    run: Path  # the protected earlier run folder
    report: Path  # the protected report of it
    tmp: Path  # this case's own folder
    env: dict[str, str] = field(default_factory=dict)  # environment variables the case sets
    expect_file: str | None = None  # a file name the error line must name

    def place(self, ref: str) -> Path:
        """Copy ``<dataset>/<source>/<file>`` of the shared data into this case's data folder."""
        target = self.tmp / "data" / ref
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.shared / ref, target)
        return target

    def run_copy(self) -> Path:
        copy = self.tmp / "run"
        shutil.copytree(self.run, copy)
        return copy

    def sample_file(self, run: Path) -> Path:
        return sorted((run / "samples").rglob("*.jsonl"))[0]


Setup = Callable[[Ctx], list[str]]


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup
    expect: tuple[str, ...]  # substrings of the error line (besides the file, where given)


def tree_hash(path: Path) -> dict[str, str]:
    """Every file and folder under ``path`` (or the file itself): sha256 of a file, "dir" of a folder."""
    if not path.exists():
        return {}
    if path.is_file():
        return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()}
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(path.rglob("*"))}


@pytest.fixture(scope="session")
def earlier(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Ctx:
    root = tmp_path_factory.mktemp("earlier")
    for name in SHARED_SETS:
        shutil.copytree(shared_data / name, root / "data" / name)
    run, report = root / "run", root / "report.md"
    assert main(["run", "--model", "majority", "--tasks", "biosses", "--limit", "5",
                 "--data-dir", str(root / "data"), "--output", str(run)]) == 0
    assert main(["report", str(run), "--output", str(report)]) == 0
    return Ctx(shared_data, root / "data", run, report, root)


def assert_refused(case: Case, ctx: Ctx, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                   watch_own_folder: bool = False) -> str:
    """Run ``case`` in-process; assert exit status 2, one ``bioeval: error:`` line (the last one)
    naming what the case expects, no traceback, and the protected run, data and report (and,
    with ``watch_own_folder``, every file and folder the case made) unchanged. The error line."""
    protected = (ctx.run, ctx.data, ctx.report)
    before = [tree_hash(path) for path in protected]
    argv = case.setup(ctx)
    own = tree_hash(ctx.tmp) if watch_own_folder else None
    for key, value in ctx.env.items():
        monkeypatch.setenv(key, value)
    capsys.readouterr()
    status = main(argv)
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("bioeval: error:")]
    assert status == 2, captured.err[-2000:]
    assert "Traceback" not in captured.err + captured.out
    assert len(errors) == 1 and captured.err.rstrip("\n").splitlines()[-1] == errors[0], captured.err[-2000:]
    line = errors[0]
    assert len(line) < 1000, line[:300]
    for expected in case.expect:
        assert expected in line, line
    if ctx.expect_file:
        assert ctx.expect_file in line, line
    assert [tree_hash(path) for path in protected] == before
    if own is not None:
        assert tree_hash(ctx.tmp) == own, "the refused command changed the case's own files"
    return line
