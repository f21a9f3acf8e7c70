"""``bioeval data download medinst32`` through huggingface_hub, against a local server on
127.0.0.1 that answers as the Hub's resolve endpoint does (``HF_ENDPOINT``), in a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bioeval.tasks import medinst32

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
import medinst32_fixtures as fixtures  # noqa: E402

COMMIT = "0123456789abcdef0123456789abcdef01234567"
PREFIX = f"/datasets/{medinst32.HUB_REPO}/resolve/{medinst32.HUB_REVISION}/"


def published(path: str) -> bytes:
    """The served file: fixture rows for the fixture tasks, one made-up row for the others."""
    task = path.rsplit("/", 1)[-1].removesuffix("_test.json")
    rows = fixtures.ROWS.get(task, [{"instruction": f"Do {task}.", "input": "x", "output": "y"}])
    rows = fixtures.few_shot(rows) if path.startswith("unseen_tests/") else rows
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


class Hub:
    def __init__(self, missing: str | None = None) -> None:
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: bool) -> None:
                hub.requests.append(f"{self.command} {self.path}")
                path = self.path.split("?", 1)[0]
                if not path.startswith(PREFIX) or path[len(PREFIX):] == missing:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = published(path[len(PREFIX):])
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()}"')
                self.send_header("X-Repo-Commit", COMMIT)
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
                self._answer(body=False)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(body=True)

            def log_message(self, *args: object) -> None:
                pass

        hub = self
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hub_factory() -> Iterator[type[Hub]]:
    started: list[Hub] = []

    def make(missing: str | None = None) -> Hub:
        started.append(Hub(missing))
        return started[-1]

    yield make  # type: ignore[misc]
    for hub in started:
        hub.server.shutdown()
        hub.server.server_close()


def download(hub: Hub, data_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1")
    return subprocess.run([sys.executable, "-m", "bioeval.cli", "data", "download", "medinst32", "--data-dir", str(data_dir)],
                          env=env, capture_output=True, text=True, timeout=300)


def test_download_fetches_every_published_file_at_the_revision(hub_factory, tmp_path: Path) -> None:  # noqa: ANN001
    hub = hub_factory()
    data = tmp_path / "data"
    done = download(hub, data, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    root = data / "medinst32" / "hf"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert len(files) == 64 and "unseen_tests_zs/BIOSSES_test.json" in files
    assert all(r.startswith(("HEAD ", "GET ")) and PREFIX in r for r in hub.requests)
    for relative in files:
        assert (root / relative).read_bytes() == published(relative)
    assert not [p for p in data.rglob("*") if ".bioeval-download" in p.name or p.name == ".cache"]
    # what was downloaded loads, history and all
    from bioeval.tasks.core.loading import load_split
    from bioeval.tasks.core.registry import views_named

    ((spec, view),) = views_named("medinst32-BIOSSES")
    records = [e.record for e in load_split(spec, view, "test", data)]
    assert records[0].history == tuple(tuple(p) for p in fixtures.DEMO)
    again = download(hub, data, tmp_path)  # present files are kept, nothing fetched again
    assert again.returncode == 0 and len(hub.requests) == len(set(hub.requests)) > 0


def test_a_file_the_hub_lacks_fails_in_one_line_and_leaves_no_partial_file(hub_factory, tmp_path: Path) -> None:  # noqa: ANN001
    hub = hub_factory(missing="unseen_tests/MedQA_test.json")
    data = tmp_path / "data"
    done = download(hub, data, tmp_path)
    assert done.returncode == 2
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith("bioeval: error: medinst32: download of unseen_tests/MedQA_test.json from the Hugging "
                            f"Face Hub dataset {medinst32.HUB_REPO} at {medinst32.HUB_REVISION} failed")
    assert not (data / "medinst32" / "hf" / "unseen_tests" / "MedQA_test.json").exists()
    assert (data / "medinst32" / "hf" / "unseen_tests" / "BIOSSES_test.json").is_file()
    assert not [p for p in data.rglob("*") if ".bioeval-download" in p.name]
