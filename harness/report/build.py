"""``bioeval report`` end to end: run folders in, one report (and plots) out. No model is called.

Every name (metric, suite, family, aggregate, format) is checked before anything is written.
The report goes to stdout or, with an output path, to a file written atomically; plots go
beside it (``<stem>_<metric>.png`` / ``.svg``) or into a folder of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bioeval.errors import BioevalError, UnknownNameError
from bioeval.report.data import ReportData, load_runs, read_samples
from bioeval.report.document import Report
from bioeval.report.plots import PlotFile
from bioeval.report.interactive import to_html
from bioeval.report.statistics import compute_statistics, with_statistics
from bioeval.report.layouts import LAYOUTS, LayoutTable, build_layout
from bioeval.report.selection import PromptChoice, choose_prompts
from bioeval.report.stat_types import Statistics, StatsSettings
from bioeval.report.references import ReferenceRow, load_references, packaged_references, packaged_tables
from bioeval.report.tables import build_leaderboard, build_prompt_tables
from bioeval.report.unit_samples import UnitReader
from bioeval.report.text import to_csv, to_json, to_latex, to_markdown
from bioeval.inputs.folders import check_no_overwrite
from bioeval.io import require_writable_folder, write_user_file
from bioeval.rundir.layout import RUN_FILE, SAMPLES_DIR, SCORES_FILE

FORMATS: dict[str, Callable[[Report], str]] = {
    "md": to_markdown,
    "csv": to_csv,
    "latex": to_latex,
    "html": to_html,
    "json": to_json,
}
DEFAULT_STEM = "report"


@dataclass(frozen=True)
class ReportOptions:
    format: str = "md"
    metric: str | None = None
    statistic: str = "mean"  # mean, median, best, worst or std over prompts
    suite: str | None = None
    family: str | None = None
    references: Path | None = None  # None: configs/reference_scores.yaml when it exists
    plots: bool = False
    plots_dir: Path | None = None
    output: Path | None = None
    layout: str | None = None  # "bigbio", "biomistral-nlu", "medinst-mmlu" or "medinst32": the paper's tables
    folds: int = 5  # cross-validation folds for the honest best prompt
    max_examples: int = 100  # HTML drill-down: examples embedded per (model, task, prompt)
    force: bool = False  # replace an existing output file and plot files
    compare: bool = False  # render only the model-vs-model comparisons
    statistics: StatsSettings = StatsSettings()  # resamples, seed, alpha of the statistics


def build_report(run_dirs: Sequence[Path], options: ReportOptions) -> Report:
    """Read the runs and build both tables and, if asked, the plots (written to disk)."""
    if options.format not in FORMATS:
        raise UnknownNameError("report format", options.format, FORMATS)
    if options.layout is not None and options.layout not in LAYOUTS:
        raise UnknownNameError("layout", options.layout, LAYOUTS)
    _check_settings(options.statistics)
    data = load_runs(run_dirs, options.family)
    if options.output is not None:
        if options.output.is_dir():
            raise BioevalError(f"--output {options.output} is a folder; give the report's file name")
        refuse_run_files(options.output, data)
        require_writable_folder(options.output.parent, f"--output {options.output}")
        check_no_overwrite([options.output], "--output", options.force)
    if options.plots:
        folder = _plots_folder(options)
        require_writable_folder(folder, "--plots-dir" if options.plots_dir else "--plots")
        if folder.is_dir():  # plots are <stem>_<metric>.png / .svg: any such file would be replaced
            stem = options.output.stem if options.output is not None else DEFAULT_STEM
            check_no_overwrite(sorted(folder.glob(f"{stem}_*.png")) + sorted(folder.glob(f"{stem}_*.svg")),
                               "--plots", options.force)
    references = _references(options.references)
    leaderboard = build_leaderboard(data, options.metric, options.statistic, options.suite, references)
    tables = build_prompt_tables(data, options.metric)
    reader = UnitReader(data)  # each samples file read once, for the prompt choice and the statistics
    choices = choose_prompts(data, options.folds, reader=reader)
    layout = _layout(options.layout, data, choices, references)
    samples = read_samples(data, options.max_examples) if options.format == "html" else ()
    statistics = compute_statistics(data, leaderboard, options.statistics, reader)
    leaderboard = with_statistics(leaderboard, statistics)
    report = Report(data=data, leaderboard=leaderboard, prompt_tables=tables, layout=layout,
                    choices=choices, samples=samples, statistics=statistics)
    if options.plots:
        report = _with_plots(report, options)
    return report


def render(report: Report, format_name: str, compare: bool = False) -> str:
    if compare:
        from bioeval.report.stat_html import compare_html
        from bioeval.report.stat_text import compare_csv, compare_latex, compare_markdown, statistics_json

        assert report.statistics is not None
        views: dict[str, Callable[[Statistics], str]] = {
            "md": compare_markdown, "csv": compare_csv, "latex": compare_latex, "html": compare_html,
            "json": lambda s: json.dumps({"comparisons": statistics_json(s)["comparisons"],
                                          "settings": asdict(s.settings)}, indent=2) + "\n",
        }
        return views[format_name](report.statistics)
    return FORMATS[format_name](report)


def write_report(report: Report, options: ReportOptions) -> str:
    """The rendered report; written atomically to ``options.output`` when one is given."""
    text = render(report, options.format, options.compare)
    if options.output is not None:
        write_user_file(options.output, text.encode("utf-8"), "--output")
    return text


def refuse_run_files(output: Path, data: ReportData) -> None:
    """A report never overwrites a run's own files (results are append-only)."""
    target = output.resolve()
    for run in data.runs:
        folder = run.path.resolve()
        if target in (folder / RUN_FILE, folder / SCORES_FILE) or folder / SAMPLES_DIR in target.parents:
            raise BioevalError(f"--output {output} would overwrite a file of run {run.name}; choose another path")


