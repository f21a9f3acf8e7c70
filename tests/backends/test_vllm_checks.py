"""The vllm backend up to the import boundary, in the main venv (no vLLM installed there):
plan-time refusals (encoder-decoder models, unknown or malformed settings, vLLM missing), the
alias and ``--model-args`` plumbing into lm-eval's ``VLLM``, large request calls, and the engine
stopped after its model. A fake ``lm_eval.models.vllm_causallms`` stands in for vLLM."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sys
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lm_eval.api.model import LM

from bioeval.backends.vllm import check_vllm, vllm_arguments, vllm_settings
from bioeval.cli import main
from bioeval.config.models import ModelSpec, model_aliases, resolve_model
from bioeval.config.overrides import parse_model_args
from bioeval.errors import BioevalError


def _run(capsys: pytest.CaptureFixture[str], data: Path, out: Path, *args: str) -> tuple[int, str]:
    code = main(["run", *args, "--tasks", "gad", "--limit", "4", "--data-dir", str(data), "--output", str(out)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("model", ["vllm:bigscience/T0pp", "vllm:google/t5-v1_1-xxl", "vllm:razent/SciFive-base-Pubmed"])
def test_encoder_decoder_on_vllm_fails_at_start_pointing_to_hf(model: str, shared_data: Path, tmp_path: Path, capsys) -> None:
    code, err = _run(capsys, shared_data, tmp_path / "run", "--model", model)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "encoder-decoder" in err and "vLLM V1" in err and f"--model hf:{model.partition(':')[2]}" in err
    assert not (tmp_path / "run").exists()


def test_encoder_decoder_alias_and_folder_are_refused(tmp_path: Path) -> None:
    alias = replace(model_aliases()["t0pp"], backend="vllm")
    with pytest.raises(BioevalError, match="encoder-decoder .* use the hf backend"):
        check_vllm(alias)
    folder = tmp_path / "my-model"  # nothing in the name says T5: its config.json does
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "t5", "is_encoder_decoder": True}))
    with pytest.raises(BioevalError, match="encoder-decoder"):
        check_vllm(resolve_model(f"vllm:{folder}"))


def test_vllm_missing_says_how_to_install(shared_data: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "vllm" else real(name, *a))
    code, err = _run(capsys, shared_data, tmp_path / "run", "--model", "biomistral-7b-vllm")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "bioeval: error:" in err and "pip install 'bioeval-harness[vllm]'" in err and ".ci/vllm-env" in err
    assert not (tmp_path / "run").exists()


def test_settings_are_typed_and_checked() -> None:
    spec = model_aliases()["smollm2-135m-vllm"]
    assert vllm_settings(spec) == {"dtype": "float32", "enforce_eager": True, "max_model_len": 2048}
    given = parse_model_args("tensor_parallel_size=2,data_parallel_size=1,gpu_memory_utilization=0.85,"
                             "max_model_len=4096,dtype=bfloat16,enforce_eager=false")
    merged = vllm_settings(replace(spec, args={**spec.args, **given}))
    assert merged == {"dtype": "bfloat16", "enforce_eager": False, "max_model_len": 4096,
                      "tensor_parallel_size": 2, "data_parallel_size": 1, "gpu_memory_utilization": 0.85}
    assert vllm_settings(replace(spec, args={"max_model_len": "512", "enforce_eager": "yes"})) == {
        "max_model_len": 512, "enforce_eager": True}
    for bad, message in (({"tensor_parallel_sizes": 2}, "did you mean 'tensor_parallel_size'"),
                         ({"gpu_memory_utilization": 1.5}, "above 0 and at most 1"),
                         ({"max_model_len": 0}, "at least 1"),
                         ({"dtype": "float64"}, "expected one of auto"),
                         ({"enforce_eager": "maybe"}, "true or false")):
        with pytest.raises(BioevalError, match=message):
            vllm_settings(replace(spec, args=bad))


def test_adhoc_ids_of_an_alias_are_prompted_as_it_is(tmp_path: Path) -> None:
    hub = resolve_model("vllm:meta-llama/Llama-3.1-8B-Instruct")
    assert hub.chat and hub.kind == "causal" and hub.pretrained == "meta-llama/Llama-3.1-8B-Instruct"
    folder = tmp_path / "smollm2-135m-0123456789ab"  # as bioeval converts the alias's GGUF file
    folder.mkdir()
    (folder / ".bioeval-complete").write_text("x")
    assert resolve_model(f"vllm:{folder}").chat
    assert not resolve_model(f"vllm:{tmp_path}").chat


class FakeVLLM(LM):
    """lm-eval's VLLM at its constructor and request methods: records what bioeval sends."""

    made: list[dict[str, Any]] = []
    calls: list[tuple[str, int]] = []
    stopped: list[bool] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        FakeVLLM.made.append(kwargs)
        engine_core = types.SimpleNamespace(shutdown=lambda: FakeVLLM.stopped.append(True))
        self.model = types.SimpleNamespace(llm_engine=types.SimpleNamespace(engine_core=engine_core))

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        FakeVLLM.calls.append(("loglikelihood", len(requests)))
        return [(-float(len(r.args[1])), False) for r in requests]

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        FakeVLLM.calls.append(("generate_until", len(requests)))
        return ["yes" for _ in requests]

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[float]:
        raise NotImplementedError


