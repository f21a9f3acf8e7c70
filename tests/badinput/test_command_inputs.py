"""Bad input to the commands added after ``run``: prompts import / export, export, report, plan,
score, data, list and the ``--model-args`` parser. Table-driven, in-process.

Each case builds its input in a fresh folder and runs ``bioeval``; it must end with exit status
2, one line naming the culprit and what was expected, no traceback, and no file changed: the
protected earlier run, data and report, and every file and folder of the case itself (hashed
before and after). Benign look-alikes at the end must keep working.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from badinput_support import Case, Ctx, Setup, assert_refused, earlier  # noqa: F401  (earlier: the fixture)

from bioeval.cli import main

TEMPLATE_ID = "0a1b2c3d-0000-4000-8000-0000000000aa"


def write(ctx: Ctx, relative: str, content: bytes | str) -> Path:
    path = ctx.tmp / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def a_file(ctx: Ctx) -> Path:
    return write(ctx, "a-file", "x")


# ------------------------------------------------------------------------- prompts import


def template(jinja: str = '"{{ text }} ||| {{ answer_choices[labels[0] | int] }}"', *, name: str = "probe",
             choices: str = "'no ||| yes'", metrics: str = "[Accuracy]", languages: str = "[en]", extra: str = "") -> str:
    return (f"dataset: gad\ntemplates:\n  {TEMPLATE_ID}: !Template\n    answer_choices: {choices}\n"
            f"    id: {TEMPLATE_ID}\n    jinja: {jinja}\n    metadata: !TemplateMetadata\n"
            f"      choices_in_prompt: false\n      languages: {languages}\n      metrics: {metrics}\n"
            f"      original_task: true\n    name: {name}\n    reference: ''\n{extra}")


def importing(text: str | bytes | None, *extra: str, out: Callable[[Ctx], Path] | None = None) -> Setup:
    """``prompts import`` of a folder with one gad templates.yaml (a folder of that name when
    ``text`` is None), into ``--out`` (default: a new library folder)."""
    def setup(ctx: Ctx) -> list[str]:
        if text is None:
            (ctx.tmp / "ps" / "gad" / "templates.yaml").mkdir(parents=True)
        else:
            write(ctx, "ps/gad/templates.yaml", text)
        library = out(ctx) if out else ctx.tmp / "library"
        return ["prompts", "import", str(ctx.tmp / "ps"), "--out", str(library), "--data-dir", str(ctx.data), *extra]
    return setup


def json_text(value: str) -> str:
    return json.dumps(value)


IMPORT_CASES = [
    Case("import-folder-missing", lambda ctx: ["prompts", "import", str(ctx.tmp / "nowhere")], ("nowhere", "not a directory")),
    Case("import-folder-is-a-file", lambda ctx: ["prompts", "import", str(a_file(ctx))], ("a-file", "not a directory")),
    Case("import-templates-yaml-is-a-folder", importing(None), ("templates.yaml", "is a folder; expected a file")),
    Case("import-out-is-a-file", importing(template(), out=a_file), ("--out", "is a file")),
    Case("import-out-under-a-file", importing(template(), out=lambda ctx: a_file(ctx) / "lib"), ("--out", "cannot be created")),
    Case("import-out-is-a-run-folder", importing(template(), out=lambda ctx: ctx.run), ("--out", "is a run folder")),
    Case("import-jinja-as-a-list", importing(template(jinja="[a, b]")), ("templates.yaml", "jinja: expected text, found a list")),
    Case("import-jinja-as-a-mapping", importing(template(jinja="{a: b}")), ("jinja: expected text, found a mapping",)),
    Case("import-metrics-as-a-string", importing(template(metrics="Accuracy")), ("metrics: expected a list of text", "Accuracy")),
    Case("import-languages-as-a-string", importing(template(languages="en")), ("languages: expected a list of text",)),
    Case("import-choices-as-a-list", importing(template(choices="[no, yes]")), ("answer_choices: expected text, found a list",)),
    Case("import-name-missing", importing(template().replace("    name: probe\n", "")), ("name: missing",)),
    Case("import-original-task-text", importing(template().replace("original_task: true", "original_task: maybe")),
         ("original_task: expected true or false",)),
    Case("import-not-utf8", importing(template().encode() + b"# \xff\xfe broken\n"), ("templates.yaml", "not valid UTF-8")),
    Case("import-utf16", importing(template().encode("utf-16")), ("templates.yaml", "UTF-16")),
    Case("import-broken-yaml", importing("dataset: gad\ntemplates: {a: [\n"), ("templates.yaml", "invalid YAML")),
    Case("import-templates-a-list", importing("dataset: gad\ntemplates: [1, 2]\n"), ("'templates' must map",)),
    Case("import-recursing-template", importing(template(json_text(
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }} ||| {{ answer_choices[labels[0] | int] }}"))), ("none of its 1 templates",)),
    Case("import-huge-range-template", importing(template(json_text(
        "{% for i in range(10**9) %}x{% endfor %}{{ text }} ||| {{ answer_choices[labels[0] | int] }}"))), ("none of its 1 templates",)),
    Case("import-map-unknown-task", importing(template(), "--map", "gad=gadd"), ("gadd",)),
]


# ------------------------------------------------------------------------- export lm-eval / prompts export


def exporting(out: Callable[[Ctx], Path | str], *extra: str) -> Setup:
    def setup(ctx: Ctx) -> list[str]:
        return ["export", "lm-eval", str(out(ctx)), "--tasks", "biosses", "--limit", "3", "--data-dir", str(ctx.data), *extra]
    return setup


def user_folder(ctx: Ctx) -> Path:
    """A folder of the user's holding a ``_group.yaml`` of their own."""
    write(ctx, "mine/biosses/_group.yaml", "group: mine\n")
    return ctx.tmp / "mine"


