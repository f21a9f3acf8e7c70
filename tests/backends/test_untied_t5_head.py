"""T5 v1.1 checkpoints (the T0 family) keep their own output layer through bioeval's hf loader.

transformers 5's T5Config sets tie_word_embeddings = True whatever a checkpoint's config says,
and lm-eval's HFLM calls model.tie_weights() after loading: the output layer becomes the input
embedding, and every T0 score would be another model's. The test writes a tiny T5 v1.1-style
checkpoint (lm_head.weight saved apart from shared.weight), shows that HFLM alone loses the
saved head, and that bioeval's loader keeps it (the head and the logits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def v11_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    from safetensors.torch import save_file
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    from bioeval.backends.hf import model_source
    from bioeval.config.models import model_aliases

    tokenizer = AutoTokenizer.from_pretrained(model_source(model_aliases()["smollm2-135m"]))
    torch.manual_seed(0)
    config = T5Config(vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1,
                      num_heads=2, feed_forward_proj="gated-gelu", pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id)
    model = T5ForConditionalGeneration(config)
    folder = tmp_path_factory.mktemp("models") / "t5-v1_1-tiny"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    state = {k: v.clone().contiguous() for k, v in model.state_dict().items()}
    head = torch.randn_like(state["shared.weight"])  # an output layer of its own, as T5 v1.1 has
    state["lm_head.weight"] = head
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    saved = json.loads((folder / "config.json").read_text())
    saved["tie_word_embeddings"] = False
    (folder / "config.json").write_text(json.dumps(saved))
    return folder, head


def test_lm_eval_alone_ties_the_saved_output_layer_away(v11_checkpoint) -> None:  # noqa: ANN001
    from lm_eval.models.huggingface import HFLM

    folder, head = v11_checkpoint
    lm = HFLM(pretrained=str(folder), backend="seq2seq", device="cpu", batch_size=1)
    assert not torch.equal(lm.model.lm_head.weight.detach(), head)  # the fact bioeval works around
    assert torch.equal(lm.model.lm_head.weight, lm.model.get_input_embeddings().weight)


def test_the_saved_output_layer_is_kept(v11_checkpoint) -> None:  # noqa: ANN001
    from bioeval.backends.hf import load_hf
    from bioeval.config.models import ModelSpec

    folder, head = v11_checkpoint
    lm = load_hf(ModelSpec(name="t5", backend="hf", pretrained=str(folder), kind="seq2seq"), batch_size=8, device="cpu")
    assert torch.equal(lm.model.lm_head.weight.detach(), head)
    assert not torch.equal(lm.model.lm_head.weight, lm.model.get_input_embeddings().weight)
    logits = lm.model(input_ids=torch.tensor([[5, 6, 7]]), decoder_input_ids=torch.tensor([[0]])).logits
    hidden = lm.model(input_ids=torch.tensor([[5, 6, 7]]), decoder_input_ids=torch.tensor([[0]]),
                      output_hidden_states=True).decoder_hidden_states[-1]
    scale = 1.0 if not lm.model.config.scale_decoder_outputs else lm.model.config.d_model ** -0.5
    assert torch.allclose(logits, (hidden * scale) @ head.T, atol=1e-5)


def test_tied_checkpoints_are_left_as_they_are(tmp_path: Path) -> None:
    from transformers import T5Config, T5ForConditionalGeneration

    from bioeval.backends.untied_head import restore_output_layer

    model = T5ForConditionalGeneration(T5Config(vocab_size=64, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2))
    model.save_pretrained(tmp_path)
    assert restore_output_layer(model, str(tmp_path)) is False
    assert model.lm_head.weight is model.get_input_embeddings().weight
