"""MedINST32's published files: the reader, the 64 views, the ``medinst`` family, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from bioeval.cli import main
from bioeval.config.suites import all_suites
from bioeval.prompting.select import prompts_for_view, render_example
from bioeval.run.engine import documents, plain_turns
from bioeval.run.rendered import render_all
from bioeval.tasks import medinst32
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import dataset, views_named
from bioeval.tasks.core.schemas import InstructionRecord

import medinst32_fixtures as fixtures


def load(name: str, data: Path) -> list[InstructionRecord]:
    ((spec, view),) = views_named(name)
    return [example.record for example in load_split(spec, view, "test", data)]


def test_the_views_and_suites_cover_32_tasks_in_11_categories_twice() -> None:
    spec = dataset("medinst32")
    assert len(spec.views) == 64 and len(medinst32.TASKS) == 32
    counts = {c: sum(t.category == c for t in medinst32.TASKS) for c in medinst32.CATEGORIES}
    assert counts == {"NER": 13, "QA": 3, "TE": 3, "RE": 3, "TXTCLASS": 2, "NED": 2, "COREF": 2,
                      "STS": 1, "EE": 1, "SUM": 1, "TRANSL": 1}
    suites = all_suites()
    assert suites["medinst32"].tasks == tuple(medinst32.view_name(t.name) for t in medinst32.TASKS)
    assert suites["medinst32-zs"].tasks == tuple(medinst32.view_name(t.name, True) for t in medinst32.TASKS)
    ((_, biosses),) = views_named("medinst32-BIOSSES-zs")
    assert biosses.metrics == ("biosses_mse", "rougeL", "squad_f1")
    assert biosses.splits == {"test": ("hf/unseen_tests_zs/BIOSSES_test.json",)}
    ((_, paramed),) = views_named("medinst32-ParaMed")
    assert paramed.metrics == ("rougeL", "squad_f1")  # no rule of its own: ROUGE-L leads


def test_few_shot_json_lines_and_zero_shot_json_array_load_as_published(tmp_path: Path) -> None:
    fixtures.write_medinst32(tmp_path, ("BIOSSES",))
    few = load("medinst32-BIOSSES", tmp_path)
    zero = load("medinst32-BIOSSES-zs", tmp_path)
    rows = fixtures.ROWS["BIOSSES"]
    assert [(r.instruction, r.input, r.output) for r in few] == [(x["instruction"], x["input"], x["output"]) for x in rows]
    assert [(r.instruction, r.input, r.output) for r in zero] == [(x["instruction"], x["input"], x["output"]) for x in rows]
    assert few[0].history == () and few[1].history == tuple(tuple(pair) for pair in fixtures.DEMO)
    assert all(r.history == () for r in zero)
    assert [r.id for r in few] == ["0", "1"]


def test_older_file_names_with_underscores_and_zero_are_read(tmp_path: Path) -> None:
    root = tmp_path / "medinst32" / "hf"
    rows = fixtures.ROWS["BioASQ-Task-B-yesno"]
    fixtures.write_jsonl(root / "unseen_tests" / "BioASQ_Task_B_yesno_test.json", fixtures.few_shot(rows))
    fixtures.write_jsonl(root / "unseen_tests_zs" / "BioASQ_Task_B_yesno_zero_test.json", rows)
    assert [r.output for r in load("medinst32-BioASQ-Task-B-yesno", tmp_path)] == ["yes", "no", "yes"]
    assert [r.output for r in load("medinst32-BioASQ-Task-B-yesno-zs", tmp_path)] == ["yes", "no", "yes"]


@pytest.mark.parametrize(
    ("content", "where", "expected"),
    [
        ('{"instruction": "i", "input": "x", "output": "y"}\n{"instruction": "i", "input": "x"\n', ":2:",
         "expected one JSON object a line"),
        ('{"instruction": "i", "input": "x", "output": 3}\n', ":1:", "expected a string 'output', got 3"),
        ('{"instruction": "i", "input": "x", "output": "y", "history": [["only user"]]}\n', ":1:",
         "expected 'history' to be a list of [user, assistant] string pairs"),
        ('[{"instruction": "i", "input": "x", "output": "y"}, ["not", "an object"]]', ": row 1: ",
         "expected a JSON object"),
    ],
)
def test_a_malformed_row_fails_naming_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, where: str, expected: str
) -> None:
    path = tmp_path / "medinst32" / "hf" / "unseen_tests" / "BIOSSES_test.json"
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    assert main(["data", "check", "medinst32-BIOSSES", "--data-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and error.startswith("bioeval: error: ")
    assert f"{path}{where}" in error and expected in error


def test_a_missing_file_says_where_to_get_it_and_where_to_put_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--model", "majority", "--tasks", "medinst32-MedQA", "--data-dir", str(tmp_path),
                 "--output", str(tmp_path / "run")])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1
    assert str(tmp_path / "medinst32" / "hf" / "unseen_tests" / "MedQA_test.json") in error
    assert "bioeval data download medinst32" in error and medinst32.HOMEPAGE in error
    assert not (tmp_path / "run").exists()


def test_the_medinst_family_passes_rows_through_and_keeps_the_history(tmp_path: Path) -> None:
    fixtures.write_medinst32(tmp_path, ("MedQA",))
    ((spec, view),) = views_named("medinst32-MedQA")
    (prompt,) = prompts_for_view(view)  # the default selection: the view's only family
    assert prompt.family == "medinst"
    examples = load_split(spec, view, "test", tmp_path)
    rendered = render_example(prompt, view, examples[1])
    row = fixtures.ROWS["MedQA"][1]
    assert rendered.input == row["instruction"] + "\n" + row["input"] and rendered.target == row["output"]
    first, second = render_all(prompt, view, examples)
    assert first.history == () and second.history == tuple(tuple(p) for p in fixtures.DEMO)


def test_prior_turns_go_to_lm_eval_as_history_or_as_plain_blocks(tmp_path: Path) -> None:
    from bioeval.run.plan import build_plan

    fixtures.write_medinst32(tmp_path, ("MedQA",))
    plan = build_plan(["majority"], ["medinst32-MedQA"], None, tmp_path, limit=None)
    (task,) = plan.tasks
    assert task.has_turns
    chat_docs = documents(task, as_chat=True)
    assert chat_docs[0]["history"] == [] and chat_docs[1]["history"] == fixtures.DEMO
    assert chat_docs[1]["input"] == "Choose the right option.\nWhich organ pumps blood? A. lung B. heart"
    plain = documents(task, as_chat=False)[1]["input"]
    assert plain == (
        "Answer yes or no.\nIs aspirin an analgesic?\nOutput: yes\n\n"
        "Answer yes or no.\nIs insulin a hormone?\nOutput: yes\n\n"
        "Choose the right option.\nWhich organ pumps blood? A. lung B. heart\nOutput:"
    )
    assert plain_turns((), "q") == "q\nOutput:"
    assert task.baseline.answer in {"A. pancreas", "B. heart"}


def test_prompts_check_passes_the_medinst_template_on_every_fixture_task(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures.write_medinst32(tmp_path)
    views = [medinst32.view_name(task, zs) for task in fixtures.ROWS for zs in (False, True)]
    assert main(["prompts", "check", *views, "--data-dir", str(tmp_path)]) == 0
    assert f"all templates pass on {len(views)} views with data" in capsys.readouterr().out
