"""A request-level cache inside the run folder, so a resumed run sends no request twice.

``CachedLM`` wraps any lm-eval model. Requests it has answered before (the same kind and
arguments: the rendered context, the continuation or generation settings) come from
``<run>/cache/<model>.jsonl``; the others go to the model in chunks of one batch of contexts
(``--batch-size`` contexts with all their answer choices), sorted longest first as lm-eval's
models sort them (in tokens when the model says how: ``sort_length``, else in characters),
so that a chunk's contexts pad little, and each chunk's answers are appended to the file
and flushed to disk before the next chunk is sent. A kill therefore loses at most the chunk in
flight. Every chunk sent is logged in ``<run>/cache/<model>.sent.jsonl`` (attempt, kind, count),
which is how the requests a run cost over all its attempts are counted.

lm-eval's own ``use_cache`` keeps results only when a whole call returns (one call holds every
request of a task), and its key omits the model; hence a cache of bioeval's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lm_eval.api.model import LM

from bioeval.backends.failures import request_error
from bioeval.io import safe_name

CACHE_DIR = "cache"
KINDS = ("loglikelihood", "generate_until", "loglikelihood_rolling")
RequestProgress = Callable[[int, int, str], None]  # (done, total, what)


def request_key(kind: str, args: Sequence[Any]) -> str:
    payload = json.dumps([kind, list(args)], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _decode(kind: str, value: Any) -> Any:
    return tuple(value) if kind == "loglikelihood" and isinstance(value, list) else value


class RequestCache:
    """Answers by request key, read from and appended to one JSON Lines file."""

    def __init__(self, folder: Path, model: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{safe_name(model)}.jsonl"
        self.sent_path = folder / f"{safe_name(model)}.sent.jsonl"
        self.answers: dict[str, Any] = dict(self._read())
        self.attempt = 1 + sum(1 for row in _rows(self.sent_path) if "start" in row)
        _append(self.sent_path, [{"start": self.attempt, "cached": len(self.answers)}])

    def _read(self) -> Iterator[tuple[str, Any]]:
        for row in _rows(self.path):
            if "key" in row and "kind" in row:
                yield row["key"], _decode(row["kind"], row.get("value"))

    def sending(self, kind: str, count: int) -> None:
        _append(self.sent_path, [{"attempt": self.attempt, "kind": kind, "sent": count}])

    def store(self, kind: str, keys: Sequence[str], values: Sequence[Any]) -> None:
        rows = [{"key": k, "kind": kind, "value": v} for k, v in zip(keys, values) if _cacheable(v)]
        _append(self.path, rows)
        self.answers.update((row["key"], _decode(kind, row["value"])) for row in rows)


def _cacheable(value: Any) -> bool:
    """Answers worth keeping: not a recorded failure (those are asked again on resume)."""
    return not getattr(value, "failed", False) and request_error(value) is None


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a cache file; a line cut short by a kill is skipped (asked again)."""
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for raw in handle:
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(row, dict):
                yield row


