"""hf models that bioeval builds itself: bitsandbytes int8 / nf4, accelerate device maps.

transformers 5 has no ``load_in_8bit`` keyword and lm-eval's HFLM rejects a
``quantization_config`` among its model arguments, so the model is loaded here with a
``BitsAndBytesConfig`` (and any ``device_map`` / ``max_memory``) and the object is handed to
HFLM, which then only tokenizes, batches and scores.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from bioeval.backends.hf_settings import HfSettings
from bioeval import install_hint
from bioeval.errors import BioevalError

INSTALL_HINT = f"install bitsandbytes (`{install_hint('quant')}`)"


def require_bitsandbytes(model: str, quantize: str) -> None:
    """Fail at start, before any model loads, when bitsandbytes is missing."""
    if importlib.util.find_spec("bitsandbytes") is None:
        raise BioevalError(f"model {model!r}: quantize {quantize!r} needs bitsandbytes; {INSTALL_HINT}")


def compute_dtype(device: str, dtype: str) -> Any:
    """The dtype of everything bitsandbytes does not quantize (and of 4-bit matmuls):
    the requested one, else bfloat16 / float16 on a GPU and float32 on a CPU."""
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if device.startswith("cuda") and torch.cuda.is_available():
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def bnb_config(quantize: str, dtype: Any) -> Any:
    """LLM.int8 (as the study ran BLOOM and OPT-66B) or 4-bit NormalFloat."""
    from transformers import BitsAndBytesConfig

    if quantize == "int8":
        return BitsAndBytesConfig(load_in_8bit=True)
    if quantize == "nf4":
        return BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=dtype,
            bnb_4bit_use_double_quant=True,
        )
    raise BioevalError(f"unknown quantization {quantize!r}; expected int8 or nf4")


def device_map(settings: HfSettings, device: str) -> str | dict[str, Any]:
    """An explicit map, "auto" (accelerate fills the GPUs in order, then CPU) for
    ``parallelize`` or ``max_memory``, else the whole model on ``device``."""
    if settings.device_map is not None:
        return settings.device_map
    if settings.parallelize or settings.max_memory:
        return "auto"
    return {"": device}


def build_model(pretrained: str, kind: str, settings: HfSettings, device: str) -> Any:
    """The transformers model object, quantized and placed as the settings say."""
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

    dtype = compute_dtype(device, settings.dtype) if settings.quantize else settings.dtype
    kwargs: dict[str, Any] = {"device_map": device_map(settings, device), "dtype": dtype}
    if settings.max_memory:
        kwargs["max_memory"] = dict(settings.max_memory)
    if settings.quantize:
        require_bitsandbytes(pretrained, settings.quantize)
        kwargs["quantization_config"] = bnb_config(settings.quantize, dtype)
    if settings.revision:
        kwargs["revision"] = settings.revision
    if settings.trust_remote_code:
        kwargs["trust_remote_code"] = True
    auto_class = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForCausalLM
    model = auto_class.from_pretrained(pretrained, **kwargs)
    model.eval()
    return model
