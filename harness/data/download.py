"""Fetching public dataset files from their upstream URLs into the data directory.

Every file is written to a temporary name beside its target, checked against its declared
sha256, then moved into place with ``os.replace``: an interrupted or failed download leaves
nothing half-written and never touches a good file already there. Files served only inside an
archive (``SourceFile.archive_member``) are extracted from the verified archive the same way;
a folder member (ending in ``/``) is extracted into a temporary folder that then replaces the
target folder.

URL rewrites (``--url-rewrite FROM=TO`` or ``$BIOEVAL_URL_REWRITE``, ``;``-separated) replace a
URL prefix, e.g. to use a mirror, or a local server in tests.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bioeval.data.hub import fetch_from_hub, is_hub_url
from bioeval.errors import BioevalError, UnknownNameError
from bioeval.io import umask
from bioeval.tasks.core.loading import is_present, present_path, sha256_file
from bioeval.tasks.core.spec import Access, DatasetSpec, SourceFile, View

ENV_URL_REWRITE = "BIOEVAL_URL_REWRITE"
TIMEOUT_SECONDS = 60
Rewrites = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Outcome:
    ref: str  # "<source>/<path>"
    path: Path
    status: str  # "downloaded", "present", "not downloadable" or "failed"


def parse_rewrites(
    values: Sequence[str], environ: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """``FROM=TO`` pairs from the command line, then from ``$BIOEVAL_URL_REWRITE``."""
    env = os.environ if environ is None else environ
    items = list(values) + [v for v in env.get(ENV_URL_REWRITE, "").split(";") if v.strip()]
    pairs = []
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise BioevalError(
                f"URL rewrite {item!r}: expected FROM=TO, e.g. https://host=http://127.0.0.1:8000"
            )
        pairs.append((old, new))
    return pairs


def rewrite_url(url: str, rewrites: Rewrites) -> str:
    for old, new in rewrites:
        if url.startswith(old):
            return new + url[len(old) :]
    return url


def require_public(spec: DatasetSpec) -> None:
    if spec.access is not Access.PUBLIC:
        how = spec.how_to_get or f"see {spec.homepage}"
        raise BioevalError(f"{spec.name} cannot be downloaded ({spec.access.value} access): {how}")


def download_dataset(
    spec: DatasetSpec,
    data_dir: Path,
    rewrites: Rewrites = (),
    sources: Sequence[str] | None = None,
    report: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Fetch every declared file of a public dataset (of ``sources`` only, if given) that is not
    already present and good. A file that fails is reported and the others are still fetched;
    the first failure is raised at the end."""
    require_public(spec)
    known = [source.name for source in spec.sources]
    for name in sources or ():
        if name not in known:
            raise UnknownNameError(f"source of {spec.name}", name, known)
    outcomes: list[Outcome] = []
    failures: list[str] = []
    archives: dict[str, Path | BioevalError] = {}
    created = _missing_folders(data_dir / spec.name)
    with tempfile.TemporaryDirectory(prefix=".bioeval-download-", dir=_ensure(data_dir)) as scratch:
        for source in spec.sources:
            if sources and source.name not in sources:
                continue
            for source_file in source.files:
                ref = f"{source.name}/{source_file.path}"
                target = data_dir / spec.name / source.name / source_file.path
                created.extend(_missing_folders(target.parent))
                try:
                    status = _fetch(source_file, ref, target, rewrites, archives, Path(scratch))
                except BioevalError as error:
                    status = "failed"
                    failures.append(str(error))
                outcomes.append(Outcome(ref, target, status))
                report(outcomes[-1])
    _remove_empty(created)
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise BioevalError(f"{spec.name}: {failures[0]}{more}")
    return outcomes


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet (deepest first)."""
    return [p for p in (folder, *folder.parents) if not p.exists()]


def _remove_empty(folders: Sequence[Path]) -> None:
    """Remove the folders a failed download created and left empty (deepest first)."""
    for folder in sorted(set(folders), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _fetch(
    source_file: SourceFile,
    ref: str,
    target: Path,
    rewrites: Rewrites,
    archives: dict[str, Path | BioevalError],
    scratch: Path,
) -> str:
    if source_file.url is None:
        return "not downloadable"
    if _is_good(source_file, ref, target):
        return "present"
    url = rewrite_url(source_file.url, rewrites)
    _ensure(target.parent)
    if is_hub_url(url):
        fetch_from_hub(url, source_file.path, target)
        return "downloaded"
    if source_file.archive_member is None:
        with _temporary(target.parent, target.name) as temporary:
            _download(url, temporary, source_file.sha256)
            os.replace(temporary, target)
        return "downloaded"
    if url not in archives:
        archive = scratch / f"archive-{len(archives)}"
        try:
            _download(url, archive, source_file.sha256)
            archives[url] = archive
        except BioevalError as error:
            archives[url] = error  # the archive's other members fail the same way, unfetched
    fetched = archives[url]
    if isinstance(fetched, BioevalError):
        raise fetched
    _extract(fetched, source_file.archive_member, target, url)
    return "downloaded"


def _is_good(source_file: SourceFile, ref: str, target: Path) -> bool:
    if not is_present(ref, target):
        return False
    if source_file.is_folder or source_file.archive_member or not source_file.sha256:
        return True  # a declared checksum, when there is one, is the archive's, not the file's
    return sha256_file(target) == source_file.sha256


def _download(url: str, destination: Path, sha256: str | None) -> None:
    digest = hashlib.sha256()
    try:
        with (
            urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response,
            destination.open("wb") as out,
        ):
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
    except urllib.error.HTTPError as error:
        raise BioevalError(f"download of {url} failed: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise BioevalError(f"download of {url} failed: {reason}") from None
    if sha256 and digest.hexdigest() != sha256:
        raise BioevalError(
            f"download of {url}: sha256 {digest.hexdigest()} differs from the declared {sha256}; "
            "nothing was written"
        )


def _extract(archive: Path, member: str, target: Path, url: str) -> None:
    """Extract one file, or every file under a folder member, from a zip or tar archive."""
    entries = dict(_archive_files(archive, url))
    if member.endswith("/"):
        chosen = {
            name[len(member) :]: read for name, read in entries.items() if name.startswith(member)
        }
        if not chosen:
            raise BioevalError(f"{url}: the archive has no folder {member!r}")
        with _temporary(target.parent, target.name, as_folder=True) as temporary:
            for relative, read in chosen.items():
                destination = temporary / relative
                if not destination.resolve().is_relative_to(temporary.resolve()):
                    raise BioevalError(f"{url}: unsafe member path {member + relative!r}")
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(read())
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(temporary, target)
        return
    if member not in entries:
        raise BioevalError(f"{url}: the archive has no member {member!r}")
    with _temporary(target.parent, target.name) as temporary:
        temporary.write_bytes(entries[member]())
        os.replace(temporary, target)


def _archive_files(archive: Path, url: str) -> Iterator[tuple[str, Callable[[], bytes]]]:
    if zipfile.is_zipfile(archive):
        opened = zipfile.ZipFile(archive)
        for info in opened.infolist():
            if not info.is_dir():
                yield info.filename, (lambda info=info: opened.read(info))
        return
    try:
        tar = tarfile.open(archive, "r:*")
    except tarfile.TarError:
        raise BioevalError(f"{url}: not a zip or tar archive") from None
    for info in tar.getmembers():
        if info.isfile():
            yield info.name, (lambda info=info: tar.extractfile(info).read())  # type: ignore[union-attr]


@contextmanager
def _temporary(directory: Path, name: str, *, as_folder: bool = False) -> Iterator[Path]:
    """A temporary file (or folder) beside the target, removed unless it was moved into place."""
    if as_folder:
        path = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=directory))
    else:
        handle, raw = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=directory)
        os.close(handle)
        path = Path(raw)
    os.chmod(path, (0o777 if as_folder else 0o666) & ~umask())  # not mkstemp's 0600 / 0700
    try:
        yield path
    finally:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def download_missing(
    views: Sequence[tuple[DatasetSpec, View]],
    data_dir: Path,
    rewrites: Rewrites = (),
    report: Callable[[Outcome], None] = lambda outcome: None,
) -> list[str]:
    """Fetch the sources of public datasets whose evaluated or training split misses a file;
    returns the names of the datasets fetched. Credentialed datasets are left for the plan to
    refuse with its advice."""
    wanted: dict[str, tuple[DatasetSpec, set[str]]] = {}
    for spec, view in views:
        if spec.access is not Access.PUBLIC:
            continue
        for split in dict.fromkeys(s for s in (view.eval_split, view.train_split) if s):
            for ref in view.splits.get(split, ()):
                if spec.source_file(ref).url and missing_files_of(spec, ref, data_dir):
                    wanted.setdefault(spec.name, (spec, set()))[1].add(ref.split("/", 1)[0])
    for spec, source_names in wanted.values():
        download_dataset(spec, data_dir, rewrites, sorted(source_names), report)
    return list(wanted)


def missing_files_of(spec: DatasetSpec, ref: str, data_dir: Path) -> bool:
    return not is_present(ref, present_path(spec, ref, data_dir))
