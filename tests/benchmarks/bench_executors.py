"""The same grid in one process against the local executor, and each executor's cost per shard.

Not a test (pytest does not collect it): run it and quote its output.

    .venv/bin/python tests/benchmarks/bench_executors.py --data-dir ../shared/data --rounds 2
    .venv/bin/python tests/benchmarks/bench_executors.py --executors local,slurm,ray --rounds 1

Each round runs, in turn (interleaved, so a noisy machine hurts every contender alike), `bioeval
run` of the grid in one process and with `--executor local --workers 2`, each a fresh process,
and prints their wall times. Then, for every executor run, the cost of a shard beside its model's
work, read from the run folder: queued (submitted -> the job started), the shard's run (the job
started -> its run ended: Python and library start-up, planning, model load, evaluation),
of which the model's evaluation (the backend's own seconds) and so the rest (start-up and model
load), and the merge (the run ended -> merged into the run folder). `slurm` needs a running Slurm
(`bash .ci/slurm.sh start --accounting`); `ray` starts a local cluster with 4 fake GPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def bioeval(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bioeval", *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bioeval {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def shard_costs(run: Path) -> list[dict[str, float]]:
    document = json.loads((run / "executor.json").read_text())
    out = []
    for shard in document["shards"]:
        job = json.loads((run / "jobs" / f"{shard['id']}.json").read_text())
        clock = job["clock"]
        submitted = document["submissions"][shard["id"]][-1]["clock"]
        own = json.loads((run / "shards" / shard["id"] / "run.json").read_text())
        evaluation = sum(float(info.get("throughput", {}).get("seconds", 0)) for info in own["models"].values())
        shard_run = clock["ran"] - clock["started"]
        out.append({
            "queued": clock["started"] - submitted, "shard run": shard_run, "model evaluation": evaluation,
            "start-up + load": shard_run - evaluation, "merge": clock["merged"] - clock["ran"],
        })
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--models", default="smollm2-135m")
    parser.add_argument("--tasks", default="gad,pubmed_qa,biosses")
    parser.add_argument("--limit", default="4")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--executors", default="local", help="executors whose per-shard cost to report (local,slurm,ray)")
    args = parser.parse_args()

    env = dict(os.environ, TQDM_DISABLE="1", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="disabled",
               RAY_USAGE_STATS_ENABLED="0")
    grid = ["--model", args.models, "--tasks", args.tasks, "--limit", args.limit,
            "--data-dir", str(Path(args.data_dir).resolve())]
    contenders = {
        "in-process": [],
        "local, 2 workers": ["--executor", "local", "--workers", "2"],
    }
    extra = {"slurm": ["--executor", "slurm", "--slurm-time", "60"], "ray": ["--executor", "ray"]}
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    runs: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-executors-") as scratch:
        for round_ in range(args.rounds):
            for name, flags in contenders.items():
                out = Path(scratch) / f"{name.split(',')[0]}-{round_}"
                walls[name].append(bioeval(["run", *grid, "--output", str(out), *flags], env))
                if flags:
                    runs.setdefault("local", []).append(out)
                print(f"round {round_ + 1}: {name}: {walls[name][-1]:.1f} s", flush=True)
        for name in args.executors.split(","):
            if name in extra:
                out = Path(scratch) / name
                bioeval(["run", *grid, "--output", str(out), *extra[name]], env)
                runs[name] = [out]
        print(f"\ngrid: {args.models} + majority on {args.tasks}, --limit {args.limit}; {args.rounds} interleaved rounds")
        print(f"{'contender':<20}{'min s':>8}{'median s':>10}")
        for name, values in walls.items():
            print(f"{name:<20}{min(values):>8.1f}{statistics.median(values):>10.1f}")
        base = statistics.median(walls["in-process"])
        print(f"local, 2 workers / in-process: {statistics.median(walls['local, 2 workers']) / base:.2f}x the wall time")
        print("\nper shard, median seconds over the shards of each executor's run(s):")
        keys = ("queued", "shard run", "model evaluation", "start-up + load", "merge")
        print(f"{'executor':<10}{'shards':>7}" + "".join(f"{k:>18}" for k in keys))
        for name, folders in runs.items():
            if name not in args.executors.split(","):
                continue
            costs = [c for folder in folders for c in shard_costs(folder)]
            print(f"{name:<10}{len(costs):>7}" + "".join(f"{statistics.median(c[k] for c in costs):>18.2f}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
