"""lm-eval's OpenAI-compatible models with bioeval's request handling mixed in.

lm-eval (``TemplateAPI``) batches, tokenizes, builds payloads and parses responses; bioeval
replaces the one call that posts a request (``amodel_call``) so that each request is retried
with backoff and ``Retry-After``, its token usage is counted, and a request that still fails
gives a sentinel per example (``bioeval.backends.failures``) instead of raising. Requests always
take lm-eval's concurrent path; bioeval's own semaphore keeps ``num_concurrent`` in flight.
``load_api`` builds one from a ModelSpec's settings (``bioeval.backends.api``).
"""

from __future__ import annotations

import asyncio
import copy
from functools import cached_property
from typing import Any

from lm_eval.models.openai_completions import LocalChatCompletion, LocalCompletionsAPI

from bioeval.backends.api import ApiSettings, api_key, api_settings, completions_tokenizer
from bioeval.backends.failures import FailedLoglik, FailedText
from bioeval.backends.http_retry import Usage, post_with_retries
from bioeval.config.models import ModelSpec


class ResilientRequests:
    """Mixed in before an lm-eval ``TemplateAPI`` subclass."""

    settings: ApiSettings
    usage: Usage

    def __init__(self, *, settings: ApiSettings, key: str | None, **kwargs: Any) -> None:
        self.settings, self._key, self.usage = settings, key, Usage()
        self._semaphore: tuple[Any, asyncio.Semaphore] | None = None
        super().__init__(**kwargs)  # type: ignore[call-arg]
        self._concurrent = max(2, self._concurrent)  # lm-eval's asyncio path, never its sync one
        self.timeout = settings.timeout  # lm-eval rounds it down to whole seconds

    @property
    def api_key(self) -> str:  # lm-eval's property: read from the environment, never stored
        return self._key or ""

    @cached_property
    def header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key}"} if self._key else {}

    @property
    def chunk_size(self) -> int:
        """Requests worth handing over at once: enough to keep ``num_concurrent`` in flight."""
        return 4 * self.settings.num_concurrent

    def usage_record(self) -> dict[str, Any]:
        """run.json's ``usage`` of this model: requests, retries, failures, tokens, cost."""
        return self.usage.to_json(self.settings.prices)

    def _in_flight(self) -> asyncio.Semaphore:
        """One semaphore per event loop (lm-eval starts a loop per batch of requests)."""
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._semaphore[0] is not loop:
            self._semaphore = (loop, asyncio.Semaphore(self.settings.num_concurrent))
        return self._semaphore[1]

    async def amodel_call(
        self, session: Any, sem: Any, messages: Any, *, generate: bool = True,
        cache_keys: list[Any] | None = None, ctxlens: list[int] | None = None,
        gen_kwargs: dict[str, Any] | None = None, **kwargs: Any,
    ) -> list[Any]:
        payload = self._create_payload(  # type: ignore[attr-defined]
            self.create_message(messages), generate=generate,  # type: ignore[attr-defined]
            gen_kwargs=copy.deepcopy(gen_kwargs), seed=self._seed, **kwargs,  # type: ignore[attr-defined]
        )

        def parse(outputs: Any) -> list[Any]:
            answers = self._parse(outputs, generate, messages, ctxlens)
            if generate:  # no content (a filter, a reasoning-only answer): an empty output
                answers = ["" if a is None else a for a in answers]
            if len(answers) != len(messages) or any(a is None for a in answers):
                raise ValueError(f"expected {len(messages)} answers, the response has {len(answers)}")
            return answers

        async with self._in_flight():
            result = await post_with_retries(
                session, self.base_url, payload, self.header, self.settings.policy,  # type: ignore[attr-defined]
                parse, self.usage, self._key,
            )
        if isinstance(result, str):
            return [FailedText(result) if generate else (FailedLoglik(result), False) for _ in messages]
        method = "generate_until" if generate else "loglikelihood"
        for answer, cache_key in zip(result, cache_keys or (), strict=False):
            self.cache_hook.add_partial(method, cache_key, answer)  # type: ignore[attr-defined]
        return result

    def _parse(self, outputs: Any, generate: bool, messages: Any, ctxlens: list[int] | None) -> list[Any]:
        if generate:
            return list(self.parse_generations(outputs=outputs))  # type: ignore[attr-defined]
        return list(self.parse_logprobs(outputs=outputs, tokens=messages, ctxlens=ctxlens))  # type: ignore[attr-defined]

    def model_call(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bioeval's API models post every request through amodel_call")


class CompletionsLM(ResilientRequests, LocalCompletionsAPI):
    """``openai-completions``: log-likelihoods from ``echo`` + ``logprobs``, or generations."""


class ChatLM(ResilientRequests, LocalChatCompletion):
    """``openai-chat``: generations from chat completions (answers are parsed)."""

    def parse_generations(self, outputs: Any, **kwargs: Any) -> list[str]:
        """lm-eval's parser turns a response without a message into "": here it is an error."""
        for out in outputs if isinstance(outputs, list) else [outputs]:
            for choice in out["choices"]:
                if not isinstance(choice.get("message"), dict) or "content" not in choice["message"]:
                    raise ValueError(f"a choice without a message: {str(choice)[:200]}")
        return super().parse_generations(outputs, **kwargs)


def load_api(spec: ModelSpec) -> Any:
    """lm-eval's API model for ``spec``, with bioeval's retries, usage and failure records."""
    settings = api_settings(spec)
    key = api_key(settings, spec.name)
    kwargs: dict[str, Any] = {
        "model": settings.model,
        "base_url": settings.url,
        "num_concurrent": settings.num_concurrent,
        "timeout": settings.timeout,
        "max_retries": 1,  # lm-eval's own retries: bioeval retries each request itself
    }
    if spec.backend == "openai-completions":
        kwargs.update(completions_tokenizer(spec, settings, key))
        kwargs.update(settings.extra)
        return CompletionsLM(settings=settings, key=key, **kwargs)
    kwargs.update(settings.extra)
    return ChatLM(settings=settings, key=key, **kwargs)
