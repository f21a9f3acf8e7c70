"""Statistics over prompts and examples against reference implementations (SciPy, statsmodels)
and against simulations where the truth is known."""

from __future__ import annotations

import numpy as np
import pytest
from bioeval.metrics import prompt_stats as ps
from bioeval.metrics.registry import METRICS
from bioeval.metrics.scoring import bootstrap_p_value, mcnemar_exact, percentile_interval, score
from scipy.stats import binomtest

ACCURACY = METRICS["accuracy"]


def _accuracy_stats(correct: np.ndarray) -> list[np.ndarray]:
    """Per prompt, accuracy's per-example statistics (right, 1)."""
    return [np.stack([row.astype(float), np.ones(len(row))], axis=1) for row in np.atleast_2d(correct)]


def test_holm_matches_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    for size in (1, 2, 5, 17):
        p = rng.random(size) ** 2
        p[0] = p[-1]  # a tie
        expected = multipletests(p, alpha=0.05, method="holm")[1]
        assert ps.holm(list(p)) == pytest.approx(list(expected), abs=1e-12)
    assert ps.holm([]) == []


def test_mcnemar_exact_matches_statsmodels_and_scipy() -> None:
    from statsmodels.stats.contingency_tables import mcnemar

    rng = np.random.default_rng(5)
    for _ in range(20):
        a = rng.random(60) < 0.6
        b = rng.random(60) < 0.5
        table = [[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]]
        expected = mcnemar(table, exact=True).pvalue
        assert mcnemar_exact(a, b) == pytest.approx(expected, rel=1e-9)
        only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
        assert mcnemar_exact(a, b) == pytest.approx(binomtest(only_a, only_a + only_b, 0.5).pvalue)
    same = rng.random(30) < 0.5
    assert mcnemar_exact(same, same) == 1.0


def test_fleiss_kappa_matches_statsmodels() -> None:
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    rng = np.random.default_rng(11)
    for raters, categories in ((2, 2), (5, 2), (5, 3), (8, 4)):
        truth = rng.integers(0, categories, size=40)
        ratings = np.where(rng.random((40, raters)) < 0.7, truth[:, None], rng.integers(0, categories, (40, raters)))
        table, _ = aggregate_raters(ratings)
        assert ps.fleiss_kappa(table) == pytest.approx(fleiss_kappa(table, method="fleiss"), abs=1e-12)
    assert ps.fleiss_kappa(np.array([[5], [5], [5]])) is None  # one category: undefined, not a number


def test_agreement_shares_and_kappa_on_a_table_by_hand() -> None:
    correct = np.array([[1, 1, 0, 0], [1, 0, 0, 1], [1, 1, 0, 0]], dtype=bool)
    classes = np.array([[0, 1, 1, 0], [0, 0, 1, 1], [0, 1, 1, 0]])
    result = ps.agreement(correct, classes)
    assert (result.all_correct, result.none_correct, result.some_correct) == (0.25, 0.25, 0.5)
    table = np.array([[3, 0], [1, 2], [0, 3], [2, 1]])
    assert result.fleiss_kappa == pytest.approx(ps.fleiss_kappa(table))
    # the same class under every prompt and example: kappa undefined
    assert ps.agreement(correct, np.zeros_like(classes)).fleiss_kappa is None


def _long_form(y: np.ndarray) -> dict[str, list]:
    prompts, examples = np.indices(y.shape)
    return {"y": y.ravel(), "p": prompts.ravel(), "e": examples.ravel()}


def test_variance_components_match_statsmodels_anova() -> None:
    """The closed form on a balanced table, from the mean squares statsmodels' ANOVA gives."""
    import pandas as pd
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(2)
    y = (rng.normal(size=(5, 1))) + rng.normal(size=(1, 60)) * 2 + rng.normal(size=(5, 60)) * 0.5
    table = anova_lm(ols("y ~ C(p) + C(e)", data=pd.DataFrame(_long_form(y))).fit())
    ms = table["sum_sq"] / table["df"]
    ms_p, ms_e, ms_r = ms["C(p)"], ms["C(e)"], ms["Residual"]
    parts = ps.variance_components(y)
    assert parts is not None
    assert parts.prompts == pytest.approx(max(0.0, (ms_p - ms_r) / 60))
    assert parts.examples == pytest.approx(max(0.0, (ms_e - ms_r) / 5))
    assert parts.interaction == pytest.approx(ms_r)
    assert ps.variance_components(y[:1]) is None


def test_variance_components_recover_known_components() -> None:
    """Simulated prompts x examples with known variances: estimates near the truth; prompts that
    differ by nothing get a prompt share near 0."""
    rng = np.random.default_rng(0)
    prompts, examples = rng.normal(0, 1.0, (40, 1)), rng.normal(0, 2.0, (1, 400))
    y = prompts + examples + rng.normal(0, 0.5, (40, 400))
    parts = ps.variance_components(y)
    assert parts is not None
    # against the variances of the effects drawn (their population values are 1, 4 and 0.25)
    assert parts.prompts == pytest.approx(np.var(prompts, ddof=1), rel=0.05)
    assert parts.examples == pytest.approx(np.var(examples, ddof=1), rel=0.05)
    assert parts.interaction == pytest.approx(0.25, rel=0.05)
    same_prompts = np.repeat(rng.random((1, 300)) < 0.6, 5, axis=0).astype(float)
    flips = same_prompts.copy()
    noise = rng.random(flips.shape) < 0.1
    flips[noise] = 1 - flips[noise]
    shares = ps.variance_components(flips)
    assert shares is not None and shares.shares() is not None
    assert shares.shares()[0] < 0.01


