"""How a model's usage and throughput (run.json ``models.<name>.usage`` / ``.throughput``) read in one line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def usage_line(usage: Mapping[str, Any]) -> str:
    """``120 requests (7 retries, 2 failed); 5,310 prompt + 96 completion tokens; $0.0142``"""
    line = (
        f"{usage.get('requests', 0)} requests ({usage.get('retries', 0)} retries, "
        f"{usage.get('failed', 0)} failed after retries); "
        f"{usage.get('prompt_tokens', 0):,} prompt + {usage.get('completion_tokens', 0):,} completion tokens"
    )
    if usage.get("cost_usd") is not None:
        line += f"; ${usage['cost_usd']:.4f}"
    return line


def usage_lines(models: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per model of a run record that has usage."""
    return [f"{name}: {usage_line(info['usage'])}" for name, info in models.items() if info.get("usage")]


def throughput_line(throughput: Mapping[str, Any]) -> str:
    """``120 requests in 30.1s of backend time: 3.99 requests/s, 1,204.3 tokens/s``"""
    line = (f"{throughput.get('requests', 0)} requests in {throughput.get('seconds', 0):.1f}s of backend time: "
            f"{throughput.get('requests_per_second') or 0:.2f} requests/s")
    if throughput.get("tokens_per_second") is not None:
        line += f", {throughput['tokens_per_second']:,.1f} tokens/s ({throughput['tokens']:,} tokens)"
    return line
