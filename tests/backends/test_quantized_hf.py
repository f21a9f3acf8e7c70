"""SmolLM2-135M in 8 and 4 bits through bitsandbytes, end to end with `bioeval run --quantize`.

bioeval builds the model (transformers 5 has no `load_in_8bit` keyword and lm-eval's HFLM
rejects a `quantization_config` among its model arguments) and hands the object to HFLM.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bioeval.backends import quantize
from bioeval.cli import main

pytestmark = pytest.mark.model
pytest.importorskip("bitsandbytes")

FP32_BYTES = 538_060_288  # SmolLM2-135M's footprint unquantized (513 MiB)


@pytest.fixture
def built_models(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every model bioeval builds, kept to look at after the run."""
    built: list[Any] = []
    original = quantize.build_model

    def spy(*args: Any, **kwargs: Any) -> Any:
        model = original(*args, **kwargs)
        built.append(model)
        return model

    monkeypatch.setattr(quantize, "build_model", spy)
    return built


@pytest.mark.parametrize(("bits", "layer", "most_mib"), [("int8", "Linear8bitLt", 215), ("nf4", "Linear4bit", 165)])
def test_quantized_smollm2_runs_end_to_end(bits: str, layer: str, most_mib: int, built_models: list[Any],
                                           shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / bits
    code = main([
        "run", "--model", "smollm2-135m", "--quantize", bits, "--tasks", "gad", "--prompts", "masked_association_yes_no",
        "--limit", "2", "--data-dir", str(shared_data), "--output", str(out), "--device", "cpu",
    ])
    assert code == 0
    (model,) = built_models
    assert {type(m).__name__ for m in model.modules()} >= {layer}
    footprint = model.get_memory_footprint()
    assert footprint < most_mib * 2**20 < FP32_BYTES  # int8: 209 MiB, nf4: 159 MiB, float32: 513 MiB
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["models"]["smollm2-135m"]["quantize"] == bits and run["status"] == "complete"
    samples = next((out / "samples" / "smollm2-135m" / "gad").glob("*.jsonl")).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in samples.splitlines()]
    assert len(rows) == 2 and all(len(row["choice_logliks"]) == 2 for row in rows)


def test_model_args_and_quantize_override_an_alias() -> None:
    from bioeval.backends.hf_settings import hf_settings
    from bioeval.config.overrides import parse_model_args, with_overrides
    from bioeval.config.models import model_aliases

    bloom = model_aliases()["bloom"]
    assert bloom.quantize == "int8" and model_aliases()["opt-66b"].quantize == "int8"
    args = parse_model_args("dtype=bfloat16,max_memory=0:70GiB;1:70GiB;cpu:200GiB,parallelize=true,revision=v1")
    settings = hf_settings(with_overrides([bloom], model_args=args, quantize="none")[0])
    assert settings.quantize is None and settings.dtype == "bfloat16" and settings.parallelize
    assert settings.max_memory == {0: "70GiB", 1: "70GiB", "cpu": "200GiB"} and settings.revision == "v1"
    assert settings.bioeval_builds_model  # max_memory per device: lm-eval's HFLM has no such argument
    assert quantize.device_map(settings, "cuda") == "auto"
