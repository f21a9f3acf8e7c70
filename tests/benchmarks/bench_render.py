"""Cost of one template render, with the render bounds (prompts/sandbox.py) and without the
per-render budget and timer. Not a test (pytest does not collect it): run it and quote its output.

    .venv/bin/python tests/benchmarks/bench_render.py --data-dir ../shared/data --rounds 5

Every prompt of the chosen task rendered on its first ``--examples`` test examples, in
interleaved rounds (bounded, unbounded, bounded, ...); prints microseconds per render, min and
median over the rounds. "unbounded" still runs in the bounded sandbox (its size checks are part
of every call); it drops only the per-render budget and SIGALRM timer.
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--task", default="gad")
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import bioeval.prompts.render as render_module
    from bioeval.config.paths import resolve_data_dir
    from bioeval.prompting.select import example_fields, prompts_for_view
    from bioeval.tasks.core.loading import load_split
    from bioeval.tasks.core.registry import views_named

    ((spec, view),) = views_named(args.task)
    examples = load_split(spec, view, view.eval_split, resolve_data_dir(args.data_dir))[: args.examples]
    prompts = prompts_for_view(view, ["all"])
    work = [(prompt, example_fields(view, example), example.id) for prompt in prompts for example in examples]
    bounded = render_module.bounded_render

    def timed(wrapper) -> float:  # noqa: ANN001
        render_module.bounded_render = wrapper
        started = time.perf_counter()
        for prompt, fields, example_id in work:
            render_module.render(prompt, fields, example_id)
        return (time.perf_counter() - started) / len(work) * 1e6

    times: dict[str, list[float]] = {"bounded": [], "unbounded": []}
    timed(bounded)  # warm the template cache
    for _ in range(args.rounds):
        times["bounded"].append(timed(bounded))
        times["unbounded"].append(timed(lambda render: render()))
    render_module.bounded_render = bounded
    print(f"{args.task}: {len(prompts)} prompts x {len(examples)} examples = {len(work)} renders per round, {args.rounds} rounds")
    for name, values in times.items():
        print(f"{name:10s} min {min(values):7.1f} us  median {statistics.median(values):7.1f} us per render")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
