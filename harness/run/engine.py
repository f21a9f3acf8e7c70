"""lm-eval as the execution engine: one lm-eval task per (view, prompt).

bioeval renders the prompts itself (sandboxed, seeded) and hands lm-eval documents that carry
the rendered input, target and answer choices. lm-eval then does what it is good at: batching,
ranking answer choices by log-likelihood, greedy generation, chat templates, and the model
backends. Its per-sample log is read back into one raw output per example.

This is the only module that speaks lm-eval's vocabulary (``multiple_choice``,
``generate_until``, its documents and task configs); the rest of bioeval uses ``Mode``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from bioeval.backends.failures import request_error
from bioeval.metrics.parsers import PARSERS
from bioeval.prompts.library import REASONING_FAMILIES, REASONING_MAX_TOKENS
from bioeval.rundir.records import Mode
from bioeval.run.plan import PromptTask
from bioeval.scoring.predict import RawOutput

OUTPUT_TYPE: Mapping[Mode, str] = {Mode.RANK: "multiple_choice", Mode.GENERATE: "generate_until"}
"""lm-eval's name for each mode."""


CHAT_TURNS = "the model's chat template"
PLAIN_TURNS = "plain instruction / input / output blocks (the model has no chat template)"
"""How a task with prior turns (MedINST32) is sent: as chat messages, or as plain text."""


def documents(task: PromptTask, as_chat: bool = False) -> list[dict[str, Any]]:
    """The rendered examples as lm-eval documents (failed renders are left out here). A task
    with prior turns carries them as ``history`` (sent as chat turns), or, with ``as_chat``
    false, has them written into its input as plain blocks."""
    docs = []
    for rendered in task.examples:
        if rendered.input is None:
            continue
        choices = list(rendered.choices or ())
        target = rendered.target or ""
        doc: dict[str, Any] = {
            "id": rendered.example.id,
            "input": rendered.input,
            "target": target,
            "choices": choices,
            "gold_index": choices.index(target) if target in choices else 0,
        }
        if task.has_turns and as_chat:
            doc["history"] = [list(turn) for turn in rendered.history]
        elif task.has_turns:
            doc["input"] = plain_turns(rendered.history, rendered.input)
        docs.append(doc)
    return docs


def plain_turns(history: Sequence[tuple[str, str]], final: str) -> str:
    """Prior turns and the final one as text, for a model without a chat template: each turn's
    instruction and input, then ``Output:`` and its answer, blank lines between turns."""
    blocks = [f"{user}\nOutput: {assistant}" for user, assistant in history]
    return "\n\n".join([*blocks, f"{final}\nOutput:"])


def has_chat_template(lm: Any) -> bool:
    """The model (inside bioeval's request cache, if it is wrapped) has a chat template."""
    tokenizer = getattr(getattr(lm, "lm", lm), "tokenizer", None)
    return bool(getattr(tokenizer, "chat_template", None))


def turns_as(lm: Any, chat: bool) -> str:
    """How prior turns go to this model: chat models and models with a chat template get chat
    messages, others plain text."""
    return CHAT_TURNS if chat or has_chat_template(lm) else PLAIN_TURNS


def _history_sampler() -> type:
    """lm-eval's few-shot sampler, handing back each document's own prior turns as its
    "few-shot examples": lm-eval then sends them as user / assistant messages before it."""
    from lm_eval.api.samplers import ContextSampler

    class HistorySampler(ContextSampler):
        def sample(self, n: int, eval_doc: Any = None, df: Any = None, **kwargs: Any) -> list[dict[str, str]]:
            turns = (eval_doc or {}).get("history") or []
            return [{"input": user, "target": assistant} for user, assistant in turns]

    return HistorySampler


def generation_budget(task: PromptTask, max_gen_toks: int | None = None) -> int:
    """Tokens a generated answer may have: ``--max-gen-toks``, else room for a reasoning family's
    reasoning, else the output kind's own budget."""
    if max_gen_toks is not None:
        return max_gen_toks
    if task.prompt.family in REASONING_FAMILIES:
        return REASONING_MAX_TOKENS
    return PARSERS[task.output_kind].max_new_tokens


def task_config(
    task: PromptTask, mode: Mode, docs: list[dict[str, Any]], as_chat: bool = False, max_gen_toks: int | None = None
) -> dict[str, Any]:
    """An lm-eval task config whose dataset is ``docs``."""

    def load_docs(**_: Any) -> Any:
        import datasets

        return {"test": datasets.Dataset.from_list(docs)}

    config: dict[str, Any] = {
        "task": task.key,
        "custom_dataset": load_docs,
        "test_split": "test",
        "doc_to_text": "input",
        "target_delimiter": " ",
        "output_type": OUTPUT_TYPE[mode],
        "metadata": {"version": task.prompt.version},
    }
    if task.has_turns and as_chat:
        config.update(fewshot_split="test", fewshot_config={"split": "test", "sampler": _history_sampler()})
    if mode is Mode.RANK:
        config.update(
            doc_to_choice="choices",
            doc_to_target="gold_index",
            metric_list=[{"metric": "acc", "aggregation": "mean", "higher_is_better": True}],
        )
    else:
        parser = PARSERS[task.output_kind]
        config.update(
            doc_to_target="target",
            generation_kwargs={
                "until": list(parser.stop),
                "max_gen_toks": generation_budget(task, max_gen_toks),
                "do_sample": False,
            },
            metric_list=[
                {"metric": "exact_match", "aggregation": "mean", "higher_is_better": True}
            ],
        )
    return config


