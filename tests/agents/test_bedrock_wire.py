"""The Bedrock path at the wire: langchain-aws and botocore against a local HTTP fake of Bedrock
Runtime. Every failure ends within its deadline, says what happened in the learner's language,
and falls back to the extractive answer."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.graph import build_graph
from agents.nodes import AgentDeps
from agents.providers import ChatProvider, ProviderUnavailable, bedrock_provider
from agents.settings import Settings
from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from tests.agents.bedrock_fake import BedrockFake, running_fake
from tools.retrieval import HybridRetriever
from tools.translate import default_glossary

FIXTURES = Path(__file__).parents[1] / "fixtures"
QUESTION_EN = "Which identity does a SageMaker training job use to read S3?"
QUESTION_JA = "SageMaker のトレーニングジョブは S3 を読むときにどの ID を使いますか"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockFake]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with running_fake() as server:
        yield server


@pytest.fixture
def retriever(index: KnowledgeIndex, tmp_path: Path) -> HybridRetriever:
    shutil.copytree(FIXTURES / "docs", tmp_path / "docs")
    ingest(index, [str(tmp_path / "docs")])
    return HybridRetriever(index)


def provider_for(fake: BedrockFake, tmp_path: Path, first: float = 20.0, total: float = 90.0) -> ChatProvider:
    settings = Settings(
        data_dir=tmp_path, bedrock_endpoint_url=fake.url, first_token_timeout=first, answer_timeout=total
    )
    return bedrock_provider(settings)


def ask(retriever: HybridRetriever, provider: ChatProvider, question: str) -> tuple[dict[str, Any], float]:
    def factory(name: str) -> ChatProvider:
        if name == "bedrock":
            return provider
        raise ProviderUnavailable("provider.not_configured")

    deps = AgentDeps(retriever=retriever, glossary=default_glossary(), provider_factory=factory)
    started = time.monotonic()
    state = build_graph(deps).invoke({"question": question}, {"configurable": {"thread_id": "w"}})
    return dict(state), time.monotonic() - started


def test_converse_stream_event_frames_become_a_streamed_answer(
    fake: BedrockFake, retriever: HybridRetriever, tmp_path: Path
) -> None:
    provider = provider_for(fake, tmp_path)
    tokens = list(provider.stream([("human", "hi")]))  # type: ignore[list-item]
    assert len(tokens) >= 3 and "".join(tokens) == fake.behaviour.text
    assert fake.behaviour.requests[-1].endswith("/converse-stream")
    state, _ = ask(retriever, provider, QUESTION_EN)
    assert state["provider"] == "bedrock" and state["answer"].startswith("SageMaker assumes the execution role")
    assert state["citations"][0]["n"] == 1


@pytest.mark.parametrize(
    ("error", "english", "japanese"),
    [
        ((403, "AccessDeniedException", "You don't have access to the model"), "denied access", "アクセスを拒否"),
        ((400, "ValidationException", "The provided model identifier is invalid."), "not available in",
         "使えません"),
        ((404, "ResourceNotFoundException", "Model not found"), "not available in", "使えません"),
        ((429, "ThrottlingException", "Too many requests"), "throttling", "制限しています"),
        ((500, "InternalServerException", "boom"), "returned an error (InternalServerException)", "エラーを返しました"),
    ],
)  # fmt: skip
def test_aws_errors_fall_back_with_one_line_in_the_learners_language(
    fake: BedrockFake, retriever: HybridRetriever, tmp_path: Path, error: tuple[int, str, str], english: str,
    japanese: str,
) -> None:  # fmt: skip
    fake.behaviour.error = error
    provider = provider_for(fake, tmp_path)
    state, seconds = ask(retriever, provider, QUESTION_EN)
    assert state["provider"] == "extractive" and state["citations"]
    assert any(english in n for n in state["notices"]), state["notices"]
    assert seconds < 20
    state_ja, _ = ask(retriever, provider, QUESTION_JA)
    assert any(japanese in n for n in state_ja["notices"]), state_ja["notices"]


def test_a_stream_that_stalls_mid_answer_ends_at_the_answer_deadline(
    fake: BedrockFake, retriever: HybridRetriever, tmp_path: Path
) -> None:
    fake.behaviour.stall_after = 3  # messageStart and two deltas, then silence
    provider = provider_for(fake, tmp_path, first=5, total=1.5)
    state, seconds = ask(retriever, provider, QUESTION_JA)
    assert seconds < 6
    assert state["provider"] == "extractive"
    assert any("秒以内に終わりませんでした" in n for n in state["notices"]), state["notices"]


def test_a_slow_first_byte_ends_at_the_first_token_deadline(
    fake: BedrockFake, retriever: HybridRetriever, tmp_path: Path
) -> None:
    fake.behaviour.first_byte_delay = 30
    provider = provider_for(fake, tmp_path, first=1, total=10)
    state, seconds = ask(retriever, provider, QUESTION_EN)
    assert seconds < 5
    assert state["provider"] == "extractive"
    assert any("no answer started within 1 s" in n for n in state["notices"]), state["notices"]
