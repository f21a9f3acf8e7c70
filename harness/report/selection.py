"""An honest "best prompt": chosen on data other than the data its score is reported on.

The papers' "Best" is the best prompt on the test set: selected and scored on the same examples,
so it is optimistic. Beside it, per (model, task, metric):

- with a validation run (a run folder whose run.json says ``config.split`` is ``validation`` or
  ``dev``): the prompt that scores best there, and that prompt's test score;
- otherwise, cross-validation over test folds from the saved samples: the test examples are
  split into k folds (seeded shuffle of the example ids); for each fold the prompt is chosen on
  the other k-1 folds (each prompt's metric there from its per-example statistics, as the
  bootstrap resamples them), and that prompt's predictions on the held-out fold are kept. The kept
  predictions cover every test example exactly once; the corpus-level metric is computed once
  on these pooled out-of-fold (prediction, reference) pairs, with the function the run scores
  with (``bioeval.metrics.scoring.score``). Averaging k per-fold values instead would not be the
  metric on the test set: for a correlation on small folds (BIOSSES: 20 examples, folds of 4)
  the mean of per-fold r can lie far above the r of every prompt on all 20 examples.

What this does and does not guarantee, against the test-selected Best on the same examples:

- one prompt chosen on every fold: the honest score is that prompt's test score, so never above;
- a metric that is a mean of per-example scores (accuracy, ROUGE-1): never above, whatever the
  folds choose. With S_p prompt p's total and s_pk its part on fold k, fold k's pick maximizes
  S_p - s_pk, so for the test-best q, s_pick,k <= s_qk + (S_pick - S_q) <= s_qk; sum over k;
- a corpus-level metric (Pearson, F1) with different prompts chosen on different folds: no
  bound. The pooled predictions mix prompts, and a mix can beat each of its parts (the tests
  hold a 20-example Pearson case: 0.569 pooled against 0.422 for the better prompt). The detail
  text names the prompts chosen per fold and says when they are a mix.

No model is called.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bioeval.errors import BioevalError
from bioeval.metrics.types import Prediction, Score
from bioeval.report.data import ReportData, ReportRow
from bioeval.report.unit_samples import UnitReader, UnitSamples

FOLDS = 5
SEED = 1234
VALIDATION, CROSS_VALIDATION = "validation", "cross-validation"


@dataclass(frozen=True)
class PromptChoice:
    model: str
    task: str
    metric: str
    n_prompts: int
    test_best_prompt: str  # the papers' Best: chosen on the test set (optimistic)
    test_best: float | None
    method: str  # VALIDATION or CROSS_VALIDATION ("" where no choice could be made)
    chosen_prompt: str  # the validation choice, or the prompt chosen most often over the folds
    score: float | None  # its test score (validation), or the metric on the pooled out-of-fold predictions
    detail: str = ""


def choose_prompts(data: ReportData, folds: int = FOLDS, seed: int = SEED,
                   reader: UnitReader | None = None) -> tuple[PromptChoice, ...]:
    """One choice per (model, task, metric) with two or more prompts; baselines left out."""
    groups: dict[tuple[str, str, str], list[ReportRow]] = {}
    for row in data.rows:
        if not row.is_baseline:
            groups.setdefault((row.model, row.task, row.metric), []).append(row)
    dev: dict[tuple[str, str, str], list[ReportRow]] = {}
    for row in data.dev_rows:
        dev.setdefault((row.model, row.task, row.metric), []).append(row)
    read = reader or UnitReader(data)
    choices = []
    for key, rows in groups.items():
        if len(rows) < 2:
            continue
        if key in dev:
            choices.append(on_validation(rows, dev[key]))
        else:
            choices.append(by_folds(rows, read, folds, seed))
    return tuple(choices)


def _best(rows: Sequence[ReportRow]) -> ReportRow | None:
    from bioeval.metrics.registry import METRICS

    scored = [r for r in rows if r.value is not None]
    if not scored:
        return None
    spec = METRICS.get(scored[0].metric)
    sign = -1.0 if spec is not None and not spec.higher_is_better else 1.0
    return max(scored, key=lambda r: sign * float(r.value))  # max keeps the first of ties


def _choice(rows: Sequence[ReportRow], method: str, prompt: str, score: float | None, detail: str) -> PromptChoice:
    first, best = rows[0], _best(rows)
    return PromptChoice(
        model=first.model, task=first.task, metric=first.metric, n_prompts=len(rows),
        test_best_prompt="" if best is None else best.prompt,
        test_best=None if best is None else best.value,
        method=method, chosen_prompt=prompt, score=score, detail=detail,
    )


def on_validation(test_rows: Sequence[ReportRow], dev_rows: Sequence[ReportRow]) -> PromptChoice:
    """The prompt best on the validation run, scored on the test run."""
    pick = _best(dev_rows)
    if pick is None:
        return _choice(test_rows, "", "", None, "no defined validation score")
    test = {r.prompt: r for r in test_rows}
    if pick.prompt not in test:
        return _choice(test_rows, "", "", None, f"prompt {pick.prompt} chosen on validation has no test score")
    return _choice(test_rows, VALIDATION, pick.prompt, test[pick.prompt].value,
                   f"chosen on the validation run {pick.run} (n={pick.n})")


def fold_of(ids: Sequence[str], folds: int, seed: int) -> dict[str, int]:
    """Each example id's fold: a seeded shuffle of the sorted ids, dealt round-robin."""
    order = sorted(set(ids))
    random.Random(seed).shuffle(order)
    return {example: index % folds for index, example in enumerate(order)}