def _append(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """Append rows and flush them to disk; after a line cut short by a kill, start a new line."""
    if not rows:
        return
    payload = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            payload = b"\n" + payload
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Throughput:
    """What the backend itself answered (cached answers excluded) and the wall time it took."""

    requests: int = 0
    seconds: float = 0.0

    def to_json(self, lm: Any) -> dict[str, Any]:
        """run.json's ``models.<name>.throughput``: requests/s, and tokens/s where the backend
        counts its tokens (hf, vLLM: prompt tokens fed to the model + generated tokens; API:
        prompt + completion tokens of its usage); none is made up for the others."""
        seconds = round(self.seconds, 3)
        out: dict[str, Any] = {
            "requests": self.requests, "seconds": seconds,
            "requests_per_second": round(self.requests / seconds, 3) if seconds else None,
        }
        tokens, counted = backend_tokens(lm)
        if tokens is not None:
            out.update(tokens=tokens, tokens_counted=counted,
                       tokens_per_second=round(tokens / seconds, 1) if seconds else None)
        return out


def backend_tokens(lm: Any) -> tuple[int | None, str]:
    stats = getattr(lm, "stats", None)
    if stats is not None and hasattr(stats, "tokens"):
        return int(stats.tokens) + int(getattr(stats, "generated", 0)), str(getattr(stats, "counted", "tokens"))
    usage_record = getattr(lm, "usage_record", None)
    if callable(usage_record):
        usage = usage_record()
        tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
        return tokens, "prompt + completion tokens (API usage)"
    return None, ""


class CachedLM(LM):
    """An lm-eval model answering from the run's cache first, then from ``lm`` chunk by chunk."""

    def __init__(self, lm: LM, cache: RequestCache, chunk: int, progress: RequestProgress | None = None) -> None:
        super().__init__()
        self.lm, self.cache, self.chunk, self.progress = lm, cache, max(1, chunk), progress
        self.throughput = Throughput()

    def __getattr__(self, name: str) -> Any:  # tokenizer, batch sizes, model info ...
        if name == "lm":
            raise AttributeError(name)
        return getattr(self.lm, name)

    @property
    def tokenizer_name(self) -> str:
        return self.lm.tokenizer_name

    @property
    def device(self) -> Any:
        return getattr(self.lm, "device", None)

    def chat_template(self, chat_template: bool | str = False) -> str | None:
        return self.lm.chat_template(chat_template)

    def apply_chat_template(self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        return self.lm.apply_chat_template(chat_history, add_generation_prompt=add_generation_prompt)

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[Any]:
        return self._answer("loglikelihood", requests)

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[Any]:
        return self._answer("generate_until", requests)

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[Any]:
        return self._answer("loglikelihood_rolling", requests)

    def _answer(self, kind: str, requests: list[Any]) -> list[Any]:
        """Chunks are cut from all requests in one fixed order (longest context first, the
        requests of one context together), whatever is cached, and a chunk with any request
        unanswered is sent whole: every attempt batches the same requests together, so a resumed
        run computes exactly what an uninterrupted one does."""
        keys = [request_key(kind, request.args) for request in requests]
        contexts = [str(request.args[0]) for request in requests]
        length = _context_lengths(self.lm, contexts)
        order = sorted(range(len(requests)), key=lambda i: (-length[contexts[i]], contexts[i], i))
        answers: dict[int, Any] = {}
        chunks = list(_chunks(order, requests, self.chunk))
        todo = [c for c in chunks if any(keys[i] not in self.cache.answers for i in c)]
        done = len(requests) - sum(len(c) for c in todo)
        for chunk in todo:
            self.cache.sending(kind, len(chunk))
            started = time.perf_counter()
            values = getattr(self.lm, kind)([requests[i] for i in chunk], disable_tqdm=True)
            self.throughput.seconds += time.perf_counter() - started
            self.throughput.requests += len(chunk)
            self.cache.store(kind, [keys[i] for i in chunk], values)
            answers.update(zip(chunk, values))  # failures answer this call; they are not kept
            done += len(chunk)
            if self.progress is not None:
                self.progress(done, len(requests), kind)
        return [answers[i] if i in answers else self.cache.answers[keys[i]] for i in range(len(requests))]


def _context_lengths(lm: Any, contexts: Sequence[str]) -> dict[str, int]:
    """Each distinct context's length: in the model's tokens if it measures them, else characters."""
    measure = getattr(lm, "sort_length", None)
    return {c: int(measure(c)) if callable(measure) else len(c) for c in set(contexts)}


def _chunks(order: list[int], requests: list[Any], size: int) -> Iterator[list[int]]:
    """The requests of ``size`` contexts at a time (one batch: a context's answer choices are
    scored together), in ``order``; the requests of one context are never split."""
    chunk: list[int] = []
    contexts = 0
    for index in order:
        new_context = not chunk or requests[chunk[-1]].args[0] != requests[index].args[0]
        if new_context and contexts == size:
            yield chunk
            chunk, contexts = [], 0
        contexts += new_context
        chunk.append(index)
    if chunk:
        yield chunk
