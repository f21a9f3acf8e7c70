"""Rendering: deterministic across processes, version hashes, rejections at load."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.errors import DataFileError
from bioeval.prompting.select import check_fields, prompts_for_view
from bioeval.prompts import library
from bioeval.prompts.render import TemplateError, check_syntax, render
from bioeval.prompts.template import Prompt
from bioeval.tasks.core.registry import views_named

GAD = views_named("gad")[0][1]


def write_family(root: Path, family: str, target: str, templates: dict[str, str]) -> Path:
    """A templates.yaml with one template per (name -> jinja), written by hand as users do."""
    lines = [f"dataset: {target}", "templates:"]
    for index, (name, jinja) in enumerate(templates.items()):
        template_id = f"00000000-0000-4000-8000-{index:012d}"
        lines += [
            f"  {template_id}: !Template",
            "    answer_choices: null",
            f"    id: {template_id}",
            f"    jinja: {json.dumps(jinja)}",
            "    metadata: !TemplateMetadata",
            "      metrics: [Accuracy]",
            f"    name: {name}",
            "    reference: ''",
        ]
    path = root / family / f"{target}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


RENDER_SCRIPT = r"""
import hashlib, json, sys
from pathlib import Path
from bioeval.prompting.select import candidate_prompts, render_example
from bioeval.prompts.library import read_directory
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named

data_dir, extra_root = Path(sys.argv[1]), Path(sys.argv[2])
texts = []
for name in ("gad", "biosses", "pubmed_qa"):
    spec, view = views_named(name)[0]
    examples = load_split(spec, view, view.eval_split, data_dir, limit=25)
    prompts = candidate_prompts(view) + [p for p in read_directory(extra_root)]
    for prompt in prompts:
        if prompt.target not in (view.name, view.task.value):
            continue
        for example in examples:
            r = render_example(prompt, view, example)
            texts.append([prompt.id, example.id, r.input, r.target])
