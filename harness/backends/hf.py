"""Hugging Face transformers models through lm-eval's ``HFLM`` (causal and seq2seq)."""

from __future__ import annotations

from typing import Any

from bioeval.backends import LoadOptions
from bioeval.config.models import ModelSpec


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_hf(spec: ModelSpec, options: LoadOptions) -> Any:
    from lm_eval.models.huggingface import HFLM

    pretrained = spec.pretrained
    if spec.gguf is not None:
        from bioeval.backends.gguf import converted_folder

        pretrained = str(converted_folder(spec))
    kwargs: dict[str, Any] = {
        "pretrained": pretrained,
        "backend": spec.kind,
        "batch_size": options.batch_size,
        "device": options.device or default_device(),
    }
    kwargs.update(spec.args)  # e.g. dtype, load_in_8bit, trust_remote_code, revision
    return HFLM(**kwargs)
