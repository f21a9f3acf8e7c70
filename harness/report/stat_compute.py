"""The computations behind ``bioeval.report.statistics``: the prompts x examples grid of every
(model, task), read once from ``samples/``, and each statistic on it.

Examples are matched by id: a model's figures use the examples every one of its prompts has; a
pair of models uses the prompts both ran and the examples all of those share. A metric's value
on any set of examples is its ``value`` of the summed per-example statistics (``tally``), so
resampling never re-parses an output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bioeval.errors import BioevalError
from bioeval.metrics import prompt_stats as ps
from bioeval.metrics.base import MetricSpec
from bioeval.metrics.registry import METRICS
from bioeval.metrics.scoring import bootstrap_p_value, mcnemar_exact, percentile_interval, prediction_values
from bioeval.report.data import ReportData
from bioeval.report.stat_types import (
    MEAN_OVER_PROMPTS,
    AgreementRow,
    CalibrationRow,
    HardExample,
    MeanInterval,
    PairComparison,
    PromptTest,
    StatsSettings,
    TieGroups,
    VarianceRow,
)
from bioeval.report.unit_samples import UnitReader, UnitSamples
from bioeval.rundir.records import Mode

RANKED = "softmax over the answer choices' summed log-likelihoods, as the run ranked them (not length-normalised)"


@dataclass
class Grid:
    """Every (model, task)'s prompts, in report order, with their saved examples."""

    units: dict[tuple[str, str], dict[str, UnitSamples]]  # (model, task) -> prompt -> samples
    scored: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)  # (model, task, prompt) -> metrics
    baselines: set[str] = field(default_factory=set)  # models that are a majority baseline
    notes: list[str] = field(default_factory=list)
    _tallies: dict[tuple[str, str, str, str], tuple[dict[str, int], np.ndarray]] = field(default_factory=dict)

    @classmethod
    def load(cls, data: ReportData, read: UnitReader) -> Grid:
        units: dict[tuple[str, str], dict[str, UnitSamples]] = {}
        missing: dict[tuple[str, str], str] = {}
        scored: dict[tuple[str, str, str], set[str]] = {}
        for row in data.rows:
            scored.setdefault((row.model, row.task, row.prompt), set()).add(row.metric)
            key = (row.model, row.task)
            prompts = units.setdefault(key, {})
            if row.prompt in prompts or key in missing:
                continue
            try:
                prompts[row.prompt] = read(row)
            except BioevalError as error:
                missing[key] = str(error)
        for key in missing:
            units.pop(key, None)
        grid = cls(units, scored, {row.model for row in data.rows if row.is_baseline})
        grid.notes.extend(f"statistics of {m} on {t} not computed: {reason}" for (m, t), reason in missing.items())
        return grid

    def models(self, task: str) -> list[str]:
        return [model for (model, t) in self.units if t == task]

    def prompts(self, model: str, task: str, metric: str | None = None) -> list[str]:
        """The model's prompts of the task (those scored by ``metric``, when given)."""
        return [p for p in self.units.get((model, task), {})
                if metric is None or metric in self.scored.get((model, task, p), ())]

    def shared_ids(self, keys: Sequence[tuple[str, str, str]]) -> list[str]:
        """Example ids every (model, task, prompt) of ``keys`` has, in the first one's order."""
        first = self.units[keys[0][:2]][keys[0][2]]
        common = set(first.predictions)
        for model, task, prompt in keys[1:]:
            common &= set(self.units[(model, task)][prompt].predictions)
        return [i for i in first.predictions if i in common]

    def stats(self, model: str, task: str, prompt: str, metric: str, ids: Sequence[str]) -> np.ndarray:
        """The metric's per-example statistics of one unit, rows in the order of ``ids``."""
        key = (model, task, prompt, metric)
        if key not in self._tallies:
            unit = self.units[(model, task)][prompt]
            order = list(unit.predictions)
            values, _ = prediction_values([unit.predictions[i] for i in order])
            tally = METRICS[metric].tally(values, [unit.references[i] for i in order], dict(unit.options))
            self._tallies[key] = ({i: n for n, i in enumerate(order)}, tally.stats)
        index, stats = self._tallies[key]
        return stats[[index[i] for i in ids]]

    def table(self, model: str, task: str, metric: str, prompts: Sequence[str] | None = None,
              ids: Sequence[str] | None = None) -> Table | None:
        prompts = list(prompts or self.prompts(model, task, metric))
        if metric not in METRICS or not prompts:
            return None
        ids = list(ids) if ids is not None else self.shared_ids([(model, task, p) for p in prompts])
        stats = [self.stats(model, task, p, metric, ids) for p in prompts]
        return Table(model, task, METRICS[metric], tuple(prompts), tuple(ids), stats)