def prompts_export(out: Callable[[Ctx], Path]) -> Setup:
    return lambda ctx: ["prompts", "export", str(out(ctx)), "--tasks", "biosses"]


EXPORT_CASES = [
    Case("export-into-a-non-empty-folder", exporting(user_folder), ("OUT_DIR", "not empty", "--force")),
    Case("export-into-a-run-folder", exporting(lambda ctx: ctx.run), ("OUT_DIR", "is a run folder")),
    Case("export-into-a-run-folder-forced", exporting(lambda ctx: ctx.run, "--force"), ("is a run folder",)),
    Case("export-out-is-a-file", exporting(a_file), ("OUT_DIR", "is a file")),
    Case("export-out-under-a-file", exporting(lambda ctx: a_file(ctx) / "out"), ("cannot be created",)),
    Case("export-out-empty", exporting(lambda ctx: ""), ("OUT_DIR is empty",)),
    Case("export-limit-zero", exporting(lambda ctx: ctx.tmp / "out", "--limit", "0"), ("--limit must be a positive number of examples, not 0",)),
    Case("export-sample-negative", lambda ctx: ["export", "lm-eval", str(ctx.tmp / "o"), "--tasks", "biosses", "--sample", "-2"],
         ("--sample must be a positive number of examples",)),
    Case("export-limit-and-sample", exporting(lambda ctx: ctx.tmp / "out", "--sample", "2"), ("not both",)),
    Case("export-limit-not-a-number", exporting(lambda ctx: ctx.tmp / "out", "--limit", "ten"), ("--limit", "invalid int value: 'ten'")),
    Case("export-unknown-format", lambda ctx: ["export", "lm-evl", str(ctx.tmp / "o"), "--tasks", "biosses"], ("invalid choice: 'lm-evl'",)),
    Case("export-tasks-empty", lambda ctx: ["export", "lm-eval", str(ctx.tmp / "o"), "--tasks", ""], ("--tasks is empty",)),
    Case("export-prompts-empty", exporting(lambda ctx: ctx.tmp / "out", "--prompts", " , "), ("--prompts is empty",)),
    Case("export-unknown-task", lambda ctx: ["export", "lm-eval", str(ctx.tmp / "o"), "--tasks", "biosess"], ("biosess", "did you mean")),
    Case("prompts-export-onto-a-file", prompts_export(a_file), ("OUT_DIR", "is a file")),
    Case("prompts-export-into-a-non-empty-folder", prompts_export(user_folder), ("not empty", "--force")),
    Case("prompts-export-into-a-run-folder", prompts_export(lambda ctx: ctx.run), ("is a run folder",)),
]


