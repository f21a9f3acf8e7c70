"""`bioeval prompts check`: passes on the real data, and catches every defect class."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.prompting.lint import check_view, library_duplicates
from bioeval.prompting.select import candidate_prompts
from bioeval.prompts import library
from bioeval.tasks.core.loading import has_split, load_split
from bioeval.tasks.core.registry import all_views, views_named
from bioeval.tasks.core.schemas import TaskType


def entry(template_id: str, name: str, jinja: str, choices: str | None = None,
          metrics: tuple[str, ...] = ("Accuracy",)) -> str:
    return "\n".join([
        f"  {template_id}: !Template",
        f"    answer_choices: {json.dumps(choices) if choices else 'null'}",
        f"    id: {template_id}",
        f"    jinja: {json.dumps(jinja)}",
        "    metadata: !TemplateMetadata",
        f"      metrics: {json.dumps(list(metrics))}",
        f"    name: {name}",
        "    reference: ''",
    ])


DEFECTS = {
    "render_error": ("{{ text }} ||| {{ labels[3] }}", None, ("Accuracy",)),
    "empty_input": ("{{ '' }} ||| {{ answer_choices[labels[0] | int] }}", "no ||| yes", ("Accuracy",)),
    "empty_target": ("{{ text }} ||| {{ '' if labels[0] == '0' else 'yes' }}", None, ("Other",)),
    "target_not_in_choices": ("{{ text }} Yes or no? ||| {{ labels[0] }}", "no ||| yes", ("Accuracy",)),
    "gold_leak": ("{{ text }} (the curators said {{ labels[0] }}) Yes or no? ||| "
                  "{{ answer_choices[labels[0] | int] }}", "no ||| yes", ("Accuracy",)),
    "inconsistent_target": ("{{ text }} Yes or no? ||| {{ answer_choices[1] }}", "no ||| yes",
                            ("Accuracy",)),
    "bad_field": ("{{ premise }} ||| {{ labels[0] }}", None, ("Accuracy",)),
    "unknown_metric": ("{{ text }} Yes or no? ||| {{ answer_choices[labels[0] | int] }}",
                       "no ||| yes", ("F2 score",)),
}
FINE = {  # options listed by design must not look like a leak
    "options_listed": ("{{ text }} Options: {{ answer_choices | join(', ') }} ||| "
                       "{{ answer_choices[labels[0] | int] }}", "no association ||| association",
                       ("Accuracy",)),
}


def write_defective_library(root: Path) -> None:
    templates = {**DEFECTS, **FINE}
    lines = ["dataset: gad", "templates:"]
    for index, (name, (jinja, choices, metrics)) in enumerate(templates.items()):
        lines.append(entry(f"aaaaaaaa-0000-4000-8000-{index:012d}", name, jinja, choices, metrics))
    # a name the BigBIO family already uses for gad (results are keyed by name)
    lines.append(entry("aaaaaaaa-0000-4000-8000-100000000000", "masked_association_yes_no",
                       "{{ text }} ||| {{ answer_choices[labels[0] | int] }}", "no ||| yes"))
    (root / "imported").mkdir(parents=True)
    (root / "imported" / "gad.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the same id twice, in another file
    (root / "imported" / "biosses.yaml").write_text(
        "dataset: biosses\ntemplates:\n" + entry(
            "aaaaaaaa-0000-4000-8000-000000000000", "score", "{{ text_1 }} {{ text_2 }} ||| {{ label }}",
            None, ("Pearson Correlation",)) + "\n", encoding="utf-8")


def test_linter_catches_each_defect_class(tmp_path, shared_data):
    write_defective_library(tmp_path)
    every = list(library.read_directory(library.ROOT)) + list(library.read_directory(tmp_path))
    spec, view = views_named("gad")[0]
    examples = load_split(spec, view, view.eval_split, shared_data)  # both labels occur
    report = check_view(spec, view, candidate_prompts(view, every), examples)
    found = {(p.prompt.split("/", 1)[1], p.kind) for p in report.problems}
    for name in DEFECTS:
        assert (name, name) in found, f"{name} not caught: {sorted(found)}"
    assert ("masked_association_yes_no", "duplicate_name") in found
    assert not any(name in FINE or family_is_packaged(prompt) for prompt, name in
                   [(p.prompt, p.prompt.split("/", 1)[1]) for p in report.problems
                    if p.kind not in ("duplicate_name",)])
    leak = next(p for p in report.problems if p.kind == "gold_leak")
    assert leak.count == len(examples) and leak.first_example == examples[0].id
    duplicates = library_duplicates(every)
    assert [p.kind for p in duplicates] == ["duplicate_id"]
    assert "aaaaaaaa-0000-4000-8000-000000000000" in duplicates[0].message


def test_linter_catches_a_target_its_parser_cannot_read(tmp_path, shared_data):
    """A Pearson template (read as numbers) whose target is words; on GAD, whose outputs are
    labels, Pearson would be ignored, so the defect lives on BIOSSES."""
    (tmp_path / "imported").mkdir()
    (tmp_path / "imported" / "biosses.yaml").write_text(
        "dataset: biosses\ntemplates:\n" + entry(
            "aaaaaaaa-0000-4000-8000-200000000000", "target_unparseable",
            "{{ text_1 }} {{ text_2 }} How similar, from 0 to 4? ||| "
            "{{ 'similar' if label | float > 2 else 'different' }}", None, ("Pearson Correlation",),
        ) + "\n", encoding="utf-8")
    spec, view = views_named("biosses")[0]
    examples = load_split(spec, view, view.eval_split, shared_data)
    report = check_view(spec, view, list(library.read_directory(tmp_path)), examples)
    found = [(p.prompt, p.kind) for p in report.problems if p.kind != "too_few_templates"]
    assert found == [("imported/target_unparseable", "target_unparseable")]


def family_is_packaged(prompt: str) -> bool:
    return prompt.split("/", 1)[0] in ("bigbio", "unified", "instruction")


def test_too_few_bigbio_templates_is_a_problem(shared_data):
    spec, view = views_named("gad")[0]
    prompts = [p for p in candidate_prompts(view) if p.family == "bigbio"][:3]
    report = check_view(spec, view, prompts, examples=None, status="static")
    assert [p.kind for p in report.problems] == ["too_few_templates"]


def test_cli_check_fails_and_lists_problems(tmp_path, monkeypatch, capsys, shared_data):
    write_defective_library(tmp_path)
    monkeypatch.setenv(library.ENV_PROMPTS_DIR, str(tmp_path))
    status = main(["prompts", "check", "gad", "--data-dir", str(shared_data), "--quiet"])
    out = capsys.readouterr().out
    assert status == 1
    for kind in (*DEFECTS, "duplicate_id", "duplicate_name"):
        assert re.search(rf"\b{kind}\b", out), kind
    assert "gold_leak (534/534 examples, first test-0)" in out


def test_prompts_check_passes_on_every_dataset_present(shared_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(library.ENV_PROMPTS_DIR, str(tmp_path))  # the packaged library only
    started = time.perf_counter()
    status = main(["prompts", "check", "--data-dir", str(shared_data), "--quiet"])
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    assert status == 0, out
    present = [view.name for spec, view in all_views() if has_split(spec, view, view.eval_split, shared_data)]
    assert {"gad", "biosses", "pubmed_qa"} <= set(present)
    rows = {row["task"]: row for row in read_table(out)}
    for spec, view in all_views():
        row = rows[view.name]
        if view.task is TaskType.INSTRUCT:  # MedINST32's published rows: their one medinst template
            assert int(row["medinst"]) == 1 and int(row["bigbio"]) == int(row["instruction"]) == 0, row
        else:
            assert int(row["bigbio"]) >= 5, row
            assert int(row["unified"]) == 1 and int(row["instruction"]) == 1, row
        assert "problems" not in row["lint"], row  # "ok", or only warnings
        if view.name in present:
            assert int(row["examples"]) > 0 and row["data"] == "checked"
    assert f"all templates pass on {len(present)} views with data" in out
    print(f"prompts check on {len(present)} views: {elapsed:.1f}s")


def read_table(out: str) -> list[dict[str, str]]:
    """The rows of the printed table, cut at the columns its dashed rule marks."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    cut = lambda line: [line[a:b if i + 1 < len(spans) else None].strip()  # noqa: E731
                        for i, (a, b) in enumerate(spans)]
    header = cut(lines[rule - 1])
    body = []
    for line in lines[rule + 1:]:
        if not line.strip():
            break
        body.append(dict(zip(header, cut(line))))
    return body