@dataclass(frozen=True)
class Table:
    """One model's per-example statistics under each prompt, on the same examples."""

    model: str
    task: str
    spec: MetricSpec
    prompts: tuple[str, ...]
    ids: tuple[str, ...]
    stats: list[np.ndarray]  # per prompt, (n, k)

    def prompt_values(self, undefined_as: float | None = None) -> np.ndarray:
        values = np.array([float(self.spec.value(s.sum(axis=0))) for s in self.stats])
        return values if undefined_as is None else np.where(np.isnan(values), undefined_as, values)


def _method(n_prompts: int) -> str:
    return ps.TWO_WAY if n_prompts > 1 else f"{ps.EXAMPLES_ONLY} (one prompt)"


def _as_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def interval(table: Table, settings: StatsSettings) -> MeanInterval:
    n_prompts, n = len(table.prompts), len(table.ids)
    point = _as_float(float(ps.mean_over_prompts(table.prompt_values())))
    base = dict(model=table.model, task=table.task, metric=table.spec.name, n_prompts=n_prompts,
                n_examples=n, method=_method(n_prompts), seed=settings.seed, n_boot=settings.n_boot,
                confidence=settings.confidence)
    if point is None or n < 2:
        why = "fewer than 2 examples shared by the prompts" if n < 2 else f"{table.spec.name} undefined under every prompt"
        return MeanInterval(value=point, ci_low=None, ci_high=None, note=why, **base)
    (passes,) = ps.resample(table.spec.value, [table.stats], settings.n_boot, settings.seed)
    one_low, one_high = percentile_interval(passes.examples_only(), settings.confidence)
    if n_prompts > 1:
        low, high, _ = ps.small_sample_interval(point, passes, settings.confidence)
    else:  # one prompt: the example bootstrap scores.jsonl holds
        low, high = one_low, one_high
    low, high = _within(table.spec, low), _within(table.spec, high)
    return MeanInterval(value=point, ci_low=low, ci_high=high, example_ci_low=one_low, example_ci_high=one_high,
                        **base)


def _within(spec: MetricSpec, bound: float | None) -> float | None:
    """An interval's bound kept inside the metric's range (a t interval can pass its ends)."""
    return None if bound is None else min(max(bound, spec.value_range[0]), spec.value_range[1])


