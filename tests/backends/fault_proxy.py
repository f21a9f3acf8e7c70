"""A reverse proxy on 127.0.0.1 that injects faults, on a seeded schedule, in front of any
OpenAI-compatible server.

Faults: 429 with ``Retry-After``, 500, 503, a response held past the client's timeout,
malformed JSON, a truncated body, a dropped connection. The schedule is a function of the seed
and the request body alone (not of arrival order, which concurrency shuffles): in ``transient``
mode each distinct request fails its first 0-2 attempts and then passes; in ``permanent`` mode
a seeded share of the requests fails on every attempt (500), the others pass. GETs (the
backend's check of ``/models``) pass untouched.
"""

from __future__ import annotations

import hashlib
import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

FAULTS = ("429", "500", "503", "slow", "malformed", "truncated", "drop")


@dataclass
class FaultSchedule:
    seed: int = 0
    mode: str = "transient"  # or "permanent"
    permanent_share: float = 0.1
    slow_seconds: float = 3.0  # longer than the client's timeout in the tests
    retry_after: str = "1"
    attempts: Counter = field(default_factory=Counter)
    injected: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault_for(self, body: bytes) -> str | None:
        digest = hashlib.sha256(body).hexdigest()
        rng = random.Random(f"{self.seed}:{digest}")
        with self.lock:
            attempt = self.attempts[digest]
            self.attempts[digest] += 1
        if self.mode == "permanent":
            fault = "500" if rng.random() < self.permanent_share else None
        else:
            faults = [rng.choice(FAULTS) for _ in range(rng.choice((0, 1, 1, 2)))]
            fault = faults[attempt] if attempt < len(faults) else None
        if fault is not None:
            with self.lock:
                self.injected[fault] += 1
        return fault


def proxy_handler(upstream: str, schedule: FaultSchedule) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:
            pass

        def _forward(self, method: str, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            conn.request(method, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            return response.status, {"Content-Type": response.getheader("Content-Type", "application/json")}, data

        def _reply(self, status: int, data: bytes, extra: dict[str, str] | None = None, length: int | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data) if length is None else length))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            status, _, data = self._forward("GET", None)
            self._reply(status, data)

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault = schedule.fault_for(body)
            if fault in ("429", "500", "503"):
                extra = {"Retry-After": schedule.retry_after} if fault in ("429", "503") else {}
                self._reply(int(fault), b'{"error": {"message": "injected %s"}}' % fault.encode(), extra)
                return
            if fault == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if fault == "slow":
                time.sleep(schedule.slow_seconds)
            status, _, data = self._forward("POST", body)
            if fault == "malformed":
                self._reply(200, b'{"choices": [{"index": 0, "text": ')
            elif fault == "truncated":
                self._reply(200, data[: len(data) // 2], length=len(data))
                self.close_connection = True
            else:
                self._reply(status, data)

    return Proxy
