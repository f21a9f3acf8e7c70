"""score(): values, unparsed counts, bootstrap intervals; compare(): McNemar and paired bootstrap."""

from __future__ import annotations

import time

import numpy as np
import pytest
from bioeval.errors import BioevalError, UnknownNameError
from bioeval.metrics.aggregate import blue_score, blurb_score
from bioeval.metrics.parsers import PARSERS
from bioeval.metrics.registry import METRICS, OUTPUT_KIND, from_promptsource, metric
from bioeval.metrics.scoring import bootstrap_totals, compare, score
from bioeval.metrics.types import Prediction, Score
from scipy.stats import binomtest


def _labels(n: int, accuracy: float, seed: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    gold = list(rng.choice(["CPR:3", "CPR:4", "false"], size=n, p=[0.2, 0.2, 0.6]))
    wrong = rng.random(n) > accuracy
    pred = [str(rng.choice(["CPR:3", "CPR:4", "false"])) if w else g for g, w in zip(gold, wrong)]
    return pred, [str(g) for g in gold]


def test_score_counts_unparsed_and_is_deterministic() -> None:
    predictions = [Prediction("yes", "yes"), Prediction(None, "??", "not one of"), Prediction("no", "no")]
    first = score("accuracy", predictions, ["yes", "yes", "no"], n_boot=200, seed=7)
    again = score("accuracy", predictions, ["yes", "yes", "no"], n_boot=200, seed=7)
    assert first == again
    assert first.value == pytest.approx(2 / 3)
    assert (first.n, first.n_unparsed) == (3, 1)
    assert "1 unparsed scored as wrong" in first.note
    assert first.ci_low is not None and first.ci_high is not None
    assert 0.0 <= first.ci_low <= first.value <= first.ci_high <= 1.0


def test_partly_parsed_prediction_is_scored_and_counted() -> None:
    partial = Prediction(frozenset({"a"}), "a, zz", error="unmatched items: ['zz']")
    result = score("example_f1", [partial], [frozenset({"a"})], n_boot=0)
    assert result.value == 1.0 and result.n_unparsed == 1


def test_interval_matches_a_plain_resampling_loop() -> None:
    pred, gold = _labels(300, 0.7, seed=1)
    result = score("micro_f1", pred, gold, options={"negative": "false"}, n_boot=400, seed=3)
    # the same resamples, drawn the way bootstrap_totals draws them, scored one at a time
    rng = np.random.default_rng(3)
    spec = metric("micro_f1")
    values = []
    for _ in range(400):
        picks = rng.integers(0, len(gold), size=(1, len(gold)))[0]
        values.append(spec([pred[i] for i in picks], [gold[i] for i in picks], {"negative": "false", "labels": ["CPR:3", "CPR:4"]}))
    low, high = np.percentile([v for v in values if v is not None], [2.5, 97.5])
    assert result.ci_low == pytest.approx(low, abs=1e-12)
    assert result.ci_high == pytest.approx(high, abs=1e-12)
    assert result.ci_low < result.value < result.ci_high


def test_seed_changes_the_interval_not_the_value() -> None:
    pred, gold = _labels(200, 0.6, seed=2)
    a = score("accuracy", pred, gold, n_boot=300, seed=0)
    b = score("accuracy", pred, gold, n_boot=300, seed=1)
    assert a.value == b.value
    assert (a.ci_low, a.ci_high) != (b.ci_low, b.ci_high)


def test_undefined_resamples_are_counted() -> None:
    result = score("pearson", [1.0, 2.0, 3.0], [1.0, 2.0, 2.5], n_boot=500)
    assert result.details["n_boot_undefined"] > 0  # resamples of one repeated pair are constant
    assert result.ci_low is not None


def test_undefined_score_has_no_interval() -> None:
    result = score("pearson", [2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    assert result.value is None and result.ci_low is None and result.ci_high is None
    assert "undefined" in result.note


def test_missing_reference_is_an_error() -> None:
    with pytest.raises(ValueError, match="no reference"):
        score("accuracy", ["a"], [None])


def test_bootstrap_is_fast_for_10k_examples() -> None:
    pred, gold = _labels(10_000, 0.6, seed=4)
    started = time.perf_counter()
    result = score("micro_f1", pred, gold, options={"negative": "false"}, n_boot=1000)
    elapsed = time.perf_counter() - started
    assert result.ci_low is not None and result.ci_low < result.value < result.ci_high
    assert elapsed < 5.0, f"10k examples x 1000 resamples took {elapsed:.2f}s"


def test_bootstrap_totals_keeps_pairs_together() -> None:
    stats = np.arange(10, dtype=float).reshape(-1, 1)
    a, b = bootstrap_totals([stats, 2 * stats], n_boot=50, seed=0)
    assert np.allclose(b, 2 * a)
    assert a.shape == (50, 1)


# ---------------------------------------------------------------- compare


def test_mcnemar_matches_scipy_binomtest() -> None:
    pred, gold = _labels(500, 0.55, seed=5)
    baseline = ["false"] * len(gold)
    result = compare("accuracy", pred, baseline, gold)
    only_model = sum(p == g != b for p, b, g in zip(pred, baseline, gold))
    only_baseline = sum(b == g != p for p, b, g in zip(pred, baseline, gold))
    expected = binomtest(only_model, only_model + only_baseline, 0.5).pvalue
    assert result.method == "exact McNemar"
    assert result.p_value == pytest.approx(expected, abs=1e-12)
    assert result.delta == pytest.approx(result.model - result.baseline)


def test_identical_predictions_are_not_different() -> None:
    pred, gold = _labels(200, 0.7, seed=6)
    assert compare("accuracy", pred, pred, gold).p_value == 1.0
    same = compare("micro_f1", pred, pred, gold, options={"negative": "false"})
    assert same.delta == 0.0 and same.p_value == 1.0 and not same.beats_baseline()


def test_paired_bootstrap_sees_a_clear_win() -> None:
    pred, gold = _labels(1000, 0.8, seed=8)
    result = compare("micro_f1", pred, ["false"] * len(gold), gold, options={"negative": "false"})
    assert result.method == "paired bootstrap"
    assert result.baseline == 0.0  # all-negative predictions never hit a positive
    assert result.p_value < 0.01 and result.beats_baseline()
    assert result.ci_low > 0
    assert result.summary().startswith("beats the baseline")


def test_pearson_against_a_constant_baseline_uses_zero() -> None:
    rng = np.random.default_rng(9)
    gold = list(rng.uniform(0, 4, 60))
    pred = [g + rng.normal(0, 0.5) for g in gold]
    result = compare("pearson", pred, [2.0] * 60, gold)
    assert result.baseline == 0.0 and "taken as 0.0" in result.note
    assert result.beats_baseline()


def test_compare_uses_the_same_classes_on_both_sides() -> None:
    gold = ["a", "b", "c", "a"]
    model = ["a", "b", "c", "a"]
    baseline = ["a", "a", "a", "a"]
    result = compare("macro_f1", model, baseline, gold, n_boot=100)
    assert result.model == 1.0
    assert result.baseline == pytest.approx((2 * 2 / (4 + 2) + 0 + 0) / 3)


def test_registry_entries_are_complete() -> None:
    assert set(METRICS) == {
        "accuracy", "pearson", "entity_f1", "entity_f1_relaxed", "rouge1",
        "token_f1", "micro_f1", "example_f1", "macro_f1", "example_f1_blue", "label_micro_f1",
        "entity_f1_exact_lower", "pico_bow_micro_f1", "pair_rows_micro_f1",
    }
    for name, spec in METRICS.items():
        assert spec.name == name and spec.description
        assert all(kind in PARSERS for kind in spec.output_kinds), name
        assert OUTPUT_KIND[name] == spec.output_kinds[0]
        low, high = spec.value_range
        assert low < high and spec.higher_is_better
    assert "negative" in METRICS["micro_f1"].options


def test_promptsource_names_and_unknown_names() -> None:
    assert from_promptsource("Accuracy") == "accuracy"
    assert from_promptsource("ROUGE") == "rouge1"
    assert from_promptsource("entity_f1") == "entity_f1"
    with pytest.raises(UnknownNameError, match="did you mean 'entity_f1'"):
        metric("entity_f")
    with pytest.raises(UnknownNameError, match="did you mean 'micro_f1'"):
        score("micro-f1", ["a"], ["a"])


BLURB_GROUPS = {
    "named entity recognition": ["bc5cdr_chem", "bc5cdr_disease", "ncbi_disease_blurb", "bc2gm", "jnlpba"],
    "PICO extraction": ["ebm_pico"],
    "relation extraction": ["chemprot", "ddi_corpus_blurb", "gad"],
    "sentence similarity": ["biosses"],
    "document classification": ["hallmarks_of_cancer_blurb"],
    "question answering": ["pubmed_qa", "bioasq_blurb"],
}


def test_blue_and_blurb_scores() -> None:
    scores = {name: 0.5 for names in BLURB_GROUPS.values() for name in names}
    scores["bc5cdr_chem"] = 1.0  # one of five NER datasets
    scores["biosses"] = Score("pearson", 0.8, n=20)  # a group of one
    ner_mean = (1.0 + 0.5 * 4) / 5
    assert blurb_score(scores, BLURB_GROUPS) == pytest.approx((ner_mean + 0.5 + 0.5 + 0.8 + 0.5 + 0.5) / 6)
    assert blue_score({"a": 0.2, "b": Score("accuracy", 0.6, n=3)}) == pytest.approx(0.4)
    assert blue_score(scores, tasks=["bc5cdr_chem", "gad"]) == pytest.approx(0.75)
    with pytest.raises(BioevalError, match="no score for"):
        blurb_score({"bc5cdr_chem": 1.0}, BLURB_GROUPS)
    with pytest.raises(BioevalError, match="undefined"):
        blue_score({"biosses": Score("pearson", None, n=20)})


def test_blurb_groups_of_the_suite_config_are_averaged() -> None:
    from bioeval.config.suites import all_suites

    suite = all_suites()["blurb"]
    groups = dict(suite.groups)
    scores = {name: 1.0 if group == "PICO extraction" else 0.0 for group, names in groups.items() for name in names}
    assert blurb_score(scores, groups) == pytest.approx(1 / len(groups))
