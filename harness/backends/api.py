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
from bioeval.config.overrides import check_setting
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
    for key, value in args.items():  # an alias's args too: one line naming the setting
        check_setting(key, value, f"model {spec.name!r}:")
    url, root = endpoint(spec.base_url, spec.backend)
    policy = RetryPolicy(
        max_retries=int(args.get("max_retries", RetryPolicy.max_retries)),
        backoff=float(args.get("retry_backoff", RetryPolicy.backoff)),
        max_wait=float(args.get("retry_max_wait", RetryPolicy.max_wait)),
    )
    return ApiSettings(
        model=spec.pretrained, url=url, root=root, api_key_env=spec.api_key_env,
        num_concurrent=int(args.get("num_concurrent", 4)),
        timeout=float(args.get("timeout", 120.0)), policy=policy, prices=args.get("prices"),
        extra={k: v for k, v in args.items() if k not in OWN_ARGS},
    )


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
    if spec.backend == "openai-completions":
        completions_tokenizer(spec, settings, key)


def completions_tokenizer(spec: ModelSpec, settings: ApiSettings, key: str | None) -> dict[str, Any]:
    """lm-eval's tokenizer settings for ``openai-completions`` (log-likelihoods need the model's
    tokenizer to split context from continuation): a ``tokenizer_backend`` or ``tokenizer`` the
    user gave; else the model's local folder; else the server's own tokenizer where it serves
    one (vLLM: ``/tokenizer_info`` and ``/tokenize``); else one line asking for ``tokenizer=``
    (never a Hub look-up of a served name, which is usually no Hub id)."""
    if "tokenizer_backend" in spec.args:
        return {}
    if "tokenizer" in spec.args:
        return {"tokenizer_backend": "huggingface"}
    if spec.pretrained and os.path.isdir(spec.pretrained):
        return {"tokenizer_backend": "huggingface", "tokenizer": spec.pretrained}
    server = tokenizer_server(settings.url)
    if serves_tokenizer(server, key, min(CHECK_TIMEOUT, settings.timeout)):
        return {"tokenizer_backend": "remote"}
    raise BioevalError(
        f"model {spec.name!r}: ranking answer choices needs the model's tokenizer, and the server at "
        f"{server} offers no /tokenize while {settings.model!r} is not a local folder; give "
        "--model-args tokenizer=PATH_OR_ID (the model's folder or Hub id)"
    )


def tokenizer_server(url: str) -> str:
    """The server root lm-eval's remote tokenizer asks (the endpoint URL without /v1/completions)."""
    return url.replace("/v1/completions", "").rstrip("/")


def serves_tokenizer(server: str, key: str | None, timeout: float) -> bool:
    """Whether ``server`` answers ``GET /tokenizer_info`` and ``POST /tokenize`` as vLLM does."""
    headers = {**_auth(key), "Content-Type": "application/json"}
    probe = json.dumps({"prompt": "test", "add_special_tokens": False}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{server}/tokenizer_info", headers=headers),
                                    timeout=timeout) as response:
            info = json.loads(response.read())
        request = urllib.request.Request(f"{server}/tokenize", data=probe, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            tokens = json.loads(response.read()).get("tokens")
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        return False
    return isinstance(info, dict) and isinstance(tokens, list)


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
