"""The run folder's typed records: round trips, checks with file:line, the one reader, and a run
folder written by release 0.1.0 (tests/fixtures/run-0.1.0-majority, made by that release's
`bioeval run --model majority --tasks biosses,gad --limit 4`; the rendered inputs of its samples,
dataset text, are replaced by a placeholder, since data is never copied into the repository)
read, re-scored and reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.errors import DataFileError
from bioeval.metrics.types import MetricOptions
from bioeval.report.terminal import format_summary
from bioeval.rundir.reader import read_run_record, read_sample_rows, read_score_rows
from bioeval.rundir.records import (
    BaselineInfo,
    Mode,
    PromptInfo,
    RunRecord,
    SampleRow,
    ScoreRow,
    UnitId,
    VsBaseline,
    Where,
)
from bioeval.scoring.predict import Outcome, score_outcomes

OLD_RUN = Path(__file__).resolve().parents[1] / "fixtures" / "run-0.1.0-majority"
WHERE = Where("scores.jsonl", 3)
UNIT = UnitId("m", "gad", "gad", "p", "id1", "abc123", "bigbio", Mode.RANK)


def test_mode_values_are_the_names_run_folders_store() -> None:
    assert [m.value for m in Mode] == ["multiple_choice", "generate_until"]


def test_score_row_round_trip_keeps_key_order() -> None:
    row = ScoreRow(UNIT, "accuracy", 0.5, 0.25, 0.75, 4, 1, "note",
                   VsBaseline(0.1, -0.2, 0.3, 0.5, "exact McNemar", False, "s"))
    raw = row.to_json()
    assert list(raw)[:9] == ["model", "task", "dataset", "prompt", "prompt_id", "prompt_version", "family", "mode", "metric"]
    assert ScoreRow.from_json(json.loads(json.dumps(raw)), WHERE) == row


def test_sample_row_round_trip() -> None:
    row = SampleRow("d1", "input", "yes", "yes", "yes", "yes", None, ("yes", "no"), (-0.1, -2.0))
    assert SampleRow.from_json(row.to_json(), WHERE) == row
    bare = SampleRow("d2", None, None, "", None, None, "template: x")
    assert "choices" not in bare.to_json()
    assert SampleRow.from_json(bare.to_json(), WHERE) == bare


def test_prompt_info_round_trip() -> None:
    info = PromptInfo("i", "bigbio", "v", "s" * 64, "f.yaml:3", ("micro_f1", "accuracy"), "label",
                      MetricOptions("no", ("no", "yes")), ("0", "1"))
    assert PromptInfo.from_json(info.to_json(), WHERE) == info


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1, 2], "expected a JSON object (one score row)"),
        ({"model": "m", "task": "t", "prompt": "p", "metric": "accuracy", "value": 1}, "score row lacks n"),
        ({"model": "", "task": "t", "prompt": "p", "metric": "a", "value": 1, "n": 1}, "expected 'model' to be a non-empty string"),
        ({"model": "m", "task": "t", "prompt": "p", "metric": "a", "value": "high", "n": 1}, "expected 'value' to be a number or null"),
        ({"model": "m", "task": "t", "prompt": "p", "metric": "a", "value": 1, "n": -1}, "expected 'n' to be a count"),
        ({"model": "m", "task": "t", "prompt": "p", "metric": "a", "value": 1, "n": 1, "mode": "zero-shot"}, "expected 'mode' to be one of"),
        ({"model": "m", "task": "t", "prompt": "p", "metric": "a", "value": 1, "n": 1, "vs_baseline": 3}, "'vs_baseline'"),
    ],
)
def test_bad_score_rows_fail_with_file_and_line(raw: object, message: str) -> None:
    with pytest.raises(DataFileError, match="^scores.jsonl:3: ") as error:
        ScoreRow.from_json(raw, WHERE)
    assert message in str(error.value)


def test_a_run_folder_of_release_0_1_0_reads() -> None:
    record = read_run_record(OLD_RUN)
    assert record.status == "complete"
    assert record.suites == ()  # biosses,gad is no suite
    assert record.baseline_models() == {"majority"}
    assert record.majority_baseline["gad/classify_associated"].counted_on.startswith("evaluated split test (534 examples)")
    rows = read_score_rows(OLD_RUN)
    assert {row.unit.task for row in rows} == {"biosses", "gad"}
    assert all(isinstance(row.unit.mode, Mode) for row in rows)
    samples = read_sample_rows(OLD_RUN, rows[0].unit)
    assert len(samples) == 4


def test_rescoring_the_old_folder_gives_its_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    shutil.copytree(OLD_RUN, run)
    assert main(["score", str(run)]) == 0
    out = capsys.readouterr().out
    assert "majority baseline: most frequent target of the evaluated split test" in out
    rescored = read_score_rows(run)  # scores.jsonl untouched
    new = [json.loads(line) for line in next(run.glob("rescored-*.jsonl")).read_text().splitlines()]
    assert [(r["task"], r["prompt"], r["metric"], r["value"], r["n"]) for r in new] == [
        (r.unit.task, r.unit.prompt, r.metric, r.value, r.n) for r in rescored
    ]


def test_report_renders_the_old_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(OLD_RUN), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,task,prompt")
    assert len(lines) == 1 + len(read_score_rows(OLD_RUN))


def test_one_scoring_path_reads_saved_samples_like_the_run() -> None:
    record = read_run_record(OLD_RUN)
    for row in read_score_rows(OLD_RUN):
        info = record.prompts[f"{row.unit.task}/{row.unit.prompt}"]
        outcomes = [Outcome.of_sample(s) for s in read_sample_rows(OLD_RUN, row.unit)]
        scored = score_outcomes(info, row.unit.mode, outcomes, "test")
        value = {s.metric: s.value for s in scored.scores}[row.metric]
        assert value == row.value or (value is None and row.value is None)
        assert [s.to_json() for s in scored.sample_rows()] == [
            s.to_json() for s in read_sample_rows(OLD_RUN, row.unit)
        ]


def test_terminal_summary_renders_the_report_tables() -> None:
    record = read_run_record(OLD_RUN)
    text = format_summary(read_score_rows(OLD_RUN), record)
    assert "gad - micro_f1 (n=4, 5 prompts; * = beats the majority baseline, p < 0.05)" in text
    assert "[mean over prompts]" in text and "[std over prompts]" in text
    assert "majority baseline: most frequent target of the evaluated split test (534 examples)" in text


def test_outcome_of_a_failed_sample_keeps_its_error_and_a_parse_error_is_read_again() -> None:
    failed = SampleRow("a", "in", "yes", "", None, "yes", "API error: 500 after 3 retries")
    assert Outcome.of_sample(failed).error == "API error: 500 after 3 retries"
    unparsed = SampleRow("b", "in", "yes", "I think so", None, "yes", "no answer choice found")
    assert Outcome.of_sample(unparsed).error is None
    template = SampleRow("c", None, None, "", None, None, None)
    assert Outcome.of_sample(template).error == "template failed"


def test_run_record_round_trip() -> None:
    record = read_run_record(OLD_RUN)
    again = RunRecord.from_json(json.loads(json.dumps(record.to_json())), Where("run.json"))
    assert again == record
    assert BaselineInfo.from_json({"answer": "no", "counted_on": "x"}, WHERE) == BaselineInfo("no", "x")