def variance_row(table: Table, settings: StatsSettings) -> VarianceRow:
    n_prompts, n = len(table.prompts), len(table.ids)
    base = dict(model=table.model, task=table.task, metric=table.spec.name, n_prompts=n_prompts, n_examples=n)
    if n_prompts < 2 or n < 2:
        return VarianceRow(prompts=None, examples=None, interaction=None, method="",
                           note="undefined: needs 2 or more prompts and examples", **base)
    if table.spec.per_example:
        scores = np.stack([np.asarray(table.spec.value(s), dtype=float) for s in table.stats])
        parts = ps.variance_components(scores)
        shares = None if parts is None else parts.shares()
        if shares is None:
            return VarianceRow(prompts=None, examples=None, interaction=None, method=ps.ANOVA,
                               note="undefined: every per-example score is the same", **base)
        return VarianceRow(prompts=shares[0], examples=shares[1], interaction=shares[2], method=ps.ANOVA, **base)
    fill = table.spec.undefined_as
    (passes,) = ps.resample(table.spec.value, [table.stats], settings.n_boot, settings.seed, undefined_as=fill)
    over_prompts = ps.prompts_only(table.prompt_values(fill), settings.n_boot, settings.seed)
    over_examples = passes.examples_only()
    var_p, var_e = float(np.nanvar(over_prompts)), float(np.nanvar(over_examples))
    if not var_p + var_e > 0:
        return VarianceRow(prompts=None, examples=None, interaction=None, method=ps.BOOTSTRAP_VARIANCE,
                           note="undefined: no variance over prompts or examples", **base)
    return VarianceRow(prompts=var_p / (var_p + var_e), examples=var_e / (var_p + var_e), interaction=None,
                       method=f"{ps.BOOTSTRAP_VARIANCE} ({settings.n_boot} resamples, seed {settings.seed})",
                       note="interaction not separable for a corpus-level metric", **base)


def comparisons(grid: Grid, task: str, metric: str, models: Sequence[str],
                settings: StatsSettings) -> list[PairComparison]:
    out = []
    for i, model_a in enumerate(models):
        for model_b in models[i + 1:]:
            pair = compare_pair(grid, task, metric, model_a, model_b, settings)
            if pair is not None:
                out.append(pair)
    return out


def compare_pair(grid: Grid, task: str, metric: str, model_a: str, model_b: str,
                 settings: StatsSettings) -> PairComparison | None:
    spec = METRICS.get(metric)
    prompts = [p for p in grid.prompts(model_a, task, metric) if p in grid.prompts(model_b, task, metric)]
    if spec is None or not prompts:
        return None
    ids = grid.shared_ids([(m, task, p) for m in (model_a, model_b) for p in prompts])
    a = grid.table(model_a, task, metric, prompts, ids)
    b = grid.table(model_b, task, metric, prompts, ids)
    assert a is not None and b is not None
    fill = spec.undefined_as
    filled = [f"{m} under {int(np.isnan(t.prompt_values()).sum())} of {len(prompts)} prompts"
              for m, t in ((model_a, a), (model_b, b)) if fill is not None and np.isnan(t.prompt_values()).any()]
    fill_note = f"{metric} undefined for {' and '.join(filled)}, taken as {fill}" if filled else ""
    mean_a = _as_float(float(ps.mean_over_prompts(a.prompt_values(fill))))
    mean_b = _as_float(float(ps.mean_over_prompts(b.prompt_values(fill))))
    base = dict(task=task, metric=metric, model_a=model_a, model_b=model_b, n_prompts=len(prompts),
                n_examples=len(ids), mean_a=mean_a, mean_b=mean_b, seed=settings.seed, n_boot=settings.n_boot,
                higher_is_better=spec.higher_is_better)
    if mean_a is None or mean_b is None or len(ids) < 2:
        note = "fewer than 2 shared examples" if len(ids) < 2 else f"{metric} undefined for one of the two"
        return PairComparison(delta=None, ci_low=None, ci_high=None, p_value=None, method="", a_wins=0, b_wins=0,
                              prompts=(), note=note, **base)
    pass_a, pass_b = ps.resample(spec.value, [a.stats, b.stats], settings.n_boot, settings.seed, undefined_as=fill)
    deltas = pass_a.two_way() - pass_b.two_way()
    delta = mean_a - mean_b
    if len(prompts) > 1:
        difference = ps.Resampled(pass_a.values - pass_b.values, pass_a.prompt_counts)
        low, high, error = ps.small_sample_interval(delta, difference, settings.confidence)
        width = spec.value_range[1] - spec.value_range[0]  # a difference lies within +- the range's width
        low, high = (None if low is None else max(low, -width)), (None if high is None else min(high, width))
        p_value = None if error is None else ps.small_sample_p(delta, error, len(prompts))
    else:  # one prompt: the paired example bootstrap
        (low, high), p_value = percentile_interval(deltas, settings.confidence), bootstrap_p_value(deltas)
    tests = _prompt_tests(a, b, pass_a.values - pass_b.values, settings)
    sign = 1.0 if spec.higher_is_better else -1.0
    won = [t for t in tests if t.p_holm is not None and t.p_holm < settings.alpha and t.delta]
    return PairComparison(
        delta=delta, ci_low=low, ci_high=high, p_value=p_value,
        method=f"{_method(len(prompts))}, paired: both models on the same resamples",
        a_wins=sum(sign * t.delta > 0 for t in won if t.delta is not None),
        b_wins=sum(sign * t.delta < 0 for t in won if t.delta is not None),
        prompts=tests, note=fill_note, **base,
    )