# ------------------------------------------------------------------------- report


def report(*extra: str, run: Callable[[Ctx], Path] | None = None) -> Setup:
    return lambda ctx: ["report", str(run(ctx) if run else ctx.run), *extra]


def references(content: str | bytes) -> Setup:
    return lambda ctx: ["report", str(ctx.run), "--references", str(write(ctx, "refs.yaml", content))]


def table(body: str) -> str:
    return "tables:\n  t:\n    source: a paper\n    metrics: {biosses: pearson}\n" + body


def damaged_run(edit: Callable[[Ctx, Path], None]) -> Callable[[Ctx], Path]:
    def make(ctx: Ctx) -> Path:
        run = ctx.run_copy()
        edit(ctx, run)
        return run
    return make


def run_status(value: object) -> Callable[[Ctx, Path], None]:
    def edit(ctx: Ctx, run: Path) -> None:
        record = json.loads((run / "run.json").read_text(encoding="utf-8"))
        if value is None:
            del record["status"]
        else:
            record["status"] = value
        (run / "run.json").write_text(json.dumps(record), encoding="utf-8")
    return edit


def sample_line(change: Callable[[dict], dict | str]) -> Callable[[Ctx, Path], None]:
    """Rewrite the first line of the run's first samples file."""
    def edit(ctx: Ctx, run: Path) -> None:
        path = ctx.sample_file(run)
        lines = path.read_text(encoding="utf-8").splitlines()
        changed = change(json.loads(lines[0]))
        lines[0] = changed if isinstance(changed, str) else json.dumps(changed)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return edit


def with_key(key: str, value: object) -> Callable[[dict], dict]:
    return lambda row: {**row, key: value}


def existing_report(ctx: Ctx) -> list[str]:
    out = write(ctx, "mine.md", "my notes\n")
    return ["report", str(ctx.run), "--output", str(out)]


def existing_plots(ctx: Ctx) -> list[str]:
    write(ctx, "plots/report_pearson.png", b"my picture")
    return ["report", str(ctx.run), "--plots", "--plots-dir", str(ctx.tmp / "plots")]


REPORT_CASES = [
    Case("report-folds-zero", report("--folds", "0"), ("--folds must be at least 2, not 0",)),
    Case("report-folds-one", report("--folds", "1"), ("--folds must be at least 2, not 1",)),
    Case("report-folds-text", report("--folds", "five"), ("--folds", "invalid int value")),
    Case("report-max-examples-negative", report("--max-examples", "-5", "--format", "html"), ("--max-examples must be 0 or more examples, not -5",)),
    Case("report-output-exists", existing_report, ("--output", "mine.md", "already exists", "--force")),
    Case("report-plots-exist", existing_plots, ("report_pearson.png", "already exists", "--force")),
    Case("report-output-empty", report("--output", ""), ("--output is empty",)),
    Case("report-references-not-utf8", references(b"- label: x\n  source: \xff\n"), ("refs.yaml", "not valid UTF-8")),
    Case("report-references-utf16", references("- label: x\n".encode("utf-16")), ("refs.yaml", "UTF-16")),
    Case("report-references-a-folder", lambda ctx: ["report", str(ctx.run), "--references", str(ctx.tmp)], ("is a folder; expected a file",)),
    Case("report-references-value-text", references("- {label: a, source: b, scores: {biosses: {metric: pearson, value: high}}}\n"),
         ("refs.yaml", "[0].scores.biosses.value: expected a number, found text 'high'")),
    Case("report-references-benchmarks-list", references("- {label: a, source: b, scores: {biosses: {metric: pearson, value: 0.5}}, benchmarks: [1]}\n"),
         ("[0].benchmarks: expected a mapping",)),
    Case("report-references-scalar", references("42\n"), ("expected a list of reference rows",)),
    Case("report-references-instances-text", references(table("    instances: {biosses: many}\n    rows: []\n")),
         ("tables.t.instances.biosses: expected a whole number",)),
    Case("report-references-aggregates-string", references(table("    aggregates: mean\n    rows: []\n")),
         ("tables.t.aggregates: expected a list of text",)),
    Case("report-references-rows-mapping", references(table("    rows: {a: 1}\n")), ("tables.t.rows: expected a list",)),
    Case("report-references-task-types-list", references(table("    task_types: [STS]\n    rows: []\n")),
         ("tables.t.task_types: expected a mapping",)),
    Case("report-references-row-without-label", references(table("    rows: [{scores: {biosses: 1}}]\n")), ("tables.t.rows[0].label: missing",)),
    Case("report-references-metrics-missing", references("tables:\n  t: {source: s, rows: []}\n"), ("tables.t.metrics: missing",)),
    Case("report-samples-broken-line", report("--format", "html", run=damaged_run(sample_line(lambda row: "{oops"))),
         (".jsonl", "invalid JSON")),
    Case("report-run-status-unknown", report(run=damaged_run(run_status("weird"))), ("run.json", "'status' is 'weird'; expected one of")),
    Case("report-run-status-missing", report(run=damaged_run(run_status(None))), ("run.json", "'status' is None")),
]


