"""MedQA, MMLU's medical subjects and MedMCQA: the real files (counts, answer distribution, every
answer among its options) and MedMCQA's released format on fixtures written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.errors import BioevalError, DataFileError
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named
from bioeval.tasks.core.schemas import Example, QARecord
from bioeval.tasks.readers.multiple_choice import LETTERS, answer_letters, read_medqa, read_mmlu

MMLU_COUNTS = {
    "anatomy": 135, "clinical_knowledge": 265, "college_biology": 144,
    "college_medicine": 173, "medical_genetics": 100, "professional_medicine": 272,
}


def load(name: str, data: Path, split: str | None = None) -> list[Example]:
    ((spec, view),) = views_named(name)
    return load_split(spec, view, split or view.eval_split, data)


def records(examples: list[Example]) -> list[QARecord]:
    out = [example.record for example in examples]
    assert all(isinstance(record, QARecord) for record in out)
    return out  # type: ignore[return-value]


def test_medqa_four_option_test_set(shared_data: Path) -> None:
    questions = records(load("medqa", shared_data))
    assert len(questions) == 1273
    assert answer_letters(questions) == {"A": 353, "B": 309, "C": 346, "D": 265}
    assert all(len(q.choices) == 4 and q.answer[0] in q.choices for q in questions)
    assert questions[0].question.startswith("A junior orthopaedic surgery resident")
    assert questions[0].choices[1] == questions[0].answer[0] == "Tell the attending that he cannot fail to disclose this mistake"


@pytest.mark.parametrize("subject", sorted(MMLU_COUNTS))
def test_mmlu_subject_counts_and_answers(shared_data: Path, subject: str) -> None:
    questions = records(load(f"mmlu_{subject}", shared_data))
    assert len(questions) == MMLU_COUNTS[subject]
    assert all(len(q.choices) == 4 and q.answer[0] in q.choices for q in questions)
    assert sum(answer_letters(questions).values()) == MMLU_COUNTS[subject]


def test_mmlu_reads_quoted_fields_and_the_answer_letter(shared_data: Path) -> None:
    second = records(load("mmlu_anatomy", shared_data))[1]
    assert second.question == 'A "dished face" profile is often associated with'
    assert second.answer == ("a recessive maxilla due to failure of elongation of the cranial base.",)
    assert answer_letters(records(load("mmlu_anatomy", shared_data))) == {"A": 25, "B": 34, "C": 45, "D": 31}


def test_the_suites_name_the_new_tasks() -> None:
    from bioeval.config.suites import all_suites
    from bioeval.run.plan import expand_task_names

    assert expand_task_names(["mmlu-medical"]) == [f"mmlu_{s}" for s in MMLU_COUNTS]
    assert expand_task_names(["open-medical"]) == ["medqa", "medmcqa", "pubmed_qa", *(f"mmlu_{s}" for s in MMLU_COUNTS)]
    assert "mmlu-medical" in all_suites()


def _medmcqa_row(i: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "question": f"Question {i}: which nerve supplies the muscle?", "exp": None, "cop": 1 + i % 4,
        "opa": f"nerve a{i}", "opb": f"nerve b{i}", "opc": f"nerve c{i}", "opd": f"nerve d{i}",
        "subject_name": "Anatomy", "topic_name": None, "id": f"id-{i}", "choice_type": "single",
    }
    row.update(changes)
    return row


def _write_medmcqa(root: Path, split: str, rows: list[dict[str, object]]) -> None:
    folder = root / "medmcqa" / "original" / "data"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{split}.json").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_medmcqa_reads_the_released_format_and_evaluates_dev(tmp_path: Path) -> None:
    _write_medmcqa(tmp_path, "dev", [_medmcqa_row(i) for i in range(3)] + [_medmcqa_row(3, choice_type="multi")])
    questions = records(load("medmcqa", tmp_path))
    assert [q.id for q in questions] == ["id-0", "id-1", "id-2", "id-3"]
    assert [q.answer[0] for q in questions] == ["nerve a0", "nerve b1", "nerve c2", "nerve d3"]
    assert questions[3].choices == ("nerve a3", "nerve b3", "nerve c3", "nerve d3")  # a "multi" question too


@pytest.mark.parametrize("cop", ["absent", -1])
def test_medmcqa_test_split_has_no_answers_and_is_refused(tmp_path: Path, cop: object) -> None:
    row = _medmcqa_row(0)
    if cop == "absent":
        del row["cop"]
    else:
        row["cop"] = cop
    _write_medmcqa(tmp_path, "test", [row])
    with pytest.raises(DataFileError) as caught:
        load("medmcqa", tmp_path, "test")
    message = str(caught.value)
    assert "test.json" in message and ":1" in message and "evaluate the dev split" in message


def test_medmcqa_bad_answer_names_the_line(tmp_path: Path) -> None:
    _write_medmcqa(tmp_path, "dev", [_medmcqa_row(0), _medmcqa_row(1, cop=5)])
    with pytest.raises(DataFileError, match=r"dev.json:2.*cop 5; expected 1, 2, 3 or 4"):
        load("medmcqa", tmp_path)


def test_medqa_answer_letter_must_be_an_option(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    row = {"question": "Q?", "options": {"A": "x", "B": "y"}, "answer_idx": "C", "answer": "z"}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"q.jsonl:1.*answer_idx 'C' is not one of the options"):
        list(read_medqa(path))
    row.update(answer_idx="B", answer="x")
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"answer 'x' is not option B"):
        list(read_medqa(path))


def test_mmlu_row_with_a_missing_column_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "anatomy_test.csv"
    path.write_text('Q1?,a,b,c,d,A\n"Q2, quoted?",a,b,c,B\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"anatomy_test.csv:2.*5 columns; expected 6"):
        list(read_mmlu(path, "anatomy"))


def test_missing_medqa_files_point_to_the_download(tmp_path: Path) -> None:
    with pytest.raises(BioevalError, match="bioeval data download medqa"):
        load("medqa", tmp_path)
    assert LETTERS.startswith("ABCD")