def _prompt_tests(a: Table, b: Table, deltas: np.ndarray, settings: StatsSettings) -> tuple[PromptTest, ...]:
    """Per prompt: exact McNemar for a per-example right/wrong metric (accuracy), else the paired
    bootstrap (``deltas``: rounds x prompts, A - B on the same resampled examples); Holm's
    correction over the prompts."""
    spec, fill = a.spec, a.spec.undefined_as
    values_a, values_b = a.prompt_values(fill), b.prompt_values(fill)
    raw: list[tuple[float | None, str]] = []
    for index, (stats_a, stats_b) in enumerate(zip(a.stats, b.stats)):
        if spec.name == "accuracy":
            raw.append((mcnemar_exact(stats_a[:, 0] > 0, stats_b[:, 0] > 0), "exact McNemar"))
        else:
            raw.append((bootstrap_p_value(deltas[:, index]), f"paired bootstrap ({settings.n_boot} resamples)"))
    defined = [p for p, _ in raw if p is not None]
    adjusted = iter(ps.holm(defined))
    tests = []
    for prompt, value_a, value_b, (p, method) in zip(a.prompts, values_a, values_b, raw):
        delta = _as_float(value_a - value_b)
        tests.append(PromptTest(prompt, _as_float(value_a), _as_float(value_b), delta, p,
                                None if p is None else next(adjusted), method))
    return tuple(tests)


def tie_groups(task: str, metric: str, intervals: Sequence[MeanInterval], pairs: Sequence[PairComparison],
               settings: StatsSettings) -> TieGroups | None:
    """Greedy from the best: the best model left opens a group; every other model left whose
    difference from it is not significant (two-way paired p, Holm over those comparisons) joins."""
    spec = METRICS.get(metric)
    if spec is None or len(intervals) < 2:
        return None
    sign = 1.0 if spec.higher_is_better else -1.0
    left = sorted((i for i in intervals if i.value is not None), key=lambda i: -sign * float(i.value))  # type: ignore[arg-type]
    p_of = {frozenset((p.model_a, p.model_b)): p.p_value for p in pairs}
    ranks: list[tuple[str, int]] = []
    rank = 0
    while left:
        rank += 1
        best, rest = left[0], left[1:]
        p_values = [p_of.get(frozenset((best.model, other.model))) for other in rest]
        adjusted = ps.holm([1.0 if p is None else p for p in p_values])
        joins = [other for other, p in zip(rest, adjusted) if p >= settings.alpha]
        ranks.extend((m.model, rank) for m in [best, *joins])
        left = [other for other in rest if other not in joins]
    method = (f"two-way paired bootstrap of the difference of means over prompts ({settings.n_boot} resamples, "
              f"seed {settings.seed}; Student's t on prompts - 1 degrees of freedom); a model whose difference from its group's best is not significant at "
              f"alpha={settings.alpha} after Holm's correction over the comparisons with that best shares its rank")
    return TieGroups(task, metric, tuple(ranks), method)


