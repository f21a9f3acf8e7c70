"""FastHFLM scores the requests lm-eval's HFLM scores, with the same results (within 1e-4).

Real requests: lm-eval builds them from gad and pubmed_qa prompts (chat template applied, its
context/continuation split) and FastHFLM records them on their way in; then both scorers run on
all of them at once (many tasks in one call, as with cross-prompt batching), plus continuations
of several tokens on the same contexts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.model

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def lm_and_requests(shared_data: Path) -> tuple[Any, list[Any]]:
    from bioeval.backends import LoadOptions, load_model
    from bioeval.config.models import resolve_model
    from bioeval.run.engine import evaluate, quiet_libraries
    from bioeval.run.plan import build_plan
    from bioeval.rundir.records import Mode

    quiet_libraries()
    plan = build_plan(["smollm2-135m"], ["gad", "pubmed_qa"], None, shared_data, 2)
    lm = load_model(resolve_model("smollm2-135m"), LoadOptions(batch_size=4, device="cpu"))
    seen: list[Any] = []
    scorer = lm._loglikelihood_tokens

    def recording(requests: list[Any], *args: Any, **kwargs: Any) -> Any:
        seen.extend(requests)
        return scorer(requests, *args, **kwargs)

    lm._loglikelihood_tokens = recording
    chosen = {}
    for task in plan.tasks:  # one prompt of each dataset keeps the test short
        chosen.setdefault(task.view.name, []).append(task)
    for task in [t for tasks in chosen.values() for t in tasks[:1]]:
        evaluate(lm, task, Mode.RANK, chat=True)
    del lm._loglikelihood_tokens
    contexts = {tuple(ctx): (request, ctx) for request, ctx, _ in seen}
    longer = []
    for (context_str, _), ctx in list(contexts.values())[:4]:
        for words in (" not associated", " maybe, but unclear"):  # on the chat contexts
            ctx_enc, cont_enc = lm._encode_pair(context_str, words)
            longer.append(((context_str, words), ctx_enc, cont_enc))
        plain_context = context_str.rstrip() + " Answer:"  # no trailing newline: 1-token choices
        for words in (" yes", " no", " not at all"):
            ctx_enc, cont_enc = lm._encode_pair(plain_context, words)
            longer.append(((plain_context, words), ctx_enc, cont_enc))
    return lm, seen + longer


def test_requests_are_real_and_include_multi_token_choices(lm_and_requests: tuple[Any, list[Any]]) -> None:
    lm, requests = lm_and_requests
    assert type(lm).__name__ == "FastHFLM" and lm.fast_loglikelihood
    assert len(requests) >= 20
    assert any(len(cont) > 2 for _, _, cont in requests)  # beyond the shared "\n"
    assert any(len(cont) == 1 for _, _, cont in requests)
    assert "<|im_start|>user" in requests[0][0][0]  # the chat template was applied


def test_equal_to_hflm_on_every_request(lm_and_requests: tuple[Any, list[Any]]) -> None:
    from lm_eval.models.huggingface import HFLM

    lm, requests = lm_and_requests
    before = replace(lm.stats)
    lm._head_memo = None
    fast = lm._loglikelihood_tokens(requests)
    batches = -(-len({tuple(ctx) for _, ctx, _ in requests}) // 4)  # batch size 4
    heads = lm.stats.heads - before.heads
    assert 1 <= heads <= batches  # the chat template's system turn, encoded once and shared
    assert lm.stats.forwards - before.forwards - heads <= 2 * batches  # a context pass (+ one on the cache) per batch
    plain = HFLM._loglikelihood_tokens(lm, requests)
    assert len(fast) == len(plain) == len(requests)
    for request, (fast_ll, fast_greedy), (ll, greedy) in zip(requests, fast, plain, strict=True):
        assert abs(fast_ll - ll) <= TOLERANCE, (request[0], fast_ll, ll)
        assert fast_greedy == greedy, request[0]


def test_fallback_to_plain_hflm(lm_and_requests: tuple[Any, list[Any]]) -> None:
    from lm_eval.models.huggingface import HFLM

    lm, requests = lm_and_requests
    lm.fast_loglikelihood = False
    try:
        sample = requests[:3]
        assert lm._loglikelihood_tokens(sample) == HFLM._loglikelihood_tokens(lm, sample)
    finally:
        lm.fast_loglikelihood = True
