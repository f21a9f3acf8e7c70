"""Calibration of ranked answer choices: confidence from the choices' log-likelihoods.

A prompt with answer choices is scored by ranking the choices by their log-likelihood (the sum
over the choice's tokens, not normalised by length: how the run ranked them). The model's
probability of each choice is the softmax of those log-likelihoods over the choices; its
confidence is the probability of the top choice, and it is right when the top choice is gold.

- ECE, equal-width bins: confidences in [0, 1] cut into ``bins`` bins of equal width; the
  weighted mean over non-empty bins of |accuracy - mean confidence|, weights = share of examples.
- ECE, equal-mass bins: examples sorted by confidence and dealt into ``bins`` bins of (as near
  as possible) equal size (``numpy.array_split``); the same weighted mean.
- Brier score: the mean over examples of the sum over choices of (probability - 1[gold])^2
  (multi-class Brier; 0 is perfect, 2 the worst).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BINS = 10
EQUAL_WIDTH, EQUAL_MASS = "equal-width", "equal-mass"


def choice_probabilities(logliks: Sequence[float]) -> np.ndarray:
    """Softmax over one example's choice log-likelihoods."""
    return probability_matrix([logliks])[0]


@dataclass(frozen=True)
class ReliabilityBin:
    low: float  # the bin's confidence range (equal-width: fixed edges; equal-mass: its examples')
    high: float
    count: int
    confidence: float  # mean confidence of its examples
    accuracy: float  # share of its examples answered right


@dataclass(frozen=True)
class Calibration:
    n: int
    accuracy: float
    mean_confidence: float
    ece_equal_width: float
    ece_equal_mass: float
    brier: float
    bins: int
    reliability: tuple[ReliabilityBin, ...]  # equal-width bins, non-empty ones only


def probability_matrix(logliks: Sequence[Sequence[float]]) -> np.ndarray:
    """Each example's softmax over its choices, as rows of one (examples, most choices) array;
    an example with fewer choices is padded with probability 0 (which changes no figure here)."""
    width = max((len(row) for row in logliks), default=0)
    padded = np.full((len(logliks), width), -np.inf)
    for index, row in enumerate(logliks):
        padded[index, : len(row)] = row
    if not len(padded):
        return padded
    shifted = np.exp(padded - padded.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def calibration(probabilities: np.ndarray | Sequence[np.ndarray], gold: Sequence[int], bins: int = BINS) -> Calibration | None:
    """Calibration of examples given each one's choice probabilities (rows) and its gold choice
    index (-1 where the gold is not among the choices: counted wrong, no Brier term for gold).
    None with no examples."""
    if not len(probabilities):
        return None
    matrix = probabilities if isinstance(probabilities, np.ndarray) else _stack(probabilities)
    gold_index = np.asarray(gold, dtype=int)
    confidence = matrix.max(axis=1)
    correct = (matrix.argmax(axis=1) == gold_index).astype(float)
    target = np.zeros_like(matrix)
    known = (gold_index >= 0) & (gold_index < matrix.shape[1])
    target[np.flatnonzero(known), gold_index[known]] = 1.0
    return Calibration(
        n=len(confidence),
        accuracy=float(correct.mean()),
        mean_confidence=float(confidence.mean()),
        ece_equal_width=expected_calibration_error(confidence, correct, bins, EQUAL_WIDTH),
        ece_equal_mass=expected_calibration_error(confidence, correct, bins, EQUAL_MASS),
        brier=float(np.mean(np.sum((matrix - target) ** 2, axis=1))),
        bins=bins,
        reliability=reliability_bins(confidence, correct, bins),
    )


def _stack(rows: Sequence[np.ndarray]) -> np.ndarray:
    width = max(len(r) for r in rows)
    out = np.zeros((len(rows), width))
    for index, row in enumerate(rows):
        out[index, : len(row)] = row
    return out


def _bin_groups(confidence: np.ndarray, bins: int, scheme: str) -> list[np.ndarray]:
    """Indices of the examples in each bin (empty bins included)."""
    if scheme == EQUAL_MASS:
        order = np.argsort(confidence, kind="mergesort")
        return list(np.array_split(order, bins))
    if scheme != EQUAL_WIDTH:
        raise ValueError(f"unknown binning {scheme!r}; expected {EQUAL_WIDTH} or {EQUAL_MASS}")
    # bin i holds (i/bins, (i+1)/bins]; a confidence of exactly 0 goes to the first bin
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    return [np.flatnonzero(index == i) for i in range(bins)]


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS,
                               scheme: str = EQUAL_WIDTH) -> float:
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    total = len(confidence)
    gap = 0.0
    for group in _bin_groups(confidence, bins, scheme):
        if len(group):
            gap += len(group) / total * abs(correct[group].mean() - confidence[group].mean())
    return float(gap)


def reliability_bins(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> tuple[ReliabilityBin, ...]:
    """The equal-width reliability diagram's non-empty bins."""
    out = []
    for i, group in enumerate(_bin_groups(confidence, bins, EQUAL_WIDTH)):
        if len(group):
            out.append(ReliabilityBin(i / bins, (i + 1) / bins, len(group),
                                      float(confidence[group].mean()), float(correct[group].mean())))
    return tuple(out)
