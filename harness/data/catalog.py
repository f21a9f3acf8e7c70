"""What ``bioeval list`` shows: datasets with availability, prompts, models, suites."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bioeval.report.terminal import format_table


def availability(spec, view, data_dir: Path) -> str:  # noqa: ANN001 - DatasetSpec, View
    from bioeval.tasks.core.loading import has_split
    from bioeval.tasks.core.spec import Access

    if has_split(spec, view, view.eval_split, data_dir):
        absent = [split for split in view.splits if not has_split(spec, view, split, data_dir)]
        return f"present ({', '.join(absent)} missing)" if absent else "present"
    if spec.access is not Access.PUBLIC:
        return spec.access.value
    refs = view.splits.get(view.eval_split, ())
    if refs and all(spec.source_file(ref).url for ref in refs):
        return "downloadable"
    return "missing"


def datasets_table(data_dir: Path) -> str:
    from bioeval.tasks.core.registry import all_views

    rows = []
    for spec, view in all_views():
        rows.append(
            (
                view.name,
                spec.name,
                view.schema.value,
                view.task.value,
                spec.license,
                ",".join(view.splits),
                availability(spec, view, data_dir),
            )
        )
    headers = ("task", "dataset", "schema", "type", "license", "splits", "files")
    table = f"data directory: {data_dir}\n" + format_table(headers, rows)
    hints = what_to_do(data_dir)
    return table + ("\n\nto get the missing files:\n" + "\n".join(hints) if hints else "")


def what_to_do(data_dir: Path) -> list[str]:
    """One line per dataset with a view whose evaluation files are not present."""
    from bioeval.tasks.core.registry import all_datasets
    from bioeval.tasks.core.spec import Access

    lines = []
    for spec in all_datasets():
        states = {availability(spec, view, data_dir) for view in spec.views}
        if all(state.startswith("present") for state in states):
            continue
        if spec.access is not Access.PUBLIC:
            how = spec.how_to_get or f"see {spec.homepage}"
            lines.append(f"  {spec.name} ({spec.access.value}): {how}")
        elif "downloadable" in states:
            lines.append(f"  {spec.name}: bioeval data download {spec.name}")
        else:
            lines.append(f"  {spec.name}: get the files from {spec.homepage}")
    return lines


def prompts_table() -> str:
    from bioeval.prompts.library import all_prompts

    counts = Counter((p.target, p.family) for p in all_prompts())
    families = sorted({family for _, family in counts})
    targets = sorted({target for target, _ in counts})
    rows = [(t, *(counts.get((t, f), 0) for f in families)) for t in targets]
    return format_table(("task", *families), rows)


def models_table() -> str:
    from bioeval.config.models import model_aliases

    rows = [
        (m.name, m.backend, m.pretrained or "", m.kind if m.backend in ("hf", "vllm") else "",
         m.params or "", m.study or "")
        for m in model_aliases().values()
    ]
    return format_table(("model", "backend", "pretrained", "kind", "params", "study"), rows)


def suites_table() -> str:
    from bioeval.config.suites import all_suites

    suites = all_suites().values()
    rows = [(s.name, len(s.tasks), ",".join(s.tasks), s.description) for s in suites]
    table = format_table(("suite", "tasks", "task names", "description"), rows)
    notes = [f"{s.name}: scores {task} by {metric} (the benchmark's own metric)" for s in suites for task, metric in s.metrics]
    notes += [f"{s.name}: differs from the published benchmark: {d}" for s in suites for d in s.deviations]
    return "\n".join([table, "", *notes]) if notes else table


def metrics_table() -> str:
    """Every metric with where its definition comes from, and the tasks it scores."""
    from bioeval.metrics.registry import METRICS
    from bioeval.tasks.core.registry import all_views

    views = [view for _, view in all_views()]
    blocks = []
    for spec in METRICS.values():
        tasks = [v.name for v in views if spec.name in v.metrics]
        tasks += [f"{v.name} (on {v.published_rows.source})" for v in views
                  if v.published_rows is not None and v.published_rows.metric == spec.name]
        lines = [f"{spec.name}: {spec.description}", f"  reads:     {', '.join(spec.output_kinds)}"]
        if spec.provenance is not None:
            lines += [
                f"  source:    {spec.provenance.source}",
                f"  unit:      {spec.provenance.unit}",
                f"  averaging: {spec.provenance.averaging}",
                f"  empty:     {spec.provenance.empty}",
            ]
        lines += [f"  unparsed:  {spec.unparsed}", f"  tasks:     {', '.join(tasks) or '(declared by prompts only)'}"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
