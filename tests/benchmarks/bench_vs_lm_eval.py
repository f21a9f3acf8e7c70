"""`bioeval run` against plain lm-eval and a bare transformers floor, on the same examples.

Not a test (pytest does not collect it): run it and quote its output.

    .venv/bin/python tests/benchmarks/bench_vs_lm_eval.py --data-dir ../shared/data --sample 50 --rounds 3
    .venv/bin/python tests/benchmarks/bench_vs_lm_eval.py --data-dir ../shared/data --limit 30 --rounds 2

choices: (a) `bioeval run` on GAD + PubMedQA (every bigbio prompt), (b) plain `lm_eval` on the
same prompts exported by `bioeval export lm-eval`, all tasks in one call, (c) the bare floor
(bench_floor.py). generate: (a) and (b) on an NER task with --limit. help: `bioeval --help`.
Each contender is a fresh process (start-up and model load included); contenders take turns
in every round (interleaved, the order rotated), and the report gives min and median wall time,
the ratios of the medians, forward passes, tokens fed to the model, requests/s and tokens/s
(over the wall time; bioeval's own run.json figures over its backend time too), peak RSS; the predictions
must agree, and bioeval's answer-choice log-likelihoods must equal lm-eval's HFLM's within 1e-4.
For `bioeval run` it also reports two shares of its wall time: set-up (everything before the
model's first forward pass except loading its weights: interpreter start, imports, the plan,
reading and rendering the data, the majority baseline; also without the import of torch and
transformers, which every contender pays) and scoring (metrics, bootstrap CIs,
paired tests against the baseline, writing samples and scores).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODEL = "smollm2-135m"
TOLERANCE = 1e-4
STARTED = "BENCH_STARTED"  # the parent's wall clock when it started the child


def model_folder() -> str:
    from bioeval.backends.gguf import converted_folder
    from bioeval.config.models import resolve_model

    return str(converted_folder(resolve_model(MODEL)))


def count_forwards(stats: dict[str, Any]) -> None:
    """Count every top-level call of the model class and the tokens it is fed."""
    started = time.perf_counter()
    from transformers import LlamaForCausalLM  # torch and transformers: every contender imports them

    stats["torch_import_seconds"] = time.perf_counter() - started

    call = LlamaForCausalLM.__call__

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        ids = kwargs.get("input_ids", args[0] if args else None)
        if not stats["forwards"]:
            stats["first_forward_after"] = time.time() - float(os.environ[STARTED])
        stats["forwards"] += 1
        stats["tokens"] += int(ids.numel()) if ids is not None else 0
        return call(self, *args, **kwargs)

    LlamaForCausalLM.__call__ = counting


def timed(owner: Any, name: str, stats: dict[str, Any], key: str) -> None:
    """Add the wall time of every call of ``owner.name`` to ``stats[key]``."""
    function = getattr(owner, name)

    def wrapper(*a: Any, **k: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*a, **k)
        finally:
            stats[key] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def child_bioeval(args: argparse.Namespace, stats: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[float]]]:
    import bioeval.run.runner as runner
    from bioeval.cli import main

    timed(runner, "score_unit", stats, "scoring_seconds")  # metrics and bootstrap CIs
    timed(runner.Runner, "_write_unit", stats, "scoring_seconds")  # paired tests, samples and scores
    timed(runner, "load_model", stats, "load_seconds")
    out = Path(args.work) / "run"
    code = main(["run", "--model", MODEL, "--tasks", args.tasks, "--data-dir", args.data_dir, "--output", str(out),
                 "--batch-size", str(args.batch_size), *selection(args), *(["--prompts", args.prompts] if args.prompts else [])])
    assert code == 0
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    stats["throughput"] = record["models"][MODEL].get("throughput")
    predictions, logliks = {}, {}
    for path in (out / "samples" / MODEL).glob("*/*.jsonl"):
        task = f"bioeval.{path.parent.name}.{path.stem}"
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key, values = f"{task}/{row['id']}", row.get("choice_logliks")
            predictions[key] = max(range(len(values)), key=values.__getitem__) if values else row["output"]
            if values:
                logliks[key] = values
    return predictions, logliks


def child_lm_eval(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, list[float]]]:
    from lm_eval.__main__ import cli_evaluate

    out = Path(args.work) / "lm_eval"
    groups = ",".join(f"bioeval.{t}" for t in args.tasks.split(","))
    sys.argv = ["lm_eval", "--model", "hf", "--model_args", f"pretrained={model_folder()},dtype=float32",
                "--include_path", args.exported, "--tasks", groups, "--batch_size", str(args.batch_size),
                "--device", "cpu", "--apply_chat_template", "--log_samples", "--output_path", str(out)]
    cli_evaluate()
    predictions, logliks = {}, {}
    for path in glob.glob(str(out / "**" / "samples_*.jsonl"), recursive=True):
        task = Path(path).name[len("samples_"):].rsplit("_", 1)[0]
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key, resps = f"{task}/{row['doc']['id']}", row["filtered_resps"]
            if isinstance(resps[0], str):
                predictions[key] = resps[0]
            else:
                logliks[key] = [float(r[0]) for r in resps]
                predictions[key] = max(range(len(resps)), key=logliks[key].__getitem__)
    return predictions, logliks


def child(args: argparse.Namespace) -> int:
    stats: dict[str, Any] = {"forwards": 0, "tokens": 0, "scoring_seconds": 0.0, "load_seconds": 0.0}
    count_forwards(stats)
    logliks: dict[str, list[float]] = {}
    if args.child == "bioeval":
        predictions, logliks = child_bioeval(args, stats)
    elif args.child == "lm-eval":
        predictions, logliks = child_lm_eval(args)
    else:
        sys.path.insert(0, str(HERE))
        from bench_floor import run_floor

        predictions = run_floor(model_folder(), Path(args.exported), args.batch_size)
    result = {**stats, "predictions": predictions, "logliks": logliks}
    Path(args.work, "result.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


def run_child(name: str, args: argparse.Namespace, exported: Path) -> dict[str, Any]:
    work = tempfile.mkdtemp(prefix=f"bench-{name}-")
    command = [sys.executable, __file__, "--child", name, "--work", work, "--exported", str(exported),
               *forwarded(args)]
    started = time.perf_counter()
    env = {**os.environ, STARTED: repr(time.time())}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert status == 0, f"{name} failed: {' '.join(command)}"
    result = json.loads(Path(work, "result.json").read_text(encoding="utf-8"))
    return {**result, "seconds": seconds, "rss_mb": usage.ru_maxrss / 1024}


def selection(args: argparse.Namespace) -> list[str]:
    """The examples every contender runs: --limit N (the first N) or --sample N (seeded)."""
    return ["--sample", str(args.sample)] if args.sample is not None else ["--limit", str(args.limit)]


def forwarded(args: argparse.Namespace) -> list[str]:
    out = ["--suite", args.suite, "--tasks", args.tasks, "--data-dir", args.data_dir, *selection(args),
           "--batch-size", str(args.batch_size)]
    return out + (["--prompts", args.prompts] if args.prompts else [])


def export(args: argparse.Namespace) -> Path:
    out = Path(tempfile.mkdtemp(prefix="bench-export-"))
    command = [sys.executable, "-m", "bioeval.cli", "export", "lm-eval", str(out), "--tasks", args.tasks,
               "--data-dir", args.data_dir, *selection(args), *(["--prompts", args.prompts] if args.prompts else [])]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return out


def report(runs: dict[str, list[dict[str, Any]]], reference: str) -> None:
    requests = (runs[reference][-1].get("throughput") or {}).get("requests") or 0
    print(f"{'contender':<10}{'min s':>9}{'median s':>10}{'forwards':>10}{'tokens':>10}{'requests/s':>12}"
          f"{'tokens/s':>10}{'peak RSS MB':>13}")
    medians = {}
    for name, results in runs.items():
        times = [r["seconds"] for r in results]
        medians[name] = statistics.median(times)
        last = results[-1]
        print(f"{name:<10}{min(times):>9.1f}{medians[name]:>10.1f}{last['forwards']:>10}{last['tokens']:>10}"
              f"{requests / medians[name]:>12.2f}{last['tokens'] / medians[name]:>10.1f}"
              f"{max(r['rss_mb'] for r in results):>13.0f}")
    print(f"requests/s and tokens/s: the {requests} requests (answer choices or generations) and the tokens fed to "
          "the model, over the median wall time (start-up and model load included)")
    backend = runs[reference][-1].get("throughput")
    if backend:
        print(f"bioeval's run.json, backend time only: {backend['requests_per_second']} requests/s, "
              f"{backend.get('tokens_per_second')} tokens/s ({backend.get('tokens_counted', 'no token count')})")
    for name, median in medians.items():
        if name != reference:
            print(f"median wall time {name} / {reference}: {median / medians[reference]:.2f}x; "
                  f"{reference} / {name}: {medians[reference] / median:.2f}x")
    mine = runs[reference]
    setup = [(r["first_forward_after"] - r["load_seconds"]) / r["seconds"] for r in mine]
    own = [(r["first_forward_after"] - r["load_seconds"] - r["torch_import_seconds"]) / r["seconds"] for r in mine]
    print(f"bioeval set-up before the first forward pass, not loading weights: {100 * statistics.median(setup):.1f}% "
          f"of its wall time (median), {100 * statistics.median(own):.1f}% without importing torch and transformers "
          f"({statistics.median(r['torch_import_seconds'] for r in mine):.1f}s, as every contender); "
          f"loading weights {statistics.median(r['load_seconds'] for r in mine):.1f}s")
    scoring = [r["scoring_seconds"] / r["seconds"] for r in mine]
    print(f"bioeval scoring (metrics, bootstrap CIs, paired tests, writing): {100 * statistics.median(scoring):.1f}% "
          "of its wall time (median)")
    predictions = {name: results[-1]["predictions"] for name, results in runs.items()}
    keys = set(predictions[reference])
    for name, found in predictions.items():
        assert set(found) == keys, f"{name} predicted other examples than {reference}"
        differ = [k for k in keys if found[k] != predictions[reference][k]]
        assert not differ, f"{name} disagrees with {reference} on {len(differ)} of {len(keys)}: {differ[:3]}"
    print(f"predictions agree on all {len(keys)} (task, prompt, example)")
    mine_ll = mine[-1]["logliks"]
    for name, results in runs.items():
        theirs = results[-1]["logliks"]
        if name == reference or not theirs:
            continue
        assert set(theirs) == set(mine_ll), f"{name} ranked other examples than {reference}"
        diffs = [abs(a - b) for k in mine_ll for a, b in zip(mine_ll[k], theirs[k], strict=True)]
        print(f"answer-choice log-likelihoods, {reference} vs {name}: max |difference| {max(diffs):.1e} "
              f"over {len(diffs)} (tolerance {TOLERANCE:.0e})")
        assert max(diffs) <= TOLERANCE


def bench_help(rounds: int) -> None:
    bioeval = str(Path(sys.executable).with_name("bioeval"))
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([bioeval, "--help"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    print(f"`bioeval --help`: min {min(times):.3f}s, median {statistics.median(times):.3f}s over {rounds} runs")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", choices=("choices", "generate", "help"), default="choices")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--tasks", default=None, help="default gad,pubmed_qa (choices), ncbi_disease (generate)")
    parser.add_argument("--prompts", default=None)
    parser.add_argument("--sample", type=int, default=None, help="a seeded sample of N examples per dataset "
                        "(default: 50 for choices, unless --limit is given)")
    parser.add_argument("--limit", type=int, default=None, help="the first N examples per dataset (default 3 for generate)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", default=None)
    parser.add_argument("--work", default=None)
    parser.add_argument("--exported", default=None)
    args = parser.parse_args()
    args.tasks = args.tasks or ("gad,pubmed_qa" if args.suite == "choices" else "ncbi_disease")
    if args.sample is None and args.limit is None:
        args.sample, args.limit = (50, None) if args.suite == "choices" else (None, 3)
    args.data_dir = str(Path(args.data_dir).resolve())
    if args.child:
        return child(args)
    if args.suite == "help":
        bench_help(max(args.rounds, 10))
        return 0
    exported = export(args)
    names = ["bioeval", "lm-eval"] + (["floor"] if args.suite == "choices" else [])
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for round_index in range(args.rounds):
        order = names[round_index % len(names):] + names[:round_index % len(names)]
        for name in order:
            runs[name].append(run_child(name, args, exported))
            print(f"round {round_index + 1} {name}: {runs[name][-1]['seconds']:.1f}s", flush=True)
    saved = Path(tempfile.mkdtemp(prefix="bench-runs-")) / "runs.json"
    saved.write_text(json.dumps(runs), encoding="utf-8")  # kept whatever the report below does
    print(f"\n{args.suite}: {args.tasks}, {' '.join(selection(args))}, batch {args.batch_size}, "
          f"{args.rounds} interleaved rounds (saved: {saved})")
    report(runs, "bioeval")
    return 0


if __name__ == "__main__":
    sys.exit(main())
