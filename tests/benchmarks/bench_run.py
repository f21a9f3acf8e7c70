"""Throughput of `bioeval run` with the default model on the CPU.

Not a test (pytest does not collect it): run it and quote its output.

    .venv/bin/python tests/benchmarks/bench_run.py --data-dir ../shared/data --limit 20

For each task and batch size it evaluates one prompt through the whole pipeline (render ->
lm-eval -> parse -> score) and prints seconds, examples per second and peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--tasks", default="gad,pubmed_qa,biosses")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--batch-sizes", default="1,8,32")
    args = parser.parse_args()

    from bioeval.backends import LoadOptions, load_model
    from bioeval.run.engine import evaluate, quiet_libraries
    from bioeval.run.plan import build_plan
    from bioeval.run.runner import choose_mode, score_unit

    quiet_libraries()
    plan = build_plan([args.model], args.tasks.split(","), None, Path(args.data_dir).resolve(), args.limit)
    first_prompt = {}
    for task in plan.tasks:
        first_prompt.setdefault(task.view.name, task)
    model = plan.models[0]
    print(f"model {model.name}, {args.limit} examples per task, one prompt per task")
    print(f"{'task':<12}{'mode':<18}{'batch':>6}{'seconds':>10}{'ex/s':>8}{'peak RSS MB':>13}")
    for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
        started = time.perf_counter()
        lm = load_model(model, LoadOptions(batch_size=batch_size))
        load_seconds = time.perf_counter() - started
        for name, task in first_prompt.items():
            mode = choose_mode(task, model, "auto")
            started = time.perf_counter()
            outputs = evaluate(lm, task, mode, chat=model.chat)
            score_unit(task, outputs, mode)
            seconds = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{name:<12}{mode.value:<18}{batch_size:>6}{seconds:>10.1f}{len(task.examples) / seconds:>8.2f}{rss:>13.0f}")
        print(f"(model load {load_seconds:.1f}s at batch size {batch_size})")
        del lm
    return 0


if __name__ == "__main__":
    sys.exit(main())
