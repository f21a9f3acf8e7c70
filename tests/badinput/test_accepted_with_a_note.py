"""Inputs that are right to accept, but only saying what was done (or accepted as they are)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bioeval.cli import main
from bioeval.data.catalog import availability
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named


def test_a_tsv_with_a_utf8_byte_order_mark_is_read(shared_data: Path, tmp_path: Path) -> None:
    target = tmp_path / "biosses/blurb/test.tsv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\xef\xbb\xbf" + (shared_data / "biosses/blurb/test.tsv").read_bytes())
    ((spec, view),) = views_named("biosses")
    assert len(load_split(spec, view, "test", tmp_path)) == 20


def test_list_datasets_says_which_split_is_missing(shared_data: Path, tmp_path: Path) -> None:
    shutil.copytree(shared_data / "gad", tmp_path / "gad")
    ((spec, view),) = views_named("gad")
    assert availability(spec, view, tmp_path) == "present"
    (tmp_path / "gad" / "blurb" / "train.tsv").unlink()  # dev and test, no train.tsv
    assert availability(spec, view, tmp_path) == "present (train missing)"


def test_sample_larger_than_the_split_says_it_took_all(shared_data: Path, tmp_path: Path, capsys) -> None:
    shutil.copytree(shared_data / "biosses", tmp_path / "data" / "biosses")
    assert main(["run", "--model", "majority", "--tasks", "biosses", "--sample", "1000",
                 "--data-dir", str(tmp_path / "data"), "--output", str(tmp_path / "run")]) == 0
    assert "--sample 1000: biosses test has only 20 examples; took all 20" in capsys.readouterr().err
