"""One built report: the parts every format (Markdown, CSV, LaTeX, HTML, JSON) renders."""

from __future__ import annotations

from dataclasses import dataclass

from bioeval.report.data import ReportData, SampleUnit
from bioeval.report.layouts import LayoutTable
from bioeval.report.plots import PlotFile
from bioeval.report.selection import PromptChoice
from bioeval.report.stat_types import Statistics
from bioeval.report.tables import Leaderboard, PromptTable


@dataclass(frozen=True)
class Report:
    """Everything a format renders: the runs read, both tables, the plots written, the notes."""

    data: ReportData
    leaderboard: Leaderboard
    prompt_tables: tuple[PromptTable, ...]
    plots: tuple[PlotFile, ...] = ()
    layout: tuple[LayoutTable, ...] = ()  # --layout: the paper's tables, rendered instead of the leaderboard
    choices: tuple[PromptChoice, ...] = ()  # the honest best prompt beside the test-selected one
    samples: tuple[SampleUnit, ...] = ()  # HTML drill-down: examples read from samples/
    statistics: Statistics | None = None  # intervals over prompts, model vs model, variance, agreement, calibration
