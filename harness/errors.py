"""User-facing errors: one clear line, exit status 2.

Every module may raise these; the CLI turns them into a single line on stderr and exit code 2.
They carry what was wrong and, where it helps, where (file, line, name) and what was expected.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

EXIT_USER_ERROR = 2


class BioevalError(Exception):
    """An error caused by the user's input or files, reported as one line."""


class UnknownNameError(BioevalError):
    """A dataset, prompt, model, metric or suite name that is not registered."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        known_list = sorted(set(known))
        hint = did_you_mean(name, known_list)
        message = f"unknown {kind} {name!r}"
        if hint:
            message += f"; did you mean {hint!r}?"
        elif known_list:
            shown = ", ".join(known_list[:12]) + (" ..." if len(known_list) > 12 else "")
            message += f"; known: {shown}"
        super().__init__(message)
        self.kind = kind
        self.name = name


class DataFileError(BioevalError):
    """A data or configuration file that is missing, malformed or inconsistent."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = Path(path)
        self.line = line


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The closest known name to ``name``, or None when nothing is close."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def shorten(value: object, limit: int = 120) -> str:
    """``repr(value)``, cut to ``limit`` characters: an error names a value, it does not echo
    a 50 MB one."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"
