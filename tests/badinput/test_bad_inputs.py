"""Malformed and hostile inputs, table-driven, over every command and every reader.

Each case builds its input in a fresh folder, runs ``bioeval`` in-process and asserts: exit
status 2, exactly one stderr line starting ``bioeval: error:`` that names the file (or the
name) and what was expected, no traceback, and an earlier run folder, the data folder and a
report byte-identical afterwards.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from badinput_support import Case, Ctx, Setup, assert_refused, earlier  # noqa: F401  (earlier: the session fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
import upstream_fixtures as fixtures  # noqa: E402

# ----------------------------------------------------------------------------- damage helpers


def _rewrite(path: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8")
    return path


def _set_line(index: int, text: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        lines[index] = text(lines[index])
        return lines
    return edit


def _bad_byte(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[:40] + b"\xff" + data[40:])
    return path


def check(task: str, split: str, damage: Callable[[Ctx], Path]) -> Setup:
    """``bioeval data check TASK --split SPLIT`` on a damaged copy; the error names the file."""
    def setup(ctx: Ctx) -> list[str]:
        path = damage(ctx)
        ctx.expect_file = path.name
        return ["data", "check", task, "--split", split, "--data-dir", str(ctx.tmp / "data")]
    return setup


def placed(ref: str, damage: Callable[[Path], Path], *also: str) -> Callable[[Ctx], Path]:
    def apply(ctx: Ctx) -> Path:
        for other in also:
            ctx.place(other)
        return damage(ctx.place(ref))
    return apply


def fixture(write: Callable[[Path], None], relative: str, damage: Callable[[Path], Path]) -> Callable[[Ctx], Path]:
    def apply(ctx: Ctx) -> Path:
        write(ctx.tmp / "data")
        return damage(ctx.tmp / "data" / relative)
    return apply


def _truncate_half(path: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _drop_column(index: int) -> Callable[[Path], Path]:
    return lambda path: _rewrite(path, _set_line(index, lambda line: line.rsplit("\t", 1)[0]))


def _replace(old: str, new: str, count: int = 1) -> Callable[[Path], Path]:
    def apply(path: Path) -> Path:
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        return path
    return apply


def _duplicate_line(index: int) -> Callable[[Path], Path]:
    return lambda path: _rewrite(path, lambda lines: lines[: index + 1] + [lines[index]] + lines[index + 1:])


def _last_field(index: int, value: str) -> Callable[[Path], Path]:
    return lambda path: _rewrite(path, _set_line(index, lambda line: line.rsplit("\t", 1)[0] + "\t" + value))


CP = "chemprot/original/chemprot_development/chemprot_development_"
CP_FILES = tuple(f"{CP}{kind}.tsv" for kind in ("abstracts", "entities", "relations", "gold_standard"))


def chemprot(kind: str, damage: Callable[[Path], Path]) -> Callable[[Ctx], Path]:
    ref = f"{CP}{kind}.tsv"
    return placed(ref, damage, *(f for f in CP_FILES if f != ref))


def _off_by_one(path: Path) -> Path:  # the first entity's end offset one past its text
    def edit(line: str) -> str:
        fields = line.split("\t")
        fields[4] = str(int(fields[4]) + 1)
        return "\t".join(fields)
    return _rewrite(path, _set_line(0, edit))


def _unknown_entity(path: Path) -> Path:
    return _rewrite(path, _set_line(0, lambda line: line.rsplit("\t", 1)[0] + "\tArg2:T999"))


def _unknown_group(path: Path) -> Path:
    return _rewrite(path, _set_line(0, lambda line: line.replace("CPR:", "CPR:7", 1) if False else
                                    "\t".join([line.split("\t")[0], "CPR:77", *line.split("\t")[2:]])))


PQA = ("pubmed_qa/original/ori_pqal.json", "pubmed_qa/original/test_ground_truth.json")

READER_CASES = [
    Case("gad-drop-column", check("gad", "test", placed("gad/blurb/test.tsv", _drop_column(7))), ("columns",)),
    Case("gad-bad-byte", check("gad", "test", placed("gad/blurb/test.tsv", _bad_byte)), ("not valid UTF-8",)),
    Case("gad-empty", check("gad", "test", placed("gad/blurb/test.tsv", _empty)), ("expected",)),
    Case("gad-unknown-label", check("gad", "test", placed("gad/blurb/test.tsv", _last_field(5, "7"))), ("label",)),
    Case("gad-duplicate-id", check("gad", "test", placed("gad/blurb/test.tsv", _duplicate_line(4))), ("duplicate record id",)),
    Case("biosses-drop-column", check("biosses", "test", placed("biosses/blurb/test.tsv", _drop_column(3))), ("columns",)),
    Case("biosses-score-not-number", check("biosses", "test", placed("biosses/blurb/test.tsv", _last_field(2, "high"))), ("is not a number",)),
    Case("biosses-bad-byte", check("biosses", "test", placed("biosses/blurb/test.tsv", _bad_byte)), ("UTF-8",)),
    Case("bc2gm-drop-tag", check("bc2gm", "test", placed("bc2gm/blurb/test.tsv", _drop_column(10))), ("expected token<TAB>tag",)),
    Case("bc2gm-unknown-tag", check("bc2gm", "test", placed("bc2gm/blurb/test.tsv", _replace("\tO\n", "\tX-Gene\n"))), ("tag",)),
    Case("jnlpba-bad-byte", check("jnlpba", "test", placed("jnlpba/blurb/test.tsv", _bad_byte)), ("UTF-8",)),
    Case("ncbi-blurb-drop-tag", check("ncbi_disease_blurb" if False else "ncbi_disease", "test", placed("ncbi_disease/original/NCBItestset_corpus.txt", _bad_byte)), ("UTF-8",)),
    Case("ncbi-offsets", check("ncbi_disease", "test", placed("ncbi_disease/original/NCBItestset_corpus.txt", _replace("\t0\t", "\t1\t"))), ("but is annotated as",)),
    Case("bc5cdr-truncated", check("bc5cdr", "test", placed("bc5cdr/pubtator/CDR_TestSet.PubTator.txt", _bad_byte)), ("UTF-8",)),
    Case("bc5cdr-blurb-drop", check("bc5cdr_chem", "test", placed("bc5cdr/blurb_chem/test.tsv", _drop_column(5))), ("columns",)),
    Case("ebm-pico-bad-byte", check("ebm_pico", "test", placed("ebm_pico/blurb/test.tsv", _bad_byte)), ("UTF-8",)),
    Case("ebm-pico-drop", check("ebm_pico", "test", placed("ebm_pico/blurb/test.tsv", _drop_column(3))), ("expected",)),
    Case("hoc-drop", check("hallmarks_of_cancer_blurb", "test", placed("hallmarks_of_cancer/blurb/test.tsv", _drop_column(3))), ("columns",)),
    Case("pubmed-qa-truncated", check("pubmed_qa", "test", placed(PQA[0], _truncate_half, PQA[1])), ("invalid JSON",)),
    Case("pubmed-qa-bad-byte", check("pubmed_qa", "test", placed(PQA[1], _bad_byte, PQA[0])), ("UTF-8",)),
    Case("chemprot-unknown-entity", check("chemprot", "validation", chemprot("relations", _unknown_entity)), ("unknown id 'T999'",)),
    Case("chemprot-offset-off-by-one", check("chemprot", "validation", chemprot("entities", _off_by_one)), ("but is annotated as",)),
    Case("chemprot-unknown-group", check("chemprot", "validation", chemprot("relations", _unknown_group)), ("'CPR:77'", "CPR:0 to CPR:10")),
    Case("chemprot-entity-type", check("chemprot", "validation", chemprot("entities", _replace("\tCHEMICAL\t", "\tDRUG\t"))), ("entity type 'DRUG'",)),
    Case("chemprot-bad-offset", check("chemprot", "validation", chemprot("entities", _drop_column(2))), ("columns",)),
    Case("chemprot-abstract-twice", check("chemprot", "validation", chemprot("abstracts", _duplicate_line(1))), ("appears twice",)),
    Case("scitail-drop", check("scitail", "test", fixture(fixtures.write_scitail, "scitail/original/tsv_format/scitail_1.0_test.tsv", _drop_column(0))), ("expected",)),
    Case("scitail-bad-byte", check("scitail", "test", fixture(fixtures.write_scitail, "scitail/original/tsv_format/scitail_1.0_test.tsv", _bad_byte)), ("UTF-8",)),
    Case("mednli-truncated", check("mednli", "test", fixture(fixtures.write_mednli, "mednli/original/mli_test_v1.jsonl", _truncate_half)), ("JSON",)),
    Case("mednli-bad-label", check("mednli", "test", fixture(fixtures.write_mednli, "mednli/original/mli_test_v1.jsonl", _replace('"gold_label": "', '"gold_label": "x'))), ("label",)),
    Case("ddi-truncated-xml", check("ddi_corpus", "test", fixture(fixtures.write_ddi, "ddi_corpus/original/Test/Test for DDI Extraction task/MedLine/18071845.xml", _truncate_half)), ("expected",)),
    Case("ddi-blurb-drop", check("ddi_corpus_blurb" , "test", fixture(fixtures.write_ddi, "ddi_corpus/blurb/test.tsv", _drop_column(0))), ("columns",)),
    Case("bioasq-truncated", check("bioasq", "test", fixture(fixtures.write_bioasq, "bioasq/original/7B1_golden.json", _truncate_half)), ("JSON",)),
]
READER_CASES += [
    Case("n2c2-not-tar", check("n2c2_2010", "test", fixture(fixtures.write_n2c2_2010, "n2c2_2010/original/test_data.tar.gz", _truncate_bytes := (lambda p: (p.write_bytes(b"not a tar"), p)[1]))), ("expected",)),
    Case("tsv-with-bom-wrong-header", check("gad", "test", placed("gad/blurb/test.tsv", lambda p: (p.write_bytes(b"\xef\xbb\xbfbogus\theader\n" + p.read_bytes().split(b"\n", 1)[1]), p)[1])), ("header",)),
]


def run_args(ctx: Ctx, *extra: str) -> list[str]:
    return ["run", "--data-dir", str(ctx.data), "--output", str(ctx.tmp / "out"), *extra]


def _run(*extra: str) -> Setup:
    return lambda ctx: run_args(ctx, *extra)


def _write(relative: str, content: bytes) -> Callable[[Ctx], Path]:
    def make(ctx: Ctx) -> Path:
        path = ctx.tmp / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path
    return make


def _score_damaged(damage: Callable[[Ctx, Path], None]) -> Setup:
    def setup(ctx: Ctx) -> list[str]:
        run = ctx.run_copy()
        damage(ctx, run)
        return ["score", str(run)]
    return setup


def _dup_sample(ctx: Ctx, run: Path) -> None:
    path = ctx.sample_file(run)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + lines[-1:]), encoding="utf-8")


def _extra_sample(ctx: Ctx, run: Path) -> None:
    path = ctx.sample_file(run)
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    row["id"] = "not-an-example"
    path.write_text(path.read_text(encoding="utf-8") + json.dumps(row) + "\n", encoding="utf-8")


def _predictions(lines: list[str]) -> Setup:
    def setup(ctx: Ctx) -> list[str]:
        path = _write("preds.jsonl", "".join(line + "\n" for line in lines).encode())(ctx)
        return ["score", "--task", "gad", "--predictions", str(path), "--data-dir", str(ctx.data)]
    return setup


def _prompt_dir(jinja: str) -> Setup:
    """A user prompt folder with one BIOSSES template; ``prompts show`` it."""
    def setup(ctx: Ctx) -> list[str]:
        entry = fixtures_template("0a1b2c3d-0000-4000-8000-00000000abcd", "probe", jinja)
        _write("prompts/bigbio/biosses.yaml", f"dataset: biosses\ntemplates:\n{entry}".encode())(ctx)
        ctx.env["BIOEVAL_PROMPTS_DIR"] = str(ctx.tmp / "prompts")
        return ["prompts", "show", "biosses/probe", "--data-dir", str(ctx.data)]
    return setup


def fixtures_template(template_id: str, name: str, jinja: str) -> str:
    return (f"  {template_id}: !Template\n    answer_choices: null\n    id: {template_id}\n"
            f"    jinja: {json.dumps(jinja)}\n    metadata: !TemplateMetadata\n      choices_in_prompt: false\n"
            f"      languages: [en]\n      metrics: [Pearson Correlation]\n      original_task: true\n"
            f"    name: {name}\n    reference: ''\n")


def _import_rejected(ctx: Ctx) -> list[str]:
    entry = fixtures_template("0a1b2c3d-0000-4000-8000-00000000dcba", "Reads nothing real", "{{ nope }} ||| x")
    _write("ps/gad/templates.yaml", f"dataset: gad\ntemplates:\n{entry}".encode())(ctx)
    return ["prompts", "import", str(ctx.tmp / "ps"), "--out", str(ctx.tmp / "lib")]


def _file(ctx: Ctx) -> Path:
    return _write("a-file", b"x")(ctx)


COMMAND_CASES = [
    Case("run-empty-model", _run("--model", "", "--tasks", "biosses"), ("--model is empty",)),
    Case("run-comma-model", _run("--model", ",", "--tasks", "biosses"), ("--model is empty",)),
    Case("run-stray-comma-model", _run("--model", "majority,,majority", "--tasks", "biosses"), ("stray comma",)),
    Case("run-empty-tasks", _run("--model", "majority", "--tasks", ""), ("--tasks is empty",)),
    Case("run-stray-comma-tasks", _run("--model", "majority", "--tasks", "biosses,"), ("stray comma",)),
    Case("run-empty-prompts", _run("--model", "majority", "--tasks", "biosses", "--prompts", ""), ("--prompts is empty",)),
    Case("run-device-nonsense", _run("--model", "majority", "--tasks", "biosses", "--device", "banana"), ("'banana'", "expected cpu")),
    Case("run-unknown-task", _run("--model", "majority", "--tasks", "biosess"), ("unknown task 'biosess'", "did you mean 'biosses'")),
    Case("run-unknown-model", _run("--model", "majorty", "--tasks", "biosses"), ("majorty",)),
    Case("run-unknown-prompt", _run("--model", "majority", "--tasks", "biosses", "--prompts", "nonexistent_prompt"), ("nonexistent_prompt",)),
    Case("run-limit-zero", _run("--model", "majority", "--tasks", "biosses", "--limit", "0"), ("--limit must be a positive",)),
    Case("run-sample-negative", _run("--model", "majority", "--tasks", "biosses", "--sample", "-3"), ("--sample must be a positive",)),
    Case("run-limit-and-sample", _run("--model", "majority", "--tasks", "biosses", "--limit", "2", "--sample", "2"), ("not both",)),
    Case("run-batch-size-zero", _run("--model", "majority", "--tasks", "biosses", "--batch-size", "0"), ("--batch-size",)),
    Case("run-missing-files", _run("--model", "majority", "--tasks", "pubmed_qa"), ("pubmed_qa", "missing")),
    Case("run-none-present-skip-missing", _run("--model", "majority", "--tasks", "pubmed_qa", "--skip-missing"), ("none of the tasks",)),
    Case("run-credentialed", _run("--model", "majority", "--tasks", "mednli"), ("mednli", "credentialed")),
    Case("run-output-is-earlier-run", lambda ctx: ["run", "--model", "majority", "--tasks", "biosses", "--data-dir", str(ctx.data), "--output", str(ctx.run)], ("not empty",)),
    Case("run-output-is-a-file", lambda ctx: ["run", "--model", "majority", "--tasks", "biosses", "--data-dir", str(ctx.data), "--output", str(_file(ctx))], ("is a file",)),
    Case("run-output-under-a-file", lambda ctx: ["run", "--model", "majority", "--tasks", "biosses", "--data-dir", str(ctx.data), "--output", str(_file(ctx) / "run")], ("cannot be created",)),
    Case("run-unbackended-model", _run("--model", "gpt-4o", "--tasks", "biosses"), ("gpt-4o",)),
    Case("score-not-a-run", lambda ctx: ["score", str(ctx.tmp)], ("run.json",)),
    Case("score-samples-missing", _score_damaged(lambda ctx, run: shutil.rmtree(run / "samples")), ("no samples for", "expected samples/")),
    Case("score-sample-line-twice", _score_damaged(_dup_sample), ("appears twice", "expected one line per example")),
    Case("score-sample-line-too-many", _score_damaged(_extra_sample), ("samples, but scores.jsonl scored n=5",)),
    Case("score-sample-not-json", _score_damaged(lambda ctx, run: ctx.sample_file(run).write_text("{oops\n")), ("JSON",)),
    Case("score-run-json-broken", _score_damaged(lambda ctx, run: (run / "run.json").write_text("{")), ("run.json",)),
    Case("score-scores-broken", _score_damaged(lambda ctx, run: (run / "scores.jsonl").write_text("[1]\n")), ("scores.jsonl",)),
    Case("predictions-unknown-id", _predictions(['{"id": "nope", "prediction": "1"}']), ("unknown id 'nope'",)),
    Case("predictions-not-json", _predictions(["id,prediction"]), ("not JSON",)),
    Case("predictions-no-prediction", _predictions(['{"id": "1"}']), ('"prediction"',)),
    Case("predictions-huge-value", _predictions(['{"id": "test-1", "prediction": "' + "y" * 2_000_000 + '"}']), ("characters)",)),
    Case("predictions-missing-file", lambda ctx: ["score", "--task", "gad", "--predictions", str(ctx.tmp / "none.jsonl"), "--data-dir", str(ctx.data)], ("none.jsonl",)),
    Case("predictions-unknown-task", _predictions(["{}"]), ("expected",)) if False else
    Case("predictions-unknown-task", lambda ctx: ["score", "--task", "gadd", "--predictions", str(_file(ctx)), "--data-dir", str(ctx.data)], ("gadd",)),
    Case("report-missing-run", lambda ctx: ["report", str(ctx.tmp / "nowhere")], ("nowhere",)),
    Case("report-output-is-folder", lambda ctx: ["report", str(ctx.run), "--output", str(ctx.tmp)], ("is a folder",)),
    Case("report-output-is-run-file", lambda ctx: ["report", str(ctx.run), "--output", str(ctx.run / "scores.jsonl")], ("would overwrite",)),
    Case("report-output-under-file", lambda ctx: ["report", str(ctx.run), "--output", str(_file(ctx) / "r.md")], ("is a file, not a folder",)),
    Case("report-plots-dir-is-file", lambda ctx: ["report", str(ctx.run), "--plots", "--plots-dir", str(_file(ctx))], ("--plots-dir", "is a file")),
    Case("report-unknown-suite", lambda ctx: ["report", str(ctx.run), "--suite", "blurp"], ("blurp",)),
    Case("report-references-broken", lambda ctx: ["report", str(ctx.run), "--references", str(_write("refs.yaml", b"- label: [\n")(ctx))], ("refs.yaml",)),
    Case("prompts-show-no-slash", lambda ctx: ["prompts", "show", "biosses", "--data-dir", str(ctx.data)], ("expected TASK/PROMPT",)),
    Case("prompts-show-unknown-prompt", lambda ctx: ["prompts", "show", "biosses/nope", "--data-dir", str(ctx.data)], ("'nope'",)),
    Case("prompts-show-bad-index", lambda ctx: ["prompts", "show", "biosses/similarity_scale_0_4", "--example", "999", "--data-dir", str(ctx.data)], ("no example 999",)),
    Case("prompts-show-bad-id", lambda ctx: ["prompts", "show", "biosses/similarity_scale_0_4", "--example", "zz", "--data-dir", str(ctx.data)], ("no example with id 'zz'",)),
    Case("prompts-show-mutating-template", _prompt_dir("{% set d = {} %}{{ d.update(a=1) }}{{ text_1 }} ||| {{ label }}"), ("biosses.yaml", "probe", "d.update(...) changes d in place", "namespace(")),
    Case("prompts-show-huge-template", _prompt_dir("{{ text_1 * 5000 }} ||| {{ label }}"), ("biosses.yaml", "expected at most 200000")),
    Case("prompts-check-no-data", lambda ctx: ["prompts", "check", "biosses", "gad", "--quiet", "--data-dir", str(ctx.tmp / "empty")], ("no data for any of the 2 tasks",)),
    Case("prompts-import-no-templates", lambda ctx: ["prompts", "import", str(ctx.tmp)], ("no templates.yaml",)),
    Case("prompts-import-all-rejected", _import_rejected, ("none of its 1 templates",)),
    Case("prompts-import-bad-map", lambda ctx: ["prompts", "import", str(ctx.tmp), "--map", "gad"], ("NAME=TASK",)),
    Case("data-download-unknown", lambda ctx: ["data", "download", "nosuchset", "--data-dir", str(ctx.tmp / "d")], ("nosuchset",)),
    Case("data-download-credentialed", lambda ctx: ["data", "download", "mednli", "--data-dir", str(ctx.tmp / "d")], ("mednli cannot be downloaded",)),
    Case("data-download-no-network", lambda ctx: ["data", "download", "scitail", "--data-dir", str(ctx.tmp / "d"), "--url-rewrite", "https://=http://127.0.0.1:9/"], ("download of http://127.0.0.1:9/",)),
    Case("data-download-bad-rewrite", lambda ctx: ["data", "download", "scitail", "--data-dir", str(ctx.tmp / "d"), "--url-rewrite", "nonsense"], ("expected FROM=TO",)),
    Case("data-download-unknown-source", lambda ctx: ["data", "download", "gad", "--source", "blurp", "--data-dir", str(ctx.tmp / "d")], ("blurp",)),
    Case("data-check-unknown-split", lambda ctx: ["data", "check", "biosses", "--split", "dev", "--data-dir", str(ctx.data)], ("no split 'dev'",)),
    Case("data-verify-mismatch", check("biosses", "test", placed("biosses/blurb/test.tsv", _bad_byte)), ("UTF-8",)),
    Case("list-unknown", lambda ctx: ["data", "verify", "nosuchset", "--data-dir", str(ctx.data)], ("nosuchset",)),
]

CASES = READER_CASES + COMMAND_CASES


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_fails_in_one_line_and_corrupts_nothing(
    case: Case, earlier: Ctx, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = Ctx(earlier.shared, earlier.data, earlier.run, earlier.report, tmp_path)
    assert_refused(case, ctx, capsys, monkeypatch)


def test_the_suite_has_at_least_60_cases() -> None:
    assert len(CASES) >= 60
