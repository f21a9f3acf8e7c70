"""`bioeval score`: external predictions files against the gold, and re-scoring a run folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named


def records(name: str, data: Path) -> list:
    spec, view = views_named(name)[0]
    return [e.record for e in load_split(spec, view, view.eval_split, data)]


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def score(capsys, *args: str) -> dict:
    assert main(["score", *args]) == 0
    return json.loads(capsys.readouterr().out)


def gold_predictions(name: str, data: Path) -> list[dict]:
    rows = []
    for r in records(name, data):
        if name == "biosses":
            value = float(r.label)
        elif name == "hallmarks_of_cancer":
            value = list(r.labels)
        elif name == "pubmed_qa":
            value = r.answer[0]
        else:
            value = r.labels[0]
        rows.append({"id": r.id, "prediction": value})
    return rows


@pytest.mark.parametrize(
    ("task", "metrics"),
    [
        ("gad", {"accuracy", "micro_f1"}),
        ("pubmed_qa", {"accuracy", "macro_f1"}),
        ("biosses", {"pearson"}),
        ("hallmarks_of_cancer", {"example_f1", "label_micro_f1", "example_f1_blue"}),
    ],
)
def test_gold_predictions_score_one(task, metrics, shared_data: Path, tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.jsonl", gold_predictions(task, shared_data))
    result = score(capsys, "--task", task, "--predictions", str(path), "--data-dir", str(shared_data))
    assert set(result["metrics"]) == metrics
    for value in result["metrics"].values():
        assert value["value"] == pytest.approx(1.0, abs=1e-12) and value["n_unparsed"] == 0
    if task == "hallmarks_of_cancer":  # BLUE's eval_hoc cannot score BLURB's 53 documents without a hallmark
        assert result["metrics"]["example_f1_blue"]["note"].startswith("53 documents without a gold label left out")


def test_chemprot_gold_scores_one_and_blue_rows_give_0_99377(shared_data: Path, tmp_path: Path, capsys) -> None:
    """The pair view's gold on BLUE's rows: 3443 positive pairs predicted, 3429 of them right
    (a pair with two gold labels gets one of them), 3458 gold rows (two-label pairs twice, and
    pairs across sentences that no example predicts)."""
    path = write(tmp_path / "p.jsonl", gold_predictions("chemprot", shared_data))
    result = score(capsys, "--task", "chemprot", "--predictions", str(path), "--data-dir", str(shared_data))
    metrics = result["metrics"]
    assert metrics["micro_f1"]["value"] == metrics["accuracy"]["value"] == 1.0
    blue = metrics["pair_rows_micro_f1"]
    assert (blue["details"]["tp"], blue["details"]["n_predicted"], blue["details"]["n_gold"]) == (3429, 3443, 3458)
    assert blue["value"] == pytest.approx(2 * 3429 / (3443 + 3458), abs=1e-12)
    assert round(blue["value"], 5) == 0.99377 and blue["n_unparsed"] == 0


def test_pico_gold_spans_score_one_by_both_definitions(shared_data: Path, tmp_path: Path, capsys) -> None:
    docs = records("ebm_pico", shared_data)
    spans = [{"id": r.id, "prediction": [{"start": s, "end": e, "type": ent.type} for ent in r.entities for s, e in ent.offsets]} for r in docs]
    result = score(capsys, "--task", "ebm_pico", "--predictions", str(write(tmp_path / "s.jsonl", spans)), "--data-dir", str(shared_data))
    assert {k: v["value"] for k, v in result["metrics"].items()} == {"token_f1": 1.0, "pico_bow_micro_f1": 1.0}


def test_entity_predictions_as_spans_or_strings(shared_data: Path, tmp_path: Path, capsys) -> None:
    docs = records("bc5cdr_chem", shared_data)
    spans = [{"id": r.id, "prediction": [{"start": s, "end": e, "type": ent.type} for ent in r.entities for s, e in ent.offsets]} for r in docs]
    strings = [{"id": r.id, "prediction": [ent.text[0] for ent in r.entities]} for r in docs]
    by_spans = score(capsys, "--task", "bc5cdr_chem", "--predictions", str(write(tmp_path / "s.jsonl", spans)), "--data-dir", str(shared_data))
    assert by_spans["prediction_shape"] == "spans"
    assert {k: v["value"] for k, v in by_spans["metrics"].items()} == {
        "entity_f1": 1.0, "entity_f1_relaxed": 1.0, "entity_f1_exact_lower": 1.0,
    }
    by_strings = score(capsys, "--task", "bc5cdr_chem", "--predictions", str(write(tmp_path / "t.jsonl", strings)), "--data-dir", str(shared_data))
    assert by_strings["prediction_shape"] == "entity_list"
    assert {k: v["value"] for k, v in by_strings["metrics"].items()} == {"entity_f1": 1.0, "entity_f1_relaxed": 1.0, "rouge1": 1.0}
    # drop every second mention of the first 500 sentences: recall falls, precision stays 1
    for row in spans[:500]:
        row["prediction"] = row["prediction"][::2]
    partial = score(capsys, "--task", "bc5cdr_chem", "--predictions", str(write(tmp_path / "u.jsonl", spans)), "--data-dir", str(shared_data))
    strict = partial["metrics"]["entity_f1"]
    assert strict["details"]["precision"] == 1.0 and strict["details"]["recall"] < 1.0
    assert strict["ci_low"] <= strict["value"] <= strict["ci_high"] < 1.0


def test_pico_spans(shared_data: Path, tmp_path: Path, capsys) -> None:
    docs = records("ebm_pico", shared_data)
    rows = [{"id": r.id, "prediction": [{"start": s, "end": e, "type": ent.type} for ent in r.entities for s, e in ent.offsets]} for r in docs]
    result = score(capsys, "--task", "ebm_pico", "--predictions", str(write(tmp_path / "p.jsonl", rows)), "--data-dir", str(shared_data))
    assert result["metrics"]["token_f1"]["value"] == pytest.approx(1.0)


def test_bad_predictions_files(shared_data: Path, tmp_path: Path, capsys) -> None:
    rows = gold_predictions("gad", shared_data)
    common = ["--task", "gad", "--data-dir", str(shared_data)]
    unknown = write(tmp_path / "unknown.jsonl", rows[:3] + [{"id": "test-99999", "prediction": "1"}])
    assert main(["score", *common, "--predictions", str(unknown)]) == 2
    assert f"{unknown}:4: unknown id 'test-99999'" in capsys.readouterr().err
    shape = write(tmp_path / "shape.jsonl", rows[:1] + [{"id": rows[1]["id"], "prediction": 1.5}])
    assert main(["score", *common, "--predictions", str(shape)]) == 2
    assert f"{shape}:2:" in capsys.readouterr().err
    short = write(tmp_path / "short.jsonl", rows[:500])
    assert main(["score", *common, "--predictions", str(short)]) == 2
    assert "34 of 534 ids have no prediction" in capsys.readouterr().err
    result = score(capsys, *common, "--predictions", str(short), "--allow-missing")
    accuracy = result["metrics"]["accuracy"]
    assert accuracy["n_unparsed"] == 34
    assert accuracy["value"] == pytest.approx(500 / 534)


def test_rescore_a_run_folder_gives_the_same_scores(shared_data: Path, tmp_path: Path, capsys) -> None:
    run = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "gad,biosses,bc5cdr_chem", "--prompts", "all",
                 "--limit", "30", "--data-dir", str(shared_data), "--output", str(run)]) == 0
    capsys.readouterr()
    assert main(["score", str(run)]) == 0
    written = next(run.glob("rescored-*.jsonl"))
    old = [json.loads(line) for line in (run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    new = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    key = lambda r: (r["model"], r["task"], r["prompt"], r["metric"])  # noqa: E731
    assert sorted(map(key, old)) == sorted(map(key, new))
    for a, b in zip(sorted(old, key=key), sorted(new, key=key)):
        assert a["value"] == b["value"] and a["n_unparsed"] == b["n_unparsed"]


def test_score_needs_one_of_the_two_forms(capsys) -> None:
    assert main(["score"]) == 2
    assert "give RUN_DIR, or both --task and --predictions" in capsys.readouterr().err
