"""A small OpenAI-compatible server on 127.0.0.1 for the API-backend tests.

``/v1/completions`` with ``echo`` + ``logprobs`` returns a deterministic log-probability per
token id (:func:`token_logprob`), so a test can compute the ranking the backend must produce;
without ``echo`` it generates ``completion_text``. ``/v1/chat/completions`` answers with
``chat_answer(user message)``. Every request is counted and its Authorization header kept, and
``usage`` is reported like a real server. Given a ``tokenizer`` (a transformers tokenizer) it also
serves vLLM's ``GET /tokenizer_info``, ``POST /tokenize`` and ``POST /detokenize`` at the
server root, as ``vllm serve`` does; without one those answer 404, as most servers do.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def token_logprob(token: int) -> float:
    """A fixed, token-dependent log-probability in (-10, 0)."""
    return -(((token * 2654435761) % 997) + 1) / 100.0


def default_chat_answer(content: str) -> str:
    return "yes" if len(content) % 2 else "no"


@dataclass
class FakeOpenAI:
    model: str
    completion_text: str = " yes"
    chat_answer: Callable[[str], str] = default_chat_answer
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokenizer: Any = None  # a transformers tokenizer: serve vLLM's tokenizer endpoints with it

    def tokenizer_info(self) -> dict[str, Any]:
        tok = self.tokenizer
        return {"eos_token": tok.eos_token, "bos_token": tok.bos_token, "pad_token": tok.pad_token,
                "tokenizer_class": type(tok).__name__, "model_max_length": 8192}

    def tokenize(self, body: dict[str, Any]) -> dict[str, Any]:
        tokens = self.tokenizer(body["prompt"], add_special_tokens=bool(body.get("add_special_tokens"))).input_ids
        return {"tokens": tokens, "count": len(tokens), "max_model_len": 8192}

    def detokenize(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"prompt": self.tokenizer.decode(body["tokens"])}

    def models(self) -> dict[str, Any]:
        return {"object": "list", "data": [{"id": self.model, "object": "model"}]}

    def completions(self, body: dict[str, Any]) -> dict[str, Any]:
        prompts = body["prompt"]
        if isinstance(prompts, str) or (prompts and isinstance(prompts[0], int)):
            prompts = [prompts]
        choices, prompt_tokens = [], 0
        for index, prompt in enumerate(prompts):
            tokens = list(prompt) if isinstance(prompt, list) else [ord(c) for c in prompt]
            prompt_tokens += len(tokens)
            if body.get("echo"):
                choices.append({"index": index, "text": "", "logprobs": _echo_logprobs(tokens), "finish_reason": "length"})
            else:
                choices.append({"index": index, "text": self.completion_text, "finish_reason": "stop"})
        completion = len(prompts) * (1 if body.get("echo") else 2)
        return _response("text_completion", choices, prompt_tokens, completion)

    def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        content = " ".join(str(m.get("content", "")) for m in body["messages"] if m.get("role") == "user")
        message = {"role": "assistant", "content": self.chat_answer(content)}
        choices = [{"index": 0, "message": message, "finish_reason": "stop"}]
        return _response("chat.completion", choices, len(content.split()), 1)


def _echo_logprobs(tokens: list[int]) -> dict[str, Any]:
    generated = 42
    every = [*tokens, generated]
    logprobs = [None] + [token_logprob(t) for t in every[1:]]
    return {
        "tokens": [str(t) for t in every],
        "token_logprobs": logprobs,
        "top_logprobs": [None] + [{str(t): token_logprob(t)} for t in every[1:]],
        "text_offset": list(range(len(every))),
    }


def _response(kind: str, choices: list[dict[str, Any]], prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "id": "fake-1", "object": kind, "created": 0, "model": "fake", "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, fake.models())
            elif self.path == "/tokenizer_info" and fake.tokenizer is not None:
                self._send(200, fake.tokenizer_info())
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            with fake.lock:
                fake.requests.append((self.path, body))
                fake.authorizations.append(self.headers.get("Authorization"))
            if self.path in ("/tokenize", "/detokenize") and fake.tokenizer is not None:
                self._send(200, fake.tokenize(body) if self.path == "/tokenize" else fake.detokenize(body))
            elif self.path.endswith("/chat/completions"):
                self._send(200, fake.chat(body))
            elif self.path.endswith("/completions"):
                self._send(200, fake.completions(body))
            else:
                self._send(404, {"error": {"message": "not found"}})

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout, dropped connection) is part of the tests


class Served:
    """A server in a background thread: ``url`` is its API root (``http://127.0.0.1:PORT/v1``)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = _QuietServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