@dataclass(frozen=True)
class PromptSamples:
    """One prompt's saved test predictions and gold values by example id, and its metric options."""

    prompt: str
    predictions: Mapping[str, Prediction]
    references: Mapping[str, Any]
    options: Mapping[str, Any]


def by_folds(rows: Sequence[ReportRow], read: UnitReader, folds: int, seed: int) -> PromptChoice:
    try:
        samples = [_prompt_samples(read(row)) for row in rows]
    except BioevalError as error:
        return _choice(rows, "", "", None, f"cross-validation not possible: {error}")
    try:
        result = cross_validate(rows[0].metric, samples, folds, seed)
    except BioevalError as error:
        return _choice(rows, "", "", None, str(error))
    return _choice(rows, CROSS_VALIDATION, result.chosen, result.score.value, result.detail)


@dataclass(frozen=True)
class CrossValidated:
    chosen: str  # the prompt chosen on most folds
    picks: tuple[str, ...]  # per fold, the prompt chosen on the other folds
    held_out: tuple[tuple[str, ...], ...]  # per fold, its example ids
    score: Score  # the metric once on the pooled out-of-fold predictions
    detail: str


def cross_validate(metric: str, samples: Sequence[PromptSamples], folds: int, seed: int) -> CrossValidated:
    """Choose per fold on the other folds, pool the chosen prompts' held-out predictions, score once.

    Raises BioevalError (one line, shown in the report) when no honest score can be formed.
    """
    common = set.intersection(*(set(s.predictions) for s in samples))
    if len(common) < folds:
        raise BioevalError(f"too few shared examples ({len(common)}) for {folds} folds")
    assignment = fold_of(sorted(common), folds, seed)
    by_prompt = {s.prompt: s for s in samples}
    rows = {s.prompt: _tally_rows(metric, s) for s in samples}
    picks: list[str] = []
    held_out: list[tuple[str, ...]] = []
    for fold in range(folds):
        train = sorted(e for e in common if assignment[e] != fold)
        pick = _pick_on(metric, samples, rows, train)
        if pick is None:
            raise BioevalError(f"no prompt has a defined {metric} on the folds other than fold {fold + 1} "
                               f"of {folds}, so that fold's examples have no out-of-fold prediction")
        picks.append(pick)
        held_out.append(tuple(sorted(e for e in common if assignment[e] == fold)))
    pooled = pool(metric, [(by_prompt[p], ids) for p, ids in zip(picks, held_out)])
    counts = Counter(picks)
    chosen = counts.most_common(1)[0][0]
    detail = (f"{folds}-fold cross-validation over the {len(common)} test examples (seed {seed}): "
              f"per fold, the prompt best on the other folds predicts the held-out fold; the metric is "
              f"computed once on the pooled out-of-fold predictions (n={pooled.n}); "
              f"chosen per fold: {', '.join(f'{p} x{c}' for p, c in counts.most_common())}")
    if len(counts) > 1:
        detail += " (a mix of prompts)"
    if pooled.value is None:
        detail += f"; {metric} is undefined on the pooled predictions"
        detail += f" ({pooled.note})" if pooled.note else ""
    return CrossValidated(chosen, tuple(picks), tuple(held_out), pooled, detail)


