"""External predictions files for ``bioeval score --predictions FILE.jsonl``.

One JSON object a line: ``{"id": ..., "prediction": ...}``; the prediction's shape depends on
the output kind the task's metrics read (``PARSERS[kind].shape``): a label, a number, a list of
entity strings, a list of [type, text] pairs, a list of ``{"start", "end", "type"}`` spans, a
list of labels, or a list of token labels. Blank lines are skipped.

Bad input fails at once with the file, the line and what was expected (``DataFileError``): a
line that is not a JSON object with "id" and "prediction", an id the task does not have, an id
given twice, or a prediction of the wrong shape. Ids of the task that the file lacks are an
error too, unless ``allow_missing``: they then become unparsed predictions ("missing from the
predictions file"), scored as wrong and counted in ``Score.n_unparsed``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioeval.errors import DataFileError, shorten
from bioeval.metrics.parsers import PARSERS
from bioeval.metrics.types import Prediction
from bioeval.tasks.readers.text_files import read_lines

MISSING = "missing from the predictions file"


@dataclass(frozen=True)
class ExternalPredictions:
    """Predictions in the task's example order, and how many ids the file lacked."""

    predictions: tuple[Prediction, ...]
    n_missing: int


def read_predictions_file(
    path: Path | str,
    *,
    ids: Sequence[str],
    kind: str,
    choices: Sequence[str] = (),
    allow_missing: bool = False,
    text_lengths: Mapping[str, int] | None = None,
) -> ExternalPredictions:
    """Predictions for ``ids`` (in that order) read from a JSONL file; with ``text_lengths``
    (id -> characters of its text), character spans that end past the text are refused."""
    path = Path(path)
    parser = PARSERS[kind]
    wanted = {str(example_id) for example_id in ids}
    found: dict[str, Prediction] = {}
    lines = read_lines(path)  # UTF-8 with or without a byte-order mark, LF or CRLF
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        example_id, value = _parse_line(path, number, line)
        if example_id not in wanted:
            raise DataFileError(path, f"unknown id {shorten(example_id)}: the task has no such example", number)
        if example_id in found:
            raise DataFileError(path, f"id {shorten(example_id)} given twice", number)
        try:
            found[example_id] = parser.read_json(value, choices)
        except ValueError as error:
            raise DataFileError(path, f"id {shorten(example_id)}: {error} ({parser.shape} for this task)", number) from None
        if text_lengths is not None:
            _check_inside(found[example_id], text_lengths.get(example_id), path, number, example_id)
    missing = [str(example_id) for example_id in ids if str(example_id) not in found]
    if missing and not allow_missing:
        shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise DataFileError(
            path,
            f"{len(missing)} of {len(ids)} ids have no prediction ({shown}); "
            "allow missing ids to score them as wrong",
        )
    predictions = tuple(
        found.get(str(example_id), Prediction(value=None, raw="", error=MISSING)) for example_id in ids
    )
    return ExternalPredictions(predictions, n_missing=len(missing))


def _parse_line(path: Path, number: int, line: str) -> tuple[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"not JSON ({error.msg}); expected {{\"id\": ..., \"prediction\": ...}}", number) from None
    if not isinstance(obj, dict) or "id" not in obj or "prediction" not in obj:
        raise DataFileError(path, 'expected a JSON object with "id" and "prediction"', number)
    example_id = obj["id"]
    if isinstance(example_id, bool) or not isinstance(example_id, (str, int)):
        raise DataFileError(path, f"expected a string id, got {shorten(example_id)}", number)
    return str(example_id), obj["prediction"]


def _check_inside(prediction: Prediction, length: int | None, path: Path, number: int, example_id: str) -> None:
    """Character spans must lie inside the example's text."""
    if length is None or not isinstance(prediction.value, tuple):
        return
    for span in prediction.value:
        end = getattr(span, "end", None)
        if isinstance(end, int) and end > length:
            raise DataFileError(
                path, f"id {shorten(example_id)}: span {span.start}-{end} ends past the text, which has "
                f"{length} characters; expected 0 <= start <= end <= {length}", number,
            )
