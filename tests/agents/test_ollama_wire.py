"""The Ollama path at the wire: langchain-ollama against a local fake of Ollama's HTTP API
(`/api/tags`, `/api/chat` streaming NDJSON), a model not pulled, and a server that went away."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agents.graph import build_graph
from agents.nodes import AgentDeps
from agents.providers import ChatProvider, ProviderUnavailable, local_provider
from agents.settings import Settings
from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from tests.net import free_port
from tools.retrieval import HybridRetriever
from tools.translate import default_glossary

FIXTURES = Path(__file__).parents[1] / "fixtures"
MODEL = "qwen2.5:7b-instruct"


class OllamaFake:
    def __init__(self) -> None:
        self.pulled = {MODEL}
        self.answer = "SageMaker assumes the execution role [1]."
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._json(200, {"models": [{"name": m, "model": m} for m in sorted(fake.pulled)]})

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if request.get("model") not in fake.pulled:
                    self._json(404, {"error": f"model \"{request.get('model')}\" not found, try pulling it first"})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                words = fake.answer.split(" ")
                lines = [{"model": MODEL, "created_at": "2026-12-02T00:00:00Z", "done": False,
                          "message": {"role": "assistant", "content": w + (" " if i < len(words) - 1 else "")}}
                         for i, w in enumerate(words)]  # fmt: skip
                lines.append({"model": MODEL, "created_at": "2026-12-02T00:00:01Z", "done": True,
                              "done_reason": "stop", "message": {"role": "assistant", "content": ""},
                              "total_duration": 1, "eval_count": len(words), "prompt_eval_count": 10})  # fmt: skip
                for line in lines:
                    data = (json.dumps(line) + "\n").encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.host = f"http://127.0.0.1:{self.port}"


@pytest.fixture
def ollama() -> Iterator[OllamaFake]:
    fake = OllamaFake()
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def retriever(index: KnowledgeIndex, tmp_path: Path) -> HybridRetriever:
    shutil.copytree(FIXTURES / "docs", tmp_path / "docs")
    ingest(index, [str(tmp_path / "docs")])
    return HybridRetriever(index)


def provider_for(ollama: OllamaFake, tmp_path: Path) -> ChatProvider:
    return local_provider(Settings(data_dir=tmp_path / "empty", ollama_host=ollama.host, ollama_model=MODEL))


def ask(retriever: HybridRetriever, provider: ChatProvider, question: str) -> dict[str, Any]:
    def factory(name: str) -> ChatProvider:
        if name == "local":
            return provider
        raise ProviderUnavailable("provider.not_configured")

    deps = AgentDeps(retriever=retriever, glossary=default_glossary(), provider_choice="local",
                     provider_factory=factory)  # fmt: skip
    return dict(build_graph(deps).invoke({"question": question}, {"configurable": {"thread_id": "o"}}))


def test_a_running_ollama_is_the_local_provider_and_streams_ndjson(
    ollama: OllamaFake, retriever: HybridRetriever, tmp_path: Path
) -> None:
    provider = provider_for(ollama, tmp_path)
    assert provider.model == f"ollama:{MODEL}"
    tokens = list(provider.stream([("human", "hi")]))  # type: ignore[list-item]
    assert len(tokens) > 3 and "".join(tokens) == ollama.answer
    state = ask(retriever, provider, "Which identity does a training job use to read S3?")
    assert state["provider"] == "local" and state["answer"].startswith("SageMaker assumes")


def test_a_model_not_pulled_says_how_to_pull_it(ollama: OllamaFake, retriever: HybridRetriever, tmp_path: Path) -> None:
    provider = provider_for(ollama, tmp_path)
    ollama.pulled = set()
    state = ask(retriever, provider, "SageMaker のトレーニングジョブは S3 をどう読みますか")
    assert state["provider"] == "extractive" and state["citations"]
    assert any(f"ollama pull {MODEL}" in n for n in state["notices"]), state["notices"]


def test_a_server_that_went_away_falls_back_with_one_line(
    ollama: OllamaFake, retriever: HybridRetriever, tmp_path: Path
) -> None:
    provider = provider_for(ollama, tmp_path)
    ollama.server.shutdown()
    ollama.server.server_close()
    state = ask(retriever, provider, "Which identity does a training job use to read S3?")
    assert state["provider"] == "extractive"
    assert any("cannot reach Ollama" in n for n in state["notices"]), state["notices"]


def test_without_a_server_or_a_model_the_local_provider_says_what_to_do(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ollama_host=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderUnavailable, match="awsstudy models install"):
        local_provider(settings)