def pool(metric: str, parts: Sequence[tuple[PromptSamples, Sequence[str]]]) -> Score:
    """The metric once on the union of each part's predictions on its examples.

    Each part's labels are renamed into the first part's wording where the prompts word the
    classes differently (label metrics read their classes from the options: a GAD prompt may say
    yes/no where another says true/false); the options list the classes in the same order.
    """
    from bioeval.metrics import scoring
    from bioeval.metrics.registry import METRICS

    spec = METRICS[metric]
    options = parts[0][0].options
    predictions: list[Prediction] = []
    references: list[Any] = []
    for samples, ids in parts:
        rename = _renaming(spec.options, samples, parts[0][0])
        for example in ids:
            prediction = samples.predictions[example]
            predictions.append(replace(prediction, value=rename(prediction.value)))
            references.append(rename(samples.references[example]))
    return scoring.score(spec, predictions, references, options=options, n_boot=0)


def _pick_on(metric: str, samples: Sequence[PromptSamples], rows: Mapping[str, Mapping[str, Any]],
             examples: Sequence[str]) -> str | None:
    """The prompt best on ``examples`` (the first of ties), None where no prompt's value is defined."""
    import numpy as np

    from bioeval.metrics.base import as_float
    from bioeval.metrics.registry import METRICS

    spec = METRICS[metric]
    best: tuple[float, str] | None = None
    for prompt in samples:
        value = as_float(spec.value(np.sum([rows[prompt.prompt][e] for e in examples], axis=0)))
        if value is None:
            continue
        signed = value if spec.higher_is_better else -value
        if best is None or signed > best[0]:
            best = (signed, prompt.prompt)
    return None if best is None else best[1]


def _tally_rows(metric: str, samples: PromptSamples) -> dict[str, Any]:
    """Per example id, the metric's row of sufficient statistics on this prompt's examples.

    The metric on a subset of one prompt's examples is its value on the subset's summed rows, as
    the bootstrap resamples it (Pearson's rows are centred on this prompt's means, which leaves r
    unchanged). Rows of different prompts are not summed: they need not be comparable (their
    centring differs), which is why ``pool`` scores pooled predictions afresh.
    """
    from bioeval.metrics.registry import METRICS
    from bioeval.metrics.scoring import prediction_values

    ids = list(samples.predictions)
    values, _ = prediction_values([samples.predictions[e] for e in ids])
    tally = METRICS[metric].tally(values, [samples.references[e] for e in ids], dict(samples.options))
    return dict(zip(ids, tally.stats))


@dataclass(frozen=True)
class _Unmatched:
    """A label outside its prompt's classes, kept apart from every class of the pooled wording."""

    prompt: str
    label: Any

    def __str__(self) -> str:
        return f"{self.prompt}:{self.label}"


def _renaming(read: frozenset[str], samples: PromptSamples, into: PromptSamples) -> Callable[[Any], Any]:
    """A label renaming from ``samples``' wording into ``into``'s (identity where they agree)."""
    mine = {k: samples.options.get(k) for k in read}
    theirs = {k: into.options.get(k) for k in read}
    if mine == theirs:
        return lambda value: value
    source, target = list(mine.get("labels") or ()), list(theirs.get("labels") or ())
    others_agree = all(mine[k] == theirs[k] for k in read - {"labels", "negative"})
    negative_agrees = (mine.get("negative") is None) == (theirs.get("negative") is None) and (
        mine.get("negative") is None or (mine["negative"] in source and theirs["negative"] in target
                                         and source.index(mine["negative"]) == target.index(theirs["negative"])))
    if not (source and len(source) == len(target) and others_agree and negative_agrees):
        raise BioevalError(f"prompts {samples.prompt} and {into.prompt} chosen on different folds use different "
                           f"metric options ({mine} and {theirs}), so their predictions cannot be pooled")
    names = dict(zip(source, target))

    def label(value: Any) -> Any:
        return names[value] if value in names else _Unmatched(samples.prompt, value)

    def rename(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (set, frozenset, list, tuple)):
            return frozenset(label(v) for v in value)
        return label(value)

    return rename


def _prompt_samples(unit: UnitSamples) -> PromptSamples:
    """A (model, task, prompt)'s predictions and gold values, read from samples/ as rescoring does."""
    return PromptSamples(prompt=unit.prompt, predictions=unit.predictions, references=unit.references,
                         options=unit.options)
