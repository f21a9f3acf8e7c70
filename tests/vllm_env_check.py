"""Checks the CPU vLLM test environment (.venv-vllm, built by .ci/vllm-env) and prints figures.

Not a pytest module (pytest collects test_*.py only). Run it as

    .venv-vllm/bin/python tests/vllm_env_check.py --model-folder DIR

with DIR a plain transformers folder (for SmolLM2-135M-Instruct, the one bioeval's
``bioeval.backends.gguf.converted_folder`` makes). In order, one engine at a time:

1. lm-eval's HFLM (float32) gives the reference loglikelihoods, greedy generations and chat
   template;
2. lm-eval's VLLM (in this process; vLLM adds one engine-core process) must match them:
   loglikelihoods within --tolerance, generations token-identical, same chat template;
3. a `vllm serve` subprocess on 127.0.0.1: lm-eval's local-completions must match the
   loglikelihoods (token-id and string prompts) and generations, local-chat-completions must
   generate what VLLM generates from the chat-templated prompt.

Prints engine-start times, peak RSS of the process tree, max |loglikelihood diff|, and exits
non-zero if a check fails. Every server it starts is stopped before it exits.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

# before vLLM is imported: CPU platform; 1 GiB KV cache (the default reserves most of the RAM)
os.environ.setdefault("VLLM_TARGET_DEVICE", "cpu")
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import psutil  # noqa: E402  (a vLLM dependency)

LOGLIKELIHOOD_REQUESTS = [
    ("The capital of France is", " Paris"),
    ("The capital of France is", " Berlin"),
    ("Question: Is aspirin a nonsteroidal anti-inflammatory drug?\nAnswer:", " yes"),
    ("Question: Is aspirin a nonsteroidal anti-inflammatory drug?\nAnswer:", " no"),
    ("Insulin is a hormone produced by the", " beta cells of the pancreas."),
    ("", "Hello world"),  # empty context: the prefix (BOS) token is the context
]
GENERATE_REQUESTS = [
    ("The mitochondria is the", {"until": ["\n"], "max_gen_toks": 24, "do_sample": False}),
    ("Q: What organ pumps blood through the body?\nA:", {"until": ["\n"], "max_gen_toks": 16, "do_sample": False}),
]
CHAT = [{"role": "user", "content": "Name one symptom of influenza."}]
CHAT_GEN_KWARGS = {"until": ["<|im_end|>"], "max_gen_toks": 24, "do_sample": False}


class PeakRss:
    """Samples the summed RSS of this process and all its descendants (or of a given pid's tree)."""

    def __init__(self, pid: int | None = None, interval: float = 0.25):
        self.pid = pid or os.getpid()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def instances(kind: str, args_list):
    from lm_eval.api.instance import Instance

    return [Instance(kind, {}, args, idx=i) for i, args in enumerate(args_list)]


def run_lm(lm, chat_prompt) -> dict:
    ll = lm.loglikelihood(instances("loglikelihood", LOGLIKELIHOOD_REQUESTS))
    gen = lm.generate_until(instances("generate_until", [(c, dict(k)) for c, k in GENERATE_REQUESTS]))
    out = {"loglikelihood": [(float(x), bool(g)) for x, g in ll], "generate": gen}
    if chat_prompt is not None:
        out["chat"] = lm.generate_until(instances("generate_until", [(chat_prompt, dict(CHAT_GEN_KWARGS))]))
    return out


class Checks:
    def __init__(self, tolerance: float):
        self.tolerance = tolerance
        self.failed: list[str] = []
        self.figures: dict[str, object] = {}

    def expect(self, ok: bool, what: str) -> None:
        print(("  ok   " if ok else "  FAIL ") + what, flush=True)
        if not ok:
            self.failed.append(what)

    def compare(self, name: str, ref: dict, got: dict) -> None:
        diffs = [abs(a[0] - b[0]) for a, b in zip(ref["loglikelihood"], got["loglikelihood"])]
        worst = max(diffs)
        self.figures[f"{name} max |ll diff| vs HFLM"] = f"{worst:.2e}"
        print(f"  {name} loglikelihoods: {[round(x, 4) for x, _ in got['loglikelihood']]}")
        self.expect(worst <= self.tolerance, f"{name}: max |loglikelihood - HFLM| = {worst:.2e} <= {self.tolerance}")
        self.expect(
            [g for _, g in ref["loglikelihood"]] == [g for _, g in got["loglikelihood"]],
            f"{name}: is_greedy flags equal HFLM's",
        )
        if "generate" in got:
            print(f"  {name} generations: {got['generate']!r}")
            self.expect(got["generate"] == ref["generate"], f"{name}: greedy generate_until equals HFLM's")


def check_hflm(folder: str, checks: Checks) -> tuple[dict, str]:
    from lm_eval.models.huggingface import HFLM

    print("== HFLM (reference)", flush=True)
    t = time.perf_counter()
    lm = HFLM(pretrained=folder, dtype="float32", device="cpu", batch_size=1, max_length=2048)
    checks.figures["HFLM load s"] = round(time.perf_counter() - t, 1)
    chat_prompt = lm.apply_chat_template(CHAT, add_generation_prompt=True)
    ref = run_lm(lm, chat_prompt)
    print(f"  HFLM loglikelihoods: {[round(x, 4) for x, _ in ref['loglikelihood']]}")
    print(f"  HFLM generations: {ref['generate']!r}; chat: {ref['chat']!r}")
    del lm
    gc.collect()
    return ref, chat_prompt


def check_vllm(folder: str, ref: dict, hf_chat_prompt: str, checks: Checks, batch_size) -> dict:
    from lm_eval.models.vllm_causallms import VLLM

    print("== lm-eval VLLM (in process)", flush=True)
    with PeakRss() as rss:
        t = time.perf_counter()
        lm = VLLM(
            pretrained=folder,
            dtype="float32",
            enforce_eager=True,  # no torch.compile / graph capture: ~30 s start instead of ~2 min
            max_model_len=2048,
            batch_size=batch_size,
            tensor_parallel_size=1,
            data_parallel_size=1,
            gpu_memory_utilization=0.5,  # accepted and passed on to vllm.LLM; the CPU backend sizes its KV cache from VLLM_CPU_KVCACHE_SPACE
            seed=1234,
        )
        checks.figures["VLLM engine start s"] = round(time.perf_counter() - t, 1)
        checks.figures["VLLM RSS after start"] = gib(rss.now())
        chat_prompt = lm.apply_chat_template(CHAT, add_generation_prompt=True)
        t = time.perf_counter()
        got = run_lm(lm, chat_prompt)
        checks.figures["VLLM requests s"] = round(time.perf_counter() - t, 1)
        checks.figures["VLLM peak RSS (process tree)"] = gib(max(rss.peak, rss.now()))
    checks.compare("VLLM", ref, got)
    checks.expect(chat_prompt == hf_chat_prompt, "VLLM: apply_chat_template gives HFLM's prompt")
    print(f"  VLLM chat: {got['chat']!r}")
    checks.expect(got["chat"] == ref["chat"], "VLLM: chat-templated generation equals HFLM's")
    engine = getattr(lm.model, "llm_engine", None)
    shutdown = getattr(getattr(engine, "engine_core", None), "shutdown", None)
    if callable(shutdown):
        shutdown()
    del lm, engine
    gc.collect()
    return got


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: str, name: str, port: int, log: Path) -> subprocess.Popen:
    vllm_cli = Path(sys.executable).with_name("vllm")
    cmd = [
        str(vllm_cli), "serve", folder, "--host", "127.0.0.1", "--port", str(port),
        "--dtype", "float32", "--max-model-len", "2048", "--enforce-eager",
        "--served-model-name", name,
    ]
    print("  $ " + " ".join(cmd), flush=True)
    return subprocess.Popen(
        cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ},
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_ready(proc: subprocess.Popen, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"vllm serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"vllm serve not ready after {timeout} s")


def check_server(folder: str, ref: dict, vllm_out: dict, hf_chat_prompt: str, checks: Checks, port: int, log: Path) -> None:
    from lm_eval.models.openai_completions import LocalChatCompletion, LocalCompletionsAPI

    print("== vllm serve + local-completions / local-chat-completions", flush=True)
    name = "smollm2-test"
    proc = start_server(folder, name, port, log)
    try:
        with PeakRss(proc.pid) as rss:
            t = time.perf_counter()
            wait_ready(proc, port, timeout=600)
            checks.figures["vllm serve ready s"] = round(time.perf_counter() - t, 1)
            checks.figures["vllm serve RSS after start"] = gib(rss.now())
            common = dict(model=name, tokenizer_backend="huggingface", tokenizer=folder,
                          max_length=2048, num_concurrent=1, max_retries=1, timeout=120)
            url = f"http://127.0.0.1:{port}/v1/completions"
            lm = LocalCompletionsAPI(base_url=url, tokenized_requests=True, batch_size=1, **common)
            got = run_lm(lm, None)
            checks.compare("local-completions (token ids)", ref, got)
            lm = LocalCompletionsAPI(base_url=url, tokenized_requests=False, batch_size=2, **common)
            got = {"loglikelihood": [(float(x), bool(g)) for x, g in lm.loglikelihood(instances("loglikelihood", LOGLIKELIHOOD_REQUESTS))]}
            checks.compare("local-completions (strings, batch 2)", ref, got)
            # the completions endpoint with the chat-templated prompt as plain text
            lm = LocalCompletionsAPI(base_url=url, tokenized_requests=True, batch_size=1, **common)
            templated = lm.apply_chat_template(CHAT, add_generation_prompt=True)
            checks.expect(templated == hf_chat_prompt, "local-completions: apply_chat_template gives HFLM's prompt")
            chat = LocalChatCompletion(
                base_url=f"http://127.0.0.1:{port}/v1/chat/completions", model=name,
                max_length=2048, max_retries=1, timeout=120,
            )
            msg = chat.apply_chat_template(CHAT, add_generation_prompt=True)  # a JsonChatStr
            gen = chat.generate_until(instances("generate_until", [(msg, dict(CHAT_GEN_KWARGS))]))
            print(f"  local-chat-completions: {gen!r}")
            checks.expect(bool(gen and gen[0] and gen[0].strip()), "local-chat-completions: generates text")
            checks.expect(gen == vllm_out["chat"], "local-chat-completions: equals VLLM's chat-templated generation")
            checks.figures["vllm serve peak RSS (process tree)"] = gib(max(rss.peak, rss.now()))
    finally:
        stop_server(proc)
        print(f"  server stopped (exit {proc.returncode}); log: {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-folder", required=True, help="a plain transformers model folder")
    parser.add_argument("--port", type=int, default=0, help="port for vllm serve (default: a free one)")
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--batch-size", default="auto", help="VLLM batch_size: 'auto' or an int")
    parser.add_argument("--skip-engine", action="store_true", help="skip the in-process VLLM check")
    parser.add_argument("--skip-server", action="store_true", help="skip the vllm serve check")
    parser.add_argument("--server-log", default="/tmp/vllm_env_check_serve.log")
    args = parser.parse_args()
    folder = str(Path(args.model_folder).resolve())
    batch_size = args.batch_size if args.batch_size == "auto" else int(args.batch_size)

    import importlib.metadata as md

    print("versions: " + ", ".join(f"{d} {md.version(d)}" for d in ("vllm", "vllm-cpu", "lm_eval", "torch", "transformers")))
    checks = Checks(args.tolerance)
    t0 = time.perf_counter()
    ref, hf_chat_prompt = check_hflm(folder, checks)
    vllm_out = {"chat": ref["chat"]}
    if not args.skip_engine:
        vllm_out = check_vllm(folder, ref, hf_chat_prompt, checks, batch_size)
    if not args.skip_server:
        check_server(folder, ref, vllm_out, hf_chat_prompt, checks, args.port or free_port(), Path(args.server_log))
    checks.figures["total s"] = round(time.perf_counter() - t0, 1)
    print("== figures")
    print(json.dumps(checks.figures, indent=2))
    if checks.failed:
        print(f"{len(checks.failed)} check(s) failed:\n  " + "\n  ".join(checks.failed))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":  # vLLM spawns processes that re-import this module
    sys.exit(main())
