"""Tiny models the tests build (no download): a randomly initialised T5 with SmolLM2's tokenizer."""

from __future__ import annotations

from pathlib import Path


def build_tiny_t5(folder: Path) -> Path:
    """A one-layer T5 saved to ``folder`` with SmolLM2's tokenizer: its scores are meaningless,
    it exercises the seq2seq path (ranking answer choices, generating text)."""
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    from bioeval.backends.hf import model_source
    from bioeval.config.models import model_aliases

    tokenizer = AutoTokenizer.from_pretrained(model_source(model_aliases()["smollm2-135m"]))
    torch.manual_seed(0)
    config = T5Config(
        vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