# ------------------------------------------------------------------------- plan


def config(content: str | bytes) -> Setup:
    def setup(ctx: Ctx) -> list[str]:
        write(ctx, "model/config.json", content)
        return ["plan", "--model", "smollm2-135m", "--config", str(ctx.tmp / "model")]
    return setup


def good_config(**change: object) -> str:
    values = {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
              "intermediate_size": 128, "vocab_size": 100, **change}
    return json.dumps(values)


PLAN_CASES = [
    Case("plan-gpus-zero-gb", lambda ctx: ["plan", "--model", "smollm2-135m", "--gpus", "2x0GB"], ("--gpus '2x0GB'", "more than 0 GB")),
    Case("plan-gpus-zero-cards", lambda ctx: ["plan", "--model", "smollm2-135m", "--gpus", "0x24GB"], ("--gpus '0x24GB'",)),
    Case("plan-gpus-nonsense", lambda ctx: ["plan", "--model", "smollm2-135m", "--gpus", "lots"], ("--gpus 'lots'", "COUNTxNAME-SIZEGB")),
    Case("plan-config-field-text", config(good_config(hidden_size="big")), ("config.json", "hidden_size: expected a whole number, found text 'big'")),
    Case("plan-config-field-zero", config(good_config(num_hidden_layers=0)), ("num_hidden_layers: expected a whole number of at least 1",)),
    Case("plan-config-field-list", config(good_config(vocab_size=[1])), ("vocab_size: expected a whole number, found a list",)),
    Case("plan-config-not-json", config("{model_type: llama"), ("config.json", "invalid JSON")),
    Case("plan-config-utf16", config(good_config().encode("utf-16")), ("config.json", "UTF-16")),
    Case("plan-config-missing", lambda ctx: ["plan", "--model", "smollm2-135m", "--config", str(ctx.tmp / "none.json")], ("--config", "no such file")),
    Case("plan-config-rejected-by-transformers", config(good_config(rope_scaling="x")), ("config of 'smollm2-135m'",)),
    Case("plan-batch-size-zero", lambda ctx: ["plan", "--model", "smollm2-135m", "--batch-size", "0"], ("--batch-size must be a positive whole number, not 0",)),
    Case("plan-tokens-negative", lambda ctx: ["plan", "--model", "smollm2-135m", "--tokens", "-1"], ("--tokens must be a positive number of tokens",)),
    Case("plan-limit-zero", lambda ctx: ["plan", "--model", "smollm2-135m", "--limit", "0"], ("--limit must be a positive number of examples",)),
]


# ------------------------------------------------------------------------- score


def predictions(task: str, content: str | bytes, *, shared: bool = False) -> Setup:
    def setup(ctx: Ctx) -> list[str]:
        path = write(ctx, "preds.jsonl", content)
        data = ctx.shared if shared else ctx.data
        return ["score", "--task", task, "--predictions", str(path), "--data-dir", str(data)]
    return setup


