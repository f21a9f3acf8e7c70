"""PromptSource interop: import of third-party folders, export that PromptSource opens."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
import yaml

from bioeval.cli import main
from bioeval.prompting.interop import export_views, import_folder, views_for
from bioeval.prompting.select import prompts_for_view, render_example
from bioeval.prompts import library
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import all_views, views_named
from bioeval.tasks.core.schemas import template_fields


def template_entry(template_id: str, name: str, jinja: str, choices: str | None, metrics: str) -> str:
    choices_line = f"    answer_choices: {choices}" if choices else "    answer_choices: null"
    body = "\n".join("      " + line for line in jinja.splitlines())
    return (
        f"  {template_id}: !Template\n{choices_line}\n    id: {template_id}\n    jinja: |-\n{body}\n"
        f"    metadata: !TemplateMetadata\n      choices_in_prompt: false\n      metrics:\n"
        f"      - {metrics}\n      original_task: true\n    name: {name}\n    reference: ''\n"
    )


def write_promptsource_folder(root: Path) -> None:
    """A PromptSource / BigBIO-fork template tree, in their layout and file format."""
    files = {
        "bigscience-biomedical/gad/gad_blurb_bigbio_text/templates.yaml": (
            "dataset: gad\nsubset: gad_blurb_bigbio_text\ntemplates:\n"
            + template_entry("6f1d6a4e-0000-4000-8000-000000000001", "gene disease link",
                             "{{ text }}\nIs @GENE$ linked to @DISEASE$ here?\n|||\n"
                             "{{ answer_choices[labels[0] | int] }}", "No ||| Yes", "Accuracy")
            + template_entry("6f1d6a4e-0000-4000-8000-000000000002", "uses the source schema",
                             "{{ sentence }} ||| {{ label }}", None, "Accuracy")
        ),
        "bigscience-biomedical/biosses/biosses_bigbio_pairs/templates.yaml": (
            "dataset: biosses\nsubset: biosses_bigbio_pairs\ntemplates:\n"
            + template_entry("6f1d6a4e-0000-4000-8000-000000000003", "score them",
                             '"{{ text_1 }}" versus "{{ text_2 }}": similarity from 0 to 4?\n'
                             "|||\n{{ label }}", None, "Pearson Correlation")
        ),
        "pubmed_qa/pqa_labeled/templates.yaml": (
            "dataset: pubmed_qa\nsubset: pqa_labeled\ntemplates:\n"
            + template_entry("6f1d6a4e-0000-4000-8000-000000000004", "original fields",
                             "{{ question }} {{ context.contexts | join(' ') }} ||| {{ final_decision }}",
                             None, "Accuracy")
        ),
        "some_other_corpus/templates.yaml": (
            "dataset: some_other_corpus\ntemplates:\n"
            + template_entry("6f1d6a4e-0000-4000-8000-000000000005", "unrelated",
                             "{{ text }} ||| {{ label }}", None, "Accuracy")
        ),
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_import_maps_subsets_onto_views_and_reports_what_it_skips(tmp_path):
    write_promptsource_folder(tmp_path / "ps")
    results = {r.path.parent.name: r for r in import_folder(tmp_path / "ps", all_views(), library.all_prompts())}
    gad = results["gad_blurb_bigbio_text"]
    assert gad.views == ["gad"]
    assert [p.name for p in gad.accepted["gad"]] == ["gene_disease_link"]
    assert gad.skipped[0][0] == "uses the source schema" and "['label', 'sentence']" in gad.skipped[0][1]
    assert [p.name for p in results["biosses_bigbio_pairs"].accepted["biosses"]] == ["score_them"]
    pqa = results["pqa_labeled"]
    assert pqa.views == ["pubmed_qa"] and not pqa.accepted
    assert "final_decision" in pqa.skipped[0][1]
    other = results["some_other_corpus"]
    assert other.views == [] and "matches no bioeval view" in other.skipped[0][1]


def test_subset_name_mapping_rules():
    views = all_views()
    names = lambda pairs: [v.name for _, v in pairs]  # noqa: E731
    assert names(views_for("bigscience-biomedical/gad", "gad_blurb_bigbio_text", views)) == ["gad"]
    assert names(views_for("biosses", None, views)) == ["biosses"]
    assert names(views_for("bigbio/pubmed_qa", "pubmed_qa_bigbio_qa", views)) == ["pubmed_qa"]
    assert names(views_for("pubmed_qa", "pubmed_qa_bigbio_kb", views)) == []  # wrong schema
    assert names(views_for("mine", "weird_subset", views, {"weird_subset": "gad"})) == ["gad"]
    assert names(views_for("pubmedqa", None, views)) == ["pubmed_qa"]  # alias


def test_cli_import_writes_a_library_folder_that_is_then_selectable(tmp_path, monkeypatch, capsys, shared_data):
    write_promptsource_folder(tmp_path / "ps")
    out = tmp_path / "mine"
    monkeypatch.setenv(library.ENV_PROMPTS_DIR, str(out))
    assert main(["prompts", "import", str(tmp_path / "ps")]) == 0
    printed = capsys.readouterr().out
    assert "1 imported, 1 skipped" in printed and f"wrote {out / 'imported' / 'gad.yaml'}" in printed
    library.read_directory.cache_clear()
    gad = views_named("gad")[0][1]
    imported = prompts_for_view(gad, ["imported"])
    assert [(p.name, p.family, p.target) for p in imported] == [("gene_disease_link", "imported", "gad")]
    assert main(["prompts", "check", "gad", "biosses", "--data-dir", str(shared_data), "--quiet"]) == 0
    # importing again adds nothing: the ids are in the library now
    assert main(["prompts", "import", str(tmp_path / "ps")]) == 0
    assert "id 6f1d6a4e-0000-4000-8000-000000000001 is already in the library" in capsys.readouterr().out


class PromptSourceLoader(yaml.FullLoader):
    """Loads like promptsource.templates.DatasetTemplates: yaml.FullLoader + YAMLObject tags."""


class Template(yaml.YAMLObject):
    yaml_tag = "!Template"
    yaml_loader = [PromptSourceLoader]


class Metadata(yaml.YAMLObject):
    yaml_tag = "!TemplateMetadata"
    yaml_loader = [PromptSourceLoader]


def promptsource_apply(template: Template, example: dict) -> list[str]:
    """PromptSource's Template.apply semantics: a plain (unsandboxed) environment with zip."""
    env = jinja2.Environment(loader=jinja2.BaseLoader())
    env.globals.update(zip=zip)
    choices = None
    if template.answer_choices:
        rendered = env.from_string(template.answer_choices).render(**example)
        choices = [c.strip() for c in rendered.split("|||")]
    text = env.from_string(template.jinja).render(**example, answer_choices=choices)
    return [part.strip() for part in text.split("|||")]


