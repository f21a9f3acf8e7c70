"""T5 v1.1 checkpoints (T0, T0+, T0++, T5 v1.1 XXL ...) with their own output layer, kept as saved.

transformers 5's ``T5Config`` sets ``tie_word_embeddings = True`` whatever the checkpoint's
config says, and lm-eval's HFLM calls ``model.tie_weights()`` once the model is loaded: the
output layer (``lm_head``) then becomes the input embedding. For a checkpoint whose
``lm_head.weight`` differs from ``shared.weight`` — every T5 v1.1 model, the T0 family among
them, the BigBIO study's best models — that silently swaps in another model. bioeval reads
``lm_head.weight`` back from the checkpoint and gives the model an output layer of its own when
the two differ. Original T5 checkpoints, which tie the two, are left as they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HEAD = "lm_head.weight"
T5_FAMILY = ("t5", "mt5", "umt5")


def checkpoint_tensor(pretrained: str, name: str, revision: str | None = None) -> Any | None:
    """The tensor ``name`` as saved in the checkpoint (a folder or a cached Hub id), or None."""
    from safetensors import safe_open

    for index_name, single_name in (("model.safetensors.index.json", "model.safetensors"),
                                    ("pytorch_model.bin.index.json", "pytorch_model.bin")):
        path = _file(pretrained, single_name, revision)
        index = _file(pretrained, index_name, revision)
        if path is None and index is not None:
            shard = json.loads(Path(index).read_text(encoding="utf-8"))["weight_map"].get(name)
            path = _file(pretrained, shard, revision) if shard else None
        if path is None:
            continue
        if path.endswith(".safetensors"):
            with safe_open(path, framework="pt") as handle:
                return handle.get_tensor(name) if name in handle.keys() else None
        import torch

        return torch.load(path, map_location="cpu", mmap=True, weights_only=True).get(name)
    return None


def _file(pretrained: str, filename: str, revision: str | None) -> str | None:
    folder = Path(pretrained)
    if folder.is_dir():
        return str(folder / filename) if (folder / filename).is_file() else None
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(pretrained, filename, revision=revision)
    return found if isinstance(found, str) else None


def restore_output_layer(model: Any, pretrained: str, revision: str | None = None) -> bool:
    """Give a T5-family ``model`` the checkpoint's own output layer where it has one; True if so."""
    import torch

    if getattr(model.config, "model_type", None) not in T5_FAMILY:
        return False
    saved = checkpoint_tensor(pretrained, HEAD, revision)
    embedding = model.get_input_embeddings().weight
    if saved is None or torch.equal(saved.to(embedding.dtype), embedding.detach().cpu()):
        return False
    head = torch.nn.Linear(saved.shape[1], saved.shape[0], bias=False, dtype=embedding.dtype, device=embedding.device)
    with torch.no_grad():
        head.weight.copy_(saved.to(embedding.dtype))
    model.lm_head = head
    model.config.tie_word_embeddings = False
    return True
