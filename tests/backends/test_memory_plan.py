"""`bioeval plan` on the config.json files of BLOOM-176B, T0pp and Llama-3.1-8B (no weights)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.backends.memory import GIB, Sequence, device_map_on, fewest_gpus, parse_gpus, size_model
from bioeval.cli import main
from bioeval.errors import BioevalError

BLOOM = {
    "architectures": ["BloomForCausalLM"], "model_type": "bloom", "vocab_size": 250880, "hidden_size": 14336,
    "n_layer": 70, "n_head": 112, "layer_norm_epsilon": 1e-5, "bos_token_id": 1, "eos_token_id": 2,
    "pad_token_id": 3, "pretraining_tp": 4, "use_cache": True, "torch_dtype": "bfloat16",
}
T0PP = {
    "architectures": ["T5ForConditionalGeneration"], "model_type": "t5", "d_ff": 10240, "d_kv": 64,
    "d_model": 4096, "decoder_start_token_id": 0, "eos_token_id": 1, "feed_forward_proj": "gated-gelu",
    "is_encoder_decoder": True, "num_decoder_layers": 24, "num_heads": 64, "num_layers": 24,
    "pad_token_id": 0, "relative_attention_num_buckets": 32, "tie_word_embeddings": False,
    "vocab_size": 32128, "torch_dtype": "float32",
}
LLAMA = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
    "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256,
    "max_position_embeddings": 131072, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": False,
    "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "torch_dtype": "bfloat16", "bos_token_id": 128000, "eos_token_id": 128001,
}


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("configs")
    out = {}
    for name, config in (("bloom", BLOOM), ("t0pp", T0PP), ("llama", LLAMA)):
        (root / name).mkdir()
        (root / name / "config.json").write_text(json.dumps(config), encoding="utf-8")
        out[name] = root / name / "config.json"
    return out


def _config(path: Path):
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(str(path.parent))


@pytest.fixture(scope="module")
def bloom_int8(configs: dict[str, Path]):
    return size_model(_config(configs["bloom"]), "causal", Sequence(512, 2, 8), quantize="int8")


def test_bloom_int8_is_about_180_gb_and_fits_four_a100s_not_two(bloom_int8) -> None:
    need = bloom_int8.need
    assert need.parameters == 176_247_271_424  # BLOOM-176B, tied embeddings counted once
    assert 178e9 < need.weight_bytes < 182e9
    # 2 (K, V) x 70 layers x 112 heads x 128 x 514 tokens x batch 8 x 2 bytes
    assert need.kv_cache_bytes == 2 * 70 * 112 * 128 * 514 * 8 * 2
    placed = device_map_on(bloom_int8, parse_gpus("4xA100-80GB"))
    assert placed is not None and set(placed.values()) <= {0, 1, 2, 3}
    assert device_map_on(bloom_int8, parse_gpus("2xA100-80GB")) is None
    assert fewest_gpus(bloom_int8, 80) == 3


def test_bloom_in_bfloat16_needs_twice_the_memory(configs: dict[str, Path]) -> None:
    sized = size_model(_config(configs["bloom"]), "causal", Sequence(512, 2, 8))
    assert sized.need.dtype == "bfloat16"
    assert sized.need.weight_bytes == pytest.approx(2 * 176_247_271_424, rel=1e-6)
    assert device_map_on(sized, parse_gpus("4xA100-80GB")) is None  # 328 GiB of weights


def test_t0pp_and_llama_figures(configs: dict[str, Path]) -> None:
    t0pp = size_model(_config(configs["t0pp"]), "seq2seq", Sequence(600, 32, 8), dtype="bfloat16")
    # transformers 5 ties T5's lm_head to the shared embedding: 11.0B (the checkpoint has 11.1B)
    assert t0pp.need.parameters == 11_003_736_064
    assert t0pp.need.weight_bytes == pytest.approx(2 * 11_003_736_064, rel=1e-6)
    # decoder: 24 layers x 64 heads x d_kv 64, self-attention over 32 + cross-attention over 600
    assert t0pp.need.kv_cache_bytes == 2 * 24 * 64 * 64 * 632 * 8 * 2
    assert fewest_gpus(t0pp, 24) == 1  # 20.5 GiB of weights, 1.9 GiB of KV cache
    in_float32 = size_model(_config(configs["t0pp"]), "seq2seq", Sequence(600, 32, 8))  # the config's dtype
    assert in_float32.need.dtype == "float32" and fewest_gpus(in_float32, 24) == 3  # 41 GiB in T5Blocks
    llama = size_model(_config(configs["llama"]), "causal", Sequence(1000, 24, 4), quantize="nf4")
    assert llama.need.parameters == 8_030_261_248
    # 8 key-value heads (grouped-query attention) of 128
    assert llama.need.kv_cache_bytes == 2 * 32 * 8 * 128 * 1024 * 4 * 2
    assert 5.0 * GIB < llama.need.weight_bytes < 5.5 * GIB  # 4-bit layers, embeddings and lm_head in bf16
    assert fewest_gpus(llama, 24) == 1


def test_plan_command_prints_device_map(configs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--model", "bloom", "--config", str(configs["bloom"]), "--gpus", "4xA100-80GB"]) == 0
    out = capsys.readouterr().out
    assert "parameters 176,247,271,424" in out and "int8 linear layers" in out
    assert "4xA100-80GB: fits" in out and "cuda:3: transformer.h." in out
    assert main(["plan", "--model", "bloom", "--config", str(configs["bloom"]), "--gpus", "2xA100-80GB"]) == 0
    assert "2xA100-80GB: does not fit; needs 3xA100-80GB" in capsys.readouterr().out


def test_plan_sizes_the_kv_cache_for_the_longest_prompt(configs: dict[str, Path], shared_data: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--model", "hf:meta-llama/Llama-3.1-8B", "--config", str(configs["llama"].parent),
                 "--tasks", "gad", "--data-dir", str(shared_data), "--batch-size", "4"])
    assert code == 0
    out = capsys.readouterr().out
    assert "parameters 8,030,261,248" in out and "prompt +" in out and "gad / " in out
    assert "24 GB cards: 1 needed" in out


def test_bad_gpus_and_missing_config_are_one_line_errors(configs: dict[str, Path], tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(BioevalError):
        parse_gpus("four big ones")
    assert parse_gpus("A100").gib == 80 and parse_gpus("2x24GB").count == 2
    assert main(["plan", "--model", "bloom", "--config", str(tmp_path / "absent.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bioeval: error: ") and err.count("\n") == 1
