"""Model aliases (``configs/models.yaml``) and ad-hoc model names.

``--model`` takes an alias (``t0pp``), or ``BACKEND:ID`` for anything else: ``hf:gpt2``,
``hf:/path/to/folder``, ``vllm:meta-llama/Llama-3.1-8B``, ``openai-chat:gpt-4o-mini``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from bioeval.config.paths import COMPLETE_MARKER
from bioeval.errors import BioevalError, DataFileError, UnknownNameError

BASELINE = "majority"
"""The majority-class baseline: its alias and its backend's name."""
BACKENDS = ("hf", "vllm", "openai-chat", "openai-completions", BASELINE)
KINDS = ("causal", "seq2seq")
SAME_PROMPTING = ("vllm",)
"""Backends on which ``BACKEND:ID`` of an alias's Hub id or converted GGUF folder is prompted as
the alias is (its chat template): ``vllm:<smollm2 folder>`` answers as ``smollm2-135m``. Other
ad-hoc ids are prompted plainly (``hf:<folder>`` is the plain-prompt reference of the API tests)."""
QUANTIZE = ("int8", "nf4")
"""bitsandbytes weight formats of the hf backend: LLM.int8 and 4-bit NormalFloat."""
_FIELDS = {
    "backend", "pretrained", "kind", "gguf", "chat", "params", "study", "notes", "base_url",
    "api_key_env", "args", "quantize", "resources",
}


@dataclass(frozen=True)
class GgufSource:
    """A GGUF file shipped inside an installed Python package (found without importing it)."""

    package: str
    file: str


@dataclass(frozen=True)
class ModelSpec:
    name: str
    backend: str
    pretrained: str | None = None
    kind: str = "causal"
    gguf: GgufSource | None = None
    chat: bool = False
    params: str | None = None
    study: str | None = None
    notes: str = ""
    base_url: str | None = None
    api_key_env: str | None = None
    args: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    quantize: str | None = None  # one of QUANTIZE (hf backend)
    # what one shard of this model asks a scheduler for (``--executor``): gpus, mem_gb, cpus
    resources: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def _config_text() -> tuple[str, str]:
    path = resources.files("bioeval.configs").joinpath("models.yaml")
    return str(path), path.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def model_aliases() -> dict[str, ModelSpec]:
    origin, text = _config_text()
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(origin, f"invalid YAML: {error}", mark.line + 1 if mark else None) from None
    return {name: _spec(name, entry, origin) for name, entry in raw.items()}


def _spec(name: str, entry: Any, origin: str) -> ModelSpec:
    if not isinstance(entry, dict):
        raise DataFileError(origin, f"model {name!r}: expected a mapping of settings")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise DataFileError(origin, f"model {name!r}: unknown settings {sorted(unknown)}; known {sorted(_FIELDS)}")
    backend = entry.get("backend")
    if backend not in BACKENDS:
        raise DataFileError(origin, f"model {name!r}: backend {backend!r}; expected one of {BACKENDS}")
    kind = entry.get("kind", "causal")
    if kind not in KINDS:
        raise DataFileError(origin, f"model {name!r}: kind {kind!r}; expected one of {KINDS}")
    quantize = entry.get("quantize")
    if quantize is not None and quantize not in QUANTIZE:
        raise DataFileError(origin, f"model {name!r}: quantize {quantize!r}; expected one of {QUANTIZE}")
    gguf = entry.get("gguf")
    return ModelSpec(
        name=name,
        backend=backend,
        pretrained=entry.get("pretrained"),
        kind=kind,
        gguf=GgufSource(**gguf) if gguf else None,
        chat=bool(entry.get("chat", False)),
        params=str(entry["params"]) if entry.get("params") is not None else None,
        study=entry.get("study"),
        notes=entry.get("notes", ""),
        base_url=entry.get("base_url"),
        api_key_env=entry.get("api_key_env"),
        args=dict(entry.get("args") or {}),
        quantize=quantize,
        resources=_resources(name, entry.get("resources"), origin),
    )


RESOURCE_KEYS = ("gpus", "mem_gb", "cpus")


def _resources(name: str, raw: Any, origin: str) -> dict[str, Any]:
    """An alias's ``resources:``: whole numbers of GPUs, GB of memory and CPUs per shard."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - set(RESOURCE_KEYS):
        raise DataFileError(origin, f"model {name!r}: resources {raw!r}; expected a mapping of {', '.join(RESOURCE_KEYS)}")
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DataFileError(origin, f"model {name!r}: resources.{key} {value!r}; expected a whole number >= 0")
    return dict(raw)


def resolve_model(name: str) -> ModelSpec:
    """An alias, or ``BACKEND:ID`` for a model without one."""
    aliases = model_aliases()
    if name in aliases:
        return aliases[name]
    backend, sep, ident = name.partition(":")
    if sep and backend in BACKENDS and backend != "majority":
        if not ident:
            raise BioevalError(f"model {name!r}: nothing after '{backend}:'")
        base = _alias_of(ident, aliases) if backend in SAME_PROMPTING else None
        if base is not None:  # prompted as its alias is: the same chat template, kind, size
            return ModelSpec(name=name, backend=backend, pretrained=ident, kind=base.kind, chat=base.chat,
                             params=base.params)
        kind = "seq2seq" if any(tag in ident.lower() for tag in ("t5", "t0", "bart")) else "causal"
        return ModelSpec(name=name, backend=backend, pretrained=ident, kind=kind, chat=backend == "openai-chat")
    raise UnknownNameError("model", name, list(aliases) + [f"{b}:<id>" for b in BACKENDS[:4]])


def _alias_of(ident: str, aliases: dict[str, ModelSpec]) -> ModelSpec | None:
    """The alias whose model ``ident`` is: the same Hub id, or the folder bioeval converted from
    the alias's GGUF file (``<cache>/models/<alias>-<digest>``)."""
    same = [spec for spec in aliases.values() if spec.pretrained == ident]
    if same:
        return same[0]
    folder = Path(ident)
    alias = aliases.get(folder.name.rpartition("-")[0])
    if alias is not None and alias.gguf is not None and (folder / COMPLETE_MARKER).is_file():
        return alias
    return None
