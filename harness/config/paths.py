"""Where dataset files live: ``--data-dir``, then ``$BIOEVAL_DATA_DIR``, then a user cache."""

from __future__ import annotations

import os
from pathlib import Path

from bioeval.errors import BioevalError

ENV_DATA_DIR = "BIOEVAL_DATA_DIR"
ENV_CACHE_DIR = "BIOEVAL_CACHE_DIR"
COMPLETE_MARKER = ".bioeval-complete"
"""The file a finished conversion writes last in its folder (``bioeval.backends.gguf``)."""


def cache_root() -> Path:
    """bioeval's cache: ``$BIOEVAL_CACHE_DIR``, else ``$XDG_CACHE_HOME/bioeval``, else ~/.cache."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "bioeval"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder; ``--data-dir ""`` or a file there fails in one line."""
    if cli_value is not None and not str(cli_value).strip():
        raise BioevalError("--data-dir is empty; expected the data folder")
    if cli_value:
        return _folder(Path(cli_value).expanduser().resolve(), "--data-dir")
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return _folder(Path(env).expanduser().resolve(), f"${ENV_DATA_DIR}")
    return (cache_root() / "data").resolve()


def _folder(path: Path, what: str) -> Path:
    if path.exists() and not path.is_dir():
        raise BioevalError(f"{what} {path} is a file; expected the data folder")
    return path
