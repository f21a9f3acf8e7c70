"""Files a publisher serves from the Hugging Face Hub, fetched through huggingface_hub.

A ``SourceFile.url`` of the form ``hf://datasets/<owner>/<name>@<revision>`` names a Hub
dataset repository at a revision; the file's path under its source folder is its path in the
repository. huggingface_hub resolves the revision, checks what it receives (size, and the
sha256 of files stored in LFS) and honours ``HF_ENDPOINT`` (a mirror, or a local server in the
tests) and ``HF_TOKEN``; bioeval moves the file into place only once it is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bioeval.errors import BioevalError

HUB_PREFIX = "hf://datasets/"


def is_hub_url(url: str) -> bool:
    return url.startswith(HUB_PREFIX)


def hub_repo(url: str) -> tuple[str, str]:
    """(repository id, revision) of an ``hf://datasets/<repo>@<revision>`` URL."""
    repo, sep, revision = url[len(HUB_PREFIX):].partition("@")
    if not sep or repo.count("/") != 1 or not revision:
        raise BioevalError(f"{url}: expected {HUB_PREFIX}<owner>/<name>@<revision>")
    return repo, revision


def fetch_from_hub(url: str, filename: str, target: Path) -> None:
    """Download ``filename`` of the repository ``url`` names into ``target`` (atomically)."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import EntryNotFoundError

    repo, revision = hub_repo(url)
    scratch = Path(tempfile.mkdtemp(prefix=".bioeval-download-", dir=target.parent))
    try:
        path = hf_hub_download(repo, filename, repo_type="dataset", revision=revision, local_dir=scratch)
        os.replace(path, target)
    except (OSError, EntryNotFoundError, ValueError) as error:
        reason = " ".join(str(error).split())[:300]
        raise BioevalError(
            f"download of {filename} from the Hugging Face Hub dataset {repo} at {revision} failed: {reason}"
        ) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
