"""ECE (equal-width and equal-mass bins), Brier and mean confidence on cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from bioeval.metrics.calibration import EQUAL_MASS, calibration, choice_probabilities, expected_calibration_error

# (choice log-likelihoods, gold index): confidences 0.5 (right: ties go to the first choice),
# 0.9 (wrong), 0.8 (right), 0.7 (right)
CASES = [
    ((0.0, 0.0), 0),
    ((math.log(0.9), math.log(0.1)), 1),
    ((math.log(0.8), math.log(0.2)), 0),
    ((math.log(0.3), math.log(0.7)), 1),
]


def test_softmax_over_the_choices() -> None:
    assert choice_probabilities([math.log(2), math.log(6)]) == pytest.approx([0.25, 0.75])
    assert choice_probabilities([-1000.0, -1001.0]).sum() == pytest.approx(1.0)  # no underflow


def test_calibration_by_hand() -> None:
    result = calibration([choice_probabilities(l) for l, _ in CASES], [g for _, g in CASES], bins=10)
    assert result is not None
    assert result.n == 4
    assert result.accuracy == 0.75
    assert result.mean_confidence == pytest.approx(0.725)
    # ten bins: one example per bin, so ECE = mean |right - confidence| = (.5 + .9 + .2 + .3) / 4
    assert result.ece_equal_width == pytest.approx(0.475)
    # Brier, summed over the choices: .5, 1.62, .08, .18
    assert result.brier == pytest.approx(0.595)
    assert [b.count for b in result.reliability] == [1, 1, 1, 1]


def test_two_bins_equal_width_against_equal_mass() -> None:
    confidence = np.array([0.5, 0.9, 0.8, 0.7])
    right = np.array([1.0, 0.0, 1.0, 1.0])
    # equal width: (0, .5] holds .5 (gap .5); (.5, 1] holds .7 .8 .9 (accuracy 2/3, confidence .8)
    assert expected_calibration_error(confidence, right, 2) == pytest.approx(0.25 * 0.5 + 0.75 * (0.8 - 2 / 3))
    # equal mass: {.5, .7} (accuracy 1, confidence .6) and {.8, .9} (accuracy .5, confidence .85)
    assert expected_calibration_error(confidence, right, 2, EQUAL_MASS) == pytest.approx(0.5 * 0.4 + 0.5 * 0.35)


def test_perfectly_calibrated_and_gold_outside_the_choices() -> None:
    rng = np.random.default_rng(0)
    confidence = np.full(20000, 0.8)
    right = (rng.random(20000) < 0.8).astype(float)
    assert expected_calibration_error(confidence, right, 10) < 0.01
    result = calibration([np.array([0.6, 0.4])], [-1])
    assert result is not None and result.accuracy == 0.0
    assert result.brier == pytest.approx(0.36 + 0.16)
    assert calibration([], []) is None
