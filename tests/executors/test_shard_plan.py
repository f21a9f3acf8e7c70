"""Cutting a run into shards and sizing them, without running a model: the shard table of
`--dry-run`, the resources from aliases, the planner and `--resources`, and the options an
executor does not take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.config.models import resolve_model
from bioeval.errors import BioevalError
from bioeval.executors.merge import summed_throughput
from bioeval.executors.resources import parse_params, parse_resource_overrides, shard_resources
from bioeval.executors.shards import parts

BLOOM_CONFIG = {
    "architectures": ["BloomForCausalLM"], "model_type": "bloom", "vocab_size": 250880, "hidden_size": 14336,
    "n_layer": 70, "n_head": 112, "layer_norm_epsilon": 1e-5, "bos_token_id": 1, "eos_token_id": 2,
    "pad_token_id": 3, "torch_dtype": "bfloat16",
}


def test_the_study_models_are_sized_as_the_issue_expects() -> None:
    bloom = shard_resources(resolve_model("bloom"), {}, 80, None)
    assert (bloom.gpus, bloom.source) == (4, "planner: 176B parameters")  # int8: 4 x A100-80GB
    assert shard_resources(resolve_model("t0pp"), {}, 80, None).gpus == 1
    for name in ("smollm2-135m", "majority", "gpt-4o", "gpt-3"):
        assert shard_resources(resolve_model(name), {}, 80, None).gpus == 0, name
    assert shard_resources(resolve_model("bloom-vllm"), {}, 80, None).gpus == 8  # tensor_parallel_size 8
    assert shard_resources(resolve_model("t0pp"), {}, 80, "cpu").gpus == 0  # --device cpu
    # on 24 GB cards: 11e9 x 2 bytes x 1.15 = 23.6 GiB, over one card's 23 GiB (1 GiB for CUDA): two
    assert shard_resources(resolve_model("t0pp"), {}, 24, None).gpus == 2


def test_a_local_config_json_is_sized_by_the_planner(tmp_path: Path) -> None:
    folder = tmp_path / "bloom"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(BLOOM_CONFIG), encoding="utf-8")
    spec = resolve_model(f"hf:{folder}")
    sized = shard_resources(spec, {}, 80, None)
    assert sized.source == "planner: config.json" and sized.gpus == 8  # bf16: 328 GiB of weights
    assert shard_resources(spec, parse_resource_overrides(None), 80, None) == sized


def test_resources_given_on_the_command_line_win_over_alias_and_planner() -> None:
    overrides = parse_resource_overrides(["gpus=2", "bloom:gpus=8,mem_gb=400"])
    bloom = shard_resources(resolve_model("bloom"), overrides, 80, None)
    assert (bloom.gpus, bloom.mem_gb) == (8, 400) and bloom.source.startswith("--resources")
    smol = shard_resources(resolve_model("smollm2-135m"), overrides, 80, None)
    assert (smol.gpus, smol.mem_gb, smol.cpus) == (2, 3, 1)  # the alias's memory and CPUs stay
    assert shard_resources(resolve_model("majority"), overrides, 80, None).gpus == 0  # never for the baseline
    model = parse_resource_overrides(["hf:/models/x:gpus=1"])
    assert model == {"hf:/models/x": {"gpus": 1}}


@pytest.mark.parametrize("text", ["gpus", "gpus=-1", "gpus=two", "vram=4", "bloom:"])
def test_malformed_resources_are_refused(text: str) -> None:
    with pytest.raises(BioevalError, match="--resources"):
        parse_resource_overrides([text])


def test_parts_cover_every_example_once() -> None:
    assert parts(10, None) == [None] and parts(3, 5) == [None]
    assert parts(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert parse_params("176B") == 176e9 and parse_params("220M") == 220e6 and parse_params(None) is None


def test_throughputs_of_shards_add_up() -> None:
    total = summed_throughput([{"requests": 10, "seconds": 2.0, "tokens": 100, "tokens_counted": "t"},
                               {"requests": 30, "seconds": 2.0, "tokens": 300, "tokens_counted": "t"}, None])
    assert total == {"requests": 40, "seconds": 4.0, "requests_per_second": 10.0, "tokens": 400,
                     "tokens_counted": "t", "tokens_per_second": 100.0, "shards": 2}


def test_dry_run_prints_the_shard_table_and_writes_nothing(shared_data: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "never"
    code = main(["run", "--model", "smollm2-135m,bloom,gpt-4o", "--tasks", "gad,biosses", "--limit", "10",
                 "--data-dir", str(shared_data), "--output", str(out), "--executor", "slurm", "--dry-run",
                 "--shard-examples", "4"])
    assert code == 0 and not out.exists()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["shard", "model", "task", "examples", "requests", "GPUs", "memory", "CPUs", "sized", "by"]
    rows = [line.split() for line in lines[2:] if "__" in line]
    assert len(rows) == 3 * 2 * 3  # 3 models x 2 tasks x parts of 4, 4, 2 examples
    assert rows[0][:5] == ["smollm2-135m__gad__000000-000004", "smollm2-135m", "gad", "[0:4]", "4"]
    bloom = [r for r in rows if r[1] == "bloom"]
    assert all(r[6] == "4" for r in bloom)  # GPUs
    gad_ranked = [r for r in rows if r[1] == "gpt-4o" and r[2] == "gad"]
    assert [int(r[5]) for r in gad_ranked] == [4 * 5, 4 * 5, 2 * 5]  # a chat model generates: one request per prompt
    assert lines[-1] == "18 shards (6 on GPUs), " + f"{sum(int(r[5]) for r in rows):,} model requests"


@pytest.mark.parametrize("flags, message", [
    (["--workers", "2"], "--workers applies to a run cut into shards"),
    (["--dry-run"], "--dry-run applies to a run cut into shards"),
    (["--executor", "slurm", "--gpus", "0"], "--gpus applies to --executor local, not slurm"),
    (["--executor", "local", "--slurm-partition", "gpu"], "--slurm-partition applies to --executor slurm, not local"),
    (["--executor", "slurm", "--ray-address", "auto"], "--ray-address applies to --executor ray, not slurm"),
    (["--executor", "ray", "--detach"], "--detach needs a scheduler that outlives this process"),
    (["--executor", "local", "--resources", "gpus"], "--resources 'gpus': expected"),
    (["--executor", "local", "--resources", "t0pp:gpus=1"], "--resources names t0pp, which is not a --model"),
    (["--executor", "local", "--gpu-type", "A100-80XB"], "--gpu-type 'A100-80XB'"),
])
def test_options_an_executor_does_not_take_are_refused_in_one_line(
    flags: list[str], message: str, shared_data: Path, tmp_path: Path, capsys,
) -> None:
    code = main(["run", "--model", "smollm2-135m", "--tasks", "gad", "--limit", "2", "--data-dir", str(shared_data),
                 "--output", str(tmp_path / "out"), *flags])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not (tmp_path / "out").exists()


def test_status_of_a_run_in_one_process_says_it_has_no_shards(tmp_path: Path, capsys) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"status": "complete", "config": {}}), encoding="utf-8")
    assert main(["status", str(run)]) == 2
    assert "is not a run cut into shards: it has no executor.json" in capsys.readouterr().err
