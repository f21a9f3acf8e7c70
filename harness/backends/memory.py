"""What an hf model needs in memory, from its config alone (no weights are read).

The model is built on the meta device (accelerate's ``init_empty_weights``), so parameters
are counted exactly as transformers would create them (tied weights once). Weights are sized
by accelerate's ``compute_module_sizes`` with bitsandbytes' element sizes for the linear
layers it quantizes (1 byte for int8, half a byte for nf4; its per-row and per-block scales,
under 0.1% and about 3%, are left out), and placed on cards by ``infer_auto_device_map`` as
``device_map="auto"`` would place them. The KV cache is sized for the longest sequence a run
sends, at the batch size; lm-eval's log-softmax over a batch's logits is counted beside it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from bioeval.errors import BioevalError

GIB = 1024**3
CUDA_CONTEXT_BYTES = 1 * GIB  # per card: CUDA context and allocator slack
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2}
KNOWN_GPUS = {"A100": 80, "H100": 80, "H200": 141, "A10": 24, "A10G": 24, "L4": 24, "L40S": 48,
              "T4": 16, "V100": 32, "A6000": 48, "RTX4090": 24}
_GPU = re.compile(r"^(?:(\d+)\s*[x×*]\s*)?([A-Za-z0-9]*?)(?:-?(\d+(?:\.\d+)?)\s*GB)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Gpus:
    count: int
    name: str
    gib: float  # memory of one card ("80GB" cards have 80 GiB)

    @property
    def label(self) -> str:
        return f"{self.count}x{self.name}-{self.gib:g}GB"


def parse_gpus(text: str) -> Gpus:
    """``4xA100-80GB``, ``A100`` (one, its usual size), ``2x24GB``."""
    match = _GPU.match(text.strip())
    count, name, size = match.groups() if match else (None, None, None)
    if match and size is None and name and name.upper() in KNOWN_GPUS:
        size = str(KNOWN_GPUS[name.upper()])
    if not match or size is None or (count is not None and int(count) < 1) or float(size) <= 0:
        raise BioevalError(f"--gpus {text!r}: expected COUNTxNAME-SIZEGB with at least one card of "
                           "more than 0 GB, e.g. 4xA100-80GB or 2x24GB")
    return Gpus(int(count or 1), (name or "GPU").upper(), float(size))


@dataclass(frozen=True)
class Sequence:
    """The longest sequence of a run: prompt tokens (encoder's, for seq2seq) and continuation."""

    prompt_tokens: int
    continuation_tokens: int
    batch_size: int


@dataclass(frozen=True)
class Need:
    parameters: int
    weight_bytes: int
    kv_cache_bytes: int
    logits_bytes: int
    dtype: str  # of the weights bitsandbytes leaves alone, and of the KV cache
    quantize: str | None

    @property
    def runtime_bytes(self) -> int:
        return self.kv_cache_bytes + self.logits_bytes


def empty_model(config: Any, kind: str) -> Any:
    """The model on the meta device: every module and parameter, no memory."""
    from accelerate import init_empty_weights
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

    auto_class = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForCausalLM
    try:
        with init_empty_weights():
            model = auto_class.from_config(config)
    except ValueError as error:  # an architecture this transformers does not know
        raise BioevalError(f"cannot build a {kind} model from this config: {str(error).splitlines()[0]}") from None
    model.tie_weights()
    return model


def weights_dtype(config: Any, dtype: str, quantize: str | None) -> str:
    """Quantized models keep the rest in 16 bits; else the requested dtype or the config's."""
    if dtype != "auto":
        return dtype
    if quantize:
        return "bfloat16"
    declared = getattr(config, "dtype", None) or getattr(config, "torch_dtype", None)
    name = str(declared).removeprefix("torch.") if declared is not None else "float32"
    return name if name in DTYPE_BYTES else "float32"


def special_dtypes(model: Any, quantize: str | None) -> dict[str, Any]:
    """The weights bitsandbytes quantizes: every linear layer but those transformers keeps
    in full precision (the output embedding, tied weights, the last module)."""
    if not quantize:
        return {}
    import torch
    from accelerate.utils import CustomDtype
    from transformers.quantizers.base import get_keys_to_not_convert

    target = torch.int8 if quantize == "int8" else CustomDtype.INT4
    keep = set(get_keys_to_not_convert(model))
    linear = _linear_classes()
    out = {}
    for name, module in model.named_modules():
        if isinstance(module, linear) and not any(name == k or name.startswith(k + ".") for k in keep):
            out[f"{name}.weight"] = target
    return out


def _linear_classes() -> tuple[type, ...]:
    import torch

    classes: list[type] = [torch.nn.Linear]
    try:
        from transformers.pytorch_utils import Conv1D

        classes.append(Conv1D)
    except ImportError:
        pass
    return tuple(classes)


def kv_cache_bytes(config: Any, kind: str, sequence: Sequence, dtype: str) -> int:
    """Keys and values of every attention layer for the whole batch. For seq2seq, the
    decoder's self-attention over the continuation and its cross-attention over the prompt."""
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    heads = int(text.num_attention_heads)
    kv_heads = int(getattr(text, "num_key_value_heads", None) or heads)
    head_dim = getattr(text, "d_kv", None) or getattr(text, "head_dim", None) or text.hidden_size // heads
    if kind == "seq2seq":
        layers = int(getattr(text, "num_decoder_layers", None) or text.num_hidden_layers)
        tokens = sequence.prompt_tokens + sequence.continuation_tokens
    else:
        layers = int(text.num_hidden_layers)
        tokens = sequence.prompt_tokens + sequence.continuation_tokens
    return 2 * layers * kv_heads * int(head_dim) * tokens * sequence.batch_size * DTYPE_BYTES[dtype]


def logits_bytes(config: Any, kind: str, sequence: Sequence, dtype: str) -> int:
    """lm-eval's log-softmax over one batch's logits: the logits and their copy."""
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    positions = sequence.continuation_tokens if kind == "seq2seq" else sequence.prompt_tokens + sequence.continuation_tokens
    return 2 * sequence.batch_size * positions * int(text.vocab_size) * DTYPE_BYTES[dtype]


@dataclass(frozen=True)
class Sized:
    """The empty model with what accelerate needs to size and place it."""

    model: Any
    dtype: str
    special: dict[str, Any]
    need: Need


def size_model(config: Any, kind: str, sequence: Sequence, dtype: str = "auto", quantize: str | None = None) -> Sized:
    from accelerate.utils import compute_module_sizes

    model = empty_model(config, kind)
    chosen = weights_dtype(config, dtype, quantize)
    special = special_dtypes(model, quantize)
    sizes = compute_module_sizes(model, dtype=_torch_dtype(chosen), special_dtypes=special or None)
    need = Need(
        parameters=sum(p.numel() for p in model.parameters()),
        weight_bytes=int(sizes[""]),
        kv_cache_bytes=kv_cache_bytes(config, kind, sequence, chosen),
        logits_bytes=logits_bytes(config, kind, sequence, chosen),
        dtype=chosen,
        quantize=quantize,
    )
    return Sized(model, chosen, special, need)


def _torch_dtype(name: str) -> Any:
    import torch

    return getattr(torch, name)


def device_map_on(sized: Sized, gpus: Gpus) -> dict[str, Any] | None:
    """Where ``device_map="auto"`` puts each module on these cards, leaving each card room for
    its share of the KV cache and logits; None when some module would not fit."""
    import logging

    from accelerate.utils import get_balanced_memory, infer_auto_device_map

    usable = int(gpus.gib * GIB) - CUDA_CONTEXT_BYTES - math.ceil(sized.need.runtime_bytes / gpus.count)
    if usable <= 0:
        return None
    max_memory: dict[int | str, int] = {index: usable for index in range(gpus.count)}
    max_memory["cpu"] = 0
    common: dict[str, Any] = {
        "dtype": _torch_dtype(sized.dtype), "special_dtypes": sized.special or None,
        "no_split_module_classes": list(getattr(sized.model, "_no_split_modules", None) or []),
    }
    logging.getLogger("accelerate.utils.modeling").setLevel(logging.ERROR)  # "Device 0 is not available"
    balanced = get_balanced_memory(sized.model, max_memory=max_memory, low_zero=False, **common)
    for budget in (balanced, max_memory):  # as device_map="auto" spreads it; else filled in order
        placed = infer_auto_device_map(sized.model, max_memory=budget, **common)
        if all(isinstance(device, int) for device in placed.values()):
            return dict(placed)
    return None


def fewest_gpus(sized: Sized, gib: float, name: str = "GPU", most: int = 64) -> int | None:
    """The smallest number of such cards that holds the model, or None past ``most``."""
    per_card = gib * GIB - CUDA_CONTEXT_BYTES
    start = max(1, math.ceil((sized.need.weight_bytes + sized.need.runtime_bytes) / per_card))
    for count in range(start, most + 1):
        if device_map_on(sized, Gpus(count, name, gib)) is not None:
            return count
    return None
