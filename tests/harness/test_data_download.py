"""``bioeval data download`` against a local HTTP server that serves ../shared/data at the
upstream URL paths the dataset modules declare."""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bioeval.cli import main
from bioeval.data.download import parse_rewrites, rewrite_url
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import dataset, views_named

Route = Callable[[], tuple[bytes, int]]  # -> (body, Content-Length to announce)


class Upstream:
    """Serves registered URL paths on 127.0.0.1 and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                upstream.requests.append(self.path)
                route = upstream.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                body, length = route()
                self.send_response(200)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, url: str, body: bytes, length: int | None = None) -> str:
        path = urlsplit(url).path
        self.routes[path] = lambda: (body, len(body) if length is None else length)
        return path

    def rewrite(self, url: str) -> str:
        """The --url-rewrite argument mapping ``url``'s scheme and host to this server."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}={self.base}"


@pytest.fixture()
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.server.shutdown()
    server.server.server_close()


def serve_dataset(upstream: Upstream, shared_data: Path, name: str) -> dict[Path, bytes]:
    """Serve every plain file of a dataset from the shared data; {relative target: bytes}."""
    spec = dataset(name)
    served = {}
    for source in spec.sources:
        for source_file in source.files:
            relative = Path(name, source.name, source_file.path)
            assert source_file.url and not source_file.archive_member
            body = (shared_data / relative).read_bytes()
            upstream.serve(source_file.url, body)
            served[relative] = body
    return served


def download(upstream: Upstream, data_dir: Path, *names: str, extra: tuple[str, ...] = ()) -> int:
    urls = [f.url for n in names for s in dataset(n).sources for f in s.files if f.url]
    rewrites = sorted({upstream.rewrite(url) for url in urls})
    args = ["data", "download", *names, "--data-dir", str(data_dir), *extra]
    for rewrite in rewrites:
        args += ["--url-rewrite", rewrite]
    return main(args)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".partial" in p.name or ".bioeval-download" in p.name]


def test_download_fetches_the_upstream_paths_and_checks_sha256(
    upstream: Upstream, shared_data: Path, tmp_path: Path
) -> None:
    served = serve_dataset(upstream, shared_data, "biosses")
    served.update(serve_dataset(upstream, shared_data, "pubmed_qa"))
    assert download(upstream, tmp_path, "biosses", "pubmed_qa") == 0
    for relative, body in served.items():
        assert (tmp_path / relative).read_bytes() == body
    for name in ("biosses", "pubmed_qa"):
        for source in dataset(name).sources:
            for source_file in source.files:
                written = (tmp_path / name / source.name / source_file.path).read_bytes()
                assert hashlib.sha256(written).hexdigest() == source_file.sha256
    assert sorted(upstream.requests) == sorted(
        urlsplit(f.url).path
        for n in ("biosses", "pubmed_qa")
        for s in dataset(n).sources
        for f in s.files
    )
    assert not leftovers(tmp_path)
    # present and good: a second run requests nothing
    upstream.requests.clear()
    assert download(upstream, tmp_path, "biosses") == 0
    assert upstream.requests == []
    # the downloaded files load
    ((spec, view),) = views_named("biosses")
    assert len(load_split(spec, view, "test", tmp_path)) == 20


def test_checksum_mismatch_is_rejected_and_nothing_is_left(
    upstream: Upstream, shared_data: Path, tmp_path: Path, capsys
) -> None:
    serve_dataset(upstream, shared_data, "biosses")
    test_url = dataset("biosses").source_file("blurb/test.tsv").url
    body = (shared_data / "biosses/blurb/test.tsv").read_bytes()
    upstream.serve(test_url, body[:100] + bytes([body[100] ^ 1]) + body[101:])  # one bit flipped
    assert download(upstream, tmp_path, "biosses") == 2
    error = capsys.readouterr().err
    assert (
        "sha256" in error
        and "differs from the declared" in error
        and "nothing was written" in error
    )
    assert not (tmp_path / "biosses/blurb/test.tsv").exists()
    assert (tmp_path / "biosses/blurb/train.tsv").is_file()  # the good files are kept
    assert not leftovers(tmp_path)


def test_an_existing_good_file_is_never_touched(
    upstream: Upstream, shared_data: Path, tmp_path: Path
) -> None:
    serve_dataset(upstream, shared_data, "biosses")
    good = tmp_path / "biosses/blurb/test.tsv"
    good.parent.mkdir(parents=True)
    good.write_bytes((shared_data / "biosses/blurb/test.tsv").read_bytes())
    stamp = good.stat().st_mtime_ns
    test_url = dataset("biosses").source_file("blurb/test.tsv").url
    upstream.serve(test_url, b"corrupted")
    assert download(upstream, tmp_path, "biosses") == 0
    assert urlsplit(test_url).path not in upstream.requests
    assert good.stat().st_mtime_ns == stamp


