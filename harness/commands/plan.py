"""``bioeval plan``: what an hf model needs in memory and which GPUs hold it, from its config.

No weights are read: the model is built on the meta device. The config comes from
``--config`` (a config.json or its folder), the model's local folder, the Hugging Face cache,
or the Hub (config.json only).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bioeval.commands import listed_names

COMMON_CARDS = (24.0, 40.0, 80.0)
NO_TASKS_TOKENS = 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan", help="memory a model needs and the GPUs that hold it, from its config alone",
        description="Size an hf model's weights (exact parameter count, from its config on the "
        "meta device), its KV cache for the longest prompt of the tasks at the batch size, and "
        "the device map on the given GPUs, or say that it does not fit.",
    )
    parser.add_argument("--model", required=True, help="a model alias or hf:ID / hf:/path")
    parser.add_argument("--config", help="config.json (or its folder) to use instead of the model's")
    parser.add_argument("--tokenizer", help="tokenizer folder for counting prompt tokens (default: the model's, if local)")
    parser.add_argument("--gpus", help="cards to place the model on, e.g. 4xA100-80GB, 2x24GB")
    parser.add_argument("--quantize", choices=("int8", "nf4", "none"), default=None,
                        help="bitsandbytes weights (default: the alias's setting)")
    parser.add_argument("--dtype", choices=("auto", "float32", "float16", "bfloat16"), default="auto",
                        help="dtype of the weights not quantized (auto: the config's; bfloat16 when quantized)")
    parser.add_argument("--tasks", type=listed_names, default=None, help="size the KV cache for these tasks' longest prompt")
    parser.add_argument("--prompts", type=listed_names, default=None, help="prompt selection, as for `bioeval run`")
    parser.add_argument("--data-dir", help="data directory (default: $BIOEVAL_DATA_DIR, then the cache)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N examples of each task")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=NO_TASKS_TOKENS,
                        help=f"sequence length when no --tasks are given (default {NO_TASKS_TOKENS})")
    parser.set_defaults(handler=plan)


def plan(args: argparse.Namespace) -> int:
    from bioeval.config.overrides import with_overrides
    from bioeval.backends.memory import parse_gpus, size_model
    from bioeval.config.models import resolve_model
    from bioeval.errors import BioevalError
    from bioeval.inputs.numbers import check_int

    check_int("--batch-size", args.batch_size, 1)
    check_int("--tokens", args.tokens, 1, unit="tokens")
    check_int("--limit", args.limit, 1, unit="examples")
    (spec,) = with_overrides([resolve_model(args.model)], quantize=args.quantize)
    if spec.backend != "hf":
        raise BioevalError(f"`bioeval plan` sizes hf models; {spec.name!r} uses the {spec.backend!r} backend")
    gpus = parse_gpus(args.gpus) if args.gpus else None
    config, source = load_config(spec, args.config)
    sequence, where = run_sequence(args, spec, source)
    try:
        sized = size_model(config, spec.kind, sequence, args.dtype, spec.quantize)
    except (TypeError, ValueError, AttributeError, KeyError, RuntimeError) as error:
        raise BioevalError(f"config of {spec.name!r} ({source}): transformers cannot build the model "
                           f"from it ({type(error).__name__}: {' '.join(str(error).split())[:200]})") from None
    print("\n".join(report_lines(spec, source, sequence, where, sized, gpus)))
    return 0


def load_config(spec: Any, explicit: str | None) -> tuple[Any, str]:
    """The model's transformers config and where it came from."""
    from bioeval.errors import BioevalError

    ident = explicit or _local_source(spec)
    if explicit is None:
        from bioeval.backends.preflight import resolve_config

        found = resolve_config(spec.name, ident, spec.args.get("revision"))
        ident = str(found.parent) if found is not None else ident
    path = Path(ident).expanduser()
    if explicit is not None and not path.exists():
        raise BioevalError(f"--config {explicit}: no such file or folder")
    folder = path.parent if path.is_file() else path
    if (folder / "config.json").is_file():
        from bioeval.inputs.shapes import check
        from bioeval.tasks.readers.text_files import read_json

        check(read_json(folder / "config.json"), _config_shape(), folder / "config.json")
    try:
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(str(folder) if path.exists() else ident)
    except Exception as error:  # noqa: BLE001 - transformers' config checks raise many kinds
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise BioevalError(f"config of {spec.name!r} ({ident}): {first[:300]}") from None
    return config, str(folder) if path.exists() else ident


def _config_shape() -> Any:
    from bioeval.inputs.shapes import Fields, Integer, Optional, Text

    count = Optional(Integer(minimum=1))
    sizes = ("hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "vocab_size",
             "intermediate_size", "max_position_embeddings", "d_model", "d_ff", "d_kv", "num_layers",
             "num_decoder_layers", "num_heads", "n_embd", "n_layer", "n_head", "n_positions", "head_dim")
    return Fields({"model_type": Text(), **{name: count for name in sizes}})