@pytest.mark.parametrize("view_name", ["gad", "biosses", "pubmed_qa"])
def test_export_opens_and_renders_in_promptsource_and_imports_back_unchanged(tmp_path, shared_data, view_name):
    spec, view = views_named(view_name)[0]
    mine = prompts_for_view(view, ["all"])
    written = export_views([(spec, view)], {view.name: mine}, tmp_path / "export")
    assert written == [tmp_path / "export" / spec.name / "templates.yaml"]

    document = yaml.load(written[0].read_text(encoding="utf-8"), Loader=PromptSourceLoader)
    assert document["dataset"] == spec.name and "subset" not in document
    loaded = document["templates"]
    assert sorted(loaded) == sorted(p.id for p in mine)
    examples = load_split(spec, view, view.eval_split, shared_data, limit=5)
    for prompt in mine:
        template = loaded[prompt.id]
        assert isinstance(template, Template) and isinstance(template.metadata, Metadata)
        assert (template.name, template.metadata.metrics) == (prompt.name, list(prompt.metrics))
        for example in examples:
            expected = render_example(prompt, view, example)
            # the BigBIO fields only, as PromptSource gets them from a BigBIO-schema dataset
            assert promptsource_apply(template, template_fields(example.record)) == [
                expected.input, expected.target
            ]

    back = import_folder(tmp_path / "export", [(spec, view)], known=[])
    assert len(back) == 1 and back[0].skipped == []
    keep = ("id", "name", "jinja", "answer_choices", "metrics", "original_task", "choices_in_prompt")
    strip = lambda p: tuple(getattr(p, k) for k in keep)  # noqa: E731
    assert [strip(p) for p in back[0].accepted[view.name]] == [strip(p) for p in mine]
    assert all(a.version == b.version for a, b in zip(back[0].accepted[view.name], mine))


def test_view_variables_reach_exported_templates(tmp_path):
    spec, view = views_named("gad")[0]
    unified = prompts_for_view(view, ["unified"])
    export_views([(spec, view)], {view.name: unified}, tmp_path)
    text = (tmp_path / "gad" / "templates.yaml").read_text(encoding="utf-8")
    assert "{% set label_set = " in text and "{% set letters = " in text
    exported = yaml.load(text, Loader=PromptSourceLoader)["templates"][unified[0].id]
    assert exported.jinja.startswith("{#- bioeval view variables #}")
    assert exported.jinja.endswith(unified[0].jinja)


def test_import_rejects_templates_that_can_never_render(tmp_path, capsys, shared_data):
    folder = tmp_path / "ps" / "gad" / "gad_blurb_bigbio_text"
    folder.mkdir(parents=True)
    (folder / "templates.yaml").write_text(
        "dataset: gad\nsubset: gad_blurb_bigbio_text\ntemplates:\n"
        + template_entry("6f1d6a4e-0000-4000-8000-0000000000a1", "unknown filter",
                         "{{ text | shout }} ||| {{ labels[0] }}", None, "Accuracy")
        + template_entry("6f1d6a4e-0000-4000-8000-0000000000a2", "fails on every example",
                         "{{ text }} ||| {{ labels[5] }}", None, "Accuracy")
        + template_entry("6f1d6a4e-0000-4000-8000-0000000000a3", "renders",
                         "{{ text }} ||| {{ labels[0] }}", None, "Accuracy"),
        encoding="utf-8",
    )
    assert main(["prompts", "import", str(tmp_path / "ps"), "--dry-run", "--data-dir", str(shared_data)]) == 0
    out = capsys.readouterr().out
    assert "1 imported, 2 skipped" in out
    assert "skipped 'unknown filter': gad: jinja: No filter named 'shout'" in out
    assert "skipped 'fails on every example': gad: renders on none of the first 5 examples of gad" in out
