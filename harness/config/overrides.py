"""Model settings given on the command line: ``--base-url``, ``--quantize`` and ``--model-args``.

They are applied to the resolved ModelSpec (so run.json records what was used) before the
backend checks run: ``--base-url`` to the API-backend models of the run, ``--quantize`` to the hf
models (``none`` drops an alias's default), ``--model-args`` to every model but the majority
baseline (into ``args``, over the alias's own; each backend checks the keys it knows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bioeval.config.models import BASELINE, QUANTIZE, ModelSpec
from bioeval.errors import BioevalError

API_BACKENDS = ("openai-completions", "openai-chat")
MAPS = ("max_memory",)  # settings written DEVICE:SIZE;DEVICE:SIZE


def parse_model_args(text: str) -> dict[str, Any]:
    """``num_concurrent=8,dtype=bfloat16,max_memory=0:70GiB;cpu:200GiB`` -> a dict: numbers and
    booleans typed, ``max_memory`` as {device: size}."""
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise BioevalError(f"--model-args: expected KEY=VALUE, got {part!r}")
        out[key] = _memory_map(value) if key in MAPS else _typed(value)
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


def _memory_map(value: str) -> dict[int | str, str]:
    pairs = [p.partition(":") for p in value.split(";") if p.strip()]
    if not pairs or any(not sep or not size for _, sep, size in pairs):
        raise BioevalError(f"--model-args max_memory={value!r}: expected DEVICE:SIZE;..., e.g. 0:70GiB;cpu:200GiB")
    return {device_key(device): size.strip() for device, _, size in pairs}


def device_key(device: Any) -> int | str:
    """A ``max_memory`` device as accelerate wants it: a GPU index as an int, else the name."""
    text = str(device).strip()
    return int(text) if text.isdigit() else text


def with_overrides(
    models: Sequence[ModelSpec],
    base_url: str | None = None,
    model_args: Mapping[str, Any] | None = None,
    quantize: str | None = None,
) -> tuple[ModelSpec, ...]:
    """The models with the command line's settings applied."""
    if base_url is not None and not any(m.backend in API_BACKENDS for m in models):
        raise BioevalError(
            f"--base-url is for API models ({', '.join(API_BACKENDS)}); none of the models is one"
        )
    if quantize is not None:
        if quantize != "none" and quantize not in QUANTIZE:
            raise BioevalError(f"--quantize {quantize!r}; expected one of {', '.join((*QUANTIZE, 'none'))}")
        others = [m.name for m in models if m.backend not in ("hf", BASELINE)]
        if others:
            raise BioevalError(f"--quantize applies to hf models; {', '.join(others)} use other backends")
    out = []
    for model in models:
        if base_url is not None and model.backend in API_BACKENDS:
            model = replace(model, base_url=base_url)
        if quantize is not None and model.backend == "hf":
            model = replace(model, quantize=None if quantize == "none" else quantize)
        if model_args and model.backend != BASELINE:
            model = replace(model, args={**model.args, **model_args})
        out.append(model)
    return tuple(out)
