"""An honest "best prompt": chosen on data other than the data its score is reported on.

The papers' "Best" is the best prompt on the test set: selected and scored on the same examples,
so it is optimistic. Beside it, per (model, task, metric):

- with a validation run (a run folder whose run.json says ``config.split`` is ``validation`` or
  ``dev``): the prompt that scores best there, and that prompt's test score;
- otherwise, cross-validation over test folds from the saved samples: the test examples are
  split into k folds (seeded shuffle of the example ids), the prompt is chosen on k-1 folds and
  scored on the held-out fold, and the k held-out scores are averaged.

Per-example statistics come from the metric's own tally (what the bootstrap resamples), so a
fold's score is the corpus-level metric on that fold's examples. No model is called.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bioeval.errors import BioevalError
from bioeval.report.data import ReportData, ReportRow

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
    score: float | None  # its test score (validation) or the mean held-out score (folds)
    detail: str = ""


def choose_prompts(data: ReportData, folds: int = FOLDS, seed: int = SEED) -> tuple[PromptChoice, ...]:
    """One choice per (model, task, metric) with two or more prompts; baselines left out."""
    groups: dict[tuple[str, str, str], list[ReportRow]] = {}
    for row in data.rows:
        if not row.is_baseline:
            groups.setdefault((row.model, row.task, row.metric), []).append(row)
    dev: dict[tuple[str, str, str], list[ReportRow]] = {}
    for row in data.dev_rows:
        dev.setdefault((row.model, row.task, row.metric), []).append(row)
    paths = {run.name: run.path for run in data.runs}
    choices = []
    for key, rows in groups.items():
        if len(rows) < 2:
            continue
        if key in dev:
            choices.append(on_validation(rows, dev[key]))
        else:
            choices.append(by_folds(rows, paths, folds, seed))
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


def by_folds(rows: Sequence[ReportRow], paths: dict[str, Path], folds: int, seed: int) -> PromptChoice:
    try:
        stats = {row.prompt: _example_stats(row, paths[row.run]) for row in rows}
    except BioevalError as error:
        return _choice(rows, "", "", None, f"cross-validation not possible: {error}")
    common = set.intersection(*(set(s) for s in stats.values()))
    if len(common) < folds:
        return _choice(rows, "", "", None, f"too few shared examples ({len(common)}) for {folds} folds")
    assignment = fold_of(sorted(common), folds, seed)
    held_out: list[float] = []
    picks: Counter[str] = Counter()
    for fold in range(folds):
        train = [e for e in common if assignment[e] != fold]
        test = [e for e in common if assignment[e] == fold]
        pick = _pick_on(rows, stats, train)
        if pick is None:
            continue
        value = _metric_on(rows[0].metric, stats[pick], test)
        if value is not None:
            held_out.append(value)
            picks[pick] += 1
    if not held_out:
        return _choice(rows, "", "", None, "no fold had a defined score")
    chosen = picks.most_common(1)[0][0]
    detail = (f"{folds}-fold cross-validation over the {len(common)} test examples (seed {seed}); "
              f"chosen per fold: {', '.join(f'{p} x{c}' for p, c in picks.most_common())}")
    return _choice(rows, CROSS_VALIDATION, chosen, sum(held_out) / len(held_out), detail)


def _pick_on(rows: Sequence[ReportRow], stats: dict[str, dict[str, object]], examples: Sequence[str]) -> str | None:
    from bioeval.metrics.registry import METRICS

    spec = METRICS[rows[0].metric]
    best: tuple[float, str] | None = None
    for row in rows:
        value = _metric_on(row.metric, stats[row.prompt], examples)
        if value is None:
            continue
        signed = value if spec.higher_is_better else -value
        if best is None or signed > best[0]:
            best = (signed, row.prompt)
    return None if best is None else best[1]


def _metric_on(metric: str, stats: dict[str, object], examples: Sequence[str]) -> float | None:
    import numpy as np

    from bioeval.metrics.base import as_float
    from bioeval.metrics.registry import METRICS

    totals = np.sum([stats[e] for e in examples], axis=0)
    return as_float(METRICS[metric].value(totals))


def _example_stats(row: ReportRow, run_dir: Path) -> dict[str, object]:
    """Per example id, the metric's tally row for this (model, task, prompt), read from samples/."""
    from bioeval.metrics.registry import METRICS
    from bioeval.metrics.scoring import prediction_values
    from bioeval.rundir.reader import read_run_record, read_sample_rows
    from bioeval.scoring.predict import Outcome, gold, predict

    record = read_run_record(run_dir)
    info = record.prompts.get(f"{row.task}/{row.prompt}")
    if info is None:
        raise BioevalError(f"run {row.run} has no entry for prompt {row.task}/{row.prompt}")
    outcomes = [Outcome.of_sample(sample) for sample in read_sample_rows(run_dir, row.score.unit)]
    context = f"prompt {row.prompt!r} of {row.task}"
    values, _ = prediction_values([predict(info, row.score.unit.mode, outcome) for outcome in outcomes])
    references = [gold(info, outcome, context) for outcome in outcomes]
    tally = METRICS[row.metric].tally(values, references, info.metric_options.to_json())
    return {outcome.id: tally.stats[index] for index, outcome in enumerate(outcomes)}
