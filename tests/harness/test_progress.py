"""Run progress: tqdm bars on a terminal (units, and requests within a dataset, with ETA);
plain lines otherwise, request lines at most every LINE_EVERY seconds."""

from __future__ import annotations

import io

from bioeval.run import progress as progress_module
from bioeval.run.progress import RunProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal(monkeypatch) -> None:  # noqa: ANN001
    clock = iter([0.0, 10.0, 10.0, 20.0, 25.0, 70.0, 70.0])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    out = io.StringIO()
    shown = RunProgress(4, out)
    shown("loading m (hf)")
    shown.units_done()  # t = 10: one of four in 10 s
    shown.requests(8, 100, "loglikelihood")  # t = 10: the first request line
    shown.requests(16, 100, "loglikelihood")  # t = 20: too soon, no line
    shown.requests(24, 100, "loglikelihood")  # t = 25: too soon
    shown.requests(100, 100, "loglikelihood")  # done: always shown
    lines = out.getvalue().splitlines()
    assert lines == [
        "loading m (hf)",
        "1/4 prompt runs done, 0:10 elapsed, about 0:30 left",
        "  requests 8/100 (loglikelihood)",
        "  requests 100/100 (loglikelihood)",
    ]


def test_bars_on_a_terminal() -> None:
    out = Terminal()
    shown = RunProgress(3, out)
    shown.requests(5, 10, "generate_until")
    shown.units_done(2)
    shown("a message")
    shown.close()
    text = out.getvalue()
    assert "prompt runs" in text and "2/3" in text
    assert "generate_until" in text and "5/10" in text
    assert "a message" in text
