"""The BigBIO study's own PromptSource templates (OpenBioLink/promptsource), imported and run.

The fixture folder holds unmodified copies of the fork's files (see its README). BioASQ and
SciTail are absent from ../shared/data: their views read small files in the upstream formats
(tests/tasks/upstream_fixtures.py), in a data directory that links the real datasets beside them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.prompting.interop import import_folder
from bioeval.prompting.reading import BY_METRICS, BY_TASK_TYPE, reading
from bioeval.prompts import library
from bioeval.prompts.render import TemplateError, check_syntax
from bioeval.prompts.template import Prompt
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import all_views, views_named

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
from upstream_fixtures import write_bioasq, write_scitail  # noqa: E402

FORK = Path(__file__).resolve().parents[1] / "fixtures" / "promptsource_fork"
RUN_TASKS = ("biosses", "bioasq", "gad", "pubmed_qa", "hallmarks_of_cancer", "scitail")
FORK_COUNTS = {"biosses": 5, "bioasq": 5, "gad": 5, "pubmed_qa": 5, "hallmarks_of_cancer": 7, "scitail": 1}
"""Templates per view in the fork (GAD's and PubMedQA's folds repeat the same five)."""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, request) -> Path:
    shared = request.getfixturevalue("shared_data")
    root = tmp_path_factory.mktemp("data")
    for folder in shared.iterdir():
        if folder.is_dir():
            (root / folder.name).symlink_to(folder)
    write_bioasq(root)
    write_scitail(root)
    return root


@pytest.fixture(scope="module")
def imported(data_dir, tmp_path_factory) -> Path:
    """The fork imported by the command line into a fresh prompt directory."""
    out = tmp_path_factory.mktemp("prompts")
    assert main(["prompts", "import", str(FORK), "--out", str(out), "--data-dir", str(data_dir)]) == 0
    return out


def examples_for(data_dir: Path):  # noqa: ANN201
    def examples(spec, view):  # noqa: ANN001, ANN202
        try:
            return load_split(spec, view, view.eval_split, data_dir)[:5]
        except Exception:  # noqa: BLE001 - a view whose files are absent
            return ()
    return examples


@pytest.fixture(scope="module")
def results(data_dir):  # noqa: ANN201
    return import_folder(FORK, all_views(), [], examples=examples_for(data_dir))


def test_every_template_of_the_six_datasets_imports_once(results):
    accepted: dict[str, list[str]] = {}
    for result in results:
        for view, prompts in result.accepted.items():
            accepted.setdefault(view, []).extend(p.name for p in prompts)
    for view, count in FORK_COUNTS.items():
        assert len(accepted[view]) == count == len(set(accepted[view])), (view, accepted.get(view))
    folds = [r for r in results if r.subset in ("gad_fold1_bigbio_text", "pubmed_qa_labeled_fold1_bigbio_qa")]
    assert len(folds) == 2
    for fold in folds:  # the second fold repeats the first: each template skipped as a copy
        assert not fold.accepted and len(fold.skipped) == 5
        assert all("a copy of" in reason and "fold0" in reason for _, reason in fold.skipped)
        assert sorted(fold.copies) == sorted(name for name, _ in fold.skipped)
        assert {where.replace("fold0", "fold1") for where in fold.copies.values()} == {fold.subset}


def test_templates_of_other_units_are_refused_saying_why(results):
    results = {r.subset: r for r in results}
    for subset in ("chemprot_bigbio_kb", "ddi_corpus_bigbio_kb"):
        result = results[subset]
        assert not result.accepted and len(result.skipped) == 5
        for _, reason in result.skipped:
            assert "kb schema" in reason and "one document per prompt" in reason
            assert "one sentence per prompt with its entity pair masked" in reason
    bc5cdr = dict(results["bc5cdr_bigbio_kb"].skipped)
    assert "it asks about relations" in bc5cdr["bigbio_re_is_pair_in_relation"]
    assert [p.name for p in results["bc5cdr_bigbio_kb"].accepted["bc5cdr"]] == ["bigbio_re_find_entities"]
    pico = results["ebm_pico_bigbio_kb"]
    assert not pico.accepted and len(pico.skipped) == 6
    reasons = dict(pico.skipped)
    assert "has answer choices" in reasons["classify_pico_type_before"]
    assert "is not read as typed_entities" in reasons["is_correct_pico_type_after"]
    assert "ENTITY_TYPE" in reasons["list_pico_elements_before"]  # a placeholder never filled in


def test_a_dict_mutated_inside_jinja_is_refused_naming_the_construct():
    result = {r.subset: r for r in import_folder(FORK, all_views(), [])}["bc5cdr_bigbio_kb"]
    reason = dict(result.skipped)["bigbio_re_find_relations_of_type"]
    assert "line 13" in reason and "__setitem__" in reason and "namespace(" in reason
    appending = Prompt(id="x", name="x", jinja="{% set seen = [] %}{{ seen.append(1) }} ||| x",
                       answer_choices=None, family="imported", target="gad", metrics=())
    with pytest.raises(TemplateError, match=r"line 1: seen.append\(\.\.\.\) changes seen in place.*namespace"):
        check_syntax(appending)


def test_outputs_are_read_by_the_task_type_where_no_metric_says(imported):
    by_name = {(p.target, p.name): p for p in library.read_directory(imported)}
    cases = {
        ("biosses", "bigbio_sts_similarity_how"): ("number", ("pearson",), BY_TASK_TYPE),  # metrics: []
        ("biosses", "bigbio_sts_seem_binary"): ("label", ("accuracy",), BY_METRICS),
        ("bioasq", "please_answer"): ("label", ("accuracy",), BY_TASK_TYPE),  # BLEU, ROUGE, Other
        # HoC: BLURB's example F1, BioMistral-NLU's label micro-F1 and BLUE's scorer (issue 20)
        ("hallmarks_of_cancer", "bigbio_txtclass_refer_choices"): (
            "label_list", ("example_f1", "label_micro_f1", "example_f1_blue"), BY_TASK_TYPE),
        ("scitail", "yes_no_entailment_framing"): ("label", ("accuracy",), BY_METRICS),
    }
    for (view_name, name), (output, metrics, read_by) in cases.items():
        _, view = views_named(view_name)[0]
        read = reading(by_name[(view_name, name)], view)
        assert (read.output, read.metrics, read.read_by) == (output, metrics, read_by), name
    _, bioasq = views_named("bioasq")[0]
    ignored = reading(by_name[("bioasq", "please_answer")], bioasq).ignored_metrics
    assert ignored == ("BLEU (bioeval has no such metric)", "ROUGE (cannot score label outputs)")


def run_imported(imported: Path, data_dir: Path, out: Path, model: str, limit: int, monkeypatch, capsys) -> dict:
    monkeypatch.setenv("BIOEVAL_PROMPTS_DIR", str(imported))
    library.read_directory.cache_clear()
    code = main(["run", "--model", model, "--tasks", ",".join(RUN_TASKS), "--prompts", "imported",
                 "--data-dir", str(data_dir), "--limit", str(limit), "--output", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err.count("declare no metric bioeval reads their outputs by") == 1  # said once
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_the_six_datasets_run_with_the_majority_baseline(imported, data_dir, tmp_path, monkeypatch, capsys):
    record = run_imported(imported, data_dir, tmp_path / "run", "majority", 20, monkeypatch, capsys)
    prompts = record["prompts"]
    for view, count in FORK_COUNTS.items():
        assert sum(key.startswith(f"{view}/") for key in prompts) == count, view
    assert prompts["bioasq/please_answer"]["read_by"] == "task type"
    assert "BLEU (bioeval has no such metric)" in prompts["bioasq/please_answer"]["ignored_metrics"]
    assert prompts["gad/i_m_a_doctor"]["read_by"] == "metrics"
    rows = [json.loads(line) for line in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
    scored = {(row["task"], row["prompt"]) for row in rows}
    assert {key.split("/", 1)[0] for key in prompts} == {task for task, _ in scored} == set(RUN_TASKS)
    hoc = [row for row in rows if row["task"] == "hallmarks_of_cancer" and row["metric"] == "example_f1"]
    # an abstract without hallmarks renders the empty target, read as no label (not unparsed)
    assert len(hoc) == 7 and all(row["n_unparsed"] == 0 for row in hoc if row["model"] == "majority")


@pytest.mark.model
def test_the_six_datasets_run_with_smollm2(imported, data_dir, tmp_path, monkeypatch, capsys):
    record = run_imported(imported, data_dir, tmp_path / "run", "smollm2-135m", 2, monkeypatch, capsys)
    rows = [json.loads(line) for line in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
    ran = {(row["task"], row["prompt"]) for row in rows if row["model"] == "smollm2-135m"}
    assert len(ran) == sum(FORK_COUNTS.values()) == len(record["prompts"])


def test_hoc_targets_read_back_as_each_abstracts_hallmarks(imported, data_dir):
    """The fork's HoC targets join labels with ", " or " and " (and hallmark names hold "and"
    themselves); each reads back as exactly the record's labels, an abstract without any as none."""
    from bioeval.prompting.select import render_example
    from bioeval.scoring.predict import read_target

    spec, view = views_named("hallmarks_of_cancer")[0]
    examples = load_split(spec, view, view.eval_split, data_dir)[:60]
    assert any(not e.record.labels for e in examples) and any(len(e.record.labels) > 1 for e in examples)
    prompts = [p for p in library.read_directory(imported) if p.target == "hallmarks_of_cancer"]
    joins = {" and " in p.jinja.split("|||")[-1] for p in prompts}
    assert len(prompts) == 7 and joins == {True, False}
    for prompt in prompts:
        for example in examples:
            rendered = render_example(prompt, view, example)
            read = read_target(rendered.target, "label_list", rendered.choices or view.labels)
            assert read.parsed, (prompt.name, example.id, rendered.target, read.error)
            assert {label.lower() for label in read.value} == {label.lower() for label in example.record.labels}
