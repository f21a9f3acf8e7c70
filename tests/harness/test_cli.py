"""The command line: fast help, one-line errors with exit status 2, before any model loads."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bioeval.cli import main

PYTHON = sys.executable


def bioeval(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "bioeval.cli", *args], capture_output=True, text=True, timeout=300, **kwargs
    )


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    code = (
        "import sys, time; t = time.perf_counter(); from bioeval.cli import build_parser; "
        "build_parser().format_help(); "
        "heavy = [m for m in ('torch', 'transformers', 'lm_eval', 'datasets', 'numpy') if m in sys.modules]; "
        "print(heavy, time.perf_counter() - t)"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy, seconds = out.rsplit(" ", 1)
    assert heavy == "[]"
    assert float(seconds) < 0.5
    started = time.perf_counter()
    result = bioeval("--help")
    assert result.returncode == 0
    assert "run" in result.stdout and "list" in result.stdout
    assert time.perf_counter() - started < 5  # includes starting the interpreter


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--model", "smollm2-13m", "--tasks", "gad"], "unknown model 'smollm2-13m'; did you mean 'smollm2-135m'?"),
        (["--model", "majority", "--tasks", "gadd"], "unknown task 'gadd'; did you mean 'gad'?"),
        (["--model", "majority", "--tasks", "gad", "--prompts", "classify_asociated"],
         "unknown prompt 'classify_asociated'; did you mean 'classify_associated'?"),
    ],
)
def test_unknown_names_fail_with_a_hint(args, expected, shared_data: Path, tmp_path: Path, capsys) -> None:
    code = main(["run", *args, "--data-dir", str(shared_data), "--output", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()  # nothing written, nothing loaded


def test_missing_data_file_names_dataset_path_and_remedy(tmp_path: Path, capsys) -> None:
    code = main(["run", "--model", "majority", "--tasks", "gad", "--data-dir", str(tmp_path / "empty")])
    err = capsys.readouterr().err
    assert code == 2
    assert "dataset 'gad'" in err
    assert str(tmp_path / "empty" / "gad" / "blurb" / "test.tsv") in err
    assert "bioeval data download gad" in err


def test_malformed_data_file_names_file_and_line(tmp_path: Path, shared_data: Path, capsys) -> None:
    folder = tmp_path / "data" / "gad" / "blurb"
    folder.mkdir(parents=True)
    lines = (shared_data / "gad" / "blurb" / "test.tsv").read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace("\t", " ", 1)  # line 8 loses a column
    (folder / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["run", "--model", "majority", "--tasks", "gad", "--data-dir", str(tmp_path / "data")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{folder / 'test.tsv'}:8: 2 tab-separated columns; expected 3" in err


def test_existing_output_folder_is_never_overwritten(tmp_path: Path, shared_data: Path, capsys) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "scores.jsonl").write_text('{"kept": true}\n', encoding="utf-8")
    code = main(["run", "--model", "majority", "--tasks", "gad", "--data-dir", str(shared_data), "--output", str(out)])
    assert code == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "scores.jsonl").read_text(encoding="utf-8") == '{"kept": true}\n'


def test_list_commands(shared_data: Path, capsys) -> None:
    assert main(["list", "datasets", "--data-dir", str(shared_data)]) == 0
    datasets = capsys.readouterr().out
    assert "gad" in datasets and "present" in datasets
    assert main(["list", "models"]) == 0
    models = capsys.readouterr().out
    assert "smollm2-135m" in models and "t0pp" in models and "majority" in models
    assert main(["list", "prompts"]) == 0
    assert "pubmed_qa" in capsys.readouterr().out
