"""Model settings given on the command line: ``--base-url`` and ``--model-args``.

They are applied to the resolved ModelSpec (so run.json records what was used) before the
backend checks run: ``--base-url`` to the API-backend models of the run, ``--model-args`` to
every model but the majority baseline (into ``args``, over the alias's own).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bioeval.config.models import BASELINE, ModelSpec
from bioeval.errors import BioevalError

API_BACKENDS = ("openai-completions", "openai-chat")


def parse_model_args(text: str) -> dict[str, Any]:
    """``num_concurrent=8,timeout=60,tokenizer=/path`` -> a dict, numbers and booleans typed."""
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise BioevalError(f"--model-args: expected KEY=VALUE, got {part!r}")
        out[key.strip()] = _typed(value.strip())
    return out


def _typed(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def with_overrides(
    models: Sequence[ModelSpec], base_url: str | None, model_args: Mapping[str, Any] | None
) -> tuple[ModelSpec, ...]:
    """The models with the command line's settings applied."""
    if base_url is not None and not any(m.backend in API_BACKENDS for m in models):
        raise BioevalError(
            f"--base-url is for API models ({', '.join(API_BACKENDS)}); none of the models is one"
        )
    out = []
    for model in models:
        if base_url is not None and model.backend in API_BACKENDS:
            model = replace(model, base_url=base_url)
        if model_args and model.backend != BASELINE:
            model = replace(model, args={**model.args, **model_args})
        out.append(model)
    return tuple(out)
