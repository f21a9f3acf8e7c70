"""Box plots of the BigBIO zero-shot study's kind: per-prompt score minus the majority baseline.

One figure per metric: one box per task (x axis) and model (colour), each box over the task's
prompts, each prompt's score minus the majority baseline's score on the same prompt (and the
same examples), with a dashed line at 0. Saved as PNG and SVG. matplotlib is optional
(``pip install 'bioeval-harness[plots]'``) and imported only here, inside the functions, with the Agg
canvas; figures are built without pyplot's global state.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bioeval import install_hint
from bioeval.errors import BioevalError
from bioeval.report.data import ReportRow, delta_to_baseline
from bioeval.io import write_user_file, safe_name

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTALL_HINT = f"--plots needs matplotlib; install it with: {install_hint('plots')}"
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


@dataclass(frozen=True)
class PlotFile:
    """A figure written as PNG and SVG."""

    metric: str
    png: Path
    svg: Path
    link: str  # the PNG's path relative to the report's folder, for Markdown
    caption: str = ""


def deltas_by_metric(rows: Sequence[ReportRow]) -> dict[str, dict[tuple[str, str], list[float]]]:
    """{metric: {(task, model): [per-prompt delta]}} for every non-baseline row with a delta."""
    out: dict[str, dict[tuple[str, str], list[float]]] = {}
    for row in rows:
        delta = delta_to_baseline(row)
        if delta is not None:
            out.setdefault(row.metric, {}).setdefault((row.task, row.model), []).append(delta)
    return out


def write_plots(
    rows: Sequence[ReportRow], directory: Path, stem: str, links_from: Path = Path(".")
) -> tuple[PlotFile, ...]:
    """One PNG and one SVG per metric: ``<directory>/<stem>_<metric>.png`` and ``.svg``.

    ``links_from`` is the report's folder: each plot's link is its PNG's path relative to it.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    except ImportError:
        raise BioevalError(INSTALL_HINT) from None
    plots = []
    for metric, groups in deltas_by_metric(rows).items():
        base = directory / f"{stem}_{safe_name(metric)}"
        png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
        figure = _figure(metric, groups)
        _save(figure, png, "png")
        _save(figure, svg, "svg")
        link = Path(os.path.relpath(png.resolve(), links_from.resolve())).as_posix()
        plots.append(PlotFile(metric=metric, png=png, svg=svg, link=link))
    return tuple(plots)


def _figure(metric: str, groups: dict[tuple[str, str], list[float]]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    tasks = list(dict.fromkeys(task for task, _ in groups))
    models = list(dict.fromkeys(model for _, model in groups))
    width = 0.8 / len(models)
    figure = Figure(figsize=(min(16.0, max(6.0, 2.5 + len(tasks) * (0.6 + 0.35 * len(models)))), 5.0), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    for m_index, model in enumerate(models):
        colour = COLOURS[m_index % len(COLOURS)]
        for t_index, task in enumerate(tasks):
            values = groups.get((task, model))
            if not values:
                continue
            centre = t_index - 0.4 + width * (m_index + 0.5)
            axes.boxplot(
                [values], positions=[centre], widths=width * 0.8, patch_artist=True, showfliers=False,
                boxprops={"facecolor": colour, "alpha": 0.35, "edgecolor": colour},
                medianprops={"color": colour, "linewidth": 2},
                whiskerprops={"color": colour}, capprops={"color": colour},
            )
            offsets = _spread(len(values), width * 0.5)
            axes.scatter([centre + o for o in offsets], values, s=14, color=colour, zorder=3)
    axes.axhline(0.0, linestyle="--", color="#444444", linewidth=1)
    axes.set_xticks(range(len(tasks)))
    axes.set_xticklabels(tasks, rotation=25 if len(tasks) > 3 else 0, ha="right" if len(tasks) > 3 else "center")
    axes.set_xlim(-0.6, len(tasks) - 0.4)
    axes.set_ylabel(f"{metric}: prompt score \u2212 majority baseline")
    axes.set_title(f"{metric}, per prompt, relative to the majority baseline on the same prompt", fontsize=10)
    axes.legend(
        handles=[Patch(facecolor=COLOURS[i % len(COLOURS)], alpha=0.5, label=m) for i, m in enumerate(models)],
        title="model", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
    )
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return figure


def _spread(count: int, span: float) -> list[float]:
    """Evenly spaced horizontal offsets for the prompt points (deterministic, no jitter)."""
    if count == 1:
        return [0.0]
    return [-span / 2 + span * i / (count - 1) for i in range(count)]


def _save(figure: Figure, path: Path, kind: str) -> None:
    from matplotlib import rc_context

    buffer = io.BytesIO()
    metadata = {"Date": None} if kind == "svg" else {}
    with rc_context({"svg.hashsalt": "bioeval", "svg.fonttype": "path"}):
        figure.savefig(buffer, format=kind, metadata=metadata, bbox_inches="tight", pad_inches=0.15)
    write_user_file(path, buffer.getvalue(), "--plots")
