"""The xllamacpp chat model against a fake of `xllamacpp.Server` (the native boundary we don't own):
streaming, the token budget, the repetition guard, the deadlines, and one load per process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import xllamacpp
from langchain_core.messages import HumanMessage, SystemMessage

from agents import local_chat
from agents.local_chat import ChatXLlamaCpp, LocalModelTimeout, repeating_tail


class FakeServer:
    """Speaks `handle_chat_completions` as xllamacpp does: a dict back, or chunks to a callback
    that stops the generation by returning True."""

    instances = 0
    script: Callable[[dict[str, Any]], Iterator[str]] = staticmethod(lambda request: iter(["Hello", "."]))
    delay = 0.0
    seen: list[dict[str, Any]] = []  # noqa: RUF012

    def __init__(self, params: Any) -> None:
        FakeServer.instances += 1
        self.params = params

    def handle_chat_completions(self, request: dict[str, Any], callback: Any = None) -> Any:
        FakeServer.seen.append(request)
        if callback is None:
            top = [{"token": "B", "logprob": -0.1}, {"token": "A", "logprob": -2.5}]
            logprobs = {"content": [{"token": "B", "top_logprobs": top}]}
            return {"choices": [{"message": {"content": "B"}, "finish_reason": "length", "logprobs": logprobs}]}
        callback({"choices": [{"delta": {"role": "assistant", "content": None}}]})
        for piece in FakeServer.script(request):
            time.sleep(FakeServer.delay)
            if callback({"choices": [{"delta": {"content": piece}}]}):
                return None
        callback({"choices": [{"delta": {}, "finish_reason": "stop"}]})
        return None


@pytest.fixture(autouse=True)
def fake_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(xllamacpp, "Server", FakeServer)
    FakeServer.instances, FakeServer.delay, FakeServer.seen = 0, 0.0, []
    FakeServer.script = staticmethod(lambda request: iter(["Hello", "."]))
    local_chat.load_server.cache_clear()
    yield
    local_chat.load_server.cache_clear()


def chat(**kwargs: Any) -> ChatXLlamaCpp:
    return ChatXLlamaCpp(model_path="/models/tiny.gguf", **kwargs)


def test_streams_tokens_and_sends_openai_messages_with_the_budget() -> None:
    model = chat(max_tokens=64, n_threads=2)
    tokens = [c.content for c in model.stream([SystemMessage("rules"), HumanMessage("hi")]) if c.content]
    assert tokens == ["Hello", "."]
    request = FakeServer.seen[0]
    assert request["messages"] == [{"role": "system", "content": "rules"}, {"role": "user", "content": "hi"}]
    assert request["max_tokens"] == 64 and request["stream"] is True


def test_the_model_is_loaded_once_per_process_and_shared() -> None:
    chat().invoke("a")
    chat().invoke("b")
    assert FakeServer.instances == 1


def test_a_looping_answer_is_stopped_by_the_repetition_guard() -> None:
    FakeServer.script = staticmethod(lambda request: iter(["SageMaker は", *["同じ文を繰り返します。"] * 200]))
    text = chat().invoke("loop").content
    assert isinstance(text, str) and text.count("同じ文を繰り返します。") <= 3
    assert len(FakeServer.seen) == 1


def test_no_first_token_within_the_deadline_is_a_clear_error() -> None:
    FakeServer.delay = 0.5
    with pytest.raises(LocalModelTimeout, match="no first token within"):
        chat(first_token_timeout=0.1).invoke("slow")


def test_a_stalled_answer_ends_at_the_total_deadline() -> None:
    FakeServer.script = staticmethod(lambda request: iter(["a", "b", "c", "d", "e", "f"]))
    FakeServer.delay = 0.15
    started = time.monotonic()
    with pytest.raises(LocalModelTimeout, match="no answer within"):
        chat(first_token_timeout=5, total_timeout=0.4).invoke("stall")
    assert time.monotonic() - started < 1.5


def test_logprobs_come_back_in_the_response_metadata() -> None:
    reply = chat().invoke("pick", max_tokens=1, logprobs=True)
    assert reply.content == "B"
    assert reply.response_metadata["logprobs"]["content"][0]["top_logprobs"][0]["token"] == "B"
    assert FakeServer.seen[-1]["top_logprobs"] == 5


def test_generations_from_two_threads_take_turns() -> None:
    FakeServer.delay = 0.02
    outputs: list[str] = []

    def ask() -> None:
        outputs.append(str(chat().invoke("x").content))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outputs == ["Hello.", "Hello."]


def test_repeating_tail_finds_only_real_loops() -> None:
    assert repeating_tail("abc " + "loop here. " * 3) is not None
    assert repeating_tail("a normal sentence that ends once.") is None
    assert repeating_tail("short " * 2) is None


def test_a_released_model_says_so_instead_of_crashing() -> None:
    model = chat()
    assert model.invoke("a").content == "Hello."
    model.server().close()
    with pytest.raises(local_chat.LocalModelError, match="released"):
        model.invoke("b")
