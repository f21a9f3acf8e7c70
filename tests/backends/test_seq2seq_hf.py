"""The seq2seq path (the T0 family) end to end on a tiny randomly initialised T5.

The T5 is built from a config and saved with SmolLM2's tokenizer (no download): its scores are
meaningless, what is tested is that answer choices are ranked and text is generated through
`bioeval run --model hf:/path/to/tiny-t5`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
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
    folder = tmp_path_factory.mktemp("models") / "tiny-t5"
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def t5_run(tiny_t5: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "t5"
    code = main([
        "run", "--model", f"hf:{tiny_t5}", "--tasks", "gad,biosses", "--data-dir", str(shared_data),
        "--prompts", "masked_association_yes_no,similarity_scale_0_4", "--limit", "2", "--output", str(out),
    ])
    assert code == 0
    return out


def _samples(run: Path, task: str) -> list[dict]:
    path = next((run / "samples").glob(f"hf_*tiny-t5/{task}/*.jsonl"))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_hf_alias_guesses_seq2seq_from_the_name(t5_run: Path) -> None:
    run = json.loads((t5_run / "run.json").read_text(encoding="utf-8"))
    (name,) = [n for n in run["models"] if n != "majority"]
    assert run["models"][name]["kind"] == "seq2seq" and run["status"] == "complete"


def test_t5_ranks_answer_choices(t5_run: Path) -> None:
    rows = _samples(t5_run, "gad")
    assert len(rows) == 2
    for row in rows:
        assert len(row["choice_logliks"]) == len(row["choices"]) == 2
        assert all(value < 0 for value in row["choice_logliks"])
        assert row["prediction"] == row["choices"][row["choice_logliks"].index(max(row["choice_logliks"]))]


def test_t5_generates_text(t5_run: Path) -> None:
    rows = _samples(t5_run, "biosses")
    assert len(rows) == 2
    assert all(isinstance(row["output"], str) and row["output"] for row in rows)
    scores = [json.loads(line) for line in (t5_run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    modes = {r["mode"] for r in scores if r["model"] != "majority"}
    assert modes == {"multiple_choice", "generate_until"}