def score_run(edit: Callable[[Ctx, Path], None]) -> Setup:
    return lambda ctx: ["score", str(damaged_run(edit)(ctx))]


NER_LINE = '{"id": "%s", "prediction": [{"start": %d, "end": %d, "type": "Modifier"}]}\n'
NCBI_FIRST = "9949209"  # the first document of NCBI-disease's test set


SCORE_CASES = [
    Case("score-predictions-utf16-ner", predictions("ncbi_disease", (NER_LINE % (NCBI_FIRST, 0, 4)).encode("utf-16"), shared=True),
         ("preds.jsonl", "UTF-16")),
    Case("score-predictions-utf16", predictions("gad", '{"id": "test-1", "prediction": "1"}\n'.encode("utf-16")), ("preds.jsonl", "UTF-16")),
    Case("score-predictions-span-past-the-end", predictions("ncbi_disease", NER_LINE % (NCBI_FIRST, 5, 10**6), shared=True),
         ("preds.jsonl:1", "ends past the text")),
    Case("score-predictions-a-folder", lambda ctx: ["score", "--task", "gad", "--predictions", str(ctx.tmp), "--data-dir", str(ctx.data)],
         ("is a folder; expected a file",)),
    Case("score-predictions-not-utf8", predictions("gad", b'{"id": "test-1", "prediction": "\xff"}\n'), ("preds.jsonl", "not valid UTF-8")),
    Case("score-sample-output-null", score_run(sample_line(with_key("output", None))), (".jsonl:1", "expected 'output' to be a string")),
    Case("score-sample-output-number", score_run(sample_line(with_key("output", 3))), ("expected 'output' to be a string",)),
    Case("score-sample-gold-wrong-type", score_run(sample_line(with_key("gold", {"text": 5, "spans": "x"}))), ("expected 'gold' to be",)),
    Case("score-sample-gold-span-past-the-end", score_run(sample_line(with_key("gold", {"text": "abc", "spans": [[0, 9, "Disease"]]}))),
         ("gold span [0, 9, 'Disease']", "<= 3")),
    Case("score-sample-gold-span-not-numbers", score_run(sample_line(with_key("gold", {"text": "abc", "spans": [["a", "b", "c"]]}))),
         ("gold span",)),
    Case("score-run-status-unknown", score_run(run_status("finished")), ("'status' is 'finished'",)),
    Case("score-run-status-number", score_run(run_status(3)), ("'status' is 3",)),
    Case("score-run-is-a-file", lambda ctx: ["score", str(a_file(ctx))], ("a-file", "not a run folder")),
]


# ------------------------------------------------------------------------- data and list


def data_dir_is_a_file(*command: str) -> Setup:
    return lambda ctx: [*command, "--data-dir", str(a_file(ctx))]


def env_data_dir_is_a_file(*command: str) -> Setup:
    def setup(ctx: Ctx) -> list[str]:
        ctx.env["BIOEVAL_DATA_DIR"] = str(a_file(ctx))
        return list(command)
    return setup


DATA_CASES = [
    Case("data-check-data-dir-is-a-file", data_dir_is_a_file("data", "check", "biosses"), ("--data-dir", "is a file; expected the data folder")),
    Case("data-verify-data-dir-is-a-file", data_dir_is_a_file("data", "verify", "biosses"), ("is a file; expected the data folder",)),
    Case("data-download-data-dir-is-a-file", data_dir_is_a_file("data", "download", "scitail"), ("is a file; expected the data folder",)),
    Case("data-path-data-dir-empty", lambda ctx: ["data", "path", "--data-dir", ""], ("--data-dir is empty",)),
    Case("data-check-env-data-dir-is-a-file", env_data_dir_is_a_file("data", "check", "biosses"), ("$BIOEVAL_DATA_DIR", "is a file")),
    Case("data-check-unknown-task", lambda ctx: ["data", "check", "biosess", "--data-dir", str(ctx.data)], ("biosess",)),
    Case("data-unknown-action", lambda ctx: ["data", "chek"], ("invalid choice: 'chek'",)),
    Case("list-unknown-kind", lambda ctx: ["list", "dataset"], ("invalid choice: 'dataset'",)),
    Case("list-data-dir-is-a-file", data_dir_is_a_file("list", "datasets"), ("is a file; expected the data folder",)),
    Case("list-data-dir-empty", lambda ctx: ["list", "datasets", "--data-dir", ""], ("--data-dir is empty",)),
    Case("list-extra-argument", lambda ctx: ["list", "models", "extra"], ("unrecognized arguments: extra",)),
]


