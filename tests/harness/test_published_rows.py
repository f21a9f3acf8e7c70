"""BLUE's ChemProt rows on the real data: the pair view's predictions carried onto them, in a
prompt's own words, on the whole split and on a sample, and in a run's scores.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.tasks.chemprot import LABEL_TEXT
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named
from bioeval.scoring.published import published_score


@pytest.fixture(scope="module")
def chemprot(shared_data: Path):
    spec, view = views_named("chemprot")[0]
    records = [e.record for e in load_split(spec, view, view.eval_split, shared_data)]
    return spec, view, records


def _ids(records) -> list[str]:  # noqa: ANN001
    return [r.id for r in records]


def test_gold_in_a_prompts_words_on_the_whole_split_and_on_a_sample(chemprot, shared_data: Path) -> None:
    spec, view, records = chemprot
    words = [LABEL_TEXT[r.labels[0]] for r in records]
    options = {"negative": LABEL_TEXT["false"], "labels": [LABEL_TEXT[label] for label in view.labels]}
    whole = published_score(spec, view, "test", shared_data, _ids(records), words, options, wording=LABEL_TEXT)
    assert whole is not None and whole.metric == "pair_rows_micro_f1"
    assert whole.value == pytest.approx(2 * 3429 / (3443 + 3458), abs=1e-12)
    # n counts the examples; BLUE's 138741 rows are 138727 pairs, 14 of them with two gold labels
    assert whole.n == len(records) == 15779
    assert (whole.details["n_pairs"], whole.details["n_rows"]) == (138727, 138741)
    assert (whole.details["tp"], whole.details["n_predicted"], whole.details["n_gold"]) == (3429, 3443, 3458)
    # a sample keeps the rows of its own pairs only: every gold row of a one-label pair is found
    sample = published_score(spec, view, "test", shared_data, _ids(records[:2000]), words[:2000], options,
                             wording=LABEL_TEXT, whole_split=False)
    assert sample is not None and sample.n == 2000 and sample.details["n_pairs"] == 2000
    assert "scored examples" in sample.note
    gold_rows = sample.details["n_gold"]
    positives = sum(r.labels[0] != "false" for r in records[:2000])
    # rows beyond the pairs' own labels come from two-label pairs (one of the two is missed)
    assert sample.details["tp"] == positives and gold_rows >= positives
    assert sample.value == pytest.approx(2 * positives / (sample.details["n_predicted"] + gold_rows))


def test_a_run_writes_blues_chemprot_figure_beside_the_default(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--model", "majority", "--tasks", "chemprot", "--limit", "40",
                 "--prompts", "classify_interaction_type", "--data-dir", str(shared_data), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "scores.jsonl").read_text().splitlines()]
    metrics = [row["metric"] for row in rows]
    assert metrics == ["micro_f1", "accuracy", "pair_rows_micro_f1"]
    blue = rows[-1]
    # the baseline answers "no relation", the negative class in the prompt's words: no positive
    # prediction, so F1 0 over the rows of the 40 pairs; n counts the examples, as every row's
    assert blue["value"] == 0.0 and blue["n"] == 40 and "the 40 pairs of the scored examples" in blue["note"]
    # re-scoring the folder (no data files) checks each unit's samples against n, and leaves the
    # published figure out
    assert main(["score", str(out)]) == 0
    (rescored,) = out.glob("rescored-*.jsonl")
    assert [json.loads(line)["metric"] for line in rescored.read_text().splitlines()] == ["micro_f1", "accuracy"]
