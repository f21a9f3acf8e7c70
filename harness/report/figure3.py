"""The BigBIO study's Figure 3: per model, grouped by family, a box of per-prompt score minus the
majority baseline, pooled over the classification datasets, with the prompts as points.

"Classification datasets" are the tasks whose primary metric (their first) is not an entity or
ROUGE metric; each point is one (task, prompt) score minus the baseline's score on the same
prompt and examples. A model's family is the organisation of its checkpoint
(``bigscience/T0pp`` -> bigscience), from configs/models.yaml; unknown models form their own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bioeval.io import safe_name
from bioeval.report.data import ReportRow, delta_to_baseline
from bioeval.report.plots import COLOURS, PlotFile, _save, _spread

NOT_CLASSIFICATION = frozenset({"rouge1", "entity_f1", "entity_f1_relaxed", "token_f1"})
CAPTION = ("BigBIO Figure 3: per model (grouped by family), per-prompt score minus the majority "
           "baseline, pooled over the classification datasets")


def model_family(model: str) -> str:
    from bioeval.config.models import model_aliases

    spec = model_aliases().get(model)
    if spec is None or not spec.pretrained:
        return model
    return spec.pretrained.split("/", 1)[0] if "/" in spec.pretrained else spec.pretrained


def pooled_deltas(rows: Sequence[ReportRow]) -> dict[str, list[float]]:
    """{model: [delta per (classification task, prompt)]}, models in order of appearance."""
    primary: dict[str, str] = {}
    for row in rows:
        primary.setdefault(row.task, row.metric)
    out: dict[str, list[float]] = {}
    for row in rows:
        if row.metric != primary[row.task] or row.metric in NOT_CLASSIFICATION:
            continue
        delta = delta_to_baseline(row)
        if delta is not None:
            out.setdefault(row.model, []).append(delta)
    return out


def write_figure3(rows: Sequence[ReportRow], directory: Path, stem: str, links_from: Path) -> PlotFile | None:
    groups = pooled_deltas(rows)
    if not groups:
        return None
    families = {model: model_family(model) for model in groups}
    order = sorted(groups, key=lambda m: (list(dict.fromkeys(families.values())).index(families[m])))
    figure = _figure(order, groups, families)
    base = directory / f"{stem}_{safe_name('figure3')}"
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    _save(figure, png, "png")
    _save(figure, svg, "svg")
    link = Path(os.path.relpath(png.resolve(), links_from.resolve())).as_posix()
    return PlotFile(metric="figure3", png=png, svg=svg, link=link, caption=CAPTION)


def _figure(models: Sequence[str], groups: dict[str, list[float]], families: dict[str, str]) -> object:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    family_names = list(dict.fromkeys(families[m] for m in models))
    colour = {f: COLOURS[i % len(COLOURS)] for i, f in enumerate(family_names)}
    figure = Figure(figsize=(min(12.0, max(5.0, 2.5 + 0.8 * len(models))), 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    for index, model in enumerate(models):
        c = colour[families[model]]
        values = groups[model]
        axes.boxplot([values], positions=[index], widths=0.6, patch_artist=True, showfliers=False,
                     boxprops={"facecolor": c, "alpha": 0.35, "edgecolor": c},
                     medianprops={"color": c, "linewidth": 2}, whiskerprops={"color": c}, capprops={"color": c})
        offsets = _spread(len(values), 0.4)
        axes.scatter([index + o for o in offsets], values, s=12, color=c, zorder=3)
    axes.axhline(0.0, linestyle="--", color="#444444", linewidth=1)
    axes.set_xticks(range(len(models)))
    axes.set_xticklabels(models, rotation=25 if len(models) > 3 else 0, ha="right" if len(models) > 3 else "center")
    axes.set_xlim(-0.6, len(models) - 0.4)
    axes.set_ylabel("prompt score \u2212 majority baseline")
    axes.set_title("Per-prompt score minus the majority baseline, pooled over classification datasets", fontsize=10)
    axes.legend(handles=[Patch(facecolor=colour[f], alpha=0.5, label=f) for f in family_names],
                title="family", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return figure
