"""Statistics over prompts and examples: two-way bootstrap, variance shares, agreement, Holm.

A (model, task) is scored under P prompts on the same n examples. Each prompt's metric is a
function of its per-example statistics (``bioeval.metrics.base``: ``value(stats.sum(axis=0))``),
so a list of P arrays of shape (n, k) holds everything (a "table"). Its figure is the mean over
prompts of the per-prompt metric (prompts whose metric is undefined left out, as the
leaderboard does).

The two-way bootstrap resamples both sources of chance: in each of ``n_boot`` rounds the
examples are drawn with replacement (the same draw for every prompt, since the prompts share
their examples) and the prompts are drawn with replacement; the round's value is the mean over
the drawn prompts of each prompt's metric on the drawn examples. The example draws are made
exactly as :func:`bioeval.metrics.scoring.bootstrap_totals` makes them (a NumPy generator seeded
with ``seed``), the prompt draws by a second generator seeded with ``(seed, 1)``; so with one
prompt the interval is the example bootstrap's that ``scores.jsonl`` holds, and tables resampled
together (``resample``) see the same draws: a paired comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bioeval.metrics.scoring import example_counts

ValueFn = Callable[[np.ndarray], np.ndarray]

TWO_WAY = "two-way bootstrap (prompts x examples): standard error x sqrt(P/(P-1)), Student's t on P-1 df"
EXAMPLES_ONLY = "example bootstrap"


def resample_counts(n_prompts: int, n_examples: int, n_boot: int, seed: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Chunks of (example counts (b, n), prompt counts (b, P)): how often each is drawn per round."""
    prompt_rng = np.random.default_rng([seed, 1])
    for counts in example_counts(n_examples, n_boot, np.random.default_rng(seed)):
        prompt_counts = prompt_rng.multinomial(n_prompts, np.full(n_prompts, 1.0 / n_prompts), size=len(counts))
        yield counts, prompt_counts.astype(float)