# ------------------------------------------------------------------------- --model-args and run


def model_args(text: str) -> Setup:
    """A malformed setting fails before the model (a folder that does not exist) is looked up."""
    return lambda ctx: ["run", "--model", "hf:./no-such-model", "--tasks", "biosses", "--model-args", text,
                        "--data-dir", str(ctx.data), "--output", str(ctx.tmp / "out")]


MODEL_ARGS_CASES = [
    Case("model-args-num-concurrent-text", model_args("num_concurrent=many"), ("num_concurrent='many'", "expected a whole number of at least 1")),
    Case("model-args-num-concurrent-zero", model_args("num_concurrent=0"), ("num_concurrent=0",)),
    Case("model-args-num-concurrent-float", model_args("num_concurrent=2.5"), ("num_concurrent=2.5", "whole number")),
    Case("model-args-max-memory-size", model_args("max_memory=0:lots"), ("max_memory='0:lots'", "DEVICE:SIZE")),
    Case("model-args-max-memory-device", model_args("max_memory=gpu0:10GiB"), ("max_memory='gpu0:10GiB'",)),
    Case("model-args-max-memory-zero", model_args("max_memory=0:0GiB"), ("max_memory='0:0GiB'",)),
    Case("model-args-max-memory-twice", model_args("max_memory=0:10GiB;0:20GiB"), ("a device is given twice",)),
    Case("model-args-max-memory-no-size", model_args("max_memory=0"), ("max_memory='0'",)),
    Case("model-args-no-value", model_args("dtype="), ("--model-args dtype: no value",)),
    Case("model-args-twice", model_args("seed=1,seed=2"), ("seed is given twice",)),
    Case("model-args-no-equals", model_args("bfloat16"), ("expected KEY=VALUE, got 'bfloat16'",)),
    Case("model-args-no-key", model_args("=3"), ("expected KEY=VALUE",)),
    Case("model-args-gpu-utilization", model_args("gpu_memory_utilization=1.5"), ("gpu_memory_utilization=1.5", "from 0.001 to 1")),
    Case("model-args-timeout-zero", model_args("timeout=0"), ("timeout=0",)),
    Case("model-args-max-retries-negative", model_args("max_retries=-1"), ("max_retries=-1", "at least 0")),
    Case("model-args-tensor-parallel-text", model_args("tensor_parallel_size=two"), ("tensor_parallel_size='two'",)),
    Case("run-output-empty", lambda ctx: ["run", "--model", "majority", "--tasks", "biosses", "--data-dir", str(ctx.data), "--output", ""],
         ("--output is empty",)),
    Case("run-limit-text", lambda ctx: ["run", "--model", "majority", "--tasks", "biosses", "--limit", "all"], ("--limit", "invalid int value: 'all'")),
    Case("run-unknown-option", lambda ctx: ["run", "--model", "majority", "--taks", "biosses"], ("unrecognized arguments: --taks",)),
]

CASES = IMPORT_CASES + EXPORT_CASES + REPORT_CASES + PLAN_CASES + SCORE_CASES + DATA_CASES + MODEL_ARGS_CASES


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_in_one_line_and_nothing_changed(
    case: Case, earlier: Ctx, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = Ctx(earlier.shared, earlier.data, earlier.run, earlier.report, tmp_path)
    assert_refused(case, ctx, capsys, monkeypatch, watch_own_folder=True)


def test_the_suite_has_at_least_80_cases_over_every_command() -> None:
    assert len(CASES) >= 80
    commands = {case.name.split("-")[0] for case in CASES}
    assert {"import", "export", "report", "plan", "score", "data", "list", "model"} <= commands
