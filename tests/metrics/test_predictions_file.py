"""External predictions files: good files, and every bad input failing with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bioeval.errors import DataFileError
from bioeval.metrics.predictions_file import MISSING, read_predictions_file
from bioeval.metrics.scoring import score
from bioeval.metrics.types import Span

IDS = ["d1", "d2", "d3"]


def _write(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "predictions.jsonl"
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_predictions_in_example_order(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "d3", "prediction": "no"},
        "",
        {"id": "d1", "prediction": "Yes"},
        {"id": "d2", "prediction": "maybe"},
    ])
    read = read_predictions_file(path, ids=IDS, kind="label", choices=["yes", "no", "maybe"])
    assert [p.value for p in read.predictions] == ["yes", "maybe", "no"]
    assert read.n_missing == 0
    result = score("accuracy", read.predictions, ["yes", "no", "no"], n_boot=0)
    assert result.value == pytest.approx(2 / 3) and result.n_unparsed == 0


def test_spans_and_entity_strings(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "d1", "prediction": [{"start": 0, "end": 7, "type": "Chemical"}]},
        {"id": "d2", "prediction": []},
    ])
    read = read_predictions_file(path, ids=["d1", "d2"], kind="spans", choices=["Chemical"])
    assert read.predictions[0].value == (Span(0, 7, "Chemical"),)
    path = _write(tmp_path, [{"id": 1, "prediction": ["aspirin"]}])
    assert read_predictions_file(path, ids=["1"], kind="entity_list").predictions[0].value == ("aspirin",)


def test_missing_ids_allowed_are_counted_as_wrong(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"id": "d1", "prediction": "yes"}])
    read = read_predictions_file(path, ids=IDS, kind="label", choices=["yes", "no"], allow_missing=True)
    assert read.n_missing == 2
    assert read.predictions[1].error == MISSING and read.predictions[1].value is None
    result = score("accuracy", read.predictions, ["yes", "yes", "no"], n_boot=0)
    assert result.value == pytest.approx(1 / 3) and result.n_unparsed == 2


@pytest.mark.parametrize(
    ("rows", "kind", "line", "message"),
    [
        ([{"id": "d1", "prediction": "yes"}, {"id": "d9", "prediction": "no"}], "label", 2, "unknown id 'd9'"),
        ([{"id": "d1", "prediction": "yes"}, {"id": "d1", "prediction": "no"}], "label", 2, "given twice"),
        ([{"id": "d1", "prediction": "perhaps"}], "label", 1, "expected one of"),
        (["{not json"], "label", 1, "not JSON"),
        ([["d1", "yes"]], "label", 1, 'with "id" and "prediction"'),
        ([{"id": "d1"}], "label", 1, 'with "id" and "prediction"'),
        ([{"id": None, "prediction": "yes"}], "label", 1, "expected a string id"),
        ([{"id": "d1", "prediction": "high"}], "number", 1, "expected a number"),
        ([{"id": "d1", "prediction": "aspirin"}], "entity_list", 1, "expected a list of entity strings"),
        ([{"id": "d1", "prediction": [{"start": 4, "end": 1, "type": "Chemical"}]}], "spans", 1, "0 <= start <= end"),
        ([{"id": "d1", "prediction": "a"}], "label_list", 1, "expected a list of labels"),
    ],
)
def test_bad_lines_fail_with_file_and_line(
    tmp_path: Path, rows: list[object], kind: str, line: int, message: str
) -> None:
    path = _write(tmp_path, rows)
    with pytest.raises(DataFileError) as caught:
        read_predictions_file(path, ids=IDS, kind=kind, choices=["yes", "no", "Chemical"], allow_missing=True)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


def test_missing_ids_fail_without_the_flag(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"id": "d1", "prediction": "yes"}])
    with pytest.raises(DataFileError, match=r"2 of 3 ids have no prediction \('d2', 'd3'\)"):
        read_predictions_file(path, ids=IDS, kind="label", choices=["yes", "no"])


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="does not exist; expected a file"):
        read_predictions_file(tmp_path / "absent.jsonl", ids=IDS, kind="label")
