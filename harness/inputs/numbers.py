"""Integer and number options with their ranges: one message shape for every command."""

from __future__ import annotations

import math

from bioeval.errors import BioevalError


def check_int(flag: str, value: int | None, minimum: int, maximum: int | None = None, unit: str = "") -> None:
    """Refuse ``value`` outside [minimum, maximum]; None (not given) passes."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise BioevalError(f"{flag} must be a whole number, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise BioevalError(f"{flag} must be {describe(minimum, maximum, unit)}, not {value}")


def check_number(flag: str, value: float | None, *, above: float = 0.0) -> None:
    """Refuse a number that is not finite or not above ``above``."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= above:
        raise BioevalError(f"{flag} must be a number above {above:g}, not {value!r}")


def describe(minimum: int, maximum: int | None, unit: str = "") -> str:
    noun = f" {unit}" if unit else ""
    if maximum is not None:
        return f"from {minimum} to {maximum}{noun}"
    if minimum == 1:
        return f"a positive number of{noun}" if unit else "a positive whole number"
    if minimum == 0:
        return f"0 or more{noun}"
    return f"at least {minimum}{noun}"
