"""``--layout medinst32``: MedINST32 as the paper's Table 3 lays it out.

One table per setting the runs hold (few-shot ``medinst32-<Task>``, zero-shot ``-zs``): one row
per task with its category, the examples this run scored (n) and the authors' metric for it,
one column per published row of a ``--references`` file and per model of the runs, and one
average row per category (the mean of its tasks' scores; no overall average, which would mix
BIOSSES' lower-is-better MSE with F1s). Only the ``medinst`` family's scores on MedINST32's views
are MedINST32: the ``instruction`` family on bioeval's own datasets (BIOSSES, PubMedQA, NCBI-disease,
BC5CDR, HoC ...) is MedINST-style prompting of other files and is left out, and the notes say so.

Reference rows use the plain ``--references`` form, on bioeval's scale: ``scores: {task:
{metric, value}}`` with ``task`` a view name (``medinst32-BIOSSES``) or the published task name
(``BIOSSES``, meaning the few-shot view).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bioeval.report.aggregates import higher_is_better, over_prompts
from bioeval.report.data import ReportData, ReportRow
from bioeval.report.layouts import BENCHMARK, RUN, LayoutTable
from bioeval.report.references import ReferenceRow

if TYPE_CHECKING:
    from bioeval.tasks.medinst32 import MedinstTask

FAMILY = "medinst"
SETTINGS = ((False, "few-shot (two demonstrations as prior chat turns)"), (True, "zero-shot"))


def medinst32_tables(data: ReportData, references: Sequence[ReferenceRow]) -> tuple[LayoutTable, ...]:
    from bioeval.errors import BioevalError
    from bioeval.tasks import medinst32

    rows = [r for r in data.rows if r.family == FAMILY and medinst32.task_of(r.task) is not None]
    left_out = sorted({f"{r.task} ({r.family})" for r in data.rows if r not in rows})
    tables = []
    for zero_shot, setting in SETTINGS:
        mine = [r for r in rows if medinst32.task_of(r.task)[1] == zero_shot]
        if mine:
            tables.append(_table(mine, data, references, zero_shot, setting, left_out))
    if not tables:
        raise BioevalError(
            "--layout medinst32: these runs hold no score of the medinst family on a MedINST32 task "
            "(run e.g. `bioeval run --tasks medinst32`)"
        )
    return tuple(tables)


def _table(rows: list[ReportRow], data: ReportData, references: Sequence[ReferenceRow], zero_shot: bool,
           setting: str, left_out: list[str]) -> LayoutTable:
    from bioeval.tasks import medinst32

    models = [m for m in data.models if any(r.model == m and not r.is_baseline for r in rows)]
    models += [m for m in data.models if m not in models and any(r.model == m for r in rows)]
    baselines = {r.model for r in rows if r.is_baseline}
    refs = [ref for ref in references if any(_reference(ref, t, zero_shot) is not None for t in medinst32.TASKS)]
    header = ("Category", "Task", "n", "Metric", *(ref.label for ref in refs), *(f"{m} (this run)" for m in models))
    out: list[tuple[str, ...]] = []
    kinds: list[str] = []
    for category in medinst32.CATEGORIES:
        tasks = [t for t in medinst32.TASKS if t.category == category and
                 any(r.task == medinst32.view_name(t.name, zero_shot) for r in rows)]
        if not tasks:
            continue
        columns: list[list[float | None]] = [[] for _ in (*refs, *models)]
        for task in tasks:
            view = medinst32.view_name(task.name, zero_shot)
            scored = [r for r in rows if r.task == view and r.metric == task.metric]
            values = [_reference(ref, task, zero_shot) for ref in refs]
            values += [over_prompts([r for r in scored if r.model == m]).mean if any(r.model == m for r in scored)
                       else None for m in models]
            for column, value in zip(columns, values):
                column.append(value)
            n = max((r.n for r in scored), default=0)
            out.append((category, task.name, str(n), _metric_label(task.metric), *(_cell(v, task.metric) for v in values)))
            kinds.append(RUN)
        metric = tasks[0].metric if len({t.metric for t in tasks}) == 1 else ""
        averages = [_mean(column) for column in columns]
        out.append((category, "average", "", _metric_label(metric) if metric else "(each task's)",
                    *(_cell(v, metric) for v in averages)))
        kinds.append(BENCHMARK)
    notes = [
        f"MedINST32 {setting}: the medinst family (rows passed through as published), each task scored by "
        "its authors' rule (ROUGE-L and word F1 are in the per-prompt tables); scores in percent, the "
        "BIOSSES MSE as it is (lower is better). Category rows: the mean over the category's tasks shown.",
    ]
    if baselines:
        notes.append(f"{', '.join(sorted(baselines))}: the majority baseline (most frequent output of the test file)")
    if refs:
        notes.extend(f"{ref.label}: {ref.source}" for ref in refs)
    if left_out:
        notes.append(
            "not MedINST32, left out: " + ", ".join(left_out)
            + " (the instruction family prompts bioeval's own copies of datasets MedINST32 also draws on, "
            "with bioeval's wording: its numbers are not MedINST32's)"
        )
    title = f"MedINST32, {setting}: as MedINST (arXiv 2410.13458) Table 3 lays it out"
    return LayoutTable(title, (), header, tuple(out), tuple(kinds), 4, tuple(notes))


def _reference(ref: ReferenceRow, task: MedinstTask, zero_shot: bool) -> float | None:
    from bioeval.tasks import medinst32

    names = [medinst32.view_name(task.name, zero_shot)] + ([] if zero_shot else [task.name])
    for key in names:
        score = ref.score(key)
        if score is not None and score.metric == task.metric:
            return score.value
    return None


def _metric_label(metric: str) -> str:
    return metric if higher_is_better(metric) else f"{metric} (lower is better)"


def _cell(value: float | None, metric: str) -> str:
    if value is None:
        return ""
    return f"{100 * value:.2f}" if higher_is_better(metric) else f"{value:.2f}"


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present and len(present) == len(values) else None

