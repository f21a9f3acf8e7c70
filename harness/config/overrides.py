"""Model settings given on the command line: ``--base-url``, ``--quantize`` and ``--model-args``.

They are applied to the resolved ModelSpec (so run.json records what was used) before the
backend checks run: ``--base-url`` to the API-backend models of the run, ``--quantize`` to the hf
models (``none`` drops an alias's default), ``--model-args`` to every model but the majority
baseline (into ``args``, over the alias's own; each backend checks the keys it knows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bioeval.config.models import BASELINE, QUANTIZE, ModelSpec
from bioeval.errors import BioevalError

API_BACKENDS = ("openai-completions", "openai-chat")
MAPS = ("max_memory",)  # settings written DEVICE:SIZE;DEVICE:SIZE


SETTINGS: dict[str, tuple[type, float, float | None]] = {
    # name: (int or float, minimum, maximum); the backends read these, here they are checked
    # before any model is looked up
    "num_concurrent": (int, 1, None), "max_retries": (int, 0, None), "timeout": (float, 0.001, None),
    "retry_backoff": (float, 0, None), "retry_max_wait": (float, 0, None),
    "tensor_parallel_size": (int, 1, None), "data_parallel_size": (int, 1, None),
    "max_model_len": (int, 1, None), "max_num_seqs": (int, 1, None), "seed": (int, 0, None),
    "gpu_memory_utilization": (float, 0.001, 1.0),
}
MEMORY_SIZE = re.compile(r"(\d+(\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)", re.IGNORECASE)
MEMORY_DEVICE = re.compile(r"\d+|cpu|disk|mps")


def parse_model_args(text: str) -> dict[str, Any]:
    """``num_concurrent=8,dtype=bfloat16,max_memory=0:70GiB;cpu:200GiB`` -> a dict: numbers and
    booleans typed, ``max_memory`` as {device: size}; the settings of ``SETTINGS`` checked."""
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise BioevalError(f"--model-args: expected KEY=VALUE, got {part!r}")
        if not value:
            raise BioevalError(f"--model-args {key}: no value; expected {key}=VALUE")
        if key in out:
            raise BioevalError(f"--model-args {key} is given twice; give each setting once")
        out[key] = _memory_map(value) if key in MAPS else _typed(value)
        check_setting(key, out[key], "--model-args")
    return out


def check_setting(key: str, value: Any, where: str) -> Any:
    """``value`` when ``key`` is not in ``SETTINGS`` or the value is in its range; else one line
    naming the setting, e.g. ``--model-args num_concurrent='many': expected a whole number ...``."""
    if key not in SETTINGS:
        return value
    kind, minimum, maximum = SETTINGS[key]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    fits = number and (kind is float or isinstance(value, int)) and minimum <= value and (
        maximum is None or value <= maximum)
    if not fits:
        what = "a whole number" if kind is int else "a number"
        bounds = f"from {minimum:g} to {maximum:g}" if maximum is not None else f"of at least {minimum:g}"
        raise BioevalError(f"{where} {key}={value!r}: expected {what} {bounds}")
    return value


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
    if not pairs or any(
        not sep or not MEMORY_DEVICE.fullmatch(device.strip()) or not MEMORY_SIZE.fullmatch(size.strip())
        or float(MEMORY_SIZE.fullmatch(size.strip()).group(1)) <= 0  # type: ignore[union-attr]
        for device, sep, size in pairs
    ):
        raise BioevalError(f"--model-args max_memory={value!r}: expected DEVICE:SIZE;... (DEVICE a GPU "
                           "index, cpu or disk; SIZE like 70GiB or 500MB), e.g. 0:70GiB;cpu:200GiB")
    devices = [device_key(device) for device, _, _ in pairs]
    if len(set(devices)) != len(devices):
        raise BioevalError(f"--model-args max_memory={value!r}: a device is given twice")
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
