"""Hugging Face transformers models through lm-eval's ``HFLM`` (causal and seq2seq).

HFLM loads the model itself from a folder or Hub id, except when bioeval must build it
(bitsandbytes quantization, an explicit device map or ``max_memory``: see
``bioeval.backends.quantize``); then HFLM gets the model object plus the tokenizer's folder,
the batch size and the backend kind, and places nothing itself (the model is already placed).

Log-likelihoods are scored by ``FastHFLM`` (``bioeval.backends.hf_fast``), an HFLM that encodes
each context once; an alias's ``args: {fast_loglikelihood: false}`` keeps HFLM's own scoring.
"""

from __future__ import annotations

from typing import Any

from bioeval.backends.hf_settings import hf_settings
from bioeval.errors import BioevalError
from bioeval.config.models import ModelSpec


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def model_source(spec: ModelSpec) -> str:
    """The folder or Hub id to load (a GGUF alias's converted folder)."""
    if spec.gguf is not None:
        from bioeval.backends.gguf import converted_folder

        return str(converted_folder(spec))
    assert spec.pretrained is not None, f"hf model {spec.name!r} has no 'pretrained'"
    return spec.pretrained


def load_hf(spec: ModelSpec, *, batch_size: int, device: str | None) -> Any:
    """lm-eval's HFLM for ``spec`` (``device`` None: cuda if available, else cpu)."""
    from bioeval.backends.hf_fast import FastHFLM

    settings = hf_settings(spec)
    pretrained = model_source(spec)
    device = device or default_device()
    common: dict[str, Any] = {
        "backend": spec.kind,
        "batch_size": batch_size,
        "trust_remote_code": settings.trust_remote_code,
        "fast_loglikelihood": settings.fast_loglikelihood,
    }
    if settings.revision:
        common["revision"] = settings.revision
    try:
        if settings.bioeval_builds_model:
            from bioeval.backends.quantize import build_model

            model = build_model(pretrained, spec.kind, settings, device)
            lm = FastHFLM(pretrained=model, tokenizer=pretrained, **common)
        else:
            lm = FastHFLM(
                pretrained=pretrained, device=device, dtype=settings.dtype, parallelize=settings.parallelize,
                **common,
            )
    except BioevalError:
        raise
    except Exception as error:  # noqa: BLE001 - a corrupt or unreadable checkpoint, out of memory ...
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        raise BioevalError(
            f"model {spec.name!r}: cannot load {pretrained}: {type(error).__name__}: {lines[0] if lines else ''}"[:400]
        ) from None
    if spec.kind == "seq2seq":  # lm-eval's HFLM ties T5's output layer to its input embedding
        from bioeval.backends.untied_head import restore_output_layer

        restore_output_layer(lm.model, pretrained, settings.revision)
    return lm