def test_one_prompt_reduces_to_the_example_bootstrap() -> None:
    rng = np.random.default_rng(1)
    gold = list(rng.choice(["yes", "no"], 80))
    pred = [g if rng.random() < 0.7 else ("no" if g == "yes" else "yes") for g in gold]
    one_way = score("accuracy", pred, gold, n_boot=500, seed=4)
    stats = ACCURACY.tally(pred, gold, {}).stats
    (passes,) = ps.resample(ACCURACY.value, [[stats]], 500, 4)
    assert percentile_interval(passes.two_way()) == (one_way.ci_low, one_way.ci_high)
    assert percentile_interval(passes.examples_only()) == (one_way.ci_low, one_way.ci_high)


def test_identical_prompts_give_the_one_way_interval() -> None:
    rng = np.random.default_rng(8)
    correct = np.repeat(rng.random((1, 100)) < 0.65, 5, axis=0)
    table = _accuracy_stats(correct)
    (passes,) = ps.resample(ACCURACY.value, [table], 1000, 0)
    assert percentile_interval(passes.two_way()) == pytest.approx(percentile_interval(passes.examples_only()))
    # the reported interval: the one-way normal interval, the prompts adding nothing
    low, high, _ = ps.small_sample_interval(0.65, passes)
    half = 1.959963984540054 * np.std(passes.examples_only(), ddof=1)
    assert (low, high) == pytest.approx((0.65 - half, 0.65 + half), abs=1e-12)
    assert np.var(ps.prompts_only(np.full(5, 0.65), 1000, 0)) < 1e-20  # prompts that differ by nothing


def test_same_predictions_are_not_separable_and_a_fixed_margin_is() -> None:
    rng = np.random.default_rng(9)
    a = rng.random((5, 200)) < 0.6
    table_a = _accuracy_stats(a)
    pass_a, pass_b = ps.resample(ACCURACY.value, [table_a, _accuracy_stats(a.copy())], 1000, 0)
    assert bootstrap_p_value(pass_a.two_way() - pass_b.two_way()) == 1.0
    _, _, error = ps.small_sample_interval(0.0, ps.Resampled(pass_a.values - pass_b.values, pass_a.prompt_counts))
    assert error == 0.0 and ps.small_sample_p(0.0, error, 5) == 1.0
    better = a.copy()
    better[:, :40] = True  # right on 40 more of every prompt's examples where a can be wrong
    better[:, 40:60] |= True
    pass_a, pass_b = ps.resample(ACCURACY.value, [_accuracy_stats(better), table_a], 1000, 0)
    deltas = pass_a.two_way() - pass_b.two_way()
    assert np.all(deltas > 0)
    assert bootstrap_p_value(deltas) < 0.01
    delta = float(np.mean([ACCURACY.value(s.sum(axis=0)) for s in _accuracy_stats(better)]) -
                  np.mean([ACCURACY.value(s.sum(axis=0)) for s in table_a]))
    low, _, error = ps.small_sample_interval(delta, ps.Resampled(pass_a.values - pass_b.values, pass_a.prompt_counts))
    assert low > 0 and ps.small_sample_p(delta, error, 5) < 0.01


def test_undefined_prompts_are_left_out_of_the_mean() -> None:
    values = np.array([[0.5, np.nan, 0.7], [np.nan, np.nan, np.nan]])
    means = ps.mean_over_prompts(values, np.array([[1, 5, 1], [1, 1, 1]]))
    assert means[0] == pytest.approx(0.6)
    assert np.isnan(means[1])


def _simulated_run(rng: np.random.Generator, n_prompts: int, n_examples: int) -> np.ndarray:
    """Right/wrong with prompt and example effects on the logit scale."""
    logit = 0.4 + rng.normal(0, 0.6, (n_prompts, 1)) + rng.normal(0, 1.2, (1, n_examples))
    return rng.random((n_prompts, n_examples)) < 1 / (1 + np.exp(-logit))


def coverage(runs: int, n_prompts: int, n_examples: int, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Shares of simulated runs whose two-way and one-way intervals hold the population mean
    (over prompts and examples), and that mean."""
    truth_rng = np.random.default_rng(10_000 + seed)
    logit = 0.4 + truth_rng.normal(0, 0.6, (4000, 1)) + truth_rng.normal(0, 1.2, (1, 4000))
    truth = float(np.mean(1 / (1 + np.exp(-logit))))
    rng = np.random.default_rng(seed)
    hits_two = hits_one = 0
    for run in range(runs):
        table = _accuracy_stats(_simulated_run(rng, n_prompts, n_examples))
        (passes,) = ps.resample(ACCURACY.value, [table], n_boot, run)
        point = float(ps.mean_over_prompts(np.array([ACCURACY.value(s.sum(axis=0)) for s in table])))
        low, high, _ = ps.small_sample_interval(point, passes)
        hits_two += low <= truth <= high
        low, high = percentile_interval(passes.examples_only())
        hits_one += low <= truth <= high
    return hits_two / runs, hits_one / runs, truth


def test_two_way_interval_covers_where_the_one_way_does_not() -> None:
    """A seeded simulation (the 500-run figure is in tests/benchmarks/bench_report_stats.py)."""
    two_way, one_way, _ = coverage(runs=120, n_prompts=5, n_examples=150, n_boot=300, seed=1)
    assert 0.9 <= two_way <= 0.995
    assert one_way < two_way - 0.15