def test_show_prints_the_rendered_input_and_target(shared_data, capsys):
    status = main(["prompts", "show", "gad/masked_association_yes_no", "--example", "3",
                   "--data-dir", str(shared_data)])
    out = capsys.readouterr().out
    assert status == 0
    spec, view = views_named("gad")[0]
    example = load_split(spec, view, "test", shared_data)[3]
    expected_target = "yes" if example.record.labels[0] == "1" else "no"
    assert f"id: {example.id}" in out
    input_part = out.split("--- input ---\n", 1)[1].split("\n--- target ---\n")
    assert input_part[0].startswith(example.record.text)
    assert input_part[1].strip() == expected_target


@pytest.mark.parametrize("which", ["gad/nonexistent_prompt", "gda/masked_association_yes_no"])
def test_show_unknown_names_fail_with_a_hint(which, capsys, shared_data):
    assert main(["prompts", "show", which, "--data-dir", str(shared_data)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "unknown" in err


ABSENT = ("bioasq", "bioasq_blurb", "scitail", "mednli", "ddi_corpus", "ddi_corpus_blurb", "n2c2_2010")


def test_prompts_check_on_the_upstream_format_files_of_absent_datasets(
    tmp_path, monkeypatch, capsys, project_root
):
    """The datasets missing from ../shared/data, rendered from the files the task tests write."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "upstream_fixtures", project_root / "tests" / "tasks" / "upstream_fixtures.py"
    )
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    for write in (fixtures.write_bioasq, fixtures.write_scitail, fixtures.write_mednli,
                  fixtures.write_ddi, fixtures.write_n2c2_2010):
        write(tmp_path / "data")
    monkeypatch.setenv(library.ENV_PROMPTS_DIR, str(tmp_path / "no-extra"))
    status = main(["prompts", "check", *ABSENT, "--data-dir", str(tmp_path / "data"), "--quiet"])
    out = capsys.readouterr().out
    assert status == 0, out
    rows = {row["task"]: row for row in read_table(out)}
    for name in ABSENT:
        assert int(rows[name]["examples"]) > 0 and rows[name]["data"] == "checked", rows[name]