def _layout(name: str | None, data: ReportData, choices: Sequence[PromptChoice],
            references: Sequence[ReferenceRow]) -> tuple[LayoutTable, ...]:
    if name == "medinst32":
        from bioeval.report.layout_medinst32 import medinst32_tables

        return medinst32_tables(data, references)
    return build_layout(name, data, packaged_tables(), choices) if name else ()


def _references(path: Path | None) -> tuple[ReferenceRow, ...]:
    return load_references(path) if path is not None else packaged_references()


def _plots_folder(options: ReportOptions) -> Path:
    if options.plots_dir is not None:
        return options.plots_dir
    return options.output.parent if options.output is not None else Path(".")


def _with_plots(report: Report, options: ReportOptions) -> Report:
    from bioeval.report.figure3 import write_figure3
    from bioeval.report.plots import write_plots

    rows = [r for r in report.data.rows if options.metric is None or r.metric == options.metric]
    directory = _plots_folder(options)
    stem = options.output.stem if options.output is not None else DEFAULT_STEM
    links_from = options.output.parent if options.output else Path(".")
    plots = write_plots(rows, directory, stem, links_from=links_from)
    # the study's Figure 3 pools each task's primary metric: drawn when no --metric narrows the report
    figure3 = write_figure3(report.data.rows, directory, stem, links_from) if plots and options.metric is None else None
    if figure3 is not None:
        plots = plots + (figure3,)
    reliability = _reliability(report, directory, stem, links_from)
    if reliability is not None:
        plots = plots + (reliability,)
    data = report.data
    if not plots:
        warning = "--plots: no model besides the majority baseline has scores to compare; no plot written"
        data = replace(data, notes=data.notes + (warning,), warnings=data.warnings + (warning,))
    return replace(report, data=data, plots=plots)


def _reliability(report: Report, directory: Path, stem: str, links_from: Path) -> PlotFile | None:
    from bioeval.report.reliability import write_reliability

    if report.statistics is None:
        return None
    return write_reliability(report.statistics.calibration, directory, stem, links_from)


def _check_settings(settings: StatsSettings) -> None:
    if settings.n_boot < 1:
        raise BioevalError(f"--resamples must be 1 or more, got {settings.n_boot}")
    if not 0.0 < settings.alpha < 1.0:
        raise BioevalError(f"--alpha must lie strictly between 0 and 1, got {settings.alpha}")
