"""The engines the executor tests run on, each started once per test session, and the grid.

- Slurm: the real single-node Slurm that `.ci/run` starts (`bash .ci/slurm.sh start --accounting`,
  Debian's slurmctld + slurmd + munge + slurmdbd, 4 fake GPUs). Locally, start it the same way as
  root; without it the Slurm tests skip (CI sets BIOEVAL_REQUIRE_SLURM=1: they must run).
- Ray: a local Ray cluster with 4 fake GPUs on 127.0.0.1 (`ray start --head`), stopped at the end.
- The grid of the issue: smollm2-135m, a tiny seq2seq built here, majority; gad, pubmed_qa,
  biosses; its in-process run is what every executor's merge must equal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grid_helpers import BATCH, LIMIT, PROMPTS, TASKS, run_bioeval
from tiny_models import build_tiny_t5



@pytest.fixture(scope="session")
def environment() -> dict[str, str]:
    env = dict(os.environ, TQDM_DISABLE="1", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="disabled",
               RAY_USAGE_STATS_ENABLED="0")
    return env


@pytest.fixture(scope="session")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_t5(tmp_path_factory.mktemp("models") / "tiny-t5")


@pytest.fixture(scope="session")
def grid(tiny_t5: Path, shared_data: Path) -> list[str]:
    """The options of the grid's run (the output folder and the executor left to each test)."""
    return ["--model", f"smollm2-135m,hf:{tiny_t5},majority", "--tasks", TASKS, "--prompts", PROMPTS,
            "--limit", LIMIT, "--batch-size", BATCH, "--data-dir", str(shared_data)]


@pytest.fixture(scope="session")
def inprocess(grid: list[str], environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grid") / "inprocess"
    done = run_bioeval(["run", *grid, "--output", str(out)], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def slurm(environment: dict[str, str]) -> dict[str, str]:
    """The real Slurm cluster, when it runs; CI must have it."""
    ok = shutil.which("sinfo") is not None and subprocess.run(
        ["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, check=False).returncode == 0
    if not ok:
        if os.environ.get("BIOEVAL_REQUIRE_SLURM") == "1":
            pytest.fail("BIOEVAL_REQUIRE_SLURM=1 but no Slurm answers (start it: bash .ci/slurm.sh start --accounting)")
        pytest.skip("no Slurm cluster here (start one as root: bash .ci/slurm.sh start --accounting)")
    return environment


@pytest.fixture(scope="session")
def ray_cluster(environment: dict[str, str]) -> Iterator[str]:
    """A local Ray cluster with 4 fake GPUs, on 127.0.0.1 only, for the whole session."""
    ray = Path(sys.executable).parent / "ray"
    if not ray.exists():
        pytest.skip("ray is not installed (pip install -e '.[dev]')")
    port = "6391"
    started = subprocess.run(
        [str(ray), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--num-cpus=4",
         "--num-gpus=4", "--include-dashboard=false", "--disable-usage-stats"],
        env=environment, capture_output=True, text=True, timeout=180, check=False,
    )
    assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-2000:]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(ray), "stop", "--force"], env=environment, capture_output=True, timeout=120, check=False)