print(hashlib.sha256(json.dumps(texts).encode()).hexdigest(), len(texts))
"""


def test_same_prompt_same_example_renders_identically_in_two_processes(shared_data, tmp_path):
    extra = tmp_path / "extra"
    write_family(extra, "imported", "gad", {
        "random_wording": '{{ choice(["Does", "Do you think", "Would you say"]) }} this holds? '
                          '{{ text }} ||| {{ ["no", "yes"] | choice }}',
    })
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", RENDER_SCRIPT, str(shared_data), str(extra)],
            capture_output=True, text=True, env=env, check=True,
        )
        outputs.append(done.stdout.strip())
    digest, count = outputs[0].split()
    assert int(count) > 400  # every packaged template of the three views, plus the random one
    assert outputs[0] == outputs[1]


def test_choice_is_seeded_per_prompt_and_example():
    prompt = Prompt(id="p1", name="n", jinja="{{ choice(range(1000)) }} ||| x", family="f", target="t")
    first = [render(prompt, {}, f"ex{i}").input for i in range(20)]
    assert first == [render(prompt, {}, f"ex{i}").input for i in range(20)]
    assert len(set(first)) > 10  # different examples draw differently
    other = dataclasses.replace(prompt, id="p2")
    assert [render(other, {}, f"ex{i}").input for i in range(20)] != first


def test_version_changes_with_text_and_choices_only():
    prompt = library.all_prompts()[0]
    assert dataclasses.replace(prompt, jinja=prompt.jinja + " ").version != prompt.version
    changed_choices = dataclasses.replace(prompt, answer_choices=(prompt.answer_choices or "") + "x")
    assert changed_choices.version != prompt.version
    renamed = dataclasses.replace(prompt, name="other", metrics=("Other",), reference="r")
    assert renamed.version == prompt.version
    texts_by_version: dict[str, set[tuple[str, str | None]]] = {}
    for p in library.all_prompts():
        texts_by_version.setdefault(p.version, set()).add((p.jinja, p.answer_choices))
    assert all(len(texts) == 1 for texts in texts_by_version.values())  # no collision


@pytest.mark.parametrize(
    ("jinja", "reason"),
    [
        ("{{ text }} and no separator", "has no '|||'"),
        ("{% include 'other.yaml' %} ||| x", "{% include %} is not allowed"),
        ("{% import 'macros' as m %}{{ text }} ||| x", "{% import %} is not allowed"),
        ("{% from 'm' import f %}{{ text }} ||| x", "{% from ... import %} is not allowed"),
        ("{% extends 'base' %} ||| x", "{% extends %} is not allowed"),
        ("{{ text.__class__ }} ||| x", "access to '__class__' is not allowed"),
        ("{{ text['__class__'] }} ||| x", "access to '__class__' is not allowed"),
        ("{{ text | attr('__class__') }} ||| x", "access to '__class__' is not allowed"),
        ("{{ text }} ||| {{ labels[0] ", "syntax error at line 1"),
    ],
)
def test_bad_template_rejected_at_load_with_file_name_and_reason(tmp_path, jinja, reason):
    path = write_family(tmp_path, "bigbio", "gad", {"fine": "{{ text }} ||| {{ labels[0] }}",
                                                     "broken_one": jinja})
    with pytest.raises(DataFileError) as caught:
        library.load_directory(tmp_path)
    message = str(caught.value)
    assert str(path) in message and "'broken_one'" in message and reason in message


def test_sandbox_blocks_attribute_tricks_that_pass_the_static_check():
    prompt = Prompt(id="x", name="n", family="f", target="t",
                    jinja="{{ text | attr('_' ~ '_class_' ~ '_') }} ||| {{ text.upper.__self__ }}")
    with pytest.raises(TemplateError, match="unsafe|SecurityError"):
        render(prompt, {"text": "a"}, "e1")
    mutating = Prompt(id="y", name="n", family="f", target="t",
                      jinja="{{ labels.append('1') }} ||| x")
    with pytest.raises(TemplateError):
        render(mutating, {"labels": []}, "e1")


def test_missing_field_rejected_with_file_template_and_schema(tmp_path):
    path = write_family(tmp_path, "bigbio", "gad", {"reads_premise": "{{ premise }} ||| {{ labels[0] }}"})
    prompt = library.load_directory(tmp_path)[0]
    check_syntax(prompt)
    with pytest.raises(DataFileError) as caught:
        check_fields(prompt, GAD)
    message = str(caught.value)
    assert str(path) in message and "'reads_premise'" in message
    assert "['premise']" in message and "text schema" in message


def test_cli_fails_in_one_line_on_a_template_reading_a_missing_field(tmp_path, monkeypatch, capsys):
    path = write_family(tmp_path, "imported", "gad", {"reads_question": "{{ question }} ||| {{ labels[0] }}"})
    monkeypatch.setenv(library.ENV_PROMPTS_DIR, str(tmp_path))
    status = main(["run", "--model", "majority", "--tasks", "gad", "--prompts", "reads_question",
                   "--data-dir", str(tmp_path / "no-data")])
    if status is None:  # the run command is not there: the same check through prompts_for_view
        with pytest.raises(DataFileError, match="reads_question"):
            prompts_for_view(GAD, ["reads_question"])
        return
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1
    assert str(path) in err and "reads_question" in err and "['question']" in err


def test_selection_by_name_id_family_and_all():
    every = prompts_for_view(GAD, ["all"])
    families = {p.family for p in every}
    assert {"bigbio", "unified", "instruction"} <= families
    assert {p.family for p in prompts_for_view(GAD)} == {"bigbio"}
    assert [p.family for p in prompts_for_view(GAD, ["unified"])] == ["unified"]
    one = every[0]
    assert prompts_for_view(GAD, [one.id]) == [one]
    assert prompts_for_view(GAD, [one.name]) == [one]
    assert prompts_for_view(GAD, [f"{one.family}/{one.name}"]) == [one]
    with pytest.raises(Exception, match="did you mean 'unified'"):
        prompts_for_view(GAD, ["unifed"])
