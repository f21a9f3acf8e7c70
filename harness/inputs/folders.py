"""Output folders: the rules ``run --output`` set, for every command that writes a folder.

A folder the user names must not be a file or lie under one, must be writable, must not be a
run folder (unless the command writes run folders), and must be empty unless the command is
meant to add to it or the user said ``--force``. The checks run before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from bioeval.errors import BioevalError
from bioeval.io import require_writable_folder
from bioeval.rundir.layout import LOCK_FILE, RUN_FILE


def output_path(text: str | None, flag: str) -> Path | None:
    """``--output ""`` is a mistake, not the current folder."""
    if text is None:
        return None
    if not str(text).strip():
        raise BioevalError(f"{flag} is empty; expected a folder path")
    return Path(text)


def check_output_folder(
    folder: Path, flag: str, *, adds_to: bool = False, force: bool = False, resume_hint: bool = False
) -> None:
    """Refuse ``folder`` as an output folder unless it is new, empty, or ``adds_to`` / ``force``
    allow adding to it; never a run folder of another command."""
    if not str(folder).strip():
        raise BioevalError(f"{flag} is empty; expected a folder path")
    if folder.exists() and not folder.is_dir():
        raise BioevalError(f"{flag} {folder} is a file, not a folder; choose another path")
    for parent in folder.parents:
        if parent.exists() and not parent.is_dir():
            raise BioevalError(f"{flag} {folder} cannot be created: {parent} is a file; choose another path")
    require_writable_folder(folder, f"{flag} {folder}")
    if not folder.is_dir():
        return
    if (folder / RUN_FILE).is_file():
        hint = f"continue it with `bioeval run --resume {folder}` or " if resume_hint else ""
        raise BioevalError(f"{flag} {folder} is a run folder and not empty; {hint}choose another path")
    if adds_to or force:
        return
    if any(entry.name != LOCK_FILE for entry in folder.iterdir()):
        raise BioevalError(
            f"{flag} {folder} already exists and is not empty; choose another path, or give "
            "--force to write into it"
        )


def check_no_overwrite(paths: list[Path], flag: str, force: bool) -> None:
    """Refuse to replace files that exist unless ``--force`` was given (listing the first)."""
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise BioevalError(f"{flag}: {existing[0]}{more} already exists; give --force to overwrite")
    folders = [path for path in existing if path.is_dir()]
    if folders:
        raise BioevalError(f"{flag}: {folders[0]} is a folder; expected a file path")
