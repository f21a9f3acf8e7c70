"""The three families: their targets are the canonical formats, computed here independently."""

from __future__ import annotations

import pytest

from bioeval.prompting.leak import gold_fields, input_may_read
from bioeval.prompting.reading import output_of
from bioeval.prompting.select import prompts_for_view, render_example, targets_by_label
from bioeval.prompts import library
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import all_views, views_named
from bioeval.tasks.core.schemas import TaskType

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def examples_of(view_name, shared_data, limit=None):
    spec, view = views_named(view_name)[0]
    return view, load_split(spec, view, view.eval_split, shared_data, limit=limit)


def mentions_in_order(record):
    return sorted(record.entities, key=lambda e: [list(span) for span in e.offsets])


def test_every_task_type_has_one_unified_and_one_instruction_template():
    every = library.all_prompts()
    written = sorted(t.value for t in TaskType if t is not TaskType.INSTRUCT)  # published rows: medinst only
    for family in ("unified", "instruction"):
        targets = sorted(p.target for p in every if p.family == family)
        assert targets == written, family
    assert [p.target for p in every if p.family == "medinst"] == [TaskType.INSTRUCT.value]
    for _, view in all_views():
        if view.task is TaskType.INSTRUCT:
            assert [p.family for p in prompts_for_view(view)] == ["medinst"], view.name
            continue
        assert len([p for p in prompts_for_view(view) if p.family == "bigbio"]) >= 5, view.name


def test_every_classification_template_has_metadata_and_a_stable_id():
    for prompt in library.all_prompts():
        assert prompt.metrics, prompt.name
        assert prompt.original_task is not None and prompt.choices_in_prompt is not None
        assert len(prompt.id) == 36 and prompt.id.count("-") == 4  # a uuid4 written once


@pytest.mark.parametrize("view_name", ["bc5cdr_chem", "jnlpba", "ncbi_disease"])
def test_ner_targets_in_the_three_canonical_formats(view_name, shared_data):
    view, examples = examples_of(view_name, shared_data, limit=60)
    by_family = {p.family: p for p in prompts_for_view(view, ["all"])}
    assert output_of(by_family["bigbio"], view)[0] == "entity_list"
    assert output_of(by_family["unified"], view)[0] == "typed_entities"
    assert output_of(by_family["instruction"], view)[0] == "tagged_entities"
    for example in examples:
        ordered = mentions_in_order(example.record)
        text = [" ".join(e.text) for e in ordered]
        assert render_example(by_family["bigbio"], view, example).target == ("; ".join(text) or "none")
        lines = [
            f"{kind}: " + ("...".join(" ".join(e.text) for e in ordered if e.type == kind) or "none")
            for kind in view.labels
        ]
        assert render_example(by_family["unified"], view, example).target == "\n".join(lines)
        tagged = " ".join(f"[{' '.join(e.text)} <{e.type}>]" for e in ordered) or "none"
        assert render_example(by_family["instruction"], view, example).target == tagged


def test_unified_lettered_options_on_relations(shared_data):
    view, examples = examples_of("chemprot_blurb", shared_data, limit=300)
    prompt = prompts_for_view(view, ["unified"])[0]
    for example in examples:
        rendered = render_example(prompt, view, example)
        index = list(view.labels).index(example.record.labels[0])
        assert rendered.target == LETTERS[index]
        assert rendered.choices == tuple(LETTERS[: len(view.labels)])
        for letter, label in zip(LETTERS, view.labels):
            assert f"\n{letter}. {view.label_text[label]}\n" in rendered.input


def test_multi_label_targets_hoc(shared_data):
    view, examples = examples_of("hallmarks_of_cancer", shared_data)
    prompts = {p.family: p for p in prompts_for_view(view, ["all"])}
    assert {output_of(p, view)[0] for p in prompts.values()} == {"label_list"}
    assert any(not e.record.labels for e in examples) and any(len(e.record.labels) > 1 for e in examples)
    for example in examples:
        gold = [label for label in view.labels if label in example.record.labels]
        letters = [LETTERS[list(view.labels).index(label)] for label in gold]
        assert render_example(prompts["unified"], view, example).target == (", ".join(letters) or "none")
        words = [view.label_text[label] for label in gold]
        assert render_example(prompts["instruction"], view, example).target == (", ".join(words) or "none")
        assert render_example(prompts["bigbio"], view, example).target == (", ".join(example.record.labels) or "none")


def test_biosses_bins_and_binary_threshold(shared_data):
    view, examples = examples_of("biosses", shared_data)
    unified = prompts_for_view(view, ["unified"])[0]
    binary = [p for p in prompts_for_view(view) if p.answer_choices]
    assert len(binary) >= 2 and len(prompts_for_view(view)) - len(binary) >= 5
    for example in examples:
        score = float(example.record.label)
        bin_index = min(int(score + 0.5), 4)  # nearest integer, .5 up, as documented
        assert render_example(unified, view, example).target == LETTERS[bin_index]
        for prompt in binary:
            rendered = render_example(prompt, view, example)
            assert rendered.target == rendered.choices[1 if score >= 2.5 else 0]


def test_targets_by_label_follows_the_prompt_wording(shared_data):
    view, examples = examples_of("gad", shared_data)
    prompt = next(p for p in prompts_for_view(view) if p.name == "masked_association_yes_no")
    assert targets_by_label(prompt, view, examples) == {"0": "no", "1": "yes"}


def test_static_leak_proof_only_skips_inputs_that_cannot_read_the_gold():
    _, gad = views_named("gad")[0]
    proven = [p for p in prompts_for_view(gad, ["all"]) if not input_may_read(p, gold_fields(gad))]
    assert len(proven) == len(prompts_for_view(gad, ["all"]))  # none of ours reads the gold
    from bioeval.prompts.template import Prompt

    reads = Prompt(id="x", name="n", family="f", target="gad",
                   jinja="{{ text }} {{ labels | length }} ||| {{ labels[0] }}")
    via_choices = Prompt(id="y", name="n", family="f", target="gad", answer_choices="{{ labels[0] }} ||| z",
                         jinja="{{ text }} {{ answer_choices | join(',') }} ||| {{ labels[0] }}")
    spanning = Prompt(id="z", name="n", family="f", target="gad",
                      jinja="{% if text %}{{ text }} ||| {{ labels[0] }}{% endif %}")
    assert all(input_may_read(p, gold_fields(gad)) for p in (reads, via_choices, spanning))
