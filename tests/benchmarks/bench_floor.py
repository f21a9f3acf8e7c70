"""The bare transformers floor for ranked answer choices (used by bench_vs_lm_eval.py).

No lm-eval, no bioeval: it reads the documents `bioeval export lm-eval` wrote, builds the same
strings lm-eval builds (chat template, the choice with no delimiter after it, the trailing
newline moved to the continuation) and scores them with each context encoded once, the output
layer only where a token is scored, and the rest of longer choices on the context's KV cache.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F


def split(tokenizer: Any, context: str, continuation: str) -> tuple[list[int], list[int]]:
    spaces = len(context) - len(context.rstrip())
    if spaces:
        context, continuation = context[:-spaces], context[-spaces:] + continuation
    whole = tokenizer.encode(context + continuation)
    ctx = tokenizer.encode(context)
    return ctx, whole[len(ctx):]


def score_group(model: Any, batch: list[tuple[list[int], list[list[int]]]], pad: int) -> list[list[float]]:
    prefixes = []
    for _, conts in batch:
        n = 0
        while n < min(map(len, conts)) - 1 and all(c[n] == conts[0][n] for c in conts):
            n += 1
        prefixes.append(conts[0][:n])
    rows = [ctx + p for (ctx, _), p in zip(batch, prefixes)]
    width = max(map(len, rows))
    ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
    keep = max(map(len, prefixes)) + 1
    out = model(input_ids=ids, attention_mask=mask, position_ids=(mask.cumsum(-1) - 1).clamp(min=0),
                logits_to_keep=keep, use_cache=True)
    scores, tails = [], []
    for b, ((_, conts), p) in enumerate(zip(batch, prefixes)):
        window = F.log_softmax(out.logits[b, keep - len(p) - 1:], dim=-1)
        base = float(sum(window[i, t] for i, t in enumerate(p)))
        scores.append([base + float(window[len(p), c[len(p)]]) for c in conts])
        tails += [(b, k, c[len(p):]) for k, c in enumerate(conts) if len(c) > len(p) + 1]
    if tails:
        cache = out.past_key_values
        cache.batch_select_indices(torch.tensor([b for b, _, _ in tails]))
        width2 = max(len(t) - 1 for _, _, t in tails)
        ids2 = torch.tensor([t[:-1] + [pad] * (width2 - len(t) + 1) for _, _, t in tails])
        mask2 = torch.tensor([[1] * (len(t) - 1) + [0] * (width2 - len(t) + 1) for _, _, t in tails])
        lengths = mask.sum(-1)[[b for b, _, _ in tails]]
        out2 = model(input_ids=ids2, attention_mask=torch.cat([mask[[b for b, _, _ in tails]], mask2], 1),
                     position_ids=lengths[:, None] + torch.arange(width2)[None, :], cache=cache)
        for row, (b, k, tail) in enumerate(tails):
            logp = F.log_softmax(out2.logits[row, : len(tail) - 1], dim=-1)
            scores[b][k] += float(sum(logp[i, t] for i, t in enumerate(tail[1:])))
    return scores


def run_floor(model_dir: str, exported: Path, batch_size: int) -> dict[str, int]:
    """{"<task>/<doc id>": index of the best choice} for every exported multiple-choice task."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    items = []
    for data_file in sorted(exported.glob("*/*.jsonl")):
        task = "bioeval." + ".".join(data_file.with_suffix("").parts[-2:])
        for line in data_file.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            chat = tokenizer.apply_chat_template([{"role": "user", "content": doc["input"]}], tokenize=False,
                                                 add_generation_prompt=True)
            pairs = [split(tokenizer, chat, choice) for choice in doc["choices"]]
            items.append((f"{task}/{doc['id']}", pairs[0][0], [c for _, c in pairs]))
    items.sort(key=lambda item: -len(item[1]))
    best: dict[str, int] = {}
    with torch.no_grad():
        for start in range(0, len(items), batch_size):
            chunk = items[start:start + batch_size]
            scores = score_group(model, [(ctx, conts) for _, ctx, conts in chunk], tokenizer.pad_token_id or 0)
            for (key, _, _), row in zip(chunk, scores):
                best[key] = max(range(len(row)), key=row.__getitem__)
    return best
