"""Reliability diagrams for ``--plots``: per (model, task), the accuracy of each equal-width
confidence bin (pooled over the task's prompts) against the diagonal of perfect calibration,
one panel per (model, task), saved as ``<stem>_reliability.png`` / ``.svg``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bioeval.io import safe_name
from bioeval.report.plots import PlotFile, _save
from bioeval.report.stat_types import MEAN_OVER_PROMPTS, CalibrationRow


def write_reliability(rows: Sequence[CalibrationRow], directory: Path, stem: str,
                      links_from: Path = Path(".")) -> PlotFile | None:
    """One figure of every (model, task) with ranked choices; None when there is none."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pooled = [r for r in rows if r.prompt == MEAN_OVER_PROMPTS]
    if not pooled:
        return None
    columns = min(4, len(pooled))
    lines = (len(pooled) + columns - 1) // columns
    figure = Figure(figsize=(3.2 * columns, 3.2 * lines), dpi=100)
    FigureCanvasAgg(figure)
    for index, row in enumerate(pooled):
        axes = figure.add_subplot(lines, columns, index + 1)
        axes.bar([b.low for b in row.figures.reliability], [b.accuracy for b in row.figures.reliability],
                 width=[b.high - b.low for b in row.figures.reliability], align="edge", alpha=0.7, edgecolor="#224466")
        axes.plot([0, 1], [0, 1], linestyle="--", color="#444444", linewidth=1)
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        axes.set_title(f"{row.model} / {row.task}\nECE {row.figures.ece_equal_width:.3f} (equal-width)", fontsize=8)
        axes.set_xlabel("confidence", fontsize=8)
        axes.set_ylabel("accuracy", fontsize=8)
    figure.tight_layout()
    base = directory / f"{stem}_{safe_name('reliability')}"
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    _save(figure, png, "png")
    _save(figure, svg, "svg")
    link = Path(os.path.relpath(png.resolve(), links_from.resolve())).as_posix()
    caption = (f"reliability diagrams: {pooled[0].figures.bins} equal-width confidence bins pooled over prompts; "
               "confidence = softmax over the answer choices' log-likelihoods")
    return PlotFile(metric="reliability", png=png, svg=svg, link=link, caption=caption)