def mean_over_prompts(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Weighted mean over the last axis, undefined (NaN) values left out; NaN where none is defined."""
    values = np.asarray(values, dtype=float)
    weights = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float)
    defined = ~np.isnan(values)
    total = np.where(defined, weights, 0.0).sum(axis=-1)
    summed = np.where(defined, values * weights, 0.0).sum(axis=-1)
    out = np.full(total.shape, np.nan)
    np.divide(summed, total, out=out, where=total > 0)
    return out


@dataclass(frozen=True)
class Resampled:
    """One bootstrap pass over a table: each prompt's metric in each round (rounds x prompts),
    on resampled examples, and how often each prompt was drawn in each round."""

    values: np.ndarray  # (n_boot, P): prompt p's metric on round b's examples (NaN: undefined)
    prompt_counts: np.ndarray  # (n_boot, P)

    def two_way(self) -> np.ndarray:
        """The mean over the drawn prompts of their metric on the drawn examples, per round."""
        return mean_over_prompts(self.values, self.prompt_counts)

    def examples_only(self) -> np.ndarray:
        """The mean over all prompts on the drawn examples (the one-way example bootstrap)."""
        return mean_over_prompts(self.values)


def resample(
    value: ValueFn, tables: Sequence[Sequence[np.ndarray]], n_boot: int, seed: int,
    undefined_as: float | None = None,
) -> list[Resampled]:
    """One bootstrap pass over each table, every table resampled identically (paired).

    A table is one model's per-prompt statistics: a list of P arrays of shape (n, k), row i of
    every array being example i (k may differ between prompts: label metrics count the classes
    each prompt words). Every table must hold the same number of prompts and examples.
    ``undefined_as`` stands in for an undefined metric (else it stays NaN and is left out).
    """
    n_prompts = len(tables[0])
    n_examples = len(tables[0][0]) if n_prompts else 0
    if any(len(t) != n_prompts or any(len(s) != n_examples for s in t) for t in tables):
        raise ValueError("every table must hold the same prompts and examples")
    arrays = [[np.asarray(s, dtype=float) for s in table] for table in tables]
    values = [np.empty((n_boot, n_prompts)) for _ in arrays]
    counts_out = np.empty((n_boot, n_prompts))
    start = 0
    for counts, prompt_counts in resample_counts(n_prompts, n_examples, n_boot, seed):
        size = len(counts)
        counts_out[start : start + size] = prompt_counts
        for target, table in zip(values, arrays):
            target[start : start + size] = np.stack([np.asarray(value(counts @ s), dtype=float) for s in table], axis=1)
        start += size
    if undefined_as is not None:
        values = [np.where(np.isnan(v), undefined_as, v) for v in values]
    return [Resampled(v, counts_out) for v in values]


def small_sample_interval(
    point: float, resampled: Resampled, confidence: float = 0.95
) -> tuple[float | None, float | None, float | None]:
    """(low, high, standard error) of a mean over P >= 2 prompts from one bootstrap pass.

    The variance of the two-way bootstrap means, V2, is split into the examples' part, V1 (the
    variance with every prompt kept: ``examples_only``), and the prompts' part, V2 - V1. Few
    prompts are a small sample: resampling P of them shrinks their variance by (P - 1) / P, and
    its estimate is itself uncertain, so a percentile interval is too narrow (with 5 prompts it
    covers about 87% instead of 95%). The prompts' part is therefore inflated by P / (P - 1) and
    taken with Student's t on P - 1 degrees of freedom, the examples' part with the normal:
    half-width = sqrt(z^2 V1 + t^2 P / (P - 1) (V2 - V1)). Prompts that differ by nothing
    (V2 = V1) get the one-way normal interval point +- z sqrt(V1). The standard error returned is
    half-width / t, so the test of ``small_sample_p`` rejects at 1 - confidence exactly when the
    interval leaves out 0. (None, None, None) with fewer than 2 prompts or defined resamples.
    """
    from scipy.special import ndtri, stdtrit

    n_prompts = resampled.values.shape[1]
    both, examples = resampled.two_way(), resampled.examples_only()
    keep = ~np.isnan(both) & ~np.isnan(examples)
    if n_prompts < 2 or keep.sum() < 2:
        return None, None, None
    v_examples = float(np.var(examples[keep], ddof=1))
    v_prompts = max(0.0, float(np.var(both[keep], ddof=1)) - v_examples)
    z = float(ndtri((1 + confidence) / 2))
    t = float(stdtrit(n_prompts - 1, (1 + confidence) / 2))
    half = float(np.sqrt(z * z * v_examples + t * t * n_prompts / (n_prompts - 1) * v_prompts))
    return point - half, point + half, half / t


def small_sample_p(delta: float, error: float, n_prompts: int) -> float:
    """Two-sided p of "no difference" for ``delta`` with standard error ``error`` on P - 1
    degrees of freedom (see ``small_sample_interval``); 1 for no difference at all, 0 for a
    difference without any spread."""
    from scipy.special import stdtr

    if error == 0.0:
        return 1.0 if delta == 0.0 else 0.0
    return float(min(1.0, 2 * stdtr(n_prompts - 1, -abs(delta) / error)))


def prompts_only(prompt_values: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """The mean over resampled prompts of their metric on all examples, per round (the prompt
    draws are the ones ``resample`` makes with the same seed)."""
    values = np.asarray(prompt_values, dtype=float)[None, :]
    rng = np.random.default_rng([seed, 1])
    draws = rng.multinomial(values.shape[1], np.full(values.shape[1], 1.0 / values.shape[1]), size=n_boot)
    return mean_over_prompts(np.broadcast_to(values, draws.shape), draws)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (the family-wise error rate), in the input order."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if not m:
        return []
    order = np.argsort(p, kind="mergesort")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return [float(x) for x in out]


@dataclass(frozen=True)
class VarianceShares:
    """Variance components of per-example scores (P prompts x n examples, one score per cell).

    ``interaction`` is the prompt x example interaction, confounded with residual noise (one
    observation per cell). Shares are of the sum of the three; components estimated below zero
    are set to zero (the usual truncation), and ``method`` says which estimator gave them.
    """

    prompts: float
    examples: float
    interaction: float
    method: str

    @property
    def total(self) -> float:
        return self.prompts + self.examples + self.interaction

    def shares(self) -> tuple[float, float, float] | None:
        total = self.total
        if total <= 0:
            return None
        return self.prompts / total, self.examples / total, self.interaction / total


ANOVA = "crossed random effects, ANOVA (method of moments) estimates on the balanced prompts x examples table"
BOOTSTRAP_VARIANCE = "bootstrap variance of the mean over prompts: prompts resampled alone vs examples alone"


def variance_components(scores: np.ndarray) -> VarianceShares | None:
    """Crossed random-effects variance components of a (P, n) table of per-example scores.

    Two-way ANOVA without replication: sigma2_prompt = (MS_prompt - MS_res) / n,
    sigma2_example = (MS_example - MS_res) / P, sigma2_interaction = MS_res. None with fewer than
    two prompts or two examples.
    """
    y = np.asarray(scores, dtype=float)
    n_prompts, n_examples = y.shape
    if n_prompts < 2 or n_examples < 2:
        return None
    grand = y.mean()
    prompt_means = y.mean(axis=1)
    example_means = y.mean(axis=0)
    ss_prompts = n_examples * np.sum((prompt_means - grand) ** 2)
    ss_examples = n_prompts * np.sum((example_means - grand) ** 2)
    residual = y - prompt_means[:, None] - example_means[None, :] + grand
    ss_residual = np.sum(residual**2)
    ms_prompts = ss_prompts / (n_prompts - 1)
    ms_examples = ss_examples / (n_examples - 1)
    ms_residual = ss_residual / ((n_prompts - 1) * (n_examples - 1))
    return VarianceShares(
        prompts=float(max(0.0, (ms_prompts - ms_residual) / n_examples)),
        examples=float(max(0.0, (ms_examples - ms_residual) / n_prompts)),
        interaction=float(ms_residual),
        method=ANOVA,
    )


@dataclass(frozen=True)
class Agreement:
    """How consistently the prompts answer each example: shares of examples right under every
    prompt, under none, under some; Fleiss' kappa of the predicted classes (None where undefined)."""

    n_examples: int
    n_prompts: int
    all_correct: float
    none_correct: float
    some_correct: float
    fleiss_kappa: float | None


