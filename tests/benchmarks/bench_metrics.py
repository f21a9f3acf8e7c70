"""Time of `bioeval.metrics.scoring.score` (value + 1000-resample bootstrap) per metric.

Not a test (pytest does not collect it): run it and quote its output.

    .venv/bin/python tests/benchmarks/bench_metrics.py --n 10000 --n-boot 1000

Predictions and references are synthetic but of each metric's real shape; about 10% of the
predictions are wrong and 2% unparsed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()

    from bioeval.metrics import scoring
    from bioeval.metrics.types import Prediction

    rng = random.Random(0)
    labels = ["CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9", "false"]

    def noisy(gold, wrong):  # noqa: ANN001, ANN202
        roll = rng.random()
        if roll < 0.02:
            return Prediction(value=None, raw="?", error="unparsed")
        right = gold[0] if isinstance(gold, tuple) and isinstance(gold[0], str) else gold  # BLUE rows: a pair's first label
        return Prediction(value=wrong() if roll < 0.12 else right, raw="x")

    cases = {}
    gold = [rng.choice(labels) for _ in range(args.n)]
    cases["accuracy"] = (gold, lambda: rng.choice(labels), {})
    cases["micro_f1"] = (gold, lambda: rng.choice(labels), {"negative": "false", "labels": labels})
    cases["macro_f1"] = (gold, lambda: rng.choice(labels), {"labels": labels})
    numbers = [rng.uniform(0, 4) for _ in range(args.n)]
    cases["pearson"] = (numbers, lambda: rng.uniform(0, 4), {})
    sets = [frozenset(rng.sample(labels, rng.randint(0, 2))) for _ in range(args.n)]
    for name in ("example_f1", "example_f1_blue", "label_micro_f1"):
        cases[name] = (sets, lambda: frozenset(rng.sample(labels, 1)), {})
    rows = [tuple(rng.choice(labels) for _ in range(rng.choice((1, 1, 1, 2)))) for _ in range(args.n)]
    cases["pair_rows_micro_f1"] = (rows, lambda: rng.choice(labels), {"negative": "false"})
    words = ["aspirin", "tumor necrosis factor", "cisplatin", "IL-2", "breast cancer"]
    mentions = [[("Chemical", rng.choice(words)) for _ in range(rng.randint(0, 4))] for _ in range(args.n)]
    for name in ("entity_f1", "entity_f1_relaxed", "rouge1", "entity_f1_exact_lower", "pico_bow_micro_f1"):
        cases[name] = (mentions, lambda: [("Chemical", rng.choice(words))], {})

    print(f"{args.n} examples, {args.n_boot} bootstrap resamples")
    print(f"{'metric':<20}{'seconds':>9}{'value':>9}")
    for name, (references, wrong, options) in cases.items():
        predictions = [noisy(ref, wrong) for ref in references]
        started = time.perf_counter()
        result = scoring.score(name, predictions, references, options=options, n_boot=args.n_boot)
        print(f"{name:<20}{time.perf_counter() - started:>9.2f}{result.value:>9.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
