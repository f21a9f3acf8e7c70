"""Terminal tables from score rows: per prompt, then aggregated across prompts.

For each task and metric: one row per prompt, one column per model (the majority baseline
included, a star where a model beats it significantly on the same examples); then mean, median,
best, worst and standard deviation over the prompts.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from bioeval.tables import format_table

AGGREGATES = ("mean", "median", "best", "worst", "std")


def aggregate(values: Sequence[float]) -> dict[str, float | None]:
    """Summary of one model's scores over the prompts of a task (None values left out)."""
    if not values:
        return {name: None for name in AGGREGATES}
    return {
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "best": max(values),
        "worst": min(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
    }


def _cell(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return ""
    value = row.get("value")
    text = "n/a" if value is None else f"{value:.4f}"
    if (row.get("vs_baseline") or {}).get("beats_baseline"):
        text += "*"
    if row.get("n_unparsed"):
        text += f" ({row['n_unparsed']}/{row['n']} unparsed)"
    return text


def format_summary(rows: Sequence[Mapping[str, Any]]) -> str:
    models = list(dict.fromkeys(row["model"] for row in rows))
    blocks: list[str] = []
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["task"], row["metric"]), []).append(row)
    for (task, metric), group in groups.items():
        prompts = list(dict.fromkeys(row["prompt"] for row in group))
        by_key = {(row["model"], row["prompt"]): row for row in group}
        n = max(row["n"] for row in group)
        table_rows: list[list[str]] = [
            [prompt, *(_cell(by_key.get((model, prompt))) for model in models)] for prompt in prompts
        ]
        summaries = {
            model: aggregate(
                [
                    by_key[(model, p)]["value"]
                    for p in prompts
                    if (model, p) in by_key and by_key[(model, p)]["value"] is not None
                ]
            )
            for model in models
        }
        for name in AGGREGATES:
            table_rows.append(
                [f"[{name} over prompts]", *(_fmt(summaries[model][name]) for model in models)]
            )
        header = f"{task} - {metric} (n={n}, {len(prompts)} prompts; * = beats the majority baseline, p < 0.05)"
        notes = sorted({_baseline_source(row["note"]) for row in group if row["model"] == "majority" and row.get("note")})
        footer = "".join(f"\nmajority baseline: {note}" for note in notes)
        blocks.append(header + "\n" + format_table(["prompt", *models], table_rows) + footer)
    return "\n\n".join(blocks)


def _baseline_source(note: str) -> str:
    """The part of the majority note that is the same for every prompt: where it was counted."""
    marker = "the most frequent target of the "
    return "most frequent target of the " + note.split(marker, 1)[1] if marker in note else note


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