def agreement_rows(grid: Grid, model: str, task: str, settings: StatsSettings) -> list[AgreementRow]:
    """Over the task's prompts scored by accuracy (label outputs), where there are 2 or more."""
    prompts = [p for p in grid.prompts(model, task, "accuracy") if grid.units[(model, task)][p].output == "label"]
    units = [grid.units[(model, task)][p] for p in prompts]
    if len(prompts) < 2:
        return []
    ids = grid.shared_ids([(model, task, p) for p in prompts])
    correct = np.stack([grid.stats(model, task, p, "accuracy", ids)[:, 0] > 0 for p in prompts])
    classes = np.array([[_class_code(u, i) for i in ids] for u in units])
    result = ps.agreement(correct, classes)
    wrong = (~correct).sum(axis=0)
    order = sorted((k for k in range(len(ids)) if wrong[k]), key=lambda k: (-int(wrong[k]), ids[k]))
    first = units[0]
    hardest = tuple(
        HardExample(id=ids[k], n_wrong=int(wrong[k]), n_prompts=len(prompts), gold=str(first.references[ids[k]]),
                    input=first.inputs.get(ids[k]) or "",
                    predictions=tuple((u.prompt, str(u.predictions[ids[k]].value)) for u in units))
        for k in order[: settings.hardest]
    )
    kappa_note = "" if result.fleiss_kappa is not None else "Fleiss' kappa undefined: every prompt predicts one class"
    return [AgreementRow(model=model, task=task, n_prompts=len(prompts), n_examples=len(ids),
                         all_correct=result.all_correct, none_correct=result.none_correct,
                         some_correct=result.some_correct, fleiss_kappa=result.fleiss_kappa, hardest=hardest,
                         note=kappa_note)]


def _class_code(unit: UnitSamples, example: str) -> int:
    """The predicted class as its position among the prompt's answer choices (prompts list a
    task's classes in the same order: answer_choices[label]); -1 unparsed, -2 outside them."""
    value = unit.predictions[example].value
    if value is None:
        return -1
    choices = unit.choices.get(example) or tuple(unit.options.get("labels") or ())
    return choices.index(value) if value in choices else -2


def calibration_rows(grid: Grid, model: str, task: str, settings: StatsSettings) -> list[CalibrationRow]:
    """Per ranked prompt whose every example kept its choices' log-likelihoods, and their mean
    (not for a majority baseline: its answer is fixed, its log-likelihoods stand-ins)."""
    if model in grid.baselines:
        return []
    from bioeval.metrics.calibration import calibration, probability_matrix

    rows: list[CalibrationRow] = []
    pooled: tuple[list[tuple[float, ...]], list[int]] = ([], [])
    for prompt in grid.prompts(model, task):
        unit = grid.units[(model, task)][prompt]
        ids = list(unit.predictions)
        if unit.mode is not Mode.RANK or not ids or any(i not in unit.choice_logliks for i in ids):
            continue
        logliks = [unit.choice_logliks[i] for i in ids]
        gold = [_gold_index(unit, i) for i in ids]
        result = calibration(probability_matrix(logliks), gold, settings.bins)
        if result is None:
            continue
        pooled[0].extend(logliks)
        pooled[1].extend(gold)
        rows.append(CalibrationRow(model, task, prompt, RANKED, result))
    if not rows:
        return []
    together = calibration(probability_matrix(pooled[0]), pooled[1], settings.bins)
    assert together is not None
    mean = {name: float(np.mean([getattr(r.figures, name) for r in rows]))
            for name in ("accuracy", "mean_confidence", "ece_equal_width", "ece_equal_mass", "brier")}
    rows.append(CalibrationRow(model, task, MEAN_OVER_PROMPTS, RANKED, replace(together, **mean)))
    return rows


def _gold_index(unit: UnitSamples, example: str) -> int:
    choices = unit.choices.get(example) or ()
    gold = unit.references[example]
    return choices.index(gold) if gold in choices else -1