def _local_source(spec: Any) -> str:
    if spec.gguf is not None:
        from bioeval.backends.hf import model_source

        return model_source(spec)
    return str(spec.pretrained)


def run_sequence(args: argparse.Namespace, spec: Any, source: str) -> tuple[Any, str]:
    """The longest sequence of the chosen tasks (or ``--tokens``) and a line saying so."""
    from bioeval.backends.memory import Sequence

    if not args.tasks:
        return Sequence(args.tokens, 0, args.batch_size), f"{args.tokens} tokens (no --tasks given)"
    from bioeval.config.paths import resolve_data_dir
    from bioeval.errors import BioevalError
    from bioeval.run.longest import longest_sequence
    from bioeval.run.plan import build_plan

    run_plan = build_plan([], args.tasks, args.prompts, resolve_data_dir(args.data_dir), args.limit)
    longest = longest_sequence(run_plan, spec, _tokens(args.tokenizer or source, spec.chat, bool(args.tokenizer)))
    if longest is None:
        raise BioevalError("no prompt of the chosen tasks rendered on any example")
    line = (f"{longest.prompt_tokens} prompt + {longest.continuation_tokens} continuation tokens "
            f"({longest.where}; {longest.counted})")
    return Sequence(longest.prompt_tokens, longest.continuation_tokens, args.batch_size), line


def _tokens(folder: str, chat: bool, explicit: bool) -> Any:
    from bioeval.errors import BioevalError
    from bioeval.run.longest import estimated_tokens, tokenizer_tokens

    path = Path(folder).expanduser()
    if not (path / "tokenizer_config.json").is_file() and not (path / "tokenizer.json").is_file():
        if explicit:
            raise BioevalError(f"--tokenizer {folder}: no tokenizer files there")
        return estimated_tokens()
    from transformers import AutoTokenizer

    return tokenizer_tokens(AutoTokenizer.from_pretrained(str(path)), chat, str(path))


def _size(value: float) -> str:
    return f"{value / 1024**3:.1f} GiB ({value / 1e9:.1f} GB)"


def report_lines(spec: Any, source: str, sequence: Any, where: str, sized: Any, gpus: Any) -> list[str]:
    from bioeval.backends.memory import device_map_on, fewest_gpus

    need = sized.need
    how = f"{need.quantize} linear layers, the rest {need.dtype}" if need.quantize else need.dtype
    lines = [
        f"model      {spec.name} ({spec.kind}); config {source}",
        f"parameters {need.parameters:,}",
        f"weights    {_size(need.weight_bytes)} in {how}",
        f"sequence   {where}",
        f"KV cache   {_size(need.kv_cache_bytes)} at batch size {sequence.batch_size}",
        f"logits     {_size(need.logits_bytes)} (one batch's log-softmax)",
        f"total      {_size(need.weight_bytes + need.runtime_bytes)}",
    ]
    if gpus is not None:
        placed = device_map_on(sized, gpus)
        if placed is None:
            fewest = fewest_gpus(sized, gpus.gib, gpus.name)
            hint = f"; needs {fewest}x{gpus.name}-{gpus.gib:g}GB" if fewest else ""
            lines.append(f"{gpus.label}: does not fit{hint}")
        else:
            lines.append(f"{gpus.label}: fits on {len(set(placed.values()))} of {gpus.count} (device_map=\"auto\"):")
            lines.extend(f"  cuda:{device}: {summary}" for device, summary in map_summary(placed, sized).items())
        return lines
    for gib in COMMON_CARDS:
        fewest = fewest_gpus(sized, gib)
        lines.append(f"{gib:g} GB cards: {fewest if fewest else 'more than 64'} needed")
    return lines


def map_summary(placed: dict[str, int], sized: Any) -> dict[int, str]:
    """Per card: its modules (numbered layers as ranges) and their weights."""
    from accelerate.utils import compute_module_sizes

    from bioeval.backends.memory import _torch_dtype

    sizes = compute_module_sizes(sized.model, dtype=_torch_dtype(sized.dtype), special_dtypes=sized.special or None)
    out: dict[int, str] = {}
    for device in sorted(set(placed.values())):
        names = [name for name, d in placed.items() if d == device]
        total = sum(sizes.get(name, 0) for name in names)
        out[device] = f"{_ranges(names)} ({total / 1024**3:.1f} GiB)"
    return out


def _ranges(names: list[str]) -> str:
    """``h.0, h.1, h.2, ln_f`` -> ``h.0-2, ln_f``."""
    groups: list[tuple[str, list[int]]] = []
    for name in names:
        head, _, tail = name.rpartition(".")
        if tail.isdigit() and groups and groups[-1][0] == head and groups[-1][1][-1] + 1 == int(tail):
            groups[-1][1].append(int(tail))
        elif tail.isdigit():
            groups.append((head, [int(tail)]))
        else:
            groups.append((name, []))
    parts = [f"{head}.{n[0]}-{n[-1]}" if len(n) > 1 else (f"{head}.{n[0]}" if n else head) for head, n in groups]
    return ", ".join(parts)