def quiet_libraries() -> None:
    """lm-eval, datasets and transformers log a warning per task and draw a progress bar per
    task; keep errors only, and bioeval's own progress (``bioeval.run.progress``)."""
    for name in ("lm-eval", "lm_eval", "datasets", "transformers", "accelerate"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import datasets

        datasets.disable_progress_bars()
    except ImportError:
        pass


def evaluate(lm: Any, task: PromptTask, mode: Mode, chat: bool) -> dict[str, RawOutput]:
    """Run one prompt task through lm-eval; returns {example id: RawOutput}."""
    return evaluate_many(lm, [(task, mode)], chat).get(task.key, {})


def evaluate_many(
    lm: Any, units: Sequence[tuple[PromptTask, Mode]], chat: bool, max_gen_toks: int | None = None
) -> dict[str, dict[str, RawOutput]]:
    """Run several prompt tasks through lm-eval in one call, so the model batches requests
    across prompts; returns {task key: {example id: RawOutput}}."""
    configs = []
    if any(task.has_turns for task, _ in units):
        chat = turns_as(lm, chat) == CHAT_TURNS
    for task, mode in units:
        docs = documents(task, chat)
        if docs:
            configs.append(task_config(task, mode, docs, chat, max_gen_toks))
    if not configs:
        return {}
    results = _run_lm_eval(lm, configs, chat)
    samples = (results or {}).get("samples", {})
    return {
        task.key: {s["doc"]["id"]: _raw_output(s, mode) for s in samples.get(task.key, [])}
        for task, mode in units
    }


def _run_lm_eval(lm: Any, configs: list[dict[str, Any]], chat: bool) -> Mapping[str, Any] | None:
    """What ``lm_eval.simple_evaluate`` does for a ready model, without the environment report
    it adds to every result (``torch.utils.collect_env`` runs subprocesses: about a second
    per call, one call per dataset): lm-eval's seeds, its task loading, zero-shot (``--fewshot``
    examples are rendered into the prompt by bioeval), then ``lm_eval.evaluator.evaluate``."""
    import random

    import numpy as np
    from lm_eval.defaults import DEFAULT_OTHER_SEED, DEFAULT_RANDOM_SEED
    from lm_eval.evaluator import evaluate as lm_eval_evaluate
    from lm_eval.utils import set_torch_seed

    random.seed(DEFAULT_RANDOM_SEED)
    np.random.seed(DEFAULT_OTHER_SEED)
    set_torch_seed(DEFAULT_OTHER_SEED)
    with_turns = {config["task"] for config in configs if "fewshot_config" in config}
    loaded = _task_manager().load(configs)
    for task_obj in loaded["tasks"].values():
        # bioeval renders its own examples; a task with prior turns has its sampler hand each
        # document's own turns to lm-eval (one "shot" asks for them, however many there are)
        shots = 1 if task_obj.config.task in with_turns else 0
        task_obj.set_config(key="num_fewshot", value=shots)
        task_obj.set_fewshot_seed(seed=DEFAULT_OTHER_SEED)
    return lm_eval_evaluate(
        lm=lm, task_dict=loaded, log_samples=True, bootstrap_iters=0, apply_chat_template=chat,
        fewshot_as_multiturn=bool(with_turns),
    )


def _raw_output(sample: Mapping[str, Any], mode: Mode) -> RawOutput:
    responses = sample.get("filtered_resps") or sample.get("resps") or []
    failed = next((e for e in map(request_error, responses) if e is not None), None)
    if failed is not None:  # an API request that failed after its retries
        return RawOutput(text=None, error=failed)
    if mode is Mode.RANK:
        logliks = tuple(float(_first(r)) for r in responses)
        choices = sample["doc"]["choices"]
        if not logliks or len(logliks) != len(choices) or any(math.isnan(x) for x in logliks):
            return RawOutput(text=None, choice_logliks=logliks, error="no log-likelihoods returned")
        best = max(range(len(logliks)), key=lambda i: logliks[i])
        return RawOutput(text=choices[best], choice_logliks=logliks)
    text = responses[0] if responses else None
    if isinstance(text, list):
        text = text[0] if text else None
    if text is None:
        return RawOutput(text=None, error="no generation returned")
    return RawOutput(text=str(text))


def _first(response: Any) -> Any:
    """lm-eval wraps each log-likelihood as (value, is_greedy), sometimes in one more list."""
    while isinstance(response, (list, tuple)):
        response = response[0]
    return response


_MANAGER: Any = None


def _task_manager() -> Any:
    """One TaskManager without lm-eval's own task catalogue (indexing it takes seconds)."""
    global _MANAGER
    if _MANAGER is None:
        from lm_eval.tasks import TaskManager

        _MANAGER = TaskManager(include_defaults=False)
    return _MANAGER
