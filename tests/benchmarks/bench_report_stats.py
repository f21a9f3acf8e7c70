"""Time of `bioeval report` with its statistics over prompts and models, and the coverage of the
two-way interval in simulation. Not a test (pytest does not collect it): run it and quote it.

    .venv/bin/python tests/benchmarks/bench_report_stats.py --models 3 --tasks 10 --prompts 5 --examples 500
    .venv/bin/python tests/benchmarks/bench_report_stats.py --coverage 500

The run folder is synthesized with the project's own writers (RunFolder, RunRecord, ScoreRow,
SampleRow): 3 models x 10 tasks (8 two-class tasks ranked by log-likelihood, 2 number tasks
scored by Pearson) x 5 prompts x 500 examples, each model right with a prompt- and
example-dependent probability. The timed part is `build_report` + rendering (md and html),
i.e. reading every samples file, the two-way bootstraps, every pair, tie groups, variance,
agreement and calibration, with 1000 resamples.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def synthesize(folder: Path, models: int, tasks: int, prompts: int, examples: int, seed: int = 0) -> Path:
    import numpy as np

    from bioeval.metrics.scoring import score
    from bioeval.metrics.types import MetricOptions, Prediction
    from bioeval.rundir.layout import RunFolder
    from bioeval.rundir.records import Mode, PromptInfo, RunRecord, SampleRow, ScoreRow, UnitId

    rng = np.random.default_rng(seed)
    run = RunFolder.create(folder)
    names = [f"model-{m}" for m in range(models)]
    infos: dict[str, PromptInfo] = {}
    score_rows: list[ScoreRow] = []
    for t in range(tasks):
        task = f"task{t:02d}"
        numeric = t >= tasks - 2
        gold = rng.integers(0, 2, examples) if not numeric else rng.uniform(0, 4, examples)
        hardness = rng.normal(0, 1.2, examples)
        for p in range(prompts):
            prompt = f"prompt_{p}"
            choices = ("no", "yes") if p % 2 else ("false", "true")
            metric, output, mode = ("pearson", "number", Mode.GENERATE) if numeric else ("accuracy", "label", Mode.RANK)
            infos[f"{task}/{prompt}"] = PromptInfo(
                id=f"{task}-{prompt}", family="bigbio", version="0" * 12, sha256="0" * 64, source="synthetic",
                metrics=(metric,), output=output, metric_options=MetricOptions(),
                vocabulary=() if numeric else choices)
            effect = rng.normal(0, 0.5)
            for m, model in enumerate(names):
                skill = 0.3 * m + effect
                right = rng.random(examples) < 1 / (1 + np.exp(-(skill - hardness)))
                rows = []
                for i in range(examples):
                    if numeric:
                        guess = gold[i] + rng.normal(0, 1.0 + 0.3 * m)
                        target, out, logliks, listed = f"{gold[i]:.2f}", f"{guess:.2f}", None, None
                    else:
                        answer = int(gold[i]) if right[i] else 1 - int(gold[i])
                        margin = abs(rng.normal(1.0, 1.0))
                        logliks = (-1.0 - margin, -1.0) if answer else (-1.0, -1.0 - margin)
                        target, out, listed = choices[int(gold[i])], choices[answer], choices
                    rows.append(SampleRow(id=f"{task}-{i}", input=f"example {i} of {task}", target=target,
                                          output=out, prediction=out, gold=target, error=None,
                                          choices=listed, choice_logliks=logliks))
                run.write_samples(model, task, prompt, rows)
                unit = UnitId(model, task, task, prompt, f"{task}-{prompt}", "0" * 12, "bigbio", mode)
                predictions = [Prediction(float(r.output) if numeric else r.output, r.output) for r in rows]
                references = [float(r.target) if numeric else r.target for r in rows]
                score_rows.append(ScoreRow.of(unit, score(metric, predictions, references, n_boot=0)))
    run.append_scores(score_rows)
    run.write_run(RunRecord(
        bioeval_version="bench", command=("bench_report_stats.py",), status="complete", started="2026-01-01T00:00:00",
        finished="2026-01-01T01:00:00", config={"tasks": sorted({r.unit.task for r in score_rows})},
        models={name: {"name": name, "backend": "hf"} for name in names}, data_files={}, prompts=infos,
        majority_baseline={}, versions={}, git_commit=None))
    return folder


def time_report(folder: Path, n_boot: int) -> None:
    from bioeval.report.build import ReportOptions, build_report, render
    from bioeval.report.stat_types import StatsSettings

    for fmt in ("md", "html"):
        start = time.perf_counter()
        options = ReportOptions(format=fmt, statistics=StatsSettings(n_boot=n_boot))
        report = build_report([folder], options)
        text = render(report, fmt)
        elapsed = time.perf_counter() - start
        stats = report.statistics
        assert stats is not None
        print(f"report --format {fmt}: {elapsed:.1f} s ({len(text) / 1e6:.1f} MB; {len(stats.intervals)} intervals, "
              f"{len(stats.comparisons)} pairs, {len(stats.calibration)} calibration rows, {n_boot} resamples)")


def run_coverage(runs: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "metrics"))
    from test_prompt_stats import coverage  # the test's simulation, at full size

    start = time.perf_counter()
    two_way, one_way, truth = coverage(runs=runs, n_prompts=5, n_examples=200, n_boot=1000, seed=0)
    print(f"coverage of the 95% interval over {runs} simulated runs (5 prompts x 200 examples, prompt sd 0.6 and "
          f"example sd 1.2 on the logit scale, population mean {truth:.3f}, 1000 resamples): two-way "
          f"{two_way:.1%}, one-way (examples only) {one_way:.1%} [{time.perf_counter() - start:.0f} s]")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--prompts", type=int, default=5)
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--coverage", type=int, default=0, help="also simulate this many runs for coverage")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        folder = synthesize(Path(tmp) / "run", args.models, args.tasks, args.prompts, args.examples)
        print(f"synthesized {args.models} models x {args.tasks} tasks x {args.prompts} prompts x {args.examples} "
              f"examples in {time.perf_counter() - start:.1f} s")
        time_report(folder, args.n_boot)
    if args.coverage:
        run_coverage(args.coverage)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