def agreement(correct: np.ndarray, classes: np.ndarray) -> Agreement:
    """From (P, n) booleans (right or not) and (P, n) integer class codes (-1 = unparsed)."""
    right = np.asarray(correct, dtype=bool)
    n_prompts, n_examples = right.shape
    per_example = right.sum(axis=0)
    codes = np.asarray(classes, dtype=int)
    categories = np.unique(codes)
    table = np.stack([(codes == c).sum(axis=0) for c in categories], axis=1)
    return Agreement(
        n_examples=n_examples,
        n_prompts=n_prompts,
        all_correct=float(np.mean(per_example == n_prompts)) if n_examples else 0.0,
        none_correct=float(np.mean(per_example == 0)) if n_examples else 0.0,
        some_correct=float(np.mean((per_example > 0) & (per_example < n_prompts))) if n_examples else 0.0,
        fleiss_kappa=fleiss_kappa(table) if n_prompts >= 2 else None,
    )


def fleiss_kappa(table: np.ndarray) -> float | None:
    """Fleiss' kappa of a (subjects, categories) table of rater counts, each row summing to the
    same number of raters; None where undefined (one category only: chance agreement is 1)."""
    counts = np.asarray(table, dtype=float)
    n_subjects = counts.shape[0]
    raters = counts[0].sum() if n_subjects else 0
    if n_subjects == 0 or raters < 2:
        return None
    p_category = counts.sum(axis=0) / (n_subjects * raters)
    p_subject = (np.sum(counts * counts, axis=1) - raters) / (raters * (raters - 1))
    observed = p_subject.mean()
    chance = np.sum(p_category**2)
    if np.isclose(chance, 1.0):
        return None
    return float((observed - chance) / (1.0 - chance))
