"""Answer-order statistics of multiple-choice questions asked under several option orders.

Pure functions over one answer per (question, order): which option was shown where, which was
chosen and which is right. ``order[i]`` is the original index of the option shown at position
i; ``chosen`` and ``gold`` are positions as shown (``chosen`` None: no option could be read).

- accuracy per permutation (order 0 is the publisher's);
- voted accuracy: per question, the original option chosen most often over its orders (a tie goes
  to the one chosen under the earliest order; unreadable answers do not vote);
- flip rate: the share of questions whose chosen original option is not the same under every
  order (an unreadable answer counts as a choice of its own);
- position bias: per shown position, the share of answers that chose it against the share of
  questions whose right answer was shown there, summarised as their total variation distance
  (0: chosen as often as right; 1: always a position that is never right).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bioeval.metrics.types import Score

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class OrderedAnswer:
    question: str  # the question's id under its publisher's order
    permutation: int
    order: tuple[int, ...]
    chosen: int | None  # the position chosen, as shown; None when unreadable
    gold: int  # the right answer's position, as shown

    @property
    def chosen_option(self) -> int | None:
        return None if self.chosen is None else self.order[self.chosen]

    @property
    def correct(self) -> bool:
        return self.chosen == self.gold


def accuracy_by_permutation(answers: Sequence[OrderedAnswer]) -> dict[int, tuple[float, int]]:
    """{permutation: (accuracy, questions)}."""
    groups: dict[int, list[bool]] = defaultdict(list)
    for answer in answers:
        groups[answer.permutation].append(answer.correct)
    return {k: (sum(v) / len(v), len(v)) for k, v in sorted(groups.items())}


def _by_question(answers: Sequence[OrderedAnswer]) -> dict[str, list[OrderedAnswer]]:
    grouped: dict[str, list[OrderedAnswer]] = defaultdict(list)
    for answer in sorted(answers, key=lambda a: a.permutation):
        grouped[answer.question].append(answer)
    return grouped


def voted_accuracy(answers: Sequence[OrderedAnswer]) -> float:
    questions = _by_question(answers)
    right = 0
    for group in questions.values():
        votes = Counter(a.chosen_option for a in group if a.chosen_option is not None)
        if not votes:
            continue
        best = max(votes.values())
        voted = next(a.chosen_option for a in group if votes.get(a.chosen_option) == best)
        right += voted == group[0].order[group[0].gold]
    return right / len(questions)


def flip_rate(answers: Sequence[OrderedAnswer]) -> float:
    questions = _by_question(answers)
    flipped = sum(len({a.chosen_option for a in group}) > 1 for group in questions.values())
    return flipped / len(questions)


def position_bias(answers: Sequence[OrderedAnswer]) -> tuple[float, dict[str, dict[str, float]]]:
    """(total variation distance, {letter: {"chosen": share, "right": share}})."""
    chosen = Counter(a.chosen for a in answers if a.chosen is not None)
    right = Counter(a.gold for a in answers)
    n_chosen, n = sum(chosen.values()), len(answers)
    positions = range(max(len(a.order) for a in answers))
    shares = {
        LETTERS[p]: {"chosen": chosen[p] / n_chosen if n_chosen else 0.0, "right": right[p] / n}
        for p in positions
    }
    distance = 0.5 * sum(abs(s["chosen"] - s["right"]) for s in shares.values()) if n_chosen else 1.0
    return distance, shares


def permutation_scores(answers: Sequence[OrderedAnswer]) -> list[Score]:
    """The scores of a prompt asked under several orders: ``accuracy_p<k>`` per order,
    ``accuracy_voted``, ``flip_rate`` and ``position_bias`` (its shares in ``details`` and
    ``note``); ``n`` counts questions, or answers for the position bias."""
    if not answers:
        return []
    unread = sum(a.chosen is None for a in answers)
    questions = len({a.question for a in answers})
    scores = [
        Score(f"accuracy_p{k}", value, n, sum(a.chosen is None for a in answers if a.permutation == k))
        for k, (value, n) in accuracy_by_permutation(answers).items()
    ]
    distance, shares = position_bias(answers)
    note = "chosen / right per position: " + ", ".join(
        f"{letter} {s['chosen']:.2f} / {s['right']:.2f}" for letter, s in shares.items()
    )
    scores += [
        Score("accuracy_voted", voted_accuracy(answers), questions, unread),
        Score("flip_rate", flip_rate(answers), questions, unread),
        Score("position_bias", distance, len(answers), unread, note=note, details={"positions": shares}),
    ]
    return scores
