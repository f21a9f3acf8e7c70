"""Loading settings of the hf backend: an alias's ``args:``, ``--model-args`` and ``--quantize``.

Only the settings named in ``SETTINGS`` are accepted (a typo fails at start with a hint), so a
run never hands lm-eval or transformers a keyword they would reject after the baseline ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bioeval.config.models import ModelSpec
from bioeval.config.overrides import device_key
from bioeval.errors import BioevalError, UnknownNameError

SETTINGS = (
    "dtype", "device_map", "max_memory", "parallelize", "trust_remote_code", "revision", "fast_loglikelihood",
)
DTYPES = ("auto", "float32", "float16", "bfloat16")
_BOOLEAN = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass(frozen=True)
class HfSettings:
    """How an hf model is loaded, checked once from a ModelSpec."""

    dtype: str = "auto"
    device_map: str | dict[str, Any] | None = None  # "auto", "balanced", ... or {module: device}
    max_memory: dict[int | str, str] | None = None  # {0: "70GiB", 1: "70GiB", "cpu": "200GiB"}
    parallelize: bool = False  # lm-eval's spelling of device_map="auto" over the visible GPUs
    trust_remote_code: bool = False
    revision: str | None = None
    quantize: str | None = None
    fast_loglikelihood: bool = True  # False: lm-eval's own HFLM scoring (bioeval.backends.hf_fast)

    @property
    def bioeval_builds_model(self) -> bool:
        """bitsandbytes and explicit device maps need the model object built here: lm-eval's
        HFLM rejects a ``quantization_config`` among its model arguments and knows no
        per-device ``max_memory``."""
        return bool(self.quantize or self.device_map is not None or self.max_memory)


def hf_settings(spec: ModelSpec) -> HfSettings:
    """The spec's ``args`` as HfSettings; unknown or malformed settings are a user error."""
    where = f"model {spec.name!r}"
    for key in spec.args:
        if key not in SETTINGS:
            raise UnknownNameError(f"hf setting (in the args of {where})", key, SETTINGS)
    args = dict(spec.args)
    dtype = str(args.get("dtype", "auto"))
    if dtype not in DTYPES:
        raise BioevalError(f"{where}: dtype {dtype!r}; expected one of {', '.join(DTYPES)}")
    max_memory = args.get("max_memory")
    if max_memory is not None and not isinstance(max_memory, Mapping):
        raise BioevalError(f"{where}: max_memory must map devices to sizes, e.g. 0:70GiB;cpu:200GiB")
    return HfSettings(
        dtype=dtype,
        device_map=args.get("device_map"),
        max_memory={device_key(k): str(v) for k, v in max_memory.items()} if max_memory else None,
        parallelize=_boolean(args.get("parallelize", False), "parallelize", where),
        trust_remote_code=_boolean(args.get("trust_remote_code", False), "trust_remote_code", where),
        revision=str(args["revision"]) if args.get("revision") is not None else None,
        quantize=spec.quantize,
        fast_loglikelihood=_boolean(args.get("fast_loglikelihood", True), "fast_loglikelihood", where),
    )


def parse_boolean(value: Any) -> bool:
    """A setting's true / false (also 1 / 0, yes / no); ValueError for anything else."""
    if isinstance(value, bool):
        return value
    parsed = _BOOLEAN.get(str(value).strip().lower())
    if parsed is None:
        raise ValueError("expected true or false")
    return parsed


def _boolean(value: Any, key: str, where: str) -> bool:
    try:
        return parse_boolean(value)
    except ValueError:
        raise BioevalError(f"{where}: {key}={value!r}; expected true or false") from None
