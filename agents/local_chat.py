"""A LangChain chat model over llama.cpp through `xllamacpp` (a prebuilt wheel: no compiler).

The model is loaded once per process and shared by every caller (the app's sessions included);
generations go one at a time. Each call has a token budget, a deadline for the first token and for
the whole answer, and a repetition guard that stops a small model looping on one phrase.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

log = logging.getLogger(__name__)


class LocalModelError(RuntimeError):
    """The local model could not answer; the message says why."""


class LocalModelTimeout(LocalModelError):
    def __init__(self, first_token: bool, seconds: float) -> None:
        self.first_token = first_token
        self.seconds = seconds
        what = "first token" if first_token else "answer"
        super().__init__(f"the local model gave no {what} within {seconds:.0f} s")


def default_threads() -> int:
    return max(1, os.cpu_count() or 1)


class LocalServer:
    """One loaded GGUF model; calls are serialised because a 2-core machine gains nothing from two."""

    loaded: ClassVar[list[LocalServer]] = []  # released before the interpreter exits (see below)

    def __init__(self, path: str, n_ctx: int, n_batch: int, threads: int) -> None:
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = path
        params.n_ctx = n_ctx
        params.n_batch = n_batch
        params.n_parallel = 1
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.verbosity = -1  # llama.cpp logs every slot event to stderr otherwise
        started = time.perf_counter()
        self._server = xllamacpp.Server(params)
        self.load_seconds = time.perf_counter() - started
        self.lock = threading.Lock()
        LocalServer.loaded.append(self)

    def close(self, wait: float = 10.0) -> None:
        """Free the native server once no generation holds it (a cancelled one stops at its next token)."""
        if self.lock.acquire(timeout=wait):
            try:
                self._server = None
            finally:
                self.lock.release()

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if self._server is None:
                raise LocalModelError("the local model was released")
            result = self._server.handle_chat_completions(request)
        if not isinstance(result, dict) or "choices" not in result:
            raise LocalModelError(f"the local model returned no answer ({str(result)[:200]})")
        return result

    def stream(self, request: dict[str, Any], on_chunk: Any) -> None:
        """Blocks until done; `on_chunk` returning True stops the generation."""
        with self.lock:
            if self._server is None:
                raise LocalModelError("the local model was released")
            self._server.handle_chat_completions({**request, "stream": True}, on_chunk)


@atexit.register
def _release_loaded_servers() -> None:
    # llama.cpp's server torn down by interpreter finalisation, with a generation thread still
    # inside it, can crash the process at exit; free it while Python is still whole
    # (an idle one is left to the process exit: freeing it costs a second for nothing)
    for server in LocalServer.loaded:
        if server.lock.locked():
            server.close()


@lru_cache(maxsize=2)
def load_server(path: str, n_ctx: int, n_batch: int, threads: int) -> LocalServer:
    return LocalServer(path, n_ctx, n_batch, threads)


def repeating_tail(text: str, min_unit: int = 8, repeats: int = 3) -> int | None:
    """Where a phrase starts repeating itself `repeats` times at the end of `text`, if it does."""
    tail = text[-600:]
    offset = len(text) - len(tail)
    for size in range(min_unit, len(tail) // repeats + 1):
        unit = tail[-size:]
        if unit.strip() and tail.endswith(unit * repeats):
            return offset + len(tail) - size * (repeats - 1)
    return None


def _role(message: BaseMessage) -> str:
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    return "user"


def _content(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    return "".join(b.get("text", "") for b in message.content if isinstance(b, dict))


class ChatXLlamaCpp(BaseChatModel):
    """Chat completions from a local GGUF file; `invoke(..., logprobs=True)` adds the top-5 per token."""

    model_path: str
    n_ctx: int = 4096
    n_batch: int = 512
    n_threads: int = Field(default_factory=default_threads)
    max_tokens: int = 512
    temperature: float = 0.0
    first_token_timeout: float = 20.0
    total_timeout: float = 90.0
    repeat_penalty: float = 1.1

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "max_tokens": self.max_tokens}

    def server(self) -> LocalServer:
        try:
            return load_server(self.model_path, self.n_ctx, self.n_batch, self.n_threads)
        except Exception as exc:
            raise LocalModelError(f"cannot load the local model {self.model_path} ({exc})") from exc

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": [{"role": _role(m), "content": _content(m)} for m in messages],
            "max_tokens": int(kwargs.pop("max_tokens", self.max_tokens)),
            "temperature": float(kwargs.pop("temperature", self.temperature)),
            "repeat_penalty": self.repeat_penalty,
        }
        if stop:
            request["stop"] = stop
        if kwargs.pop("logprobs", False):
            request["logprobs"] = True
            request["top_logprobs"] = 5
        return request

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request = self._request(messages, stop, **kwargs)
        if request.get("logprobs"):
            # a short, whole call: the picker reads the probabilities of one letter
            result = self.server().complete(request)
            choice = result["choices"][0]
            message = AIMessage(
                content=str(choice.get("message", {}).get("content") or ""),
                response_metadata={
                    "logprobs": choice.get("logprobs"),
                    "finish_reason": choice.get("finish_reason"),
                    "timings": result.get("timings"),
                },
            )
            return ChatResult(generations=[ChatGeneration(message=message)])
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        request = self._request(messages, stop, **kwargs)
        server = self.server()
        chunks: queue.Queue[tuple[str, Any]] = queue.Queue()
        cancel = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            chunks.put(("chunk", chunk))
            return cancel.is_set()

        def run() -> None:
            try:
                server.stream(request, on_chunk)
                chunks.put(("done", None))
            except Exception as exc:  # reported to the caller's thread below
                chunks.put(("error", exc))

        threading.Thread(target=run, name="local-model", daemon=True).start()
        started = time.monotonic()
        text = ""
        try:
            while True:
                limit = self.first_token_timeout if not text else self.total_timeout
                remaining = started + limit - time.monotonic()
                try:
                    kind, payload = chunks.get(timeout=max(remaining, 0.01))
                except queue.Empty:
                    raise LocalModelTimeout(not text, limit) from None
                if kind == "error":
                    raise LocalModelError(f"the local model failed ({payload})")
                if kind == "done":
                    return
                delta = _delta(payload)
                if not delta:
                    continue
                text += delta
                cut = repeating_tail(text)
                if cut is not None:
                    log.info("local model repeated itself; stopped after %d characters", cut)
                    return
                if run_manager:
                    run_manager.on_llm_new_token(delta)
                yield ChatGenerationChunk(message=AIMessageChunk(content=delta))
        finally:
            cancel.set()


def _delta(chunk: Any) -> str:
    if not isinstance(chunk, dict):
        return ""
    choices = chunk.get("choices") or [{}]
    return str((choices[0].get("delta") or {}).get("content") or "")
