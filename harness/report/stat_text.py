"""The statistics section of the text formats (Markdown, CSV columns, LaTeX, JSON) and the
``--compare`` view. Every table says its n, method and seed; an undefined figure prints as
"undefined" with the reason, never as a number."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from bioeval.report.latex import latex_escape
from bioeval.report.stat_types import MEAN_OVER_PROMPTS, PairComparison, Statistics

UNDEFINED = "undefined"
Table = tuple[list[str], list[list[str]]]


def fmt(value: float | None, digits: int = 3) -> str:
    return UNDEFINED if value is None else f"{value:.{digits}f}"


def interval(low: float | None, high: float | None) -> str:
    return UNDEFINED if low is None or high is None else f"[{low:.3f}, {high:.3f}]"


def p_text(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value:.3g}"


def settings_line(stats: Statistics) -> str:
    s = stats.settings
    return (f"Statistics: {s.confidence:.0%} intervals, {s.n_boot} bootstrap resamples, seed {s.seed}; "
            f"tests at alpha={s.alpha}; examples matched by id across prompts and models.")


def comparison_table(pairs: Sequence[PairComparison], alpha: float) -> Table:
    header = ["task", "metric", "A", "B", "prompts", "n", "mean A", "mean B", "A - B", "interval", "p",
              "verdict", "per prompt (Holm)"]
    body = [[p.task, p.metric, p.model_a, p.model_b, str(p.n_prompts), str(p.n_examples), fmt(p.mean_a),
             fmt(p.mean_b), fmt(p.delta), interval(p.ci_low, p.ci_high), p_text(p.p_value), p.verdict(alpha),
             p.prompt_line()] for p in pairs]
    return header, body


def prompt_test_table(pairs: Sequence[PairComparison]) -> Table:
    header = ["task", "A", "B", "prompt", "A", "B", "A - B", "p", "p (Holm)", "test"]
    body = [[p.task, p.model_a, p.model_b, t.prompt, fmt(t.value_a), fmt(t.value_b), fmt(t.delta),
             p_text(t.p_value), p_text(t.p_holm), t.method] for p in pairs for t in p.prompts]
    return header, body


def variance_table(stats: Statistics) -> Table:
    header = ["task", "metric", "model", "prompts", "examples", "prompts share", "examples share",
              "interaction share", "method"]
    body = [[v.task, v.metric, v.model, str(v.n_prompts), str(v.n_examples),
             fmt(v.prompts), fmt(v.examples),
             fmt(v.interaction) if v.interaction is not None or v.prompts is None else "not separable",
             v.method + (f" ({v.note})" if v.note else "")] for v in stats.variance]
    return header, body


def agreement_table(stats: Statistics) -> Table:
    header = ["model", "task", "prompts", "n", "all right", "none right", "some right", "Fleiss' kappa",
              "most often wrong"]
    body = [[a.model, a.task, str(a.n_prompts), str(a.n_examples), fmt(a.all_correct), fmt(a.none_correct),
             fmt(a.some_correct), fmt(a.fleiss_kappa) + (f" ({a.note})" if a.note else ""),
             ", ".join(f"{h.id} ({h.n_wrong}/{h.n_prompts})" for h in a.hardest[:5])] for a in stats.agreement]
    return header, body


def calibration_table(stats: Statistics) -> Table:
    header = ["model", "task", "prompt", "n", "accuracy", "mean confidence", "ECE (equal-width)",
              "ECE (equal-mass)", "Brier"]
    body = [[c.model, c.task, c.prompt, str(c.figures.n), fmt(c.figures.accuracy), fmt(c.figures.mean_confidence),
             fmt(c.figures.ece_equal_width), fmt(c.figures.ece_equal_mass), fmt(c.figures.brier)]
            for c in stats.calibration]
    return header, body


def calibration_note(stats: Statistics) -> str:
    bins = stats.settings.bins
    scoring = stats.calibration[0].scoring if stats.calibration else ""
    return (f"Confidence: {scoring}. ECE over {bins} bins, equal-width (fixed edges) and equal-mass (equal counts); "
            f"Brier: multi-class, summed over the choices. '{MEAN_OVER_PROMPTS}' rows average the prompts' "
            "figures; their n counts the examples of all prompts.")


SECTIONS: tuple[tuple[str, Callable[[Statistics], Table], str], ...] = (
    ("Where the variance comes from", variance_table,
     "Shares of the variance due to prompts, to examples and to their interaction."),
    ("Agreement across prompts", agreement_table,
     "Share of examples answered right under every prompt, none, some; Fleiss' kappa of the predicted "
     "classes across prompts (raters = prompts)."),
    ("Calibration of ranked answer choices", calibration_table, ""),
)


def md_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), "|" + "|".join("---" for _ in header) + "|", *(line(r) for r in body)])


def compare_markdown(stats: Statistics) -> str:
    alpha = stats.settings.alpha
    if not stats.comparisons:
        return "## Model vs model (paired)\n\nundefined: fewer than two models share a task's prompts and examples\n"
    parts = ["## Model vs model (paired)", settings_line(stats),
             "Difference of the means over prompts, with its two-way paired bootstrap interval and p (both models "
             "on the same resampled prompts and examples); per prompt: exact McNemar (accuracy) or paired "
             f"bootstrap, Holm-adjusted over the pair's prompts; 'beats' = better with adjusted p < {alpha}.",
             md_table(*comparison_table(stats.comparisons, alpha)),
             "### Per prompt", md_table(*prompt_test_table(stats.comparisons))]
    return "\n\n".join(parts) + "\n"


def statistics_markdown(stats: Statistics) -> str:
    parts = [compare_markdown(stats).rstrip("\n")]
    for title, build, note in SECTIONS:
        header, body = build(stats)
        if not body:
            continue
        parts.append(f"## {title}")
        if build is calibration_table:
            note = calibration_note(stats)
        parts.extend(p for p in (note, md_table(header, body)) if p)
    if stats.notes:
        parts.append("\n".join(f"- {note}" for note in stats.notes))
    return "\n\n".join(parts)


COMPARE_COLUMNS = ("task", "metric", "model_a", "model_b", "prompt", "value_a", "value_b", "delta", "ci_low",
                   "ci_high", "p_value", "p_holm", "method", "n_prompts", "n_examples", "a_wins", "b_wins", "seed",
                   "n_boot")


def compare_csv(stats: Statistics) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COMPARE_COLUMNS)
    for p in stats.comparisons:
        common = [p.n_prompts, p.n_examples, p.a_wins, p.b_wins, p.seed, p.n_boot]
        writer.writerow([p.task, p.metric, p.model_a, p.model_b, MEAN_OVER_PROMPTS, _raw(p.mean_a), _raw(p.mean_b),
                         _raw(p.delta), _raw(p.ci_low), _raw(p.ci_high), _raw(p.p_value), "", p.method, *common])
        for t in p.prompts:
            writer.writerow([p.task, p.metric, p.model_a, p.model_b, t.prompt, _raw(t.value_a), _raw(t.value_b),
                             _raw(t.delta), "", "", _raw(t.p_value), _raw(t.p_holm), t.method, *common])
    return out.getvalue()


STAT_COLUMNS = ("mean_over_prompts", "mean_ci_low", "mean_ci_high", "mean_method", "tie_rank",
                "share_prompts", "share_examples", "share_interaction", "all_right", "none_right", "some_right",
                "fleiss_kappa", "ece_equal_width", "ece_equal_mass", "brier", "mean_confidence", "stats_seed",
                "stats_n_boot")


def stat_cells(stats: Statistics | None, model: str, task: str, prompt: str, metric: str) -> list[str]:
    """The CSV's statistics columns for one per-prompt row (per-cell figures repeated on each
    of its prompts' rows; "" where the statistic does not apply)."""
    from bioeval.report.statistics import interval_of, rank_of

    if stats is None:
        return [""] * len(STAT_COLUMNS)
    found = interval_of(stats, model, task, metric)
    variance = next((v for v in stats.variance if (v.model, v.task, v.metric) == (model, task, metric)), None)
    agree = next((a for a in stats.agreement if (a.model, a.task) == (model, task)), None)
    calib = next((c for c in stats.calibration if (c.model, c.task, c.prompt) == (model, task, prompt)), None)
    rank = rank_of(stats, model, task, metric)
    return [
        *([_raw(found.value), _raw(found.ci_low), _raw(found.ci_high), found.method] if found else [""] * 4),
        "" if rank is None else str(rank),
        *([_raw(variance.prompts), _raw(variance.examples), _raw(variance.interaction)] if variance else [""] * 3),
        *([_raw(agree.all_correct), _raw(agree.none_correct), _raw(agree.some_correct), _raw(agree.fleiss_kappa)]
          if agree else [""] * 4),
        *([_raw(calib.figures.ece_equal_width), _raw(calib.figures.ece_equal_mass), _raw(calib.figures.brier),
           _raw(calib.figures.mean_confidence)]
          if calib else [""] * 4),
        str(stats.settings.seed), str(stats.settings.n_boot),
    ]


def _raw(value: float | None) -> str:
    return "" if value is None else repr(value)


def latex_table(header: Sequence[str], body: Sequence[Sequence[str]], caption: str) -> str:
    lines = [f"% {caption}", "\\begin{tabular}{" + "l" * len(header) + "}", "\\toprule",
             " & ".join(latex_escape(h) for h in header) + " \\\\", "\\midrule",
             *(" & ".join(latex_escape(c) for c in row) + " \\\\" for row in body), "\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines)


def compare_latex(stats: Statistics) -> str:
    header, body = comparison_table(stats.comparisons, stats.settings.alpha)
    return latex_table(header, body, "model vs model, paired; " + settings_line(stats)) + "\n"


def statistics_latex(stats: Statistics) -> str:
    parts = [compare_latex(stats).rstrip("\n")]
    for title, build, _ in SECTIONS:
        header, body = build(stats)
        if body:
            parts.append(latex_table(header, body, title))
    return "\n\n".join(parts)


def statistics_json(stats: Statistics) -> dict[str, Any]:
    return asdict(stats)
