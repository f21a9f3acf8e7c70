"""Answer-choice scoring at the floor: lm-eval's ``HFLM`` with a faster ``_loglikelihood_tokens``.

lm-eval's HFLM runs one sequence per (context, continuation) whenever a continuation is longer
than one token, and takes a full-vocabulary log-softmax at every position of every sequence.
``FastHFLM`` receives the very same requests (lm-eval's tokenisation, chat template and
context/continuation split are untouched) and scores them with less work:

- requests sharing a context are grouped, and every context is encoded once;
- contexts are sorted by length across every request of the call (all tasks at once), so a
  batch pads little;
- causal models: the output layer and log-softmax run only where a continuation token is
  scored (``logits_to_keep``); continuations longer than one token run on the context's KV
  cache, one short row per choice; the leading tokens every context of a batch shares (a chat
  template's system turn) are encoded once, and the batch runs on copies of their KV cache;
- seq2seq models: the encoder runs once per context; the decoder once per choice.

Requests longer than the model's window (lm-eval truncates them from the left) and models
whose ``forward`` has no ``logits_to_keep`` go through HFLM's own code. ``fast_loglikelihood``
set to false (a model alias's ``args``) uses HFLM's code for everything.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from lm_eval.api.registry import register_model
from lm_eval.models.huggingface import HFLM

Request = tuple[tuple[str, str] | None, list[int], list[int]]
Score = tuple[float, bool]

MIN_SHARED_HEAD = 8
"""Fewest shared leading context tokens worth a pass of their own (a chat system turn is 20+)."""


@dataclass
class ContextGroup:
    """One context and every continuation scored after it (by request index)."""

    context: list[int]
    indices: list[int] = field(default_factory=list)
    continuations: list[list[int]] = field(default_factory=list)


@dataclass
class ForwardStats:
    """What the model was asked to do: forward passes and the tokens fed to them."""

    counted: ClassVar[str] = "prompt tokens fed to the model (padding included) + generated tokens"
    forwards: int = 0
    tokens: int = 0
    scored_rows: int = 0
    heads: int = 0  # of the forwards: passes over a shared head alone
    generated: int = 0  # tokens generated (generate_until), prompts counted in ``tokens``

    def add(self, input_ids: torch.Tensor, scored_rows: int) -> None:
        self.forwards += 1
        self.tokens += int(input_ids.numel())
        self.scored_rows += scored_rows


def group_by_context(requests: Sequence[Request], indices: Sequence[int]) -> list[ContextGroup]:
    """Requests sharing a context token list, longest context first (ties by tokens)."""
    groups: dict[tuple[int, ...], ContextGroup] = {}
    for index in indices:
        _, context, continuation = requests[index]
        group = groups.setdefault(tuple(context), ContextGroup(list(context)))
        group.indices.append(index)
        group.continuations.append(list(continuation))
    return sorted(groups.values(), key=lambda g: (-len(g.context), g.context))


def shared_prefix(continuations: Sequence[list[int]]) -> list[int]:
    """The leading tokens all continuations share, leaving at least one token of each."""
    limit = min(len(c) for c in continuations) - 1
    prefix: list[int] = []
    for i in range(limit):
        token = continuations[0][i]
        if any(c[i] != token for c in continuations):
            break
        prefix.append(token)
    return prefix


def shared_head(contexts: Sequence[list[int]]) -> list[int]:
    """The leading tokens all contexts share, leaving at least one token of each; empty when
    there are fewer than two contexts or fewer than ``MIN_SHARED_HEAD`` shared tokens."""
    if len(contexts) < 2:
        return []
    first, limit = contexts[0], min(len(c) for c in contexts) - 1
    n = 0
    while n < limit and all(c[n] == first[n] for c in contexts):
        n += 1
    return list(first[:n]) if n >= MIN_SHARED_HEAD else []


def pad_rows(rows: Sequence[Sequence[int]], pad: int, left: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Token rows padded to one length, and the mask of the real tokens."""
    width = max(len(row) for row in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        span = slice(width - len(row), width) if left else slice(0, len(row))
        ids[i, span] = torch.tensor(row, dtype=torch.long)
        mask[i, span] = 1
    return ids, mask


@register_model("bioeval-hf-fast")
class FastHFLM(HFLM):
    """HFLM whose log-likelihood requests are scored with each context encoded once."""

    def __init__(self, *args: Any, fast_loglikelihood: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stats = ForwardStats()
        self.fast_loglikelihood = bool(fast_loglikelihood) and self._fast_supported()
        self._head_memo: tuple[tuple[int, ...], Any] | None = None  # the last shared head's KV cache

    def _model_generate(self, context: torch.Tensor, max_length: int, stop: list[str], **kwargs: Any) -> torch.Tensor:
        """HFLM's generation, its prompt and generated tokens counted (run.json's throughput)."""
        out = super()._model_generate(context, max_length, stop, **kwargs)
        self.stats.tokens += int(context.numel())
        self.stats.generated += int(out.shape[0] * (out.shape[1] - context.shape[1]))
        return out

    def sort_length(self, context: str) -> int:
        """A context's length in tokens: callers that cut requests into batches (bioeval's
        request cache) order them by it, as this model orders the requests of a call."""
        return len(self.tok_encode(context))

    @property
    def _cache_arg(self) -> str:
        """transformers 5 renames ``past_key_values`` to ``cache``."""
        return "cache" if "cache" in inspect.signature(self.model.forward).parameters else "past_key_values"

    def _fast_supported(self) -> bool:
        if self.backend == "seq2seq":
            return hasattr(self.model, "get_encoder")
        return "logits_to_keep" in inspect.signature(self.model.forward).parameters

    def _loglikelihood_tokens(
        self, requests: list[Request], disable_tqdm: bool = False, override_bs: int | None = None
    ) -> list[Score]:
        if not self.fast_loglikelihood or not requests:
            return super()._loglikelihood_tokens(requests, disable_tqdm, override_bs)
        results: list[Score | None] = [None] * len(requests)
        too_long = [i for i, r in enumerate(requests) if self._needs_truncation(r)]
        if too_long:
            scored = super()._loglikelihood_tokens([requests[i] for i in too_long], True, override_bs)
            for index, score in zip(too_long, scored, strict=True):
                results[index] = score
        skip = set(too_long)
        groups = group_by_context(requests, [i for i in range(len(requests)) if i not in skip])
        size = self._contexts_per_batch(override_bs)
        for start in range(0, len(groups), size):
            batch = groups[start : start + size]
            for group, scores in zip(batch, self._score_batch(batch), strict=True):
                for index, score in zip(group.indices, scores, strict=True):
                    results[index] = score
                    request_str = requests[index][0]
                    if request_str is not None:
                        self.cache_hook.add_partial("loglikelihood", request_str, score)
        assert all(score is not None for score in results)
        return results  # type: ignore[return-value]

    def _needs_truncation(self, request: Request) -> bool:
        _, context, continuation = request
        if self.backend == "causal":
            return len(context) + len(continuation) > self.max_length + 1
        return len(context) > self.max_length or len(continuation) > self.max_length

    def _contexts_per_batch(self, override_bs: int | None) -> int:
        size = override_bs if self.batch_size == "auto" else self.batch_size
        try:
            return max(1, int(size or 1))
        except (TypeError, ValueError):
            return 1

    def _score_batch(self, batch: list[ContextGroup]) -> list[list[Score]]:
        with (
            torch.no_grad(),
            torch.autocast(
                device_type=self.device.type,
                dtype=self.mixed_precision_dtype,
                enabled=self.mixed_precision_dtype is not None,
            ),
        ):
            if self.backend == "seq2seq":
                return self._seq2seq_batch(batch)
            return self._causal_batch(batch)

    def _log_softmax(self, logits: torch.Tensor) -> torch.Tensor:
        return F.log_softmax(logits, dim=-1, dtype=self.softmax_dtype)

    @property
    def _pad_id(self) -> int:
        pad = self.tokenizer.pad_token_id
        return int(pad if pad is not None else self.eot_token_id)

    def _causal_batch(self, batch: list[ContextGroup]) -> list[list[Score]]:
        """Each context and the prefix its continuations share, left-padded, in one pass (on
        the cache of the head all contexts share, if any); the last positions' logits score the
        shared prefix and every next token; what remains of longer continuations runs on the
        cache of that pass."""
        shared = [shared_prefix(g.continuations) for g in batch]
        head = shared_head([g.context for g in batch])
        ids, mask = pad_rows([g.context[len(head) :] + s for g, s in zip(batch, shared)], self._pad_id, left=True)
        ids, mask = ids.to(self.device), mask.to(self.device)
        positions = len(head) + (mask.cumsum(-1) - 1).clamp(min=0)
        keep = max(len(s) for s in shared) + 1
        longer = [
            (b, k) for b, g in enumerate(batch) for k, c in enumerate(g.continuations) if len(c) > len(shared[b]) + 1
        ]
        cached: dict[str, Any] = {}
        if head:  # the head's tokens, then the padding, then the rest of each context
            cached[self._cache_arg] = self._head_cache(head, len(batch))
            mask = torch.cat([torch.ones((len(batch), len(head)), dtype=mask.dtype, device=self.device), mask], 1)
        out = self.model(
            input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=bool(longer or head),
            logits_to_keep=keep, **cached,
        )
        rows = [out.logits[b, keep - len(s) - 1 :] for b, s in enumerate(shared)]
        self.stats.add(ids, sum(len(r) for r in rows))
        windows = self._log_softmax(torch.cat(rows)).split([len(r) for r in rows])  # per group
        rest = self._continue_on_cache(batch, shared, longer, out.past_key_values, mask) if longer else {}
        scores: list[list[Score]] = []
        for b, (group, prefix, window) in enumerate(zip(batch, shared, windows, strict=True)):
            greedy_tokens = window.argmax(dim=-1).tolist()
            prefix_logprob = float(sum(window[i, t] for i, t in enumerate(prefix))) if prefix else 0.0
            prefix_greedy = greedy_tokens[: len(prefix)] == prefix
            row: list[Score] = []
            for k, continuation in enumerate(group.continuations):
                nxt = continuation[len(prefix)]
                logprob = prefix_logprob + float(window[len(prefix), nxt])
                greedy = prefix_greedy and greedy_tokens[len(prefix)] == nxt
                if (b, k) in rest:
                    more, more_greedy = rest[(b, k)]
                    logprob, greedy = logprob + more, greedy and more_greedy
                row.append((logprob, greedy))
            scores.append(row)
        return scores

    def _head_cache(self, head: list[int], rows: int) -> Any:
        """A KV cache of ``head`` for each of ``rows`` rows; the head is encoded once and kept
        while the batches that follow share it (a chat template's system turn: all of them)."""
        key = tuple(head)
        if self._head_memo is None or self._head_memo[0] != key:
            ids = torch.tensor([head], dtype=torch.long, device=self.device)
            out = self.model(input_ids=ids, use_cache=True, logits_to_keep=1)
            self.stats.add(ids, 0)
            self.stats.heads += 1
            self._head_memo = (key, out.past_key_values)
        cache = copy.deepcopy(self._head_memo[1])
        cache.batch_repeat_interleave(rows)
        return cache

    def _continue_on_cache(
        self,
        batch: list[ContextGroup],
        shared: list[list[int]],
        longer: list[tuple[int, int]],
        cache: Any,
        context_mask: torch.Tensor,
    ) -> dict[tuple[int, int], Score]:
        """What follows the first unshared token of every longer continuation, one row per
        (context, choice) on a copy of its context's cache; summed log-probability, greediness."""
        rows = torch.tensor([b for b, _ in longer], dtype=torch.long, device=self.device)
        cache.batch_select_indices(rows)
        continuations = [batch[b].continuations[k][len(shared[b]) :] for b, k in longer]
        ids, mask = pad_rows([c[:-1] for c in continuations], self._pad_id, left=False)
        ids, mask = ids.to(self.device), mask.to(self.device)
        context_lengths = context_mask.sum(-1)[rows]
        positions = context_lengths[:, None] + torch.arange(ids.shape[1], device=self.device)[None, :]
        full_mask = torch.cat([context_mask[rows], mask], dim=1)
        out = self.model(
            input_ids=ids, attention_mask=full_mask, position_ids=positions, use_cache=True, **{self._cache_arg: cache}
        )
        real = mask.bool()
        self.stats.add(ids, int(real.sum()))
        targets = torch.tensor([t for c in continuations for t in c[1:]], dtype=torch.long, device=self.device)
        scored = self._score_tokens(out.logits[real], targets, [len(c) - 1 for c in continuations])
        return dict(zip(longer, scored, strict=True))

    def _seq2seq_batch(self, batch: list[ContextGroup]) -> list[list[Score]]:
        """The encoder once per context; the decoder on every (context, choice) at once."""
        ids, mask = pad_rows([g.context for g in batch], self._pad_id, left=False)
        ids, mask = ids.to(self.device), mask.to(self.device)
        encoded = self.model.get_encoder()(input_ids=ids, attention_mask=mask)
        self.stats.add(ids, 0)
        pairs = [(b, k) for b, g in enumerate(batch) for k in range(len(g.continuations))]
        rows = torch.tensor([b for b, _ in pairs], dtype=torch.long, device=self.device)
        continuations = [batch[b].continuations[k] for b, k in pairs]
        labels, label_mask = pad_rows(continuations, 0, left=False)  # lm-eval pads labels with 0
        labels, label_mask = labels.to(self.device), label_mask.to(self.device)
        hidden = encoded.last_hidden_state[rows]
        out = self.model(encoder_outputs=(hidden,), attention_mask=mask[rows], labels=labels)
        real = label_mask.bool()
        self.stats.add(labels, int(real.sum()))
        scores: list[list[Score]] = [[] for _ in batch]
        scored = self._score_tokens(out.logits[real], labels[real], [len(c) for c in continuations])
        for (b, _), score in zip(pairs, scored, strict=True):
            scores[b].append(score)
        return scores

    def _score_tokens(self, logits: torch.Tensor, targets: torch.Tensor, lengths: list[int]) -> list[Score]:
        """Rows of ``lengths`` scored tokens laid end to end (``logits``: one per token): each
        row's summed log-probability of its targets, and whether every target was the argmax."""
        logprobs = self._log_softmax(logits)  # [scored tokens, vocab]
        picked = logprobs.gather(1, targets[:, None]).squeeze(1)
        hits = logprobs.argmax(dim=-1) == targets
        return [
            (float(p.sum()), bool(h.all())) for p, h in zip(picked.split(lengths), hits.split(lengths), strict=True)
        ]
