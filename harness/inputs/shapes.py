"""YAML / JSON documents checked against a declared shape, naming the path to the bad field.

A shape is built from a few pieces: ``Text()``, ``Number()``, ``Integer()``, ``Boolean()``,
``ListOf(shape)``, ``MapOf(shape)`` (any keys), ``Fields({key: shape}, required=...)`` (known
keys), ``OneOf(shape, ...)`` and ``Optional(shape)`` (null allowed). ``check(value, shape,
origin)`` raises ``DataFileError`` naming the file and the path (``tables.bigbio.rows[3].label``)
with what was expected and what was found, e.g. a ``jinja:`` written as a YAML list, or
``metrics: Accuracy`` written as a string where a list is expected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioeval.errors import DataFileError, shorten


class Shape:
    expected: str = "a value"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        """(path, what is wrong) of the first bad field, or None when ``value`` fits."""
        raise NotImplementedError


def _found(value: Any) -> str:
    kinds = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing (null)"}
    for kind, name in kinds.items():
        if isinstance(value, kind):
            return f"{name} {shorten(value, 60)}" if kind is str else name
    return f"{type(value).__name__} {shorten(value, 60)}"


@dataclass(frozen=True)
class Anything(Shape):
    """Any value (checked elsewhere, e.g. a backend's own settings)."""

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        return None


@dataclass(frozen=True)
class Text(Shape):
    non_empty: bool = True
    expected: str = "text"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, str):
            return path, f"expected {self.expected}, found {_found(value)}"
        if self.non_empty and not value.strip():
            return path, "expected non-empty text"
        return None


@dataclass(frozen=True)
class Number(Shape):
    expected: str = "a number"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return path, f"expected {self.expected}, found {_found(value)}"
        return None


@dataclass(frozen=True)
class Integer(Shape):
    minimum: int | None = None
    expected: str = "a whole number"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return path, f"expected {self.expected}, found {_found(value)}"
        if self.minimum is not None and value < self.minimum:
            return path, f"expected a whole number of at least {self.minimum}, found {value}"
        return None


@dataclass(frozen=True)
class Boolean(Shape):
    expected: str = "true or false"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        return None if isinstance(value, bool) else (path, f"expected true or false, found {_found(value)}")


@dataclass(frozen=True)
class Optional(Shape):
    inner: Shape

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"{self.inner.expected} or null"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        return None if value is None else self.inner.problem(value, path)


@dataclass(frozen=True)
class OneOf(Shape):
    options: tuple[Shape, ...]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return " or ".join(option.expected for option in self.options)

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        problems = [option.problem(value, path) for option in self.options]
        if all(problems):
            return path, f"expected {self.expected}, found {_found(value)}"
        return None


@dataclass(frozen=True)
class ListOf(Shape):
    item: Shape
    non_empty: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.item.expected}"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, list):
            return path, f"expected {self.expected}, found {_found(value)}"
        if self.non_empty and not value:
            return path, f"expected {self.expected}, found an empty list"
        for index, item in enumerate(value):
            found = self.item.problem(item, f"{path}[{index}]")
            if found:
                return found
        return None


@dataclass(frozen=True)
class MapOf(Shape):
    item: Shape
    non_empty: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a mapping of names to {self.item.expected}"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, Mapping):
            return path, f"expected {self.expected}, found {_found(value)}"
        if self.non_empty and not value:
            return path, f"expected {self.expected}, found an empty mapping"
        for key, item in value.items():
            found = self.item.problem(item, _join(path, key))
            if found:
                return found
        return None


@dataclass(frozen=True)
class Fields(Shape):
    fields: Mapping[str, Shape]
    required: tuple[str, ...] = ()
    others: bool = True  # keys not declared are allowed (and not checked)
    expected: str = "a mapping"

    def problem(self, value: Any, path: str) -> tuple[str, str] | None:
        if not isinstance(value, Mapping):
            keys = ", ".join(self.required or tuple(self.fields))
            return path, f"expected a mapping with {keys}, found {_found(value)}"
        for key in self.required:
            if key not in value:
                return _join(path, key), "missing; expected " + self.fields[key].expected
        if not self.others:
            unknown = [key for key in value if key not in self.fields]
            if unknown:
                return _join(path, unknown[0]), f"unknown field; expected one of {', '.join(self.fields)}"
        for key, shape in self.fields.items():
            if key in value:
                found = shape.problem(value[key], _join(path, key))
                if found:
                    return found
        return None


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def check(value: Any, shape: Shape, origin: Path | str, where: str = "", line: int | None = None) -> Any:
    """``value`` when it fits ``shape``; else a DataFileError naming ``origin`` (and ``line``)
    and the path to the field."""
    found = shape.problem(value, where)
    if found is not None:
        path, message = found
        raise DataFileError(origin, f"{path}: {message}" if path else message, line)
    return value
