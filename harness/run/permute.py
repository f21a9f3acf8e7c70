"""``--permute-choices K``: every multiple-choice question under K orders of its options.

The first order is the publisher's (the identity); the others are drawn per question, seeded by
the run's ``--seed`` and the question's id (so a resume or a second run draws the same ones), and
differ from each other and from the identity while the options allow (a yes / no question has
only two orders: its later draws repeat them). A permuted question keeps its answer text, so a
letter prompt's target moves with it; its id gets ``@p<k>``, and each rendered example records
its permutation and the original index of every option shown.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bioeval.tasks.core.schemas import Example, QARecord

PERMUTATIONS = (
    "order 0 is the publisher's; orders 1.. of a question with n <= 6 options are drawn without "
    "repeats from its other orders, shuffled by random.Random('bioeval-permute/<seed>/<question id>'); "
    "each sample row records its permutation and order (the original index of every option shown)"
)
"""How the orders are drawn, as run.json says it."""
ENUMERATED_UP_TO = 6
"""Questions with at most this many options draw their orders without repeats from all of them."""


@dataclass(frozen=True)
class Shown:
    """One question as a prompt shows it: the example (options reordered) and which order."""

    example: Example
    permutation: int | None  # None: not a multiple-choice question, or not permuted
    order: tuple[int, ...] | None  # original index of every option shown


def is_multiple_choice(example: Example) -> bool:
    return isinstance(example.record, QARecord) and len(example.record.choices) > 1


def orders(example_id: str, size: int, count: int, seed: int) -> list[tuple[int, ...]]:
    """``count`` orders of ``size`` options, the identity first (rules in the module docstring)."""
    identity = tuple(range(size))
    rng = random.Random(f"bioeval-permute/{seed}/{example_id}")
    if size <= ENUMERATED_UP_TO:
        others = [p for p in itertools.permutations(identity) if p != identity]
        rng.shuffle(others)
        pool = others or [identity]
        return [identity, *(pool[i % len(pool)] for i in range(count - 1))]
    drawn = [identity]
    for _ in range(count - 1):
        order = list(identity)
        rng.shuffle(order)
        drawn.append(tuple(order))
    return drawn


def permuted(examples: Sequence[Example], count: int, seed: int) -> list[Shown]:
    """Every example under ``count`` orders (permutation-major: all of order 0, then order 1 ...);
    examples that are not multiple-choice questions once, as they are. ``count`` 1: no
    permutation is recorded."""
    if count <= 1:
        return [Shown(example, None, None) for example in examples]
    per_example = {
        e.id: orders(e.id, len(e.record.choices), count, seed)  # type: ignore[union-attr]
        for e in examples if is_multiple_choice(e)
    }
    shown = [Shown(e, None, None) for e in examples if e.id not in per_example]
    for k in range(count):
        for example in examples:
            if example.id in per_example:
                order = per_example[example.id][k]
                shown.append(Shown(reorder(example, order, k), k, order))
    return shown


def reorder(example: Example, order: tuple[int, ...], k: int) -> Example:
    record = example.record
    assert isinstance(record, QARecord)
    new_record = replace(
        record, id=record.id if k == 0 else f"{record.id}@p{k}",
        choices=tuple(record.choices[i] for i in order),
    )
    return replace(example, record=new_record)