def test_an_interrupted_download_leaves_no_partial_file(
    upstream: Upstream, shared_data: Path, tmp_path: Path, capsys
) -> None:
    served = serve_dataset(upstream, shared_data, "pubmed_qa")
    url = dataset("pubmed_qa").source_file("original/ori_pqal.json").url
    body = served[Path("pubmed_qa/original/ori_pqal.json")]
    upstream.serve(url, body[: len(body) // 2], length=len(body))  # connection ends early
    stale = tmp_path / "pubmed_qa/original/ori_pqal.json"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an older, bad copy")  # a failed download never replaces a file
    assert download(upstream, tmp_path, "pubmed_qa") == 2
    assert "download of" in capsys.readouterr().err
    assert stale.read_bytes() == b"an older, bad copy"
    assert (tmp_path / "pubmed_qa/original/test_ground_truth.json").is_file()
    assert not leftovers(tmp_path)


def test_folders_are_extracted_from_the_upstream_archive(
    upstream: Upstream, shared_data: Path, tmp_path: Path
) -> None:
    """HoC's text/ and labels/ come from the repository archive at its pinned commit."""
    spec = dataset("hallmarks_of_cancer")
    text = spec.source_file("original/text/")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        top = text.archive_member.removesuffix("text/")
        for folder in ("text", "labels"):
            for path in sorted((shared_data / "hallmarks_of_cancer/original" / folder).iterdir()):
                archive.writestr(f"{top}{folder}/{path.name}", path.read_bytes())
        archive.writestr(f"{top}README.md", b"not extracted")
    upstream.serve(text.url, buffer.getvalue())
    assert download(upstream, tmp_path, "hallmarks_of_cancer", extra=("--source", "original")) == 0
    assert len(upstream.requests) == 1  # one archive serves both folders
    for folder in ("text", "labels"):
        ours = sorted(
            p.name for p in (tmp_path / "hallmarks_of_cancer/original" / folder).iterdir()
        )
        theirs = sorted(
            p.name for p in (shared_data / "hallmarks_of_cancer/original" / folder).iterdir()
        )
        assert ours == theirs and len(ours) == 1852  # the whole release (BLURB's splits are subsets)
    assert not (tmp_path / "hallmarks_of_cancer/original/README.md").exists()
    blurb = tmp_path / "hallmarks_of_cancer/blurb/test.tsv"
    blurb.parent.mkdir(parents=True)
    blurb.write_bytes((shared_data / "hallmarks_of_cancer/blurb/test.tsv").read_bytes())
    ((spec, view),) = views_named("hallmarks_of_cancer")
    assert len(load_split(spec, view, "test", tmp_path)) == 371
    assert not leftovers(tmp_path)


def test_registration_and_credentialed_datasets_are_refused(tmp_path: Path, capsys) -> None:
    for name, access in (
        ("bioasq", "registration"),
        ("mednli", "credentialed"),
        ("n2c2_2010", "credentialed"),
    ):
        assert main(["data", "download", name, "--data-dir", str(tmp_path)]) == 2
        error = capsys.readouterr().err.strip()
        assert error.startswith(f"bioeval: error: {name} cannot be downloaded ({access} access): ")
        assert dataset(name).how_to_get in error
        assert not (tmp_path / name).exists()


def test_url_rewrites_from_arguments_and_environment() -> None:
    rewrites = parse_rewrites(
        ["https://raw.githubusercontent.com=http://127.0.0.1:9"],
        {"BIOEVAL_URL_REWRITE": "https://github.com=http://mirror.local;"},
    )
    assert rewrite_url("https://raw.githubusercontent.com/a/b/c.tsv", rewrites) == (
        "http://127.0.0.1:9/a/b/c.tsv"
    )
    assert rewrite_url("https://github.com/x.zip", rewrites) == "http://mirror.local/x.zip"
    assert rewrite_url("https://example.org/y", rewrites) == "https://example.org/y"


def test_list_datasets_says_what_to_do(shared_data: Path, capsys) -> None:
    assert main(["list", "datasets", "--data-dir", str(shared_data)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: re.split(r"\s{2,}", line.strip())[-1] for line in out.splitlines() if line[:1].isalpha()}
    for name in ("chemprot", "hallmarks_of_cancer", "bc5cdr"):  # present, naming absent splits
        assert rows[name].startswith("present"), rows[name]
    assert rows["chemprot"] == "present (train missing)"
    assert (
        rows["bioasq"] == "registration" and rows["mednli"] == rows["n2c2_2010"] == "credentialed"
    )
    assert rows["ddi_corpus"] == rows["scitail"] == "downloadable"
    hints = out.split("to get the missing files:")[1]
    assert "  scitail: bioeval data download scitail" in hints
    assert f"  mednli (credentialed): {dataset('mednli').how_to_get}" in hints
    assert "chemprot" not in hints
