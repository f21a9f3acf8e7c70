"""The papers' layouts: ``--layout bigbio`` (BigBIO Tables 2 and 3), ``--layout biomistral-nlu``
(BioMistral-NLU Table 5), as plain tables of text cells that every format renders.

The paper's rows come from ``configs/reference_scores.yaml`` (printed as the paper prints them,
percent with one decimal); this run's rows are computed from its score rows (percent, two
decimals), beside them, with "this run minus the paper" where a model alias is the paper's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bioeval.config.suites import Suite
from bioeval.errors import BioevalError, UnknownNameError
from bioeval.report.aggregates import over_prompts
from bioeval.report.data import ReportData, ReportRow
from bioeval.report.references import ReferenceRow, ReferenceTable
from bioeval.report.selection import PromptChoice
from bioeval.report.tables import benchmark_value

LAYOUTS = ("bigbio", "biomistral-nlu")
LAYOUTS = ("bigbio", "biomistral-nlu")
PAPER, RUN, BASELINE, DELTA, SOTA, BENCHMARK = "paper", "run", "baseline", "delta", "sota", "benchmark"
BEST_NOTE = ("Best = the best prompt on the test set (as the papers report: chosen on the data it is "
             "scored on, so optimistic); Best (honest) = the prompt chosen on a validation run and scored "
             "on the test set, or by cross-validation over test folds: each fold is predicted by the prompt "
             "chosen on the other folds, and the metric is computed once on these pooled out-of-fold "
             "predictions")


@dataclass(frozen=True)
class LayoutTable:
    title: str
    groups: tuple[tuple[str, int], ...]  # header groups spanning columns: (label, span)
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...]  # per row: PAPER, RUN, BASELINE, DELTA, SOTA or BENCHMARK
    label_columns: int  # leading text columns; the rest are numbers
    notes: tuple[str, ...] = ()


def build_layout(name: str, data: ReportData, tables: Sequence[ReferenceTable],
                 choices: Sequence[PromptChoice]) -> tuple[LayoutTable, ...]:
    by_key = {t.key: t for t in tables}
    if name == "bigbio":
        wanted = [by_key[k] for k in ("bigbio-table2", "bigbio-table3") if k in by_key]
        out = tuple(t for t in (bigbio_table(data, t, choices) for t in wanted) if t is not None)
        if not out:
            raise BioevalError("--layout bigbio: no task of these runs is in BigBIO Tables 2-3")
        return out
    if name == "biomistral-nlu":
        if "biomistral-nlu-table5" not in by_key:
            raise BioevalError("--layout biomistral-nlu: the reference file has no biomistral-nlu-table5")
        return (biomistral_table(data, by_key["biomistral-nlu-table5"]),)
    raise UnknownNameError("layout", name, ("bigbio", "biomistral-nlu"))


def paper(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def ours(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.2f}"


def signed(value: float | None) -> str:
    return "" if value is None else f"{100 * value:+.2f}"


def task_for(data: ReportData, dataset: str) -> str | None:
    """The run's task for a paper's dataset (the task of that name, else the dataset's first)."""
    tasks = [t for t in data.tasks if t == dataset] or [
        t for t in data.tasks if any(r.task == t and r.score.unit.dataset == dataset for r in data.rows)]
    return tasks[0] if tasks else None


def matched_rows(data: ReportData, dataset: str, metric: str) -> dict[str, list[ReportRow]]:
    """{model: its rows} on the run's task for a paper's dataset (task name, else dataset name)."""
    task = task_for(data, dataset)
    out: dict[str, list[ReportRow]] = {}
    for row in data.rows:
        if task is not None and row.task == task and row.metric == metric:
            out.setdefault(row.model, []).append(row)
    return out


def default_metric(data: ReportData, dataset: str) -> str | None:
    """The first metric of the run's rows on the task for a paper's dataset (its primary one)."""
    task = task_for(data, dataset)
    return next((row.metric for row in data.rows if row.task == task), None)


def _params(model: str) -> str:
    from bioeval.config.models import model_aliases

    spec = model_aliases().get(model)
    return "" if spec is None or spec.params is None else spec.params


def bigbio_table(data: ReportData, table: ReferenceTable, choices: Sequence[PromptChoice]) -> LayoutTable | None:
    present = [(d, m, matched_rows(data, d, m)) for d, m in table.metrics]
    present = [item for item in present if item[2]]
    if not present:
        return None
    honest = {(c.model, c.metric, c.task): c for c in choices}
    header = ["Model", "Params"] + [h for d, _, _ in present for h in (f"{d} Avg", f"{d} Best", f"{d} Best (honest)")]
    groups = (("", 2),) + tuple((f"{d} ({m})", 3) for d, m, _ in present)
    models = [m for m in data.models if any(m in rows for _, _, rows in present)]
    baselines = {r.model for r in data.rows if r.is_baseline}
    rows: list[tuple[str, ...]] = []
    kinds: list[str] = []

    def add(cells: Sequence[str], kind: str) -> None:
        rows.append(tuple(cells))
        kinds.append(kind)

    run_cells = {m: _run_cells(m, present, honest) for m in models}
    for kind_filter in ("model", "majority", "sota"):
        for ref in (r for r in table.rows if r.kind == kind_filter):
            add([ref.label, ref.params] + [c for d, _, _ in present for c in _paper_cells(ref, d)],
                SOTA if ref.kind == "sota" else PAPER)
        for model in models:
            if (model in baselines) != (kind_filter == "majority") or kind_filter == "sota":
                continue
            add([f"{model} (this run)", _params(model)] + [ours(v) for v in run_cells[model]],
                BASELINE if model in baselines else RUN)
            for ref in (r for r in table.rows if r.alias == model):
                add([f"{model} minus {ref.label}", ""] + _delta_cells(run_cells[model], ref, present), DELTA)
    notes = (f"{table.paper} {table.table}: {table.source}", f"Setup: {table.setup}", BEST_NOTE,
             "Paper rows as printed (percent); this run's rows in percent with two decimals.")
    return LayoutTable(f"{table.paper} {table.table} (zero-shot, {', '.join(d for d, _, _ in present)})",
                       groups, tuple(header), tuple(rows), tuple(kinds), 2, notes)


def _paper_cells(ref: ReferenceRow, dataset: str) -> list[str]:
    score = ref.score(dataset)
    if score is None:
        return ["", "", ""]
    if score.note:
        return [score.note, score.note, ""]
    if ref.kind != "model":
        return [paper(score.value), "", ""]
    return [paper(score.value), paper(score.best), ""]


def _run_cells(model: str, present: Sequence[tuple[str, str, dict[str, list[ReportRow]]]],
               honest: dict[tuple[str, str, str], PromptChoice]) -> list[float | None]:
    cells: list[float | None] = []
    for _, metric, by_model in present:
        group = by_model.get(model, [])
        summary = over_prompts(group)
        choice = honest.get((model, metric, group[0].task)) if group else None
        cells += [summary.mean, summary.best, None if choice is None else choice.score]
    return cells


def _delta_cells(mine: Sequence[float | None], ref: ReferenceRow,
                 present: Sequence[tuple[str, str, dict[str, list[ReportRow]]]]) -> list[str]:
    out = []
    for index, (dataset, _, _) in enumerate(present):
        score = ref.score(dataset)
        theirs = (None, None) if score is None else (score.value, score.best if ref.kind == "model" else None)
        for offset, other in enumerate(theirs):
            value = mine[3 * index + offset]
            out.append(signed(value - other) if value is not None and other is not None else "")
        out.append("")
    return out


def biomistral_table(data: ReportData, table: ReferenceTable) -> LayoutTable:
    from bioeval.config.suites import all_suites

    models = [m for m in data.models if not any(r.is_baseline and r.model == m for r in data.rows)]
    models += [m for m in data.models if m not in models]
    header = ["Task", "Metric", "Dataset", "Instances", "n (this run)", *(r.label for r in table.rows),
              *(f"{m} (this run)" for m in models)]
    types, instances = dict(table.task_types), dict(table.instances)
    rows: list[tuple[str, ...]] = []
    kinds: list[str] = []
    means: dict[str, dict[str, float | None]] = {m: {} for m in models}
    for dataset, metric in table.metrics:
        matched = matched_rows(data, dataset, metric)
        n = max((r.n for rows_ in matched.values() for r in rows_), default=None)
        for m in models:
            if matched.get(m):
                means[m][matched[m][0].task] = over_prompts(matched[m]).mean
        cells = [paper(r.value(dataset, metric)) for r in table.rows]
        mine = [ours(means[m].get(matched[m][0].task)) if matched.get(m) else "" for m in models]
        rows.append((types.get(dataset, ""), metric, dataset, str(instances.get(dataset, "")),
                     "" if n is None else str(n), *cells, *mine))
        kinds.append(PAPER)
        default = default_metric(data, dataset)
        if default is not None and default != metric:  # bioeval's own figure, named, beside the paper's
            own = matched_rows(data, dataset, default)
            rows.append(("", f"{default} (bioeval's default; not the paper's)", dataset, "",
                         "" if n is None else str(n), *([""] * len(table.rows)),
                         *(ours(over_prompts(own[m]).mean) if own.get(m) else "" for m in models)))
            kinds.append(RUN)
    suites = all_suites()
    notes = [f"{table.paper} {table.table}: {table.source}", f"Setup: {table.setup}",
             "This run's columns: mean over the run's prompts of each task (the paper: one unified prompt); "
             "'Instances' as printed in the paper, 'n (this run)' the examples this run scored.",
             "Each row's metric is the one BioMistral-NLU's evaluation.py computes for it (`bioeval list "
             "metrics`); where bioeval's default metric for the task differs, it follows in a row of its "
             "own, without paper figures."]
    for name, label in (("blurb", "BLURB (macro avg)"), ("blue", "BLUE (avg)")):
        suite = suites.get(name)
        mine = [_suite_cell(suite, means[m]) for m in models]
        rows.append(("", "", label, "", "", *(paper(r.benchmark(name)) for r in table.rows), *mine))
        kinds.append(BENCHMARK)
        if suite is not None and suite.deviations:
            notes.extend(f"{name.upper()}: {d}" for d in suite.deviations)
    return LayoutTable(f"{table.paper} {table.table}", (), tuple(header), tuple(rows), tuple(kinds), 3, tuple(notes))


def _suite_cell(suite: Suite | None, scores: dict[str, float | None]) -> str:
    if suite is None:
        return ""
    value = benchmark_value(suite, scores)
    return "incomplete" if value is None else ours(value)
