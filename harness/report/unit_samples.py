"""One (model, task, prompt)'s saved examples, read back for statistics: predictions, gold
values, metric options and, for ranked answer choices, the choices and their log-likelihoods.

Read from ``samples/`` exactly as ``bioeval score RUN_DIR`` re-scores them (the same
:class:`~bioeval.scoring.predict.Outcome`, ``predict`` and ``gold``), so every statistic in a
report is computed on the predictions the scores were computed on. No model is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioeval.errors import BioevalError
from bioeval.metrics.types import Prediction
from bioeval.report.data import ReportData, ReportRow
from bioeval.rundir.records import Mode, RunRecord, UnitId


@dataclass(frozen=True)
class UnitSamples:
    """A (model, task, prompt)'s examples by id, in the samples file's order."""

    prompt: str
    output: str  # the output kind (parser name) its predictions were read with
    mode: Mode
    predictions: Mapping[str, Prediction]
    references: Mapping[str, Any]
    options: Mapping[str, Any]
    choices: Mapping[str, tuple[str, ...]]  # ranked answer choices, where the run kept them
    choice_logliks: Mapping[str, tuple[float, ...]]  # their log-likelihoods, where kept
    inputs: Mapping[str, str | None]  # the rendered input of each example


def read_unit(run_dir: Path, record: RunRecord, run: str, unit: UnitId) -> UnitSamples:
    """The unit's examples (``record``: the run's run.json); BioevalError (one line) where the
    run lacks them."""
    from bioeval.rundir.reader import read_sample_rows
    from bioeval.scoring.predict import Outcome, gold, predict

    info = record.prompts.get(f"{unit.task}/{unit.prompt}")
    if info is None:
        raise BioevalError(f"run {run} has no entry for prompt {unit.task}/{unit.prompt}")
    outcomes = [Outcome.of_sample(sample) for sample in read_sample_rows(run_dir, unit)]
    context = f"prompt {unit.prompt!r} of {unit.task}"
    return UnitSamples(
        prompt=unit.prompt,
        output=info.output,
        mode=unit.mode,
        predictions={o.id: predict(info, unit.mode, o) for o in outcomes},
        references={o.id: gold(info, o, context) for o in outcomes},
        options=info.metric_options.to_json(),
        choices={o.id: o.choices for o in outcomes if o.choices},
        choice_logliks={o.id: o.choice_logliks for o in outcomes if o.choice_logliks},
        inputs={o.id: o.input for o in outcomes},
    )


class UnitReader:
    """Reads each (model, task, prompt) of a report's runs once: the prompt choice and the
    statistics share what it read. Calling it with a report row gives that row's unit."""

    def __init__(self, data: ReportData) -> None:
        self._paths = {run.name: run.path for run in data.runs}
        self._records: dict[str, RunRecord] = {}
        self._units: dict[tuple[str, UnitId], UnitSamples] = {}

    def __call__(self, row: ReportRow) -> UnitSamples:
        from bioeval.rundir.reader import read_run_record

        key = (row.run, row.score.unit)
        if key not in self._units:
            if row.run not in self._records:
                self._records[row.run] = read_run_record(self._paths[row.run])
            self._units[key] = read_unit(self._paths[row.run], self._records[row.run], row.run, row.score.unit)
        return self._units[key]
