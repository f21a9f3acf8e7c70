"""The majority-class baseline as an lm-eval model, so it runs through the same pipeline.

It is given, per lm-eval task (one per dataset view and prompt), the target it always answers:
the most frequent rendered target of the training split. For a ranked-choice request it gives
that answer log-likelihood 0 and every other choice a very low one; asked to generate, it
returns that answer. A multiple-choice question's baseline answers a position (a letter):
where the choices are option texts, the choice at that position is the one it ranks first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lm_eval.api.model import LM
from lm_eval.api.registry import register_model

LOW = -1.0e9


@register_model("bioeval-majority")
class MajorityLM(LM):
    def __init__(self, answers: Mapping[str, str] | None = None, **_: Any) -> None:
        super().__init__()
        self.answers = dict(answers or {})

    def _answer(self, task_name: str | None) -> str:
        if task_name not in self.answers:
            raise KeyError(f"majority baseline has no answer for task {task_name!r}")
        return self.answers[task_name]

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        out = []
        for request in requests:
            _context, continuation = request.args
            answer = self._answer(request.task_name).strip()
            choices = [str(c).strip() for c in (getattr(request, "doc", None) or {}).get("choices", [])]
            if answer in choices or len(answer) != 1 or not answer.isupper():
                chosen = continuation.strip() == answer
            else:  # a multiple-choice baseline's answer position ("B"), where the choices are texts
                chosen = request.idx == ord(answer) - ord("A")
            out.append((0.0, True) if chosen else (LOW, False))
        return out

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        return [self._answer(request.task_name) for request in requests]

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[float]:
        raise NotImplementedError("the majority baseline has no language model to score text with")
