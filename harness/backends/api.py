"""OpenAI-compatible API backends: settings and the check before a run.

``openai-completions`` ranks answer choices by log-likelihood through lm-eval's
``local-completions`` (``echo`` + ``logprobs``: vLLM, TGI, SGLang, OpenAI's davinci-002);
``openai-chat`` generates through ``local-chat-completions`` and its answers are parsed.

Settings come from the alias (``base_url``, ``api_key_env``, ``args``) and the command line
(``--base-url``, ``--model-args``). The API key is read from the environment variable the alias
names, only when a request is made; it is never stored, logged or put in an error message.
The lm-eval models and their loader are in ``bioeval.backends.api_lm``.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bioeval.backends.failures import redact
from bioeval.backends.http_retry import RetryPolicy
from bioeval.config.models import ModelSpec
from bioeval.errors import BioevalError, did_you_mean

ENDPOINTS = {"openai-completions": "/completions", "openai-chat": "/chat/completions"}
OWN_ARGS = ("num_concurrent", "timeout", "max_retries", "retry_backoff", "retry_max_wait", "prices")
"""``args`` bioeval reads itself; any other ``args`` go to lm-eval's API model as they are."""
CHECK_TIMEOUT = 10.0


@dataclass(frozen=True)
class ApiSettings:
    model: str
    url: str  # the endpoint requests are posted to
    root: str  # the API root (``.../v1``): ``GET {root}/models`` checks the server
    api_key_env: str | None
    num_concurrent: int = 4
    timeout: float = 120.0
    policy: RetryPolicy = RetryPolicy()
    prices: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # passed to lm-eval's model


def endpoint(base_url: str, backend: str) -> tuple[str, str]:
    """(endpoint URL, API root) of a base URL given as the root or as the endpoint itself."""
    url = base_url.rstrip("/")
    for suffix in ENDPOINTS.values():
        if url.endswith(suffix):
            url = url[: -len(suffix)]
            break
    return url + ENDPOINTS[backend], url


def api_settings(spec: ModelSpec) -> ApiSettings:
    if not spec.base_url:
        raise BioevalError(
            f"model {spec.name!r} needs a server: give --base-url (e.g. http://127.0.0.1:8000/v1) "
            "or an alias with base_url in configs/models.yaml"
        )
    if not spec.pretrained:
        raise BioevalError(f"model {spec.name!r}: no model name to send to the API (pretrained)")
    args = dict(spec.args)
    url, root = endpoint(spec.base_url, spec.backend)
    try:
        policy = RetryPolicy(
            max_retries=int(args.get("max_retries", RetryPolicy.max_retries)),
            backoff=float(args.get("retry_backoff", RetryPolicy.backoff)),
            max_wait=float(args.get("retry_max_wait", RetryPolicy.max_wait)),
        )
        settings = ApiSettings(
            model=spec.pretrained, url=url, root=root, api_key_env=spec.api_key_env,
            num_concurrent=int(args.get("num_concurrent", 4)),
            timeout=float(args.get("timeout", 120.0)), policy=policy, prices=args.get("prices"),
            extra={k: v for k, v in args.items() if k not in OWN_ARGS},
        )
    except (TypeError, ValueError) as error:
        raise BioevalError(f"model {spec.name!r}: bad API setting ({error})") from None
    if settings.num_concurrent < 1 or settings.timeout <= 0 or policy.max_retries < 0:
        raise BioevalError(
            f"model {spec.name!r}: num_concurrent must be >= 1, timeout > 0 and max_retries >= 0"
        )
    return settings


def api_key(settings: ApiSettings, name: str) -> str | None:
    """The key from the environment variable the alias names (None when it names none)."""
    if not settings.api_key_env:
        return None
    key = os.environ.get(settings.api_key_env, "").strip()
    if not key:
        raise BioevalError(
            f"model {name!r} needs an API key: set the environment variable {settings.api_key_env}"
        )
    return key


def check_api(spec: ModelSpec) -> None:
    """Fail in one line before anything runs when the server cannot be used: no URL, no key,
    unreachable, refusing the key, or not serving the model."""
    settings = api_settings(spec)
    key = api_key(settings, spec.name)
    served = _served_models(settings, key, spec.name)
    if served is not None and settings.model not in served:
        hint = did_you_mean(settings.model, served)
        shown = ", ".join(served[:8]) + (" ..." if len(served) > 8 else "")
        raise BioevalError(
            f"model {spec.name!r}: the server at {settings.root} does not serve {settings.model!r}"
            + (f"; did you mean {hint!r}?" if hint else f"; it serves: {shown}")
        )


def _served_models(settings: ApiSettings, key: str | None, name: str) -> list[str] | None:
    """The model ids ``GET {root}/models`` lists (None when the server lists none); tried three
    times, a second apart, so a server that is briefly busy does not stop the run."""
    request = urllib.request.Request(f"{settings.root}/models", headers=_auth(key))
    timeout = min(CHECK_TIMEOUT, settings.timeout)
    problem = ""
    for attempt in range(3):
        if attempt:
            time.sleep(1.0)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return _model_ids(response.read())
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                source = f"in {settings.api_key_env}" if settings.api_key_env else "(none was given)"
                raise BioevalError(
                    f"model {name!r}: the server at {settings.root} refused the API key {source} "
                    f"(HTTP {error.code})"
                ) from None
            if error.code in (404, 405):  # a server without a model list: it is up
                return None
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            problem = "timed out" if isinstance(reason, TimeoutError) else str(reason)
    raise BioevalError(
        f"model {name!r}: cannot reach the API server at {settings.root} "
        f"({redact(problem, key)}); is it running?"
    )


def _model_ids(body: bytes) -> list[str] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    return [str(e["id"]) for e in entries if isinstance(e, dict) and "id" in e] or None


def _auth(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}
