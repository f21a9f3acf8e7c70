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
from tiny_models import build_tiny_t5

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_t5(tmp_path_factory.mktemp("models") / "tiny-t5")


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


def test_fast_seq2seq_scoring_equals_hflm(tiny_t5: Path) -> None:
    """FastHFLM's seq2seq path (the encoder once per context, the decoder on every choice at
    once) gives HFLM's log-likelihoods and greedy flags, choices of one and several tokens."""
    from lm_eval.models.huggingface import HFLM

    from bioeval.backends import LoadOptions, load_model
    from bioeval.config.models import resolve_model

    lm = load_model(resolve_model(f"hf:{tiny_t5}"), LoadOptions(batch_size=3, device="cpu"))
    assert type(lm).__name__ == "FastHFLM" and lm.backend == "seq2seq" and lm.fast_loglikelihood
    contexts = [
        "Is the gene BRCA1 associated with breast cancer? Answer yes or no.",
        "Sentence: aspirin lowers the risk of stroke. Does the sentence state an association?",
        "Question: does metformin reduce mortality? Context: a cohort of 1200 patients.",
        "Rate the similarity of the two sentences from 0 to 4.",
        "Short context.",
    ]
    choices = [" yes", " no", " not associated at all"]
    requests = [((c, x), *lm._encode_pair(c, x)) for c in contexts for x in choices]
    assert any(len(cont) > 2 for _, _, cont in requests) and any(len(cont) == 1 for _, _, cont in requests)
    before = lm.stats.forwards
    fast = lm._loglikelihood_tokens(requests)
    assert lm.stats.forwards - before == 2 * 2  # 5 contexts in batches of 3: an encoder and a decoder pass each
    plain = HFLM._loglikelihood_tokens(lm, requests)
    for request, (fast_ll, fast_greedy), (ll, greedy) in zip(requests, fast, plain, strict=True):
        assert abs(fast_ll - ll) <= 1e-4, (request[0], fast_ll, ll)
        assert fast_greedy == greedy, request[0]
