"""What one shard asks a scheduler for: GPUs, host memory and CPUs.

In order: ``--resources`` for the model (or for every model), the alias's ``resources:``, then
the planner. The planner sizes an hf model's weights and runtime memory from its config.json
(``bioeval plan``'s code: the model built on empty weights) when the config is on this machine
(a local folder, the converted GGUF folder, the Hugging Face cache); else it estimates the
weights from the alias's ``params`` and the bytes per parameter. The GPU count is the fewest
cards of ``--gpu-type`` that hold the model, rounded up to a power of two (the node shapes
schedulers hand out, and what tensor parallelism divides by); a vLLM model takes its
``tensor_parallel_size`` x ``data_parallel_size``. The baseline, API models, ``--device cpu``
runs and models whose alias says ``gpus: 0`` take no GPU.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bioeval.config.models import BASELINE, RESOURCE_KEYS, ModelSpec
from bioeval.errors import BioevalError

GIB = 1024**3
DEFAULT_GPU = "A100-80GB"
NO_GPU_BACKENDS = (BASELINE, "openai-chat", "openai-completions")
CPU_SHARD_MEM_GB = 2  # the baseline and API models: the process, the data, the request cache
HOST_GB = 4  # beside the model in host memory: the process, its libraries, the data, the request cache
HOST_GB_PER_GPU = 32  # a vLLM shard of a model that cannot be sized: host memory per GPU
RUNTIME_SHARE = 0.15  # KV cache and logits beside the weights, when only params are known
_PARAMS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMBT]?)\s*$", re.IGNORECASE)
_SCALE = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


@dataclass(frozen=True)
class Resources:
    gpus: int
    mem_gb: int
    cpus: int
    source: str  # how they were found: "--resources", "alias", "config.json", "params", ...

    def to_json(self) -> dict[str, Any]:
        return {"gpus": self.gpus, "mem_gb": self.mem_gb, "cpus": self.cpus, "source": self.source}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Resources:
        return cls(int(raw["gpus"]), int(raw["mem_gb"]), int(raw["cpus"]), str(raw.get("source", "")))


def parse_resource_overrides(values: Sequence[str] | None) -> dict[str, dict[str, int]]:
    """``--resources gpus=4,mem_gb=320`` (every model) or ``--resources bloom:gpus=4`` (one)."""
    out: dict[str, dict[str, int]] = {}
    for text in values or ():
        model, sep, settings = text.rpartition(":") if ":" in text.split("=", 1)[0] else ("", "", text)
        entry = out.setdefault(model or "*", {})
        for part in settings.split(","):
            key, eq, value = part.partition("=")
            key = key.strip()
            if not eq or key not in RESOURCE_KEYS or not value.strip().isdigit():
                raise BioevalError(
                    f"--resources {text!r}: expected [MODEL:]KEY=N,... with KEY one of "
                    f"{', '.join(RESOURCE_KEYS)} and N a whole number, e.g. bloom:gpus=4,mem_gb=320"
                )
            entry[key] = int(value)
    return out


def shard_resources(
    model: ModelSpec, overrides: Mapping[str, Mapping[str, int]], gpu_gib: float, device: str | None
) -> Resources:
    """What one shard of ``model`` asks for."""
    given = {**model.resources, **overrides.get("*", {}), **overrides.get(model.name, {})}
    source = "--resources" if (overrides.get("*") or overrides.get(model.name)) else "alias"
    if model.backend == BASELINE:  # the baseline is not overridable: it needs nothing
        return Resources(0, CPU_SHARD_MEM_GB, 1, "baseline")
    planned = _planned(model, gpu_gib, device) if set(RESOURCE_KEYS) - set(given) else None
    if planned is None:
        return Resources(given["gpus"], given["mem_gb"], given["cpus"], source)
    if not given:
        return planned
    return Resources(
        given.get("gpus", planned.gpus), given.get("mem_gb", planned.mem_gb), given.get("cpus", planned.cpus),
        f"{source}, else {planned.source}",
    )


def _planned(model: ModelSpec, gpu_gib: float, device: str | None) -> Resources:
    if model.backend in NO_GPU_BACKENDS:
        return Resources(0, CPU_SHARD_MEM_GB, 1, f"{model.backend}: no GPU")
    if model.backend == "vllm":
        gpus = int(model.args.get("tensor_parallel_size", 1)) * int(model.args.get("data_parallel_size", 1))
        need, source = model_bytes(model)
        mem = _host_gb(need) if need is not None else HOST_GB_PER_GPU * gpus
        return Resources(gpus, mem, 4 * gpus, f"vllm: tensor x data parallel size; {source}")
    need, source = model_bytes(model)
    if device == "cpu" and need is not None:  # --device cpu: no GPU
        return Resources(0, _host_gb(need), 2, f"--device cpu; {source}")
    if need is None:
        raise BioevalError(
            f"model {model.name!r}: no config.json on this machine and no params in its alias, so "
            "its shard cannot be sized; give --resources "
            f"{model.name}:gpus=N,mem_gb=G (or the alias's resources:)"
        )
    per_card = gpu_gib * GIB - GIB  # a CUDA context and allocator slack per card
    gpus = 1 << max(0, math.ceil(math.log2(max(1, math.ceil(need / per_card)))))
    return Resources(gpus, _host_gb(need), 4 * gpus, source)


def _host_gb(need: int) -> int:
    """Host memory of a shard: the model as planned (it passes through host memory as it loads)
    and the process beside it."""
    return math.ceil(need / GIB) + HOST_GB


def model_bytes(model: ModelSpec) -> tuple[int | None, str]:
    """The model's weights and runtime memory: sized from a local config.json, else estimated
    from ``params``."""
    config = _local_config(model)
    if config is not None:
        from bioeval.backends.memory import Sequence, size_model

        sized = size_model(config, model.kind, Sequence(1024, 32, 8), "auto", model.quantize)
        return sized.need.weight_bytes + sized.need.runtime_bytes, "planner: config.json"
    params = parse_params(model.params)
    if params is None:
        return None, "no config.json, no params"
    per_param = {"int8": 1.0, "nf4": 0.5}.get(model.quantize or "", 2.0)
    return int(params * per_param * (1 + RUNTIME_SHARE)), f"planner: {model.params} parameters"


def parse_params(text: str | None) -> float | None:
    match = _PARAMS.match(text or "")
    return float(match.group(1)) * _SCALE[match.group(2).upper()] if match else None


def _local_config(model: ModelSpec) -> Any:
    """The model's transformers config when it is on this machine (never asks the Hub)."""
    from pathlib import Path

    if model.gguf is not None:
        from bioeval.backends.hf import model_source

        ident = model_source(model)
    else:
        ident = str(model.pretrained or "")
    folder = Path(ident).expanduser()
    path = folder / "config.json" if folder.is_dir() else None
    if path is None or not path.is_file():
        from bioeval.backends.preflight import _cached_config

        path = _cached_config(ident, model.args.get("revision")) if ident and not folder.exists() else None
    if path is None:
        return None
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(str(path.parent))


def gpu_gib(gpu_type: str) -> float:
    """``--gpu-type A100-80GB`` (or ``H100``, ``48GB``): the memory of one card, in GiB."""
    from bioeval.backends.memory import parse_gpus

    try:
        return parse_gpus(gpu_type).gib
    except BioevalError:
        raise BioevalError(f"--gpu-type {gpu_type!r}: expected NAME-SIZEGB or a known card, e.g. A100-80GB, H100, 48GB") from None
