"""The statistics a report shows, as typed records (plain values only: every format renders
them, JSON as they are). Built by ``bioeval.report.statistics``."""

from __future__ import annotations

from dataclasses import dataclass

from bioeval.metrics.calibration import Calibration

MEAN_OVER_PROMPTS = "(mean over prompts)"


@dataclass(frozen=True)
class StatsSettings:
    n_boot: int = 1000  # bootstrap resamples
    seed: int = 0  # seeds every resample (the same seed gives the same report)
    confidence: float = 0.95
    alpha: float = 0.05  # level of the tests behind tie groups and "beats on k of n prompts"
    bins: int = 10  # calibration bins
    hardest: int = 10  # examples most often wrong, listed per (model, task)


@dataclass(frozen=True)
class MeanInterval:
    """A leaderboard cell's mean over prompts with its two-way bootstrap interval."""

    model: str
    task: str
    metric: str
    value: float | None  # mean over prompts on the examples every prompt has (None: undefined)
    ci_low: float | None
    ci_high: float | None
    n_prompts: int
    n_examples: int
    method: str
    seed: int
    n_boot: int
    confidence: float
    example_ci_low: float | None = None  # the one-way interval (examples only), for contrast
    example_ci_high: float | None = None
    note: str = ""  # why a figure is undefined


@dataclass(frozen=True)
class PromptTest:
    """One prompt's paired test of model A against model B."""

    prompt: str
    value_a: float | None
    value_b: float | None
    delta: float | None  # A - B
    p_value: float | None
    p_holm: float | None  # Holm-adjusted over the pair's prompts
    method: str


@dataclass(frozen=True)
class PairComparison:
    """Model A against model B on the same task, prompts and examples."""

    task: str
    metric: str
    model_a: str
    model_b: str
    n_prompts: int
    n_examples: int
    mean_a: float | None
    mean_b: float | None
    delta: float | None  # mean_a - mean_b
    ci_low: float | None  # two-way paired bootstrap interval of the delta
    ci_high: float | None
    p_value: float | None
    method: str
    seed: int
    n_boot: int
    a_wins: int  # prompts where A is better with Holm-adjusted p < alpha
    b_wins: int
    higher_is_better: bool
    prompts: tuple[PromptTest, ...]
    note: str = ""

    def verdict(self, alpha: float) -> str:
        if self.delta is None or self.p_value is None:
            return f"undefined ({self.note or 'no defined difference'})"
        sign = 1.0 if self.higher_is_better else -1.0
        said = f" ({self.note})" if self.note else ""
        if self.p_value >= alpha:
            return "not distinguishable" + said
        return (f"{self.model_a} better" if sign * self.delta > 0 else f"{self.model_b} better") + said

    def prompt_line(self) -> str:
        return (f"{self.model_a} beats {self.model_b} on {self.a_wins} of {self.n_prompts} prompts; "
                f"{self.model_b} beats {self.model_a} on {self.b_wins}")


@dataclass(frozen=True)
class TieGroups:
    """Ranks of one leaderboard column: models not separable from their group's best share it."""

    task: str
    metric: str
    ranks: tuple[tuple[str, int], ...]  # (model, rank); models with an undefined mean are left out
    method: str


@dataclass(frozen=True)
class VarianceRow:
    """Where one (model, task, metric)'s variance comes from; shares sum to 1 where defined."""

    model: str
    task: str
    metric: str
    prompts: float | None
    examples: float | None
    interaction: float | None  # None where the method cannot separate it
    n_prompts: int
    n_examples: int
    method: str
    note: str = ""


@dataclass(frozen=True)
class HardExample:
    id: str
    n_wrong: int
    n_prompts: int
    gold: str
    input: str  # as the first prompt rendered it
    predictions: tuple[tuple[str, str], ...]  # (prompt, prediction) per prompt


@dataclass(frozen=True)
class AgreementRow:
    model: str
    task: str
    n_prompts: int
    n_examples: int
    all_correct: float
    none_correct: float
    some_correct: float
    fleiss_kappa: float | None
    hardest: tuple[HardExample, ...]
    note: str = ""


@dataclass(frozen=True)
class CalibrationRow:
    """Calibration of one prompt's ranked choices, or (prompt = MEAN_OVER_PROMPTS) the mean of
    the prompts' figures with the reliability bins pooled over them."""

    model: str
    task: str
    prompt: str
    scoring: str  # how the choices' probabilities were formed
    figures: Calibration  # n, accuracy, mean confidence, both ECEs, Brier, the reliability bins


@dataclass(frozen=True)
class Statistics:
    settings: StatsSettings
    intervals: tuple[MeanInterval, ...]
    comparisons: tuple[PairComparison, ...]
    ties: tuple[TieGroups, ...]
    variance: tuple[VarianceRow, ...]
    agreement: tuple[AgreementRow, ...]
    calibration: tuple[CalibrationRow, ...]
    notes: tuple[str, ...] = ()
