"""Benign look-alikes of the bad inputs in ``test_command_inputs.py``: these keep working
(a byte-order mark and CRLF line ends, spans inside the text, a forced overwrite, an empty
output folder, a prompt library added to, a good plan config, well-formed model settings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from badinput_support import Ctx, earlier  # noqa: F401  (earlier: the fixture)
from test_command_inputs import NCBI_FIRST, NER_LINE, good_config, json_text, template

from bioeval.cli import main


def gad_ids(data: Path) -> list[str]:
    from bioeval.tasks.core.loading import load_split
    from bioeval.tasks.core.registry import views_named

    ((spec, view),) = views_named("gad")
    return [example.id for example in load_split(spec, view, "test", data)]


def test_predictions_with_a_byte_order_mark_and_crlf_are_scored(earlier: Ctx, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = gad_ids(earlier.data)
    lines = "".join(json.dumps({"id": i, "prediction": "1"}) + "\r\n" for i in ids)
    path = tmp_path / "preds.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + lines.encode("utf-8"))
    assert main(["score", "--task", "gad", "--predictions", str(path), "--data-dir", str(earlier.data)]) == 0
    assert '"task": "gad"' in capsys.readouterr().out


def test_ner_spans_inside_the_text_are_scored(earlier: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "preds.jsonl"
    path.write_text(NER_LINE % (NCBI_FIRST, 23, 39), encoding="utf-8")  # "copper toxicosis", as annotated
    assert main(["score", "--task", "ncbi_disease", "--predictions", str(path), "--data-dir", str(earlier.shared),
                 "--allow-missing"]) == 0


def test_templates_with_a_byte_order_mark_and_crlf_import(earlier: Ctx, tmp_path: Path) -> None:
    text = template(json_text("Sentence: {{ text }} Related? {% for i in range(2) %}{{ answer_choices[i] }} {% endfor %}"
                              "||| {{ answer_choices[labels[0] | int] }}"))
    folder = tmp_path / "ps" / "gad"
    folder.mkdir(parents=True)
    (folder / "templates.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    library = tmp_path / "library"
    assert main(["prompts", "import", str(tmp_path / "ps"), "--out", str(library), "--data-dir", str(earlier.data)]) == 0
    assert "probe" in (library / "imported" / "gad.yaml").read_text(encoding="utf-8")
    # the library is meant to be added to: importing again into it is not refused
    assert main(["prompts", "import", str(tmp_path / "ps"), "--out", str(library), "--data-dir", str(earlier.data)]) == 0


def test_references_with_a_byte_order_mark_and_a_forced_report(earlier: Ctx, tmp_path: Path) -> None:
    refs = tmp_path / "refs.yaml"
    refs.write_bytes(b"\xef\xbb\xbf- {label: Paper, source: a paper, scores: {biosses: {metric: pearson, value: 0.5}}}\r\n")
    out = tmp_path / "report.md"
    out.write_text("old\n", encoding="utf-8")
    assert main(["report", str(earlier.run), "--references", str(refs), "--output", str(out), "--force"]) == 0
    assert "Paper" in out.read_text(encoding="utf-8")


def test_export_into_an_empty_folder_and_forced_into_a_used_one(earlier: Ctx, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["--tasks", "biosses", "--limit", "3", "--data-dir", str(earlier.data)]
    assert main(["export", "lm-eval", str(empty), *args]) == 0
    assert (empty / "biosses" / "_group.yaml").is_file()
    (empty / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["export", "lm-eval", str(empty), *args, "--force"]) == 0
    assert (empty / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert main(["prompts", "export", str(tmp_path / "templates"), "--tasks", "biosses"]) == 0


def test_plan_with_a_good_config_and_gpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.json").write_text(good_config(), encoding="utf-8")
    assert main(["plan", "--model", "smollm2-135m", "--config", str(tmp_path), "--gpus", "2x24GB"]) == 0
    assert "parameters" in capsys.readouterr().out


def test_well_formed_model_args_parse() -> None:
    from bioeval.config.overrides import parse_model_args

    assert parse_model_args("num_concurrent=8,timeout=2.5,max_memory=0:70GiB;cpu:200GiB,gpu_memory_utilization=0.9") == {
        "num_concurrent": 8, "timeout": 2.5, "max_memory": {0: "70GiB", "cpu": "200GiB"}, "gpu_memory_utilization": 0.9,
    }