@pytest.fixture
def fake_vllm(monkeypatch: pytest.MonkeyPatch) -> type[FakeVLLM]:
    """vLLM installed, as far as bioeval and lm-eval can tell: the import boundary is faked."""
    from importlib import metadata

    vllm = types.ModuleType("vllm")
    vllm.__spec__ = importlib.machinery.ModuleSpec("vllm", None)
    causallms = types.ModuleType("lm_eval.models.vllm_causallms")
    causallms.VLLM = FakeVLLM  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vllm", vllm)
    monkeypatch.setitem(sys.modules, "lm_eval.models.vllm_causallms", causallms)
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0+fake" if name == "vllm" else real(name))
    FakeVLLM.made, FakeVLLM.calls, FakeVLLM.stopped = [], [], []
    return FakeVLLM


def test_run_sends_settings_and_large_calls_then_stops_engine(fake_vllm: type[FakeVLLM], shared_data: Path,
                                                              tmp_path: Path, capsys) -> None:
    folder = tmp_path / "tiny-llama"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    code, err = _run(capsys, shared_data, tmp_path / "run", "--model", f"vllm:{folder}", "--batch-size", "2",
                     "--model-args", "tensor_parallel_size=2,gpu_memory_utilization=0.8,enforce_eager=true,dtype=float16")
    assert code == 0, err
    assert fake_vllm.made == [{"pretrained": str(folder), "batch_size": 512, "tensor_parallel_size": 2,
                               "gpu_memory_utilization": 0.8, "enforce_eager": True, "dtype": "float16"}]
    assert fake_vllm.calls == [("loglikelihood", 5 * 4 * 2)]  # GAD's 5 prompts in one call, not --batch-size's 2
    assert fake_vllm.stopped == [True]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["models"][f"vllm:{folder}"]["args"]["tensor_parallel_size"] == 2
    throughput = run["models"][f"vllm:{folder}"]["throughput"]  # an engine without _model_generate:
    assert throughput["requests"] == 5 * 4 * 2 and "tokens" not in throughput  # no token count made up
    rows = [json.loads(line) for line in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
    assert {r["mode"] for r in rows if r["model"] != "majority"} == {"multiple_choice"}


def test_unknown_model_arg_fails_at_start(fake_vllm: type[FakeVLLM], shared_data: Path, tmp_path: Path, capsys) -> None:
    code, err = _run(capsys, shared_data, tmp_path / "run", "--model", "smollm2-135m-vllm",
                     "--model-args", "max_model_length=4096")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "unknown vllm setting" in err and "did you mean 'max_model_len'" in err
    assert fake_vllm.made == [] and not (tmp_path / "run").exists()


def test_arguments_of_the_gguf_alias_use_its_converted_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import bioeval.backends.gguf as gguf

    monkeypatch.setattr(gguf, "converted_folder", lambda spec: tmp_path / f"{spec.name}-converted")
    args = vllm_arguments(model_aliases()["smollm2-135m-vllm"])
    assert args == {"pretrained": str(tmp_path / "smollm2-135m-vllm-converted"), "batch_size": 512,
                    "dtype": "float32", "enforce_eager": True, "max_model_len": 2048}
    assert isinstance(model_aliases()["llama-3.1-8b-instruct-vllm"], ModelSpec)
