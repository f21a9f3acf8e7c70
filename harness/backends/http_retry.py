"""One API request with retries: exponential backoff, ``Retry-After`` honoured, usage counted.

A request is retried on what can pass (429, 408, 409, 5xx, timeouts, dropped connections,
malformed or truncated bodies, responses without the expected fields) and given up at once on
what cannot (other 4xx). What still fails comes back as an error message, never an exception,
so the caller can record it on its example.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from bioeval.backends.failures import REQUEST_FAILED, redact

log = logging.getLogger("bioeval.api")

RETRY_STATUSES = frozenset({408, 409, 425, 429})
"""Client-side statuses worth retrying; every 5xx is retried too."""


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5  # retries after the first attempt
    backoff: float = 1.0  # seconds before the first retry, doubled before each next one
    max_wait: float = 60.0  # no single wait is longer, whatever Retry-After asks

    def wait(self, retry: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        backoff = self.backoff * 2 ** (retry - 1)
        return min(self.max_wait, max(backoff, retry_after or 0.0))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) in seconds from now."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


@dataclass
class Usage:
    """What one model's requests came to (mutable counters, one per loaded model)."""

    requests: int = 0  # requests made (each counted once, however often it was retried)
    retries: int = 0
    failed: int = 0  # requests that still failed after their retries
    retry_wait_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add_tokens(self, usage: Any) -> None:
        if isinstance(usage, Mapping):
            self.prompt_tokens += _count(usage.get("prompt_tokens"))
            self.completion_tokens += _count(usage.get("completion_tokens"))

    def to_json(self, prices: Mapping[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "requests": self.requests, "retries": self.retries, "failed": self.failed,
            "retry_wait_seconds": round(self.retry_wait_seconds, 2),
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }
        if prices:
            out["cost_usd"] = round(
                self.prompt_tokens * float(prices.get("input_per_mtok", 0)) / 1e6
                + self.completion_tokens * float(prices.get("output_per_mtok", 0)) / 1e6,
                6,
            )
        return out


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


class AttemptFailed(Exception):
    """One attempt that did not give a usable answer."""

    def __init__(self, message: str, retryable: bool = True, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable, self.retry_after = retryable, retry_after


Parse = Callable[[Any], list[Any]]


async def post_with_retries(
    session: Any, url: str, payload: Mapping[str, Any], headers: Mapping[str, str],
    policy: RetryPolicy, parse: Parse, usage: Usage, secret: str | None,
) -> list[Any] | str:
    """The parsed answers of one request, or (after the retries) why it failed."""
    usage.requests += 1
    attempts = 0
    while True:
        attempts += 1
        try:
            return parse(await _post_once(session, url, payload, headers, usage))
        except AttemptFailed as failure:
            error, retryable, retry_after = str(failure), failure.retryable, failure.retry_after
        except Exception as failure:  # noqa: BLE001 - aiohttp, timeouts, JSON, missing fields
            error, retryable, retry_after = _describe(failure), True, None
        error = redact(error, secret)
        if not retryable or attempts > policy.max_retries:
            usage.failed += 1
            tries = f"after {attempts} attempts" if attempts > 1 else "(not retried)"
            log.info("%s %s: %s", REQUEST_FAILED, tries, error)
            return f"{REQUEST_FAILED} {tries}: {error}"
        wait = policy.wait(attempts, retry_after)
        usage.retries += 1
        usage.retry_wait_seconds += wait
        log.info("retrying in %.2f s (attempt %d failed: %s)", wait, attempts, error)
        await asyncio.sleep(wait)


async def _post_once(
    session: Any, url: str, payload: Mapping[str, Any], headers: Mapping[str, str], usage: Usage
) -> Any:
    async with session.post(url, json=payload, headers=dict(headers)) as response:
        body = await response.read()
        status = response.status
        if status >= 400:
            retryable = status >= 500 or status in RETRY_STATUSES
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise AttemptFailed(f"HTTP {status}: {_snippet(body)}", retryable, wait)
    try:
        data = json.loads(body)
    except ValueError as error:
        raise AttemptFailed(f"malformed JSON in the response ({error}): {_snippet(body)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list) or not data["choices"]:
        raise AttemptFailed(f"response without 'choices': {_snippet(body)}")
    usage.add_tokens(data.get("usage"))
    return data


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", errors="replace").strip().replace("\n", " ")
    return text[:limit] + ("..." if len(text) > limit else "") if text else "(empty body)"


def _describe(error: BaseException) -> str:
    if isinstance(error, asyncio.TimeoutError):
        return "timed out"
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
