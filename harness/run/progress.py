"""What a run shows while it works: units done of all (model, task, prompt) units, and requests
done within the dataset the model is on, with elapsed time and an estimate of what is left.

On a terminal these are two tqdm bars (lm-eval's own bars are silenced); otherwise plain lines,
one per event and at most one request line per ``LINE_EVERY`` seconds, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

LINE_EVERY = 30.0


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class RunProgress:
    def __init__(self, total_units: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.done = total_units, 0
        self.started = time.monotonic()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._units: Any = None
        self._requests: Any = None
        self._last_line = float("-inf")  # the first request line is shown at once
        if self.tty:
            from tqdm import tqdm

            self._units = tqdm(total=total_units, desc="prompt runs", unit="run", position=0, file=self.stream, disable=False)

    def __call__(self, text: str) -> None:
        """An event, as a line above the bars (or a plain line)."""
        if self._units is not None:
            self._units.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def units_done(self, count: int = 1) -> None:
        self.done += count
        if self._units is not None:
            self._units.update(count)
        else:
            elapsed = time.monotonic() - self.started
            left = elapsed / self.done * (self.total - self.done) if self.done else 0.0
            self(f"{self.done}/{self.total} prompt runs done, {_clock(elapsed)} elapsed, about {_clock(left)} left")

    def requests(self, done: int, total: int, what: str) -> None:
        if self.tty:
            from tqdm import tqdm

            if self._requests is None or self._requests.total != total or self._requests.desc != what:
                if self._requests is not None:
                    self._requests.close()
                self._requests = tqdm(total=total, desc=what, unit="req", position=1, leave=False, file=self.stream, disable=False)
            self._requests.update(done - self._requests.n)
            return
        now = time.monotonic()
        if done == total or now - self._last_line >= LINE_EVERY:
            self._last_line = now
            self(f"  requests {done}/{total} ({what})")

    def close(self) -> None:
        for bar in (self._requests, self._units):
            if bar is not None:
                bar.close()
