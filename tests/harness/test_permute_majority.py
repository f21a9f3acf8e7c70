"""The majority baseline on the exam tasks (by answer position) and ``--permute-choices`` on
PubMedQA's yes / no / maybe, through the whole pipeline without a language model."""

from __future__ import annotations

import json
from pathlib import Path

from bioeval.cli import main


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_exam_baseline_answers_the_most_frequent_position_and_says_where_it_counted(
    shared_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "medqa,mmlu_professional_medicine", "--prompts",
                 "letters_listed,question_only_cloze", "--limit", "20", "--data-dir", str(shared_data),
                 "--output", str(out)]) == 0
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    medqa = record["majority_baseline"]["medqa/question_only_cloze"]
    assert medqa["answer"] == "A"  # test answers: A 353, B 309, C 346, D 265 (no train split here)
    assert medqa["counted_on"] == ("evaluated split test (1273 examples): no train split available, "
                                   "by answer position")
    assert record["majority_baseline"]["mmlu_professional_medicine/letters_listed"]["answer"] == "D"  # D 122 of 272
    cloze = _rows(out / "samples" / "majority" / "medqa" / "question_only_cloze.jsonl")
    assert all(row["prediction"] == row["options"][0] for row in cloze)  # the option shown at A, as text


def test_pubmed_qa_under_two_orders(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "pubmed_qa", "--prompts", "abstract_question_yes_no_maybe",
                 "--limit", "10", "--permute-choices", "2", "--data-dir", str(shared_data), "--output", str(out)]) == 0
    samples = _rows(out / "samples" / "majority" / "pubmed_qa" / "abstract_question_yes_no_maybe.jsonl")
    assert [s["permutation"] for s in samples] == [0] * 10 + [1] * 10
    for sample in samples:
        assert sample["choices"] == sample["options"] == [["yes", "no", "maybe"][i] for i in sample["order"]]
        assert sample["prediction"] == "yes"  # the baseline answers its label wherever it is shown
    scores = {r["metric"]: r for r in _rows(out / "scores.jsonl")}
    assert scores["flip_rate"]["value"] == 0.0
    assert scores["accuracy_p0"]["value"] == scores["accuracy_p1"]["value"] == scores["accuracy"]["value"]
    assert scores["position_bias"]["n"] == 20 and "chosen / right per position: A" in scores["position_bias"]["note"]
