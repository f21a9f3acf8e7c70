"""Requests that failed for good, as values that travel through lm-eval in place of answers.

An API request that still fails after its retries must not stop a run: the backend returns a
sentinel where lm-eval expects an answer (a log-likelihood or a generated text), lm-eval carries
it into its per-sample log like any other answer, and the engine adapter turns it into the
example's recorded error. This module imports nothing heavy: the engine adapter reads it.
"""

from __future__ import annotations

import re
from typing import Any

REQUEST_FAILED = "request failed"
"""How every recorded request error starts (sample rows, notes)."""


class FailedLoglik(float):
    """NaN in place of a log-likelihood, carrying why the request failed."""

    error: str
    failed = True

    def __new__(cls, error: str) -> FailedLoglik:
        value = super().__new__(cls, float("nan"))
        value.error = error
        return value


class FailedText(str):
    """An empty generation in place of the text, carrying why the request failed."""

    error: str
    failed = True

    def __new__(cls, error: str) -> FailedText:
        value = super().__new__(cls, "")
        value.error = error
        return value


def request_error(value: Any) -> str | None:
    """The error a sentinel carries (looking inside lm-eval's lists and tuples), else None."""
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return value.error if isinstance(value, (FailedLoglik, FailedText)) else None


_KEY_LIKE = re.compile(r"\b(sk|key|token)-[A-Za-z0-9_*\-]{6,}")


def redact(text: str, secret: str | None) -> str:
    """``text`` without the API key (nor anything shaped like one that a server echoed back)."""
    if secret:
        text = text.replace(secret, "***")
    return _KEY_LIKE.sub(r"\1-***", text)
