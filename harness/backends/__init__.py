"""Model backends: each turns a ModelSpec into an lm-eval ``LM`` object.

Dispatch is by ``ModelSpec.backend`` through ``LOADERS``; every loader imports its heavy
libraries inside the function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bioeval.config.models import ModelSpec


@dataclass(frozen=True)
class LoadOptions:
    batch_size: int = 8
    device: str | None = None  # None: cuda if available, else cpu
    majority_answers: Mapping[str, str] | None = None  # lm-eval task name -> target (majority)


Loader = Callable[[ModelSpec, LoadOptions], Any]


def _hf(spec: ModelSpec, options: LoadOptions) -> Any:
    from bioeval.backends.hf import load_hf

    return load_hf(spec, batch_size=options.batch_size, device=options.device)


def _majority(spec: ModelSpec, options: LoadOptions) -> Any:
    from bioeval.backends.majority import MajorityLM

    return MajorityLM(answers=dict(options.majority_answers or {}))


def _api(spec: ModelSpec, options: LoadOptions) -> Any:
    from bioeval.backends.api_lm import load_api

    return load_api(spec)


def _check_api(spec: ModelSpec) -> None:
    from bioeval.backends.api import check_api

    check_api(spec)


def _vllm(spec: ModelSpec, options: LoadOptions) -> Any:
    from bioeval.backends.vllm import load_vllm

    return load_vllm(spec)


def _check_vllm(spec: ModelSpec) -> None:
    from bioeval.backends.vllm import check_vllm

    check_vllm(spec)


def _stop_vllm(lm: Any) -> None:
    from bioeval.backends.vllm import shutdown

    shutdown(lm)


LOADERS: dict[str, Loader] = {
    "hf": _hf,
    "majority": _majority,
    "openai-completions": _api,
    "openai-chat": _api,
    "vllm": _vllm,
}
"""The backends bioeval runs."""

UNLOADERS: dict[str, Callable[[Any], None]] = {"vllm": _stop_vllm}
"""Per backend, how a loaded model frees its processes and memory before the next one loads."""

SCORES_LOGLIKELIHOOD: dict[str, bool] = {"hf": True, "majority": True, "openai-completions": True, "vllm": True}
"""Backends that can rank answer choices by log-likelihood; others generate and are parsed
(as a chat API would have to: it returns text, not the probability of a given answer)."""


def _check_hf(spec: ModelSpec) -> None:
    from bioeval.backends.preflight import check_hf

    check_hf(spec)


PREFLIGHT: dict[str, Callable[[ModelSpec], None]] = {
    "hf": _check_hf,
    "openai-completions": _check_api,
    "openai-chat": _check_api,
    "vllm": _check_vllm,
}
"""Per backend, the checks that a model can load (settings, packages, weights reachable; an API
server that is up, a key that is set), made when the run is planned, before the baseline runs."""


def check_backend(spec: ModelSpec) -> None:
    """Fail before anything loads when a model's backend cannot run in this version, or the
    model cannot be loaded by it."""
    if spec.backend not in LOADERS:
        from bioeval.errors import BioevalError

        raise BioevalError(
            f"model {spec.name!r} uses the {spec.backend!r} backend, which this version of bioeval "
            f"cannot run yet; available backends: {', '.join(sorted(LOADERS))}"
        )
    if spec.backend in PREFLIGHT:
        PREFLIGHT[spec.backend](spec)


def load_model(spec: ModelSpec, options: LoadOptions) -> Any:
    check_backend(spec)
    return LOADERS[spec.backend](spec, options)


def unload_model(spec: ModelSpec, lm: Any) -> None:
    """Free what a loaded model holds (a vLLM engine's processes and memory)."""
    if spec.backend in UNLOADERS:
        UNLOADERS[spec.backend](lm)
