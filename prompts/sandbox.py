"""The Jinja2 sandbox templates render in, with a bound on what one render may cost.

Jinja's immutable sandbox keeps a template away from Python's internals, but not from asking
for a billion-character string (``'x' * 10**9``, ``' ' | center(10**9)``), a number of a
million digits (``9 ** 9 ** 9``), a list doubled in a loop, ``~`` concatenation doubling a
string, or loops nested until the run never ends. Here:

- ``*``, ``**``, ``+`` and ``%`` are checked before they run (the size of what they would make);
- every call (methods, globals) and every filter refuses a whole-number argument above
  ``MAX_TEXT`` (a width, a count) and a ``str.format`` width above it;
- ``~`` concatenation and every result are held to ``MAX_TEXT`` characters / ``MAX_ITEMS`` items;
- ``range`` draws from a budget of ``MAX_LOOP_ITEMS`` per render;
- a render has ``MAX_SECONDS``: checked at every call, loop step of ``range`` and output chunk,
  and, in the main thread, by a timer that stops loops which call nothing.

A limit reached raises ``RenderLimit``; ``bioeval.prompts.render`` turns it (and every other
failure: recursion, overflow, memory) into a template error naming the template.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEXT = 200_000
"""Characters a rendered text, or any string made while rendering, may have (the longest real
input, a PubMedQA or NER abstract with its instructions, is under 10 000)."""
MAX_ITEMS = 100_000  # items of a list or tuple made while rendering
MAX_INT_BITS = 4_096  # about 1 200 decimal digits
MAX_LOOP_ITEMS = 1_000_000  # items all of a render's ``range`` calls may give together
MAX_SECONDS = 2.0  # one render (a real one takes about 50 microseconds)
_WIDTH = re.compile(r"(\d{7,})")  # a width or precision of a million or more in a format


class RenderLimit(Exception):
    """A render asked for more than a template may: what, and the limit."""


@dataclass
class Budget:
    deadline: float
    loop_items: int = MAX_LOOP_ITEMS
    timer: bool = False

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"the render took more than {MAX_SECONDS:g} s")


_BUDGET: ContextVar[Budget | None] = ContextVar("bioeval_render_budget", default=None)


def _budget() -> Budget:
    budget = _BUDGET.get()
    # rendering outside ``bounded_render`` (Jinja used directly): bounds of its own
    return budget if budget is not None else Budget(time.monotonic() + MAX_SECONDS)


def check_size(value: Any) -> Any:
    """``value`` unless it is a string or sequence larger than the limits."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise RenderLimit(f"a string of {len(value)} characters; expected at most {MAX_TEXT}")
    elif isinstance(value, (list, tuple)) and len(value) > MAX_ITEMS:
        raise RenderLimit(f"a list of {len(value)} items; expected at most {MAX_ITEMS}")
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise RenderLimit(f"a number of {value.bit_length()} bits; expected at most {MAX_INT_BITS}")
    return value


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], what: str) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TEXT:
            raise RenderLimit(f"{what} with the argument {value}; expected at most {MAX_TEXT}")


def _check_format(text: str, what: str) -> None:
    match = _WIDTH.search(text)
    if match:
        raise RenderLimit(f"{what} with a width of {match.group(1)}; expected at most {MAX_TEXT}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    sized = (str, list, tuple)
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, sized) and isinstance(count, int) and len(seq) * max(count, 0) > MAX_TEXT:
                raise RenderLimit(f"repeating {len(seq)} items {count} times; expected at most {MAX_TEXT}")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise RenderLimit(f"a product of more than {MAX_INT_BITS} bits")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        if max(left.bit_length(), 1) * right > MAX_INT_BITS and abs(left) > 1:
            raise RenderLimit(f"{left} ** {right} has more than {MAX_INT_BITS} bits")
    elif operator == "%" and isinstance(left, str):
        _check_format(left, "a % format")
    elif operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        if len(left) + len(right) > MAX_TEXT:
            raise RenderLimit(f"joining {len(left)} and {len(right)} items; expected at most {MAX_TEXT}")


class BoundedRange(Sequence[int]):
    """A ``range`` whose iteration checks the render's clock (length, indexing and ``in`` as
    a range's)."""

    def __init__(self, numbers: range, budget: Budget) -> None:
        self._numbers, self._budget = numbers, budget

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index: Any) -> Any:
        return self._numbers[index]

    def __contains__(self, value: object) -> bool:
        return value in self._numbers

    def __iter__(self) -> Iterator[int]:
        for number in self._numbers:
            self._budget.tick()
            yield number

    def __repr__(self) -> str:
        return repr(self._numbers)


def bounded_range(*args: int) -> BoundedRange:
    """``range`` drawn from the render's budget of ``MAX_LOOP_ITEMS``."""
    numbers = range(*args)
    budget = _budget()
    if len(numbers) > budget.loop_items:
        raise RenderLimit(f"range of {len(numbers)} items; the render may loop over {MAX_LOOP_ITEMS} in all")
    budget.loop_items -= len(numbers)
    return BoundedRange(numbers, budget)


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[1:], kwargs, f"filter {name}")
        if name == "format" and args and isinstance(args[0], str):
            _check_format(args[0], "filter format")
        return check_size(function(*args, **kwargs))
    return bounded


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with ``~`` concatenation routed through the size check."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the bounds above."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = bounded_range
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        self.filters[name] = _bounded_filter(name, function)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return check_size(self.binop_table[operator](left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _budget().tick()
        what = f"a call of {getattr(__obj, '__name__', type(__obj).__name__)}"
        if __obj is not bounded_range:
            _check_arguments(args, kwargs, what)
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        if isinstance(getattr(method, "__self__", None), str) and getattr(method, "__name__", "") in ("format", "format_map"):
            _check_format(method.__self__, what)
        return check_size(super().call(__context, __obj, *args, **kwargs))

    @staticmethod
    def bounded_concat(parts: tuple[Any, ...]) -> str:
        return check_size("".join(map(str, parts)))


def bounded_output(chunks: Iterator[str]) -> str:
    """A render's output chunks joined, stopping as soon as they pass ``MAX_TEXT``."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_TEXT:
            raise RenderLimit(f"rendered text has more than {MAX_TEXT} characters; expected at most {MAX_TEXT}")
        out.append(chunk)
    return "".join(out)


def _on_alarm(signum: int, frame: Any) -> None:
    budget = _BUDGET.get()
    if budget is not None and budget.timer:
        raise RenderLimit(f"the render took more than {MAX_SECONDS:g} s")


_ALARM: list[bool] = []  # [True] once the handler is installed (main thread only)


def _timer_available() -> bool:
    """A SIGALRM timer can stop a render here: the main thread, and no timer of someone else's
    running. The handler is installed once; it acts only while a render is under way."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return False
    if not _ALARM:
        if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
            return False  # someone else's handler: leave it alone
        signal.signal(signal.SIGALRM, _on_alarm)
        _ALARM.append(True)
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0


def bounded_render(render: Callable[[], Any]) -> Any:
    """``render()`` under a fresh budget (and, in the main thread, a timer)."""
    budget = Budget(time.monotonic() + MAX_SECONDS, timer=_timer_available())
    token = _BUDGET.set(budget)
    if budget.timer:
        signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
    try:
        return render()
    finally:
        if budget.timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
        _BUDGET.reset(token)
